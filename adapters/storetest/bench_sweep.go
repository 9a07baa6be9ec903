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
		ctx := context.Background()
		_, claimer, seed := sweepStores(b, h)
		seed()
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
	// The sweeper acknowledges the claims it handled (deadlines.Acknowledger);
	// ns/op is the time of acknowledging one batch of sweepBatch claims,
	// claimed (untimed) as above.
	b.Run("Ack1000of1M", func(b *testing.B) {
		ctx := context.Background()
		stores, claimer, seed := sweepStores(b, h)
		acker, ok := stores.Timers.(deadlines.Acknowledger)
		if !ok {
			b.Skip("the timer store keeps no acknowledgements (not a deadlines.Acknowledger)")
		}
		seed()
		now := time.Unix(0, sweepOpen)
		keys := make([]string, 0, sweepBatch)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			fs, err := claimer.ClaimDue(ctx, now, sweepBatch)
			if err != nil || len(fs) != sweepBatch {
				b.Fatalf("claimed %d, want %d (run at most %d iterations): %v", len(fs), sweepBatch, sweepOpen/sweepBatch, err)
			}
			keys = keys[:0]
			for _, f := range fs {
				keys = append(keys, f.Key())
			}
			b.StartTimer()
			if err := acker.AckFirings(ctx, keys...); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		left, err := acker.Unacknowledged(ctx, now.Add(time.Nanosecond), 1)
		if err != nil || len(left) != 0 {
			b.Fatalf("unacknowledged claims left: %d (%v)", len(left), err)
		}
	})
}

// sweepStores returns fresh stores of h, their batch claimer and a seed
// function filling their schedule with sweepOpen open rungs; it skips the
// benchmark when h cannot seed or the timer store cannot claim in batches.
func sweepStores(b *testing.B, h Harness) (Stores, deadlines.BatchClaimer, func()) {
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
	return stores, claimer, func() { seeder.SeedSchedule(ctx, b, stores, sweepOpen) }
}
