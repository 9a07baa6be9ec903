package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// Migration 012 rebuilds SQLite's audit and outbox without AUTOINCREMENT:
// every row keeps its id, the chains still verify, the constraints and
// outbox_due are there, nothing is left in sqlite_sequence, and a new row
// is numbered after the largest id (the storage order goes on).
// PostgreSQL's 012 is SELECT 1.
func TestMigration012KeepsAuditAndOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAtVersion(t, "sqlite", 11)
	rule := deadlines.Cite(deadlines.Rules130, 5)
	c := kz.Calendar()
	start := time.Date(2025, time.March, 3, 9, 0, 0, 0, c.Location())
	for _, id := range []string{"a", "b"} {
		tm, err := deadlines.NewTimer(c, id, "migration 012", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule}, start, deadlines.Breach(rule))
		require.NoError(t, err)
		// Without rungs: the store writes rungs as 015 has them, not 011.
		tm.Schedule = nil
		require.NoError(t, s.CreateTimer(ctx, tm))
	}
	require.NoError(t, s.UpdateTimer(ctx, "a", func(tm *deadlines.Timer) error {
		return tm.Pause(c, start.Add(time.Hour), rule, "before 012")
	}))
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO outbox (key, topic, payload, next_at) VALUES (?, 'timers.x', '{}', 1), (?, 'timers.x', '{}', 2)`), "m/1", "m/2")
	require.NoError(t, err)
	ids := func(table string) []int64 {
		rows, err := s.db.QueryContext(ctx, `SELECT id FROM `+table+` ORDER BY id`)
		require.NoError(t, err)
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			require.NoError(t, rows.Scan(&id))
			out = append(out, id)
		}
		require.NoError(t, rows.Err())
		return out
	}
	auditBefore, outboxBefore := ids("audit"), ids("outbox")
	require.Len(t, auditBefore, 3)
	before, err := s.Snapshot(ctx)
	require.NoError(t, err)

	require.NoError(t, s.Migrate(ctx))
	v, err := s.Version(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, v, 12)

	after, err := s.Snapshot(ctx)
	require.NoError(t, err)
	var changed []string // of the tables there before: later migrations add their own
	for _, table := range before.Changed(after) {
		if _, ok := before[table]; ok {
			changed = append(changed, table)
		}
	}
	require.Equal(t, []string{"qyzmet_schema_version"}, changed, "every row of every other table as it was")
	require.NoError(t, s.VerifyAudit(ctx))
	var n int
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'`).Scan(&n))
	require.Zero(t, n)
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_sequence WHERE name IN ('audit', 'outbox')`).Scan(&n))
	require.Zero(t, n)
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'outbox_due'`).Scan(&n))
	require.Equal(t, 1, n)

	require.NoError(t, s.UpdateTimer(ctx, "b", func(tm *deadlines.Timer) error {
		return tm.Pause(c, start.Add(time.Hour), rule, "after 012")
	}))
	require.Equal(t, auditBefore, ids("audit")[:len(auditBefore)])
	require.Greater(t, ids("audit")[len(auditBefore)], auditBefore[len(auditBefore)-1], "a new entry comes after the old ones")
	require.NoError(t, s.VerifyAudit(ctx))
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO outbox (key, topic, payload, next_at) VALUES (?, 'timers.x', '{}', 3)`), "m/3")
	require.NoError(t, err)
	require.Equal(t, outboxBefore, ids("outbox")[:len(outboxBefore)])
	require.Greater(t, ids("outbox")[len(outboxBefore)], outboxBefore[len(outboxBefore)-1])
	res, err := s.db.ExecContext(ctx, s.q(`INSERT INTO outbox (key, topic, payload, next_at) VALUES (?, 'timers.x', '{}', 4) ON CONFLICT DO NOTHING`), "m/1")
	require.NoError(t, err)
	inserted, err := res.RowsAffected()
	require.NoError(t, err)
	require.Zero(t, inserted, "key is still unique")
	msgs, err := s.LeaseOutbox(ctx, time.Unix(0, 10), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, msgs, 3)
	require.Equal(t, "m/1", msgs[0].Key)
}
