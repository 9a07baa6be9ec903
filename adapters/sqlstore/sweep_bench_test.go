package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/adapters/storetest"
)

// seedSchedule fills the schedule with n open rungs due at 1…n ns after
// the epoch, in one statement (into rungs, whose unclaimed rows the
// schedule view shows).
func seedSchedule(tb testing.TB, s *sqlstore.Store, n int) {
	tb.Helper()
	// The firing is columns (migrations 014 and 015): Due
	// 2025-03-17T00:00:00Z, At the at column (an open rung has no rung_at).
	const insert = `INSERT INTO rungs (key, timer_id, at, subject, cycle, rung, rung_offset, rule, at_zone, due, due_zone)
		SELECT 't' || g || '/1/breach', 't' || g, g, 'bench', 1, 'breach', 0, 'Rules130 p.5', 0, 1742169600000000000, 0`
	q := `WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < ?) ` + insert + ` FROM n`
	if s.Dialect() == "postgres" {
		q = insert + ` FROM generate_series(1, $1) AS g`
	}
	_, err := s.DB().ExecContext(context.Background(), q, n)
	require.NoError(tb, err)
	if s.Dialect() == "postgres" {
		for _, q := range []string{`VACUUM (ANALYZE) rungs`, `CHECKPOINT`} {
			_, err := s.DB().ExecContext(context.Background(), q)
			require.NoError(tb, err)
		}
	}
}

var (
	_ storetest.SweepSeeder = sqliteHarness{}
	_ storetest.SweepSeeder = postgresHarness{}
)

func (sqliteHarness) SeedSchedule(_ context.Context, tb testing.TB, st storetest.Stores, n int) {
	seedSchedule(tb, st.Timers.(*sqlstore.Store), n)
}

func (postgresHarness) SeedSchedule(_ context.Context, tb testing.TB, st storetest.Stores, n int) {
	seedSchedule(tb, st.Timers.(*sqlstore.Store), n)
}

// benchSweep measures claiming 1,000 due rungs among a million open ones
// (target ≤ 5 ms): each iteration claims the next 1,000 in one batch.
func benchSweep(b *testing.B, s *sqlstore.Store) {
	const open, batch = 1_000_000, 1000
	seedSchedule(b, s, open)
	ctx := context.Background()
	now := time.Unix(0, open) // every rung is due
	b.ReportAllocs()
	claimed := 0
	for b.Loop() {
		fs, err := s.ClaimDue(ctx, now, batch)
		if err != nil {
			b.Fatal(err)
		}
		if len(fs) != batch {
			b.Fatalf("claimed %d, want %d (run at most %d iterations)", len(fs), batch, open/batch)
		}
		claimed += len(fs)
	}
	b.ReportMetric(float64(claimed)/b.Elapsed().Seconds(), "claims/s")
}

func BenchmarkSweepMillionSQLite(b *testing.B) {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "sweep.db"))
	require.NoError(b, err)
	defer s.Close()
	require.NoError(b, s.Migrate(ctx))
	benchSweep(b, s)
}

func BenchmarkSweepMillionPostgres(b *testing.B) {
	stores := postgres(b).NewStores(context.Background(), b)
	benchSweep(b, stores.Timers.(*sqlstore.Store))
}
