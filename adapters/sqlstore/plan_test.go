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

// PostgreSQL's claim updates the rows it locked through one TID scan of
// their collected ctids, not a join, which would rescan a TID scan (and
// ask the kernel for the table's size) once per row. (On a table of a few
// pages the planner reads the whole table instead, which is as cheap.)
func TestPostgresClaimIsOneTIDScan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAtVersion(t, "postgres", 0)
	require.NoError(t, s.Migrate(ctx))
	SeedSchedule(t, s, 20_000)
	rows, err := s.db.QueryContext(ctx, `EXPLAIN (COSTS OFF) `+claimDuePostgresQuery, 10_000, 1000, 10_000, 0, "")
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		plan = append(plan, line)
	}
	require.NoError(t, rows.Err())
	text := strings.Join(plan, "\n")
	require.Contains(t, text, "Tid Scan", text)
	require.Contains(t, text, "LockRows", text)
	require.Contains(t, text, "Index Scan using rungs_due", text)
	require.NotContains(t, text, "Nested Loop", text)
	require.NotContains(t, text, "Join", text)
}
