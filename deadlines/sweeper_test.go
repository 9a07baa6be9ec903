package deadlines_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
)

type sweepBundle struct {
	ctx     context.Context
	cal     *deadlines.Calendar
	clock   *deadlinestest.Clock
	store   *memory.Store
	sweeper *deadlines.Sweeper
	mu      sync.Mutex
	handled []string
}

func setupSweep(t *testing.T) *sweepBundle {
	t.Helper()
	b := &sweepBundle{ctx: context.Background(), cal: kzCal(), store: memory.New()}
	b.clock = deadlinestest.NewClock(at(t, b.cal, "2025-03-17 10:00"))
	s, err := deadlines.NewSweeper(b.store, b.cal, b.clock, func(_ context.Context, f deadlines.Firing) error {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.handled = append(b.handled, f.Key())
		return nil
	})
	require.NoError(t, err)
	b.sweeper = s
	tm, err := deadlines.NewTimer(b.cal, "t1", "test", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, b.clock.Now(),
		deadlines.Warning(1, p5), deadlines.Breach(p5))
	require.NoError(t, err)
	require.NoError(t, b.store.CreateTimer(b.ctx, tm))
	return b
}

func (b *sweepBundle) sweepAt(t *testing.T, now string) []string {
	t.Helper()
	b.clock.Set(at(t, b.cal, now))
	fired, err := b.sweeper.Sweep(b.ctx)
	require.NoError(t, err)
	var keys []string
	for _, f := range fired {
		require.Equal(t, b.clock.Now(), f.FiredAt)
		keys = append(keys, f.Key())
	}
	return keys
}

func TestSweeperFiresEachRungOnceAtItsInstant(t *testing.T) {
	t.Parallel()
	b := setupSweep(t)
	require.Empty(t, b.sweepAt(t, "2025-03-25 23:59"))
	require.Equal(t, []string{"t1/1/warning-1"}, b.sweepAt(t, "2025-03-26 00:00"))
	require.Empty(t, b.sweepAt(t, "2025-03-27 23:59"), "the warning does not fire again")
	require.Equal(t, []string{"t1/1/breach"}, b.sweepAt(t, "2025-03-28 00:00"))
	require.Empty(t, b.sweepAt(t, "2025-06-01 00:00"))
	require.Equal(t, []string{"t1/1/warning-1", "t1/1/breach"}, b.handled)

	firings, err := b.store.Firings(b.ctx, "t1")
	require.NoError(t, err)
	require.Len(t, firings, 2)
	require.Equal(t, p5, firings[1].Rung.Rule)
	require.Equal(t, "2025-03-27", day(firings[1].Due))
}

func TestSweeperCatchesUpOnMissedRungs(t *testing.T) {
	t.Parallel()
	b := setupSweep(t)
	require.Equal(t, []string{"t1/1/warning-1", "t1/1/breach"}, b.sweepAt(t, "2025-04-30 09:00"))
}

func TestSweeperSkipsStoppedTimers(t *testing.T) {
	t.Parallel()
	b := setupSweep(t)
	require.NoError(t, b.store.UpdateTimer(b.ctx, "t1", func(tm *deadlines.Timer) error {
		return tm.Stop(b.cal, at(t, b.cal, "2025-03-19 10:00"), p5, "done in time")
	}))
	require.Empty(t, b.sweepAt(t, "2025-06-01 00:00"))
}

func TestSweeperConcurrentSweepsFireOnce(t *testing.T) {
	t.Parallel()
	b := setupSweep(t)
	b.clock.Set(at(t, b.cal, "2025-06-01 00:00"))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := b.sweeper.Sweep(b.ctx)
			require.NoError(t, err)
		})
	}
	wg.Wait()
	require.ElementsMatch(t, []string{"t1/1/warning-1", "t1/1/breach"}, b.handled)
}

func TestSweeperReportsHandlerErrorsAndKeepsTheClaim(t *testing.T) {
	t.Parallel()
	c := kzCal()
	store := memory.New()
	clock := deadlinestest.NewClock(at(t, c, "2025-03-17 10:00"))
	tm, err := deadlines.NewTimer(c, "t1", "test", deadlines.Term{Kind: deadlines.WorkingDays, N: 1, Rule: p5}, clock.Now())
	require.NoError(t, err)
	require.NoError(t, store.CreateTimer(context.Background(), tm))
	boom := errors.New("mail server down")
	s, err := deadlines.NewSweeper(store, c, clock, func(context.Context, deadlines.Firing) error { return boom })
	require.NoError(t, err)

	clock.Set(at(t, c, "2025-04-01"))
	fired, err := s.Sweep(context.Background())
	require.ErrorIs(t, err, boom)
	require.Len(t, fired, 1, "the claim is the durable record of the escalation")
	fired, err = s.Sweep(context.Background())
	require.NoError(t, err)
	require.Empty(t, fired, "a claimed rung is not fired twice")
}

func TestSweeperRun(t *testing.T) {
	t.Parallel()
	b := setupSweep(t)
	b.clock.Set(at(t, b.cal, "2025-06-01 00:00"))
	ctx, cancel := context.WithCancel(b.ctx)
	reports := make(chan []deadlines.Firing, 10)
	done := make(chan error)
	go func() {
		done <- b.sweeper.Run(ctx, time.Millisecond, func(f []deadlines.Firing, err error) {
			require.NoError(t, err)
			reports <- f
		})
	}()
	require.Len(t, <-reports, 2, "the first sweep runs at once")
	require.Empty(t, <-reports)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}

func TestNewSweeperRejectsMissingParts(t *testing.T) {
	t.Parallel()
	_, err := deadlines.NewSweeper(nil, nil, nil, nil)
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	for _, f := range []string{"store", "calendar", "clock"} {
		require.Contains(t, err.Error(), f+": ")
	}
}

// acknowledgingOnly hides the memory store's Deferrer: a store that can
// acknowledge claims but not defer them.
type acknowledgingOnly struct {
	deadlines.SweepStore
	deadlines.Acknowledger
}

// TestSweeperDefersFailedClaimsSoTheyCannotStarveOthers: 1,000 claims whose
// handler always fails (a batch of Unacknowledged) and one claim left
// unhandled by a sweeper that died. With a Deferrer the failed ones wait
// RetryFailedAfter behind the others and are retried once per period;
// without one they are retried on every sweep and the dead sweeper's claim
// is never handed out.
func TestSweeperDefersFailedClaimsSoTheyCannotStarveOthers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		store func(*memory.Store) deadlines.SweepStore
		// wantOrphanHandled: the dead sweeper's claim is handled at the end.
		wantOrphanHandled bool
	}{
		{"Deferrer", func(s *memory.Store) deadlines.SweepStore { return s }, true},
		{"AcknowledgerOnly", func(s *memory.Store) deadlines.SweepStore { return acknowledgingOnly{s, s} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, c, mem := context.Background(), kzCal(), memory.New()
			clock := deadlinestest.NewClock(at(t, c, "2025-03-17 10:00"))
			term := deadlines.Term{Kind: deadlines.WorkingDays, N: 1, Rule: p5}
			for i := range 1000 {
				tm, err := deadlines.NewTimer(c, fmt.Sprintf("poison-%04d", i), "test", term, clock.Now())
				require.NoError(t, err)
				require.NoError(t, mem.CreateTimer(ctx, tm))
			}
			calls := map[string]int{}
			s, err := deadlines.NewSweeper(tc.store(mem), c, clock, func(_ context.Context, f deadlines.Firing) error {
				calls[f.TimerID]++
				if f.TimerID != "orphan" {
					return errors.New("no one can deliver this notice")
				}
				return nil
			})
			require.NoError(t, err)

			clock.Set(at(t, c, "2025-04-01 09:00"))
			fired, err := s.Sweep(ctx)
			require.Error(t, err)
			require.Len(t, fired, 1000)

			// A sweeper claims the orphan's rung a minute later and dies
			// before its handler ran.
			tm, err := deadlines.NewTimer(c, "orphan", "test", term, at(t, c, "2025-03-17 10:00"))
			require.NoError(t, err)
			require.NoError(t, mem.CreateTimer(ctx, tm))
			clock.Advance(time.Minute)
			due, err := mem.DueFirings(ctx, clock.Now(), 10)
			require.NoError(t, err)
			require.Len(t, due, 1)
			due[0].FiredAt = clock.Now()
			won, err := mem.ClaimFiring(ctx, due[0])
			require.NoError(t, err)
			require.True(t, won)

			// Sweeps every minute for 20 minutes.
			for range 20 {
				clock.Advance(time.Minute)
				_, _ = s.Sweep(ctx)
			}
			require.Equal(t, tc.wantOrphanHandled, calls["orphan"] == 1, "the dead sweeper's claim handled: %d calls", calls["orphan"])
			if tc.wantOrphanHandled {
				require.Equal(t, 2, calls["poison-0000"], "a failing claim is retried once per RetryFailedAfter, not on every sweep")
			} else {
				require.Greater(t, calls["poison-0000"], 10, "without a Deferrer it is retried on every sweep")
			}
		})
	}
}

// A Sweeper without a handler acknowledges what it claims: its caller takes
// the firings from Sweep, and a claim left pending would never be handed
// out again (there is no handler to hand it to) yet count as outstanding.
func TestSweeperWithoutAHandlerAcknowledgesItsClaims(t *testing.T) {
	t.Parallel()
	ctx, c, mem := context.Background(), kzCal(), memory.New()
	clock := deadlinestest.NewClock(at(t, c, "2025-03-17 10:00"))
	for i := range 3 {
		tm, err := deadlines.NewTimer(c, fmt.Sprintf("t%d", i), "test", deadlines.Term{Kind: deadlines.WorkingDays, N: 1, Rule: p5}, clock.Now())
		require.NoError(t, err)
		require.NoError(t, mem.CreateTimer(ctx, tm))
	}
	s, err := deadlines.NewSweeper(mem, c, clock, nil)
	require.NoError(t, err)
	clock.Set(at(t, c, "2025-04-01 09:00"))
	fired, err := s.Sweep(ctx)
	require.NoError(t, err)
	require.Len(t, fired, 3)
	pending, err := mem.Unacknowledged(ctx, clock.Now().Add(time.Hour), 10)
	require.NoError(t, err)
	require.Empty(t, pending, "the claims are acknowledged")
}
