package sqlstore_test

import (
	"context"
	"testing"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/adapters/storetest"
)

// The harnesses seed the sweep benchmark of storetest.RunBenchmarks
// (Sweep/ClaimDue1000of1M, Sweep/Ack1000of1M) in bulk.
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
