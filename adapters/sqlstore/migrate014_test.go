package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Migration 014 (PostgreSQL claims in place) carries schedule and claims
// into rungs: a handled claim is acknowledged (out of rungs_due), a
// pending one is handed out again, also one claimed before it was due (its
// at becomes its pending_since, so Unacknowledged, which reads rungs_due
// up to before, finds it), and a key both scheduled and claimed is
// claimed.
func TestMigration014ClaimsInPlace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAtVersion(t, "postgres", 13)
	doc := func(timer string, at int64) string {
		raw, err := json.Marshal(deadlines.Firing{TimerID: timer, Cycle: 1, Rung: deadlines.Breach(deadlines.Cite(deadlines.Rules130, 5)), At: time.Unix(0, at).UTC()})
		require.NoError(t, err)
		return string(raw)
	}
	insert := func(table, cols string, rows ...[]any) {
		for _, r := range rows {
			_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO `+table+` (`+cols+`) VALUES (?`+strings.Repeat(`, ?`, len(r)-1)+`)`), r...)
			require.NoError(t, err)
		}
	}
	insert("schedule", "key, timer_id, at, firing",
		[]any{"a/1/breach", "a", int64(30), doc("a", 30)},
		[]any{"both/1/breach", "both", int64(10), doc("both", 10)})
	insert("claims", "key, timer_id, at, firing, fired_at, pending_since",
		[]any{"done/1/breach", "done", int64(5), doc("done", 5), int64(7), nil},          // handled
		[]any{"late/1/breach", "late", int64(15), doc("late", 15), int64(16), int64(16)}, // pending
		[]any{"early/1/breach", "early", int64(90), doc("early", 90), nil, int64(20)},    // claimed before due, pending
		[]any{"both/1/breach", "both", int64(10), doc("both", 10), int64(12), nil})       // handled, also scheduled

	require.NoError(t, s.Migrate(ctx))

	due, err := s.DueFirings(ctx, time.Unix(0, 100), 10)
	require.NoError(t, err)
	require.Equal(t, []string{"a/1/breach"}, firingKeys(due))
	pending, err := s.Unacknowledged(ctx, time.Unix(0, 50), 10)
	require.NoError(t, err)
	require.Equal(t, []string{"late/1/breach", "early/1/breach"}, firingKeys(pending), "by pending_since")
	require.True(t, time.Unix(0, 90).Equal(pending[1].At), "the firing keeps its At")
	var open []string
	rows, err := s.db.QueryContext(ctx, `SELECT key FROM rungs WHERE NOT acked ORDER BY at, key`)
	require.NoError(t, err)
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		open = append(open, k)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"late/1/breach", "early/1/breach", "a/1/breach"}, open, "handled claims are acknowledged")
	both, err := s.Firings(ctx, "both")
	require.NoError(t, err)
	require.Len(t, both, 1)
	won, err := s.ClaimFiring(ctx, both[0])
	require.NoError(t, err)
	require.False(t, won, "claimed once")
}

func firingKeys(fs []deadlines.Firing) []string {
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.Key()
	}
	return keys
}
