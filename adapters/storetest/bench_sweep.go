package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// SweepSeeder is a Harness that can fill a store's schedule in bulk, for
// the sweep benchmark: a million open timers cannot be made through the
// ports in a benchmark's setup. A Harness that is not one, or whose
// Timers store is not a deadlines.BatchClaimer, skips the benchmark.
type SweepSeeder interface {
	Harness
	// SeedSchedule adds n open rungs to the schedule of stores (made by
	// NewStores), each of its own timer; the i-th (1-based) is due at
	// time.Unix(0, i).
	SeedSchedule(ctx context.Context, tb testing.TB, stores Stores, n int)
}

// sweepOpen and sweepBatch are issue 7's sweep: 1,000 due rungs claimed
// among a million open ones, in at most 5 ms.
const sweepOpen, sweepBatch = 1_000_000, 1000

// benchSweep claims the next sweepBatch due rungs of sweepOpen per op;
// ns/op is the time of one batch claim.
func benchSweep(b *testing.B, h Harness) {
	b.Run("ClaimDue1000of1M", func(b *testing.B) {
		seeder, ok := h.(SweepSeeder)
		if !ok {
			b.Skip("the harness cannot seed a schedule in bulk (not a storetest.SweepSeeder)")
		}
		ctx := context.Background()
		stores := h.NewStores(ctx, b)
		claimer, ok := stores.Timers.(deadlines.BatchClaimer)
		if !ok {
			b.Skip("the timer store claims one rung at a time (not a deadlines.BatchClaimer)")
		}
		seeder.SeedSchedule(ctx, b, stores, sweepOpen)
		now := time.Unix(0, sweepOpen) // every rung is due
		b.ReportAllocs()
		claimed := 0
		for b.Loop() {
			fs, err := claimer.ClaimDue(ctx, now, sweepBatch)
			if err != nil {
				b.Fatal(err)
			}
			if len(fs) != sweepBatch {
				b.Fatalf("claimed %d, want %d (run at most %d iterations)", len(fs), sweepBatch, sweepOpen/sweepBatch)
			}
			claimed += len(fs)
		}
		b.ReportMetric(float64(claimed)/b.Elapsed().Seconds(), "claims/s")
	})
}
