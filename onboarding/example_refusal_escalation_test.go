package onboarding_test

import (
	"context"
	"fmt"
	"time"
	_ "time/tzdata"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
)

// A body refuses the UCC twice in one month without a lawful ground
// (Rules130 p.11): the UCC owes the quality authority one notice within 3
// working days of the second refusal (p.12). 21–25 March 2025 are Nauryz
// days off, so a refusal on Wed 19 March makes the notice due Thu 27 March
// (20, 26, 27). Nobody sends it, and the sweeper fires its breach once.
func Example_refusalEscalation() {
	ctx := context.Background()
	cal := kz.Calendar()
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, cal.Location())
		if err != nil {
			panic(err)
		}
		return t
	}
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	store := memory.New()
	clock := deadlinestest.NewClock(at("2025-03-20 12:00"))
	svc, err := onboarding.NewService(store, cal, clock)
	must(err)
	must(svc.RegisterBody(ctx, onboarding.Body{ID: "ministry", Kind: onboarding.KindCentral, BIN: "050140000041",
		Name: deadlines.Names{KK: "Әділет министрлігі", RU: "Министерство юстиции", EN: "Ministry of Justice"}, Region: "Astana", Zone: "Asia/Almaty"}))

	var ledger *onboarding.RefusalLedger
	for _, refusedAt := range []string{"2025-03-05 10:00", "2025-03-19 15:00"} {
		when := at(refusedAt)
		req, err := svc.AskBody(ctx, "ministry", "", "which documents does the service require?", when.Add(-24*time.Hour), "ucc-operator")
		must(err)
		ledger, err = svc.Answer(ctx, req.ID, onboarding.Answer{Kind: onboarding.Refused, At: when, By: "ministry-clerk",
			Text: "not our business", Documents: []onboarding.Document{{Name: "reply letter", Ref: "out-" + when.Format("0102")}}})
		must(err)
		fmt.Printf("%s ministry refused: refusal %d in %s, %d notice(s)\n", when.Format(time.DateOnly), len(ledger.Refusals), ledger.Key.Period, len(ledger.Notices))
	}
	n := ledger.Notice(1)
	d := n.Timer.Deadline(cal)
	fmt.Printf("notice 1: %d refusals, %d attachments, due %s (%s)\n", len(n.RequestIDs), len(n.Attachments), d.Due.Format(time.DateOnly), d.Rule)

	sweeper, err := deadlines.NewSweeper(store, cal, clock, svc.HandleFiring)
	must(err)
	for _, now := range []string{"2025-03-28 09:00", "2025-03-31 09:00"} {
		clock.Set(at(now))
		fired, err := sweeper.Sweep(ctx)
		must(err)
		if len(fired) == 0 {
			fmt.Printf("sweep %s: nothing to fire\n", now)
		}
		for _, f := range fired {
			fmt.Printf("sweep %s: %s fired (due at %s, %s)\n", now, f.Rung.Name, f.At.Format("2006-01-02 15:04"), f.Rung.Rule)
		}
	}

	// Output:
	// 2025-03-05 ministry refused: refusal 1 in 2025-03, 0 notice(s)
	// 2025-03-19 ministry refused: refusal 2 in 2025-03, 1 notice(s)
	// notice 1: 2 refusals, 2 attachments, due 2025-03-27 (Rules130 p.12)
	// sweep 2025-03-28 09:00: warning-1 fired (due at 2025-03-26 00:00, Rules130 p.12)
	// sweep 2025-03-28 09:00: breach fired (due at 2025-03-28 00:00, Rules130 p.12)
	// sweep 2025-03-31 09:00: nothing to fire
}
