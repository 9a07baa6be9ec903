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

var (
	_ storetest.SweepSeeder = sqliteHarness{}
	_ storetest.SweepSeeder = postgresHarness{}
)

func (sqliteHarness) SeedSchedule(_ context.Context, tb testing.TB, st storetest.Stores, n int) {
	sqlstore.SeedSchedule(tb, st.Timers.(*sqlstore.Store), n)
}

func (postgresHarness) SeedSchedule(_ context.Context, tb testing.TB, st storetest.Stores, n int) {
	sqlstore.SeedSchedule(tb, st.Timers.(*sqlstore.Store), n)
}

// benchSweep measures claiming 1,000 due rungs among a million open ones
// (target ≤ 5 ms): each iteration claims the next 1,000 in one batch.
func benchSweep(b *testing.B, s *sqlstore.Store) {
	const open, batch = 1_000_000, 1000
	sqlstore.SeedSchedule(b, s, open)
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
