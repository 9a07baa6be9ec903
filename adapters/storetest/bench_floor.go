package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/onboarding"
)

// RawFloor is one write of doc under key, with nothing around it: one
// transaction holding one INSERT (the first write of a key) or UPDATE (every
// later one) of a bare two-column table. It must be safe for concurrent
// use. It is what a store's write can at best cost on its database, so the
// suite measures the store against it in the same run.
type RawFloor func(ctx context.Context, key string, doc []byte) error

// FloorHarness is a Harness that can also give the suite a RawFloor. A
// Harness that is not one runs the floor benchmarks' store side only.
type FloorHarness interface {
	Harness
	// NewRawFloor returns a RawFloor over a fresh, empty database of the
	// kind NewStores uses, opened the same way (same durability: for
	// SQLite the same synchronous setting and journal mode). Clean-up is
	// registered with tb.Cleanup.
	NewRawFloor(ctx context.Context, tb testing.TB) RawFloor
}

// floorWriters are the writer counts the floor benchmarks compare at.
var floorWriters = []int{1, 8}

// lifecycleTransitions is Start plus the six steps after it.
const lifecycleTransitions = 7

// benchFloor compares onboarding transitions per second with the raw floor
// of the same database, for 1 and 8 concurrent writers (issue 7: within 2×
// of the floor). Each op is one onboarding taken through its lifecycle, 7
// transitions; the floor's op is 7 writes (1 INSERT, 6 UPDATEs) of the JSON
// documents the same lifecycle produces, so both move as many bytes.
func benchFloor(b *testing.B, h Harness) {
	for _, writers := range floorWriters {
		b.Run("Writers="+strconv.Itoa(writers), func(b *testing.B) {
			var store, raw float64
			b.Run("Store", func(b *testing.B) { store = benchLifecycles(b, h, writers) })
			if fh, ok := h.(FloorHarness); ok {
				b.Run("Raw", func(b *testing.B) {
					raw = benchRawFloor(b, h, fh, writers)
					if store > 0 {
						// The target's ratio, on Raw's line: how many times
						// the store's rate the floor's is (target ≤ 2).
						b.ReportMetric(raw/store, "raw/store")
					}
				})
			}
		})
	}
}

// runParallel calls op(i) for i in [0, n) from writers goroutines and
// returns the first error.
func runParallel(n, writers int, op func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := op(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

// benchLifecycles takes b.N onboardings through the lifecycle from writers
// goroutines and returns transitions per second. The services are
// registered before the timer starts.
func benchLifecycles(b *testing.B, h Harness, writers int) float64 {
	bb := setupOnboarding(b, h)
	steps := bb.lifecycle()
	require.Len(b, steps, lifecycleTransitions-1)
	ids := make([]string, b.N)
	for i := range ids {
		svc := newService(serviceOpts{ID: fmt.Sprintf("floor-%07d", i)})
		require.NoError(b, bb.svc.RegisterService(bb.ctx, svc))
		ids[i] = svc.ID
	}
	b.ReportAllocs()
	b.ResetTimer()
	err := runParallel(b.N, writers, func(i int) error {
		o, err := bb.svc.Start(bb.ctx, onboarding.StartInput{
			ServiceID: ids[i], BodyID: bb.ministry.ID, Actor: "ucc-operator",
			RegisteredOn: bb.at(time.March, 14, 0), StandardApprovedOn: bb.at(time.March, 17, 0),
		})
		if err != nil {
			return err
		}
		for _, s := range steps {
			if o, err = s.do(o.ID); err != nil {
				return fmt.Errorf("to %s: %w", s.to, err)
			}
		}
		if o.State != onboarding.StateProtocolSigned {
			return fmt.Errorf("ended %s", o.State)
		}
		return nil
	})
	b.StopTimer()
	require.NoError(b, err)
	rate := float64(b.N*lifecycleTransitions) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "transitions/s")
	return rate
}

// lifecycleDocs returns the JSON documents of one onboarding after each of
// its transitions, as a store would save them.
func lifecycleDocs(tb testing.TB, h Harness) [][]byte {
	bb := setupOnboarding(tb, h)
	o := bb.start(tb, bb.service.ID, bb.ministry.ID)
	docs := make([][]byte, 0, lifecycleTransitions)
	add := func(o *onboarding.Onboarding) {
		raw, err := json.Marshal(o)
		require.NoError(tb, err)
		docs = append(docs, raw)
	}
	add(o)
	for _, s := range bb.lifecycle() {
		next, err := s.do(o.ID)
		require.NoError(tb, err)
		o = next
		add(o)
	}
	require.Len(tb, docs, lifecycleTransitions)
	return docs
}

// benchRawFloor writes b.N documents through the lifecycle's 7 versions
// (one INSERT, six UPDATEs, one transaction each) from writers goroutines
// and returns writes per second.
func benchRawFloor(b *testing.B, h Harness, fh FloorHarness, writers int) float64 {
	docs := lifecycleDocs(b, h)
	floor := fh.NewRawFloor(context.Background(), b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	err := runParallel(b.N, writers, func(i int) error {
		key := fmt.Sprintf("floor-%07d", i)
		for _, doc := range docs {
			if err := floor(ctx, key, doc); err != nil {
				return err
			}
		}
		return nil
	})
	b.StopTimer()
	require.NoError(b, err)
	rate := float64(b.N*lifecycleTransitions) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "transitions/s")
	return rate
}
