package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

// ReportsStore is the reports.Store port plus the deadlines.SweepStore
// that must see the timers embedded in its monthly reports and
// reconciliations.
type ReportsStore interface {
	reports.Store
	deadlines.SweepStore
}

// reportsBundle is one isolated world: fresh stores with the quality
// authority, two providing bodies and a service, a reports service with
// predictable IDs and a clock.
type reportsBundle struct {
	ctx   context.Context
	cal   *deadlines.Calendar // Asia/Almaty
	clock *deadlinestest.Clock
	store ReportsStore
	svc   *reports.Service
	march reports.Period
}

func setupReports(t testing.TB, h Harness) *reportsBundle {
	t.Helper()
	ctx := context.Background()
	c := kz.Calendar()
	stores := h.NewStores(ctx, t)
	if stores.Reports == nil {
		t.Skip("the adapter does not store reports (Stores.Reports is nil)")
	}
	b := &reportsBundle{ctx: ctx, cal: c, store: stores.Reports,
		clock: deadlinestest.NewClock(c.Date(2025, time.April, 1).Add(9 * time.Hour)),
		march: reports.Period{Year: 2025, Month: time.March}}
	var n atomic.Int64
	svc, err := reports.NewService(b.store, c, b.clock, reports.WithIDs(func() string { return fmt.Sprintf("id-%04d", n.Add(1)) }))
	require.NoError(t, err)
	b.svc = svc
	for _, body := range []onboarding.Body{
		newBody(t, bodyOpts{ID: "quality", Serial: 20, Kind: onboarding.KindQualityAuthority}),
		newBody(t, bodyOpts{ID: "ministry", Serial: 40}),
		newBody(t, bodyOpts{ID: "akimat-mangystau", Serial: 60, Kind: onboarding.KindLocalExecutive, Level: onboarding.LevelRegion, Region: "Mangystau", Zone: "Asia/Aqtau"}),
	} {
		require.NoError(t, body.Validate())
		require.NoError(t, b.store.CreateBody(ctx, body))
	}
	require.NoError(t, b.store.CreateService(ctx, newService(serviceOpts{ID: "birth-registration", Providers: []string{"ministry", "akimat-mangystau"}})))
	return b
}

// validIIN returns a valid IIN of a person born on 1985-01-01.
func validIIN(serial int) string {
	for ; ; serial++ {
		prefix := fmt.Sprintf("8501013%04d", serial%10000)
		for d := 0; d <= 9; d++ {
			if s := prefix + strconv.Itoa(d); kzid.ValidateIIN(s) == nil {
				return s
			}
		}
	}
}

// newAppeal is an appeal about the ministry's service received at `at`.
func newAppeal(id string, at time.Time, bodyID string) reports.Appeal {
	return reports.Appeal{ID: id, ReceivedAt: at, ForumResponsible: "Forum Keeper", Region: "Astana", ApplicantName: "Applicant " + id,
		ApplicantIIN: validIIN(len(id)), Nature: reports.StandardViolation | reports.EmployeeConduct, Content: "content of " + id,
		RequestNo: "REQ-" + id, BodyID: bodyID, ServiceID: "birth-registration", RecordedAt: at.Add(time.Hour), RecordedBy: "ucc-operator"}
}

// collect drains an Appeals iterator into "id" strings.
func collect(t testing.TB, s reports.Source, q reports.AppealQuery) []string {
	t.Helper()
	var out []string
	for a, err := range s.Appeals(context.Background(), q) {
		require.NoError(t, err)
		out = append(out, a.ID)
	}
	return out
}

// newReconciliation is a reconciliation of March with one discrepancy whose
// immediate timer starts at `at`.
func (b *reportsBundle) newReconciliation(t testing.TB, id string, at time.Time) *reports.Reconciliation {
	t.Helper()
	tm, err := deadlines.NewTimer(b.cal, "reconciliation/"+id+"/1", "p.16 discrepancy", reports.TermExplanation, at)
	require.NoError(t, err)
	return &reports.Reconciliation{ID: id, Period: b.march, Source: "ministry.csv", ReceivedAt: at, Bodies: []string{"ministry"},
		Figures:       []reports.Figure{{Line: 2, Period: b.march, BodyID: "ministry", Dimension: reports.DimTotal, Count: 3}},
		Discrepancies: []*reports.Discrepancy{{Seq: 1, BodyID: "ministry", Dimension: reports.DimTotal, Reported: 3, UCC: 2, Timer: tm}},
		History:       []onboarding.Event{{Seq: 1, Type: "reconciliation.opened", Rule: deadlines.Cite(deadlines.Rules130, 16), Actor: "ucc", At: at, Recorded: at}},
	}
}

func runReports(t *testing.T, h Harness) {
	t.Run("MonthlyCreateGetUpdate", func(t *testing.T) {
		t.Parallel()
		b := setupReports(t, h)
		m, err := b.svc.OpenMonth(b.ctx, b.march, "ucc-analyst")
		require.NoError(t, err)
		got, err := b.store.GetMonthly(b.ctx, b.march)
		require.NoError(t, err)
		require.Equal(t, canonicalJSON(t, m), canonicalJSON(t, got))
		require.Len(t, got.Deliveries, 3)
		require.Equal(t, "quality", got.Deliveries[0].Recipient.ID)

		require.ErrorIs(t, b.store.CreateMonthly(b.ctx, m), reports.ErrConflict)
		_, err = b.store.GetMonthly(b.ctx, reports.Period{Year: 2025, Month: time.February})
		require.ErrorIs(t, err, reports.ErrNotFound)
		err = b.store.UpdateMonthly(b.ctx, reports.Period{Year: 2025, Month: time.February}, func(*reports.MonthlyReport) error { return nil })
		require.ErrorIs(t, err, reports.ErrNotFound)

		// The store copies on the way in and out.
		got.Deliveries[0].State, got.History = reports.Sent, nil
		again, err := b.store.GetMonthly(b.ctx, b.march)
		require.NoError(t, err)
		require.Equal(t, canonicalJSON(t, m), canonicalJSON(t, again))

		boom := errors.New("boom")
		err = b.store.UpdateMonthly(b.ctx, b.march, func(m *reports.MonthlyReport) error {
			m.Deliveries[1].State = reports.Acknowledged
			m.History = append(m.History, onboarding.Event{Type: "should not stick"})
			return boom
		})
		require.ErrorIs(t, err, boom)
		again, err = b.store.GetMonthly(b.ctx, b.march)
		require.NoError(t, err)
		require.Equal(t, canonicalJSON(t, m), canonicalJSON(t, again), "a failed closure is not saved")

		b.clock.Set(b.cal.Date(2025, time.April, 2).Add(10 * time.Hour))
		var sink discard
		_, err = b.svc.Generate(b.ctx, b.march, "ministry", &sink, "ucc-analyst")
		require.NoError(t, err)
		sent, err := b.svc.Send(b.ctx, b.march, "ministry", b.clock.Now(), "ucc-analyst")
		require.NoError(t, err)
		got, err = b.store.GetMonthly(b.ctx, b.march)
		require.NoError(t, err)
		require.Equal(t, canonicalJSON(t, sent), canonicalJSON(t, got), "every transition reads back whole")

		require.NoError(t, b.store.CreateMonthly(b.ctx, &reports.MonthlyReport{Period: reports.Period{Year: 2024, Month: time.December}}))
		all, err := b.store.ListMonthly(b.ctx)
		require.NoError(t, err)
		require.Len(t, all, 2)
		require.Equal(t, "2024-12", all[0].Period.String(), "ordered by period")
		require.Equal(t, "2025-03", all[1].Period.String())
	})
	t.Run("MonthlyConcurrentUpdatesLoseNothing", func(t *testing.T) {
		t.Parallel()
		b := setupReports(t, h)
		_, err := b.svc.OpenMonth(b.ctx, b.march, "ucc-analyst")
		require.NoError(t, err)
		const n = 24
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				err := b.store.UpdateMonthly(b.ctx, b.march, func(m *reports.MonthlyReport) error {
					m.History = append(m.History, onboarding.Event{Seq: len(m.History) + 1, Type: "note", Note: strconv.Itoa(i)})
					return nil
				})
				require.NoError(t, err)
			})
		}
		wg.Wait()
		got, err := b.store.GetMonthly(b.ctx, b.march)
		require.NoError(t, err)
		require.Len(t, got.History, n+1, "every one of the %d updates must be kept", n)
	})
	t.Run("MonthlyTimersAreSweptOnce", func(t *testing.T) {
		t.Parallel()
		b := setupReports(t, h)
		_, err := b.svc.OpenMonth(b.ctx, b.march, "ucc-analyst")
		require.NoError(t, err)
		far := b.cal.Date(2025, time.May, 1)
		due, err := b.store.DueFirings(b.ctx, far, 100)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{
			"report/2025-03/quality/1/warning-1", "report/2025-03/quality/1/breach",
			"report/2025-03/ministry/1/warning-1", "report/2025-03/ministry/1/breach",
			"report/2025-03/akimat-mangystau/1/warning-1", "report/2025-03/akimat-mangystau/1/breach",
		}, firingKeys(due), "the store indexes the timers inside a monthly report")

		// Sent on time: the ministry's breach is no longer scheduled.
		b.clock.Set(b.cal.Date(2025, time.April, 2).Add(10 * time.Hour))
		var sink discard
		_, err = b.svc.Generate(b.ctx, b.march, "ministry", &sink, "ucc-analyst")
		require.NoError(t, err)
		_, err = b.svc.Send(b.ctx, b.march, "ministry", b.clock.Now(), "ucc-analyst")
		require.NoError(t, err)
		due, err = b.store.DueFirings(b.ctx, far, 100)
		require.NoError(t, err)
		require.NotContains(t, firingKeys(due), "report/2025-03/ministry/1/breach")
		require.NotContains(t, firingKeys(due), "report/2025-03/ministry/1/warning-1", "a rung after the stop is dropped")

		var breach deadlines.Firing
		for _, f := range due {
			if f.Key() == "report/2025-03/quality/1/breach" {
				breach = f
			}
		}
		require.Equal(t, 1, claimRace(t, b.store, breach, 8), "exactly one claim wins")
		require.NoError(t, b.svc.HandleFiring(b.ctx, breach))
		require.NoError(t, b.svc.HandleFiring(b.ctx, breach), "handling a firing twice records it once")
		m, err := b.store.GetMonthly(b.ctx, b.march)
		require.NoError(t, err)
		escalations := 0
		for _, e := range m.History {
			if e.Type == "escalation" {
				escalations++
			}
		}
		require.Equal(t, 1, escalations)
		due, err = b.store.DueFirings(b.ctx, far, 100)
		require.NoError(t, err)
		require.NotContains(t, firingKeys(due), breach.Key(), "a claimed rung is not due again")
		require.NoError(t, b.store.UpdateMonthly(b.ctx, b.march, func(*reports.MonthlyReport) error { return nil }))
		due, err = b.store.DueFirings(b.ctx, far, 100)
		require.NoError(t, err)
		require.NotContains(t, firingKeys(due), breach.Key(), "saving the month again does not reschedule a claimed rung")
	})
	t.Run("ReconciliationCreateGetUpdate", func(t *testing.T) {
		t.Parallel()
		b := setupReports(t, h)
		at := b.cal.Date(2025, time.April, 10).Add(11 * time.Hour)
		r := b.newReconciliation(t, "r-1", at)
		require.NoError(t, b.store.CreateReconciliation(b.ctx, r))
		got, err := b.store.GetReconciliation(b.ctx, "r-1")
		require.NoError(t, err)
		require.Equal(t, canonicalJSON(t, r), canonicalJSON(t, got))
		require.ErrorIs(t, b.store.CreateReconciliation(b.ctx, r), reports.ErrConflict)
		_, err = b.store.GetReconciliation(b.ctx, "missing")
		require.ErrorIs(t, err, reports.ErrNotFound)
		require.ErrorIs(t, b.store.UpdateReconciliation(b.ctx, "missing", func(*reports.Reconciliation) error { return nil }), reports.ErrNotFound)

		due, err := b.store.DueFirings(b.ctx, at.AddDate(0, 0, 2), 10)
		require.NoError(t, err)
		require.Equal(t, []string{"reconciliation/r-1/1/1/breach"}, firingKeys(due))

		boom := errors.New("boom")
		require.ErrorIs(t, b.store.UpdateReconciliation(b.ctx, "r-1", func(r *reports.Reconciliation) error {
			r.Discrepancies[0].Explanation = "should not stick"
			return boom
		}), boom)
		const n = 16
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				require.NoError(t, b.store.UpdateReconciliation(b.ctx, "r-1", func(r *reports.Reconciliation) error {
					r.History = append(r.History, onboarding.Event{Seq: len(r.History) + 1, Type: "note"})
					return nil
				}))
			})
		}
		wg.Wait()
		require.NoError(t, b.store.UpdateReconciliation(b.ctx, "r-1", func(r *reports.Reconciliation) error {
			d := r.Discrepancies[0]
			d.Explanation, d.ExplainedAt, d.ExplainedBy = "counted twice", at.Add(time.Hour), "ucc-analyst"
			r.ClosedAt = d.ExplainedAt
			return d.Timer.Stop(b.cal, d.ExplainedAt, deadlines.Cite(deadlines.Rules130, 16), "explained")
		}))
		got, err = b.store.GetReconciliation(b.ctx, "r-1")
		require.NoError(t, err)
		require.Len(t, got.History, n+1)
		require.Equal(t, "counted twice", got.Discrepancies[0].Explanation)
		require.True(t, got.Closed())
		due, err = b.store.DueFirings(b.ctx, at.AddDate(0, 0, 2), 10)
		require.NoError(t, err)
		require.Empty(t, due, "an explained discrepancy's timer is stopped in time")
	})
}

func benchReports(b *testing.B, h Harness) {
	b.Run("CreateAppeal", func(b *testing.B) {
		bb := setupReports(b, h)
		at := bb.cal.Date(2025, time.March, 1)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := bb.store.CreateAppeal(bb.ctx, newAppeal("a-"+strconv.Itoa(i), at.Add(time.Duration(i)*time.Second), "ministry")); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("StreamAppeals", func(b *testing.B) {
		bb := setupReports(b, h)
		at := bb.cal.Date(2025, time.March, 1)
		const n = 5000
		for i := range n {
			if err := bb.store.CreateAppeal(bb.ctx, newAppeal("a-"+strconv.Itoa(i), at.Add(time.Duration(i)*time.Second), "ministry")); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		rows := 0
		for b.Loop() {
			for _, err := range bb.store.Appeals(bb.ctx, reports.AppealQuery{From: at, To: at.AddDate(0, 1, 0)}) {
				if err != nil {
					b.Fatal(err)
				}
				rows++
			}
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
}

// rotate returns 0..n-1 in a scrambled but fixed order.
func rotate(n, step int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = (i*step + 3) % n
	}
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// discard is a reports.Writer that keeps nothing.
type discard struct{}

func (*discard) Begin(*reports.Header) error { return nil }
func (*discard) Row(*reports.Row) error      { return nil }
func (*discard) End(*reports.Summary) error  { return nil }
