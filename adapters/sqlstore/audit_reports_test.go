package sqlstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/reports"
)

// TestAuditTrailNamesWhoChangedReports checks that the audit entries of
// appeals, months and reconciliations name the actor and the rule of each
// change, as those of onboardings and applications do.
func TestAuditTrailNamesWhoChangedReports(t *testing.T) {
	t.Parallel()
	b := setupAudit(t)
	cal := kz.Calendar()
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()))
	svc, err := reports.NewService(b.store, cal, clock)
	require.NoError(t, err)
	a, err := svc.RecordAppeal(b.ctx, reports.Appeal{ReceivedAt: clock.Now().Add(-time.Hour), ForumResponsible: "F", Region: "Astana",
		ApplicantName: "A", Nature: reports.StandardViolation, Content: "c", RequestNo: "1", BodyID: "registry-office", ServiceID: "birth-registration"}, "clerk")
	require.NoError(t, err)
	p := reports.Period{Year: 2025, Month: time.March}
	_, err = svc.OpenMonth(b.ctx, p, "scheduler")
	require.NoError(t, err)
	r, err := svc.Reconcile(b.ctx, reports.ReconcileInput{Source: "f.csv", ReceivedAt: clock.Now(), Actor: "importer",
		Figures: []reports.Figure{{Line: 2, Period: p, BodyID: "registry-office", Dimension: reports.DimTotal, Count: 2}}})
	require.NoError(t, err)
	_, err = svc.Explain(b.ctx, r.ID, 1, "one is late", clock.Now(), "analyst")
	require.NoError(t, err)

	for aggregate, want := range map[string][]string{
		"appeals/" + a.ID:         {"appeal.recorded/clerk/Rules130 p.14"},
		"monthly_reports/2025-03": {"month.opened/scheduler/Rules130 p.14"},
		"reconciliations/" + r.ID: {"reconciliation.opened/importer/Rules130 p.16", "reconciliation.closed/analyst/Rules130 p.16"},
	} {
		trail, err := b.store.AuditTrail(b.ctx, aggregate)
		require.NoError(t, err)
		var got []string
		for _, e := range trail {
			got = append(got, e.Type+"/"+e.Actor+"/"+e.Rule)
		}
		require.Equal(t, want, got, aggregate)
	}
	require.NoError(t, b.store.VerifyAudit(b.ctx))
}
