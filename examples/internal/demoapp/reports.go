package demoapp

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/examples/internal/reportsapi"
	"github.com/qyzmet/qyzmet/reports"
)

// reportsRoutes are the reporting and audit API's routes (issue 8).
func (a *App) reportsRoutes(cfg Config) []httpx.Route {
	return reportsapi.Routes(reportsapi.Deps{
		Reports: a.Reports, Appeals: a.Store, Catalogue: a.Store, Onboardings: a.Store, Ledgers: a.Store, Audit: a.Store,
		Calendar: cfg.Calendar, Clock: cfg.Clock, Logger: cfg.Logger,
	})
}

// OpenMonth records the current month's reporting duties (Rules130 p.14)
// unless they exist: RunWorkers calls it on every round, so each month's
// reports are owed, with their timers, from its first round on. With no
// recipient registered yet there is nothing to open and nothing happens.
func (a *App) OpenMonth(ctx context.Context) error {
	return a.openMonth(ctx, reports.PeriodOf(a.clock.Now(), a.Reports.Location()))
}

func (a *App) openMonth(ctx context.Context, p reports.Period) error {
	_, err := a.Reports.Monthly(ctx, p)
	if !errors.Is(err, deadlines.ErrNotFound) {
		return err
	}
	_, err = a.Reports.OpenMonth(ctx, p, "demo-scheduler")
	switch {
	case errors.Is(err, deadlines.ErrConflict): // another instance opened it
		return nil
	case errors.Is(err, deadlines.ErrNotFound): // no recipient registered yet
		return nil
	}
	return err
}

// seedAppealsPerMonth is how many appeals the demo register holds for a
// whole month; the current month holds those received by now.
const seedAppealsPerMonth = 240

// seedPairs are the demo catalogue's providers and their services.
var seedPairs = [][2]string{
	{"registry-office", "birth-registration"}, {"registry-office", "marriage-registration"},
	{"labour-ministry", "birth-allowance"}, {"education-department", "kindergarten-queue"},
	{"migration-service", "identity-document"},
}

var (
	seedRegions = []string{"Astana", "Almaty", "Shymkent", "Mangystau", "Karaganda", "Aktobe", "Atyrau", "Pavlodar", "Turkistan"}
	seedForum   = []string{"Aigerim Nurlanovna Sadykova", "Daniyar Serikovich Omarov", "Olga Viktorovna Kim"}
	seedGiven   = []string{"Aruzhan", "Nursultan", "Dana", "Yerlan", "Madina", "Timur", "Saule", "Arman", "Zhanna", "Ilyas"}
	seedFamily  = []string{"Abenov", "Bekova", "Zhumabayev", "Iskakova", "Tokayev", "Sultanova", "Akhmetov", "Nurpeisova"}
	seedContent = []string{
		"The term of the service was exceeded",
		"A document not required by the standard was demanded",
		"The employee refused to accept the application",
		"No answer was given to the applicant's enquiry",
		"The result was issued with errors",
		"The applicant was treated impolitely",
	}
)

// seedReports opens the previous and the current month's duties and fills
// the appeal register with a deterministic set of appeals for both months,
// so that the reports and the dashboard's chart have data. Appeals have
// fixed IDs and instants (those after now are left for a later start), and
// existing ones are skipped, so it is safe to run on every start.
func (a *App) seedReports(ctx context.Context, now time.Time) error {
	loc := a.Reports.Location()
	cur := reports.PeriodOf(now, loc)
	prev := reports.PeriodOf(time.Date(cur.Year, cur.Month, 0, 12, 0, 0, 0, loc), loc)
	for _, p := range []reports.Period{prev, cur} {
		if err := a.seedAppeals(ctx, p, now); err != nil {
			return fmt.Errorf("seed appeals of %s: %w", p, err)
		}
		if err := a.openMonth(ctx, p); err != nil {
			return fmt.Errorf("seed the duties of %s: %w", p, err)
		}
	}
	return nil
}

// SeedAppeals are the demo register's appeals of month p received by now,
// the same on every call.
func SeedAppeals(p reports.Period, loc *time.Location, now time.Time) []reports.Appeal {
	from, to := p.Bounds(loc)
	days := int(to.Sub(from).Hours()/24 + 0.5)
	rng := rand.New(rand.NewPCG(uint64(p.Year), uint64(p.Month)))
	var out []reports.Appeal
	for i := range seedAppealsPerMonth {
		day := i * days / seedAppealsPerMonth
		at := time.Date(p.Year, p.Month, 1+day, 9+rng.IntN(9), rng.IntN(60), 0, 0, loc)
		pair := seedPairs[rng.IntN(len(seedPairs))]
		nature := reports.StandardViolation
		switch r := rng.IntN(10); {
		case r >= 8:
			nature = reports.StandardViolation | reports.EmployeeConduct
		case r >= 5:
			nature = reports.EmployeeConduct
		}
		a := reports.Appeal{
			ID:               fmt.Sprintf("seed-%s-%04d", p, i+1),
			ReceivedAt:       at,
			ForumResponsible: seedForum[rng.IntN(len(seedForum))],
			Region:           seedRegions[rng.IntN(len(seedRegions))],
			ApplicantName:    seedGiven[rng.IntN(len(seedGiven))] + " " + seedFamily[rng.IntN(len(seedFamily))],
			ApplicantIIN:     seedIIN(rng),
			Nature:           nature,
			Content:          seedContent[rng.IntN(len(seedContent))],
			RequestNo:        fmt.Sprintf("KZ-%d%02d-%05d", p.Year, int(p.Month), 10000+i*37%90000),
			BodyID:           pair[0],
			ServiceID:        pair[1],
		}
		if at.After(now) {
			break
		}
		out = append(out, a)
	}
	return out
}

// seedIIN returns a valid IIN of someone born 1960–2005.
func seedIIN(rng *rand.Rand) string {
	for {
		y := 1960 + rng.IntN(46)
		century := 3 + rng.IntN(2) // born in the 1900s, male or female
		if y >= 2000 {
			century += 2
		}
		first11 := fmt.Sprintf("%02d%02d%02d%d%04d", y%100, 1+rng.IntN(12), 1+rng.IntN(28), century, rng.IntN(10000))
		if iin, err := kzid.Complete(first11); err == nil {
			return iin
		}
	}
}

func (a *App) seedAppeals(ctx context.Context, p reports.Period, now time.Time) error {
	loc := a.Reports.Location()
	from, to := p.Bounds(loc)
	have := map[string]bool{}
	for ap, err := range a.Store.Appeals(ctx, reports.AppealQuery{From: from, To: to}) {
		if err != nil {
			return err
		}
		have[ap.ID] = true
	}
	for _, ap := range SeedAppeals(p, loc, now) {
		if have[ap.ID] {
			continue
		}
		if _, err := a.Reports.RecordAppeal(ctx, ap, "demo-seed"); err != nil && !errors.Is(err, deadlines.ErrConflict) {
			return fmt.Errorf("appeal %s: %w", ap.ID, err)
		}
	}
	return nil
}
