package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// On SQLite the gauges read rungs_due alone (a covering index, migration
// 016): reading the row of every rung they count took 8–17 times as long
// among a million.
func TestSQLiteGaugesReadOnlyTheDueIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "g.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	require.NoError(t, s.Migrate(ctx))
	for _, q := range []string{sqlite.openTimersQuery(), sqlite.sweepBacklogQuery()} {
		rows, err := s.db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, make([]any, strings.Count(q, "?"))...)
		require.NoError(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, unused any
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		require.Contains(t, strings.Join(plan, "\n"), "USING COVERING INDEX rungs_due", q)
	}
}
