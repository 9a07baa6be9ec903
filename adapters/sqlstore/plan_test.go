package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sqlitePlan returns SQLite's query plan of q on a migrated store, one
// line per step.
func sqlitePlan(t *testing.T, q string) string {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "plan.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	require.NoError(t, s.Migrate(ctx))
	rows, err := s.db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, make([]any, strings.Count(q, "?"))...)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused any
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	return strings.Join(plan, "\n")
}

// On SQLite the gauges read rungs_due alone (a covering index, migration
// 016): reading the row of every rung they count took 8–17 times as long
// among a million.
func TestSQLiteGaugesReadOnlyTheDueIndex(t *testing.T) {
	t.Parallel()
	for _, q := range []string{sqlite.openTimersQuery(), sqlite.sweepBacklogQuery()} {
		require.Contains(t, sqlitePlan(t, q), "USING COVERING INDEX rungs_due", q)
	}
}

// SQLite's batch claim seeks to its first rung on at and key: a seek on
// at alone would step over every rung of the same instant claimed before,
// one more batch of them each time, while a backlog that shares a
// deadline's instant drains.
func TestSQLiteBatchClaimSeeksOnAtAndKey(t *testing.T) {
	t.Parallel()
	for _, q := range []string{claimSQLiteStart, claimSQLiteRead, claimSQLiteUpdate} {
		plan := sqlitePlan(t, q)
		require.Contains(t, plan, "(at,key)>", q)
		require.NotContains(t, plan, "(at>", q)
	}
}
