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
//
// The two sides run in alternating rounds of floorRound ops, each first in
// every other round, each side's rate taken over its own rounds: a machine whose speed drifts during the
// run (other tenants, the disk) weighs on both alike, where two runs one
// after the other could each meet a different machine. ns/op, B/op and
// allocs/op cover both sides; transitions/s is the store's rate and
// raw-transitions/s the floor's. A Harness that is not a FloorHarness
// runs the store's side only.
func benchFloor(b *testing.B, h Harness) {
	for _, writers := range floorWriters {
		b.Run("Writers="+strconv.Itoa(writers), func(b *testing.B) {
			store := newLifecycles(b, h)
			var raw *rawLifecycles
			if fh, ok := h.(FloorHarness); ok {
				raw = newRawLifecycles(b, h, fh)
			}
			ids := store.register(b, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			var storeTime, rawTime time.Duration
			for round, from := 0, 0; from < b.N; round, from = round+1, from+floorRound {
				n := min(floorRound, b.N-from)
				// side runs the round's n ops of one side, adding its time to total.
				side := func(total *time.Duration, op func(i int) error) {
					t0 := time.Now()
					require.NoError(b, runParallel(n, writers, op))
					*total += time.Since(t0)
				}
				storeSide := func() { side(&storeTime, func(i int) error { return store.run(ids[from+i]) }) }
				rawSide := func() { side(&rawTime, func(i int) error { return raw.run(from + i) }) }
				// Each side goes first in every other round, so that neither
				// inherits the other's background work (checkpoints, vacuum).
				switch {
				case raw == nil:
					storeSide()
				case round%2 == 0:
					storeSide()
					rawSide()
				default:
					rawSide()
					storeSide()
				}
			}
			b.StopTimer()
			transitions := float64(b.N * lifecycleTransitions)
			b.ReportMetric(transitions/storeTime.Seconds(), "transitions/s")
			if raw != nil {
				b.ReportMetric(transitions/rawTime.Seconds(), "raw-transitions/s")
				// The target's ratio: how many times the store's rate the
				// floor's is (target ≤ 2).
				b.ReportMetric(storeTime.Seconds()/rawTime.Seconds(), "raw/store")
			}
		})
	}
}

// floorRound is how many ops each side of the floor benchmark runs in a
// round: ≈ 0.1–0.3 s on the benchmark machine.
const floorRound = 64

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

// lifecycles takes onboardings through the lifecycle on a store.
type lifecycles struct {
	bb    *onboardingBundle
	steps []lifecycleStep
}

func newLifecycles(tb testing.TB, h Harness) *lifecycles {
	bb := setupOnboarding(tb, h)
	steps := bb.lifecycle()
	require.Len(tb, steps, lifecycleTransitions-1)
	return &lifecycles{bb: bb, steps: steps}
}

// register registers n services, one per lifecycle, and returns their IDs.
func (l *lifecycles) register(tb testing.TB, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		svc := newService(serviceOpts{ID: fmt.Sprintf("floor-%07d", i)})
		require.NoError(tb, l.bb.svc.RegisterService(l.bb.ctx, svc))
		ids[i] = svc.ID
	}
	return ids
}

// run starts the onboarding of the service and takes it through the
// lifecycle: 7 transitions.
func (l *lifecycles) run(serviceID string) error {
	bb := l.bb
	o, err := bb.svc.Start(bb.ctx, onboarding.StartInput{
		ServiceID: serviceID, BodyID: bb.ministry.ID, Actor: "ucc-operator",
		RegisteredOn: bb.at(time.March, 14, 0), StandardApprovedOn: bb.at(time.March, 17, 0),
	})
	if err != nil {
		return err
	}
	for _, s := range l.steps {
		if o, err = s.do(o.ID); err != nil {
			return fmt.Errorf("to %s: %w", s.to, err)
		}
	}
	if o.State != onboarding.StateProtocolSigned {
		return fmt.Errorf("ended %s", o.State)
	}
	return nil
}

// rawLifecycles writes the documents of a lifecycle through a RawFloor.
type rawLifecycles struct {
	floor RawFloor
	docs  [][]byte
}

func newRawLifecycles(tb testing.TB, h Harness, fh FloorHarness) *rawLifecycles {
	return &rawLifecycles{docs: lifecycleDocs(tb, h), floor: fh.NewRawFloor(context.Background(), tb)}
}

// run writes the lifecycle's 7 documents under the i-th key: one INSERT,
// six UPDATEs, one transaction each.
func (r *rawLifecycles) run(i int) error {
	key := fmt.Sprintf("floor-%07d", i)
	for _, doc := range r.docs {
		if err := r.floor(context.Background(), key, doc); err != nil {
			return err
		}
	}
	return nil
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
