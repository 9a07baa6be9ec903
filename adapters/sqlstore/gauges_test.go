package sqlstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// TestGaugesCountOpenTimersAndTheSweepBacklog: a timer with two rungs is
// open; its rungs join the backlog as they fall due and leave it, and the
// timer stops being open, once their claims are handled (acknowledged):
// a claim still pending is work outstanding.
func TestGaugesCountOpenTimersAndTheSweepBacklog(t *testing.T) {
	t.Parallel()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testGauges(t, open(t))
		})
	}
}

func testGauges(t *testing.T, s *sqlstore.Store) {
	ctx := t.Context()
	cal := kz.Calendar()
	rule := deadlines.Cite(deadlines.Rules130, 5)
	start := time.Date(2025, time.March, 3, 10, 0, 0, 0, cal.Location())
	tm, err := deadlines.NewTimer(cal, "t1", "s", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule}, start,
		deadlines.Warning(1, rule), deadlines.Breach(rule))
	require.NoError(t, err)
	require.NoError(t, s.CreateTimer(ctx, tm))

	count := func(now time.Time) (open, backlog int) {
		open, err := s.OpenTimers(ctx)
		require.NoError(t, err)
		backlog, err = s.SweepBacklog(ctx, now)
		require.NoError(t, err)
		return open, backlog
	}
	open, backlog := count(start)
	require.Equal(t, 1, open)
	require.Equal(t, 0, backlog, "nothing is due at the start")
	warning, breach := tm.Schedule[0].At, tm.Schedule[1].At
	_, backlog = count(warning)
	require.Equal(t, 1, backlog, "the warning is due")
	_, backlog = count(breach)
	require.Equal(t, 2, backlog, "the warning and the breach are due")

	claimed, err := s.ClaimDue(ctx, breach, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 2)
	open, backlog = count(breach)
	require.Equal(t, 1, open, "the claims are pending")
	require.Equal(t, 2, backlog, "the claims are pending")
	require.NoError(t, s.AckFirings(ctx, claimed[0].Key()))
	open, backlog = count(breach)
	require.Equal(t, 1, open, "the breach is pending")
	require.Equal(t, 1, backlog, "the breach is pending")
	require.NoError(t, s.AckFirings(ctx, claimed[1].Key()))
	open, backlog = count(breach)
	require.Equal(t, 0, open)
	require.Equal(t, 0, backlog)
}
