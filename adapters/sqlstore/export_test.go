package sqlstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// FullSweepEvery is fullSweepEvery, for tests.
const FullSweepEvery = fullSweepEvery

// SeedSchedule fills the schedule with n open rungs due at 1…n ns after
// the epoch, in one statement (into rungs, whose unclaimed rows the
// schedule view shows); on PostgreSQL it then vacuums and analyzes rungs
// and checkpoints, so that a benchmark starts from a settled table.
func SeedSchedule(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	// The firing is columns (migrations 014 and 015): Due
	// 2025-03-17T00:00:00Z, At the at column (an open rung has no rung_at).
	const insert = `INSERT INTO rungs (key, timer_id, at, subject, cycle, rung, rung_offset, rule, at_zone, due, due_zone)
		SELECT 't' || g || '/1/breach', 't' || g, g, 'bench', 1, 'breach', 0, 'Rules130 p.5', 0, 1742169600000000000, 0`
	q := `WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < ?) ` + insert + ` FROM n`
	if s.d.name == "postgres" {
		q = insert + ` FROM generate_series(1, $1) AS g`
	}
	_, err := s.db.ExecContext(ctx, q, n)
	require.NoError(tb, err)
	if s.d.name == "postgres" {
		for _, q := range []string{`VACUUM (ANALYZE) rungs`, `CHECKPOINT`} {
			_, err := s.db.ExecContext(ctx, q)
			require.NoError(tb, err)
		}
	}
}
