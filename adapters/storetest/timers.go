package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

type timersBundle struct {
	ctx   context.Context
	cal   *deadlines.Calendar
	store TimerStore
	now   time.Time
}

func setupTimers(t testing.TB, h Harness) *timersBundle {
	t.Helper()
	ctx := context.Background()
	c := kz.Calendar()
	return &timersBundle{ctx: ctx, cal: c, store: h.NewStores(ctx, t).Timers, now: epoch(c)}
}

var rule5 = deadlines.Cite(deadlines.Rules130, 5)

// newTimer builds a 5-working-day timer starting at start with a warning and a breach rung.
func (b *timersBundle) newTimer(t testing.TB, id string, start time.Time) *deadlines.Timer {
	t.Helper()
	tm, err := deadlines.NewTimer(b.cal, id, "storetest/"+id,
		deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule5}, start,
		deadlines.Warning(1, rule5), deadlines.Breach(rule5))
	require.NoError(t, err)
	return tm
}

func runTimers(t *testing.T, h Harness) {
	t.Run("CreateGetRoundTrip", func(t *testing.T) {
		t.Parallel()
		b := setupTimers(t, h)
		want := b.newTimer(t, "t1", b.now)
		require.NoError(t, b.store.CreateTimer(b.ctx, want))
		got, err := b.store.GetTimer(b.ctx, "t1")
		require.NoError(t, err)
		require.Equal(t, want.ID, got.ID)
		require.Equal(t, want.Subject, got.Subject)
		require.Equal(t, want.Rungs, got.Rungs)
		require.Len(t, got.Ledger, 1)
		require.True(t, want.Ledger[0].At.Equal(got.Ledger[0].At))
		require.Equal(t, want.Ledger[0].Term, got.Ledger[0].Term)
		require.Equal(t, firingKeys(want.Schedule), firingKeys(got.Schedule))
		require.Equal(t, want.Deadline(b.cal).Due.Unix(), got.Deadline(b.cal).Due.Unix())
	})
	t.Run("NotFoundAndConflict", func(t *testing.T) {
		t.Parallel()
		b := setupTimers(t, h)
		_, err := b.store.GetTimer(b.ctx, "missing")
		require.ErrorIs(t, err, deadlines.ErrNotFound)
		err = b.store.UpdateTimer(b.ctx, "missing", func(*deadlines.Timer) error { return nil })
		require.ErrorIs(t, err, deadlines.ErrNotFound)
		require.NoError(t, b.store.CreateTimer(b.ctx, b.newTimer(t, "dup", b.now)))
		require.ErrorIs(t, b.store.CreateTimer(b.ctx, b.newTimer(t, "dup", b.now)), deadlines.ErrConflict)
	})
	t.Run("ClosureErrorChangesNothing", func(t *testing.T) {
		t.Parallel()
		b := setupTimers(t, h)
		require.NoError(t, b.store.CreateTimer(b.ctx, b.newTimer(t, "t1", b.now)))
		boom := errors.New("boom")
		err := b.store.UpdateTimer(b.ctx, "t1", func(tm *deadlines.Timer) error {
			require.NoError(t, tm.Pause(b.cal, b.now.Add(time.Hour), rule5, "should not stick"))
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := b.store.GetTimer(b.ctx, "t1")
		require.NoError(t, err)
		require.Len(t, got.Ledger, 1, "a failed closure must not be saved")
		due, err := b.store.DueFirings(b.ctx, b.now.AddDate(0, 1, 0), 10)
		require.NoError(t, err)
		require.Len(t, due, 2, "nor may it unschedule the timer's rungs")
	})
	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		t.Parallel()
		b := setupTimers(t, h)
		require.NoError(t, b.store.CreateTimer(b.ctx, b.newTimer(t, "hot", b.now)))
		const n = 32
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				err := b.store.UpdateTimer(b.ctx, "hot", func(tm *deadlines.Timer) error {
					return tm.Extend(b.cal, b.now, deadlines.Term{Kind: deadlines.WorkingDays, N: 1, Rule: rule5}, "one more day")
				})
				require.NoError(t, err)
			})
		}
		wg.Wait()
		got, err := b.store.GetTimer(b.ctx, "hot")
		require.NoError(t, err)
		require.Len(t, got.Ledger, n+1, "every one of the %d updates must be kept", n)
		require.Equal(t, b.cal.AddWorkdays(b.now, 5+n), got.Deadline(b.cal).Due)
	})
	t.Run("DueFiringsOrderLimitAndSchedule", func(t *testing.T) {
		t.Parallel()
		b := setupTimers(t, h)
		// Three timers started on consecutive working days; their rungs fall due in that order.
		for i, id := range []string{"c", "a", "b"} {
			require.NoError(t, b.store.CreateTimer(b.ctx, b.newTimer(t, id, b.now.AddDate(0, 0, []int{2, 0, 1}[i]))))
		}
		stopped := b.newTimer(t, "stopped", b.now)
		require.NoError(t, stopped.Stop(b.cal, b.now.Add(time.Hour), rule5, "done"))
		require.NoError(t, b.store.CreateTimer(b.ctx, stopped))

		none, err := b.store.DueFirings(b.ctx, b.now, 10)
		require.NoError(t, err)
		require.Empty(t, none)

		far := b.now.AddDate(0, 1, 0)
		due, err := b.store.DueFirings(b.ctx, far, 10)
		require.NoError(t, err)
		// a's breach (24:00 on its due date) and c's warning (00:00 the next
		// day) are the same instant: ties go by key.
		require.Equal(t, []string{"a/1/warning-1", "b/1/warning-1", "a/1/breach", "c/1/warning-1", "b/1/breach", "c/1/breach"}, firingKeys(due))
		due, err = b.store.DueFirings(b.ctx, far, 2)
		require.NoError(t, err)
		require.Equal(t, []string{"a/1/warning-1", "b/1/warning-1"}, firingKeys(due))
		require.True(t, due[0].At.Equal(b.cal.AddWorkdays(b.now, 4)), "a's warning: 00:00 of the working day before its due date")

		// Saving a timer re-indexes its schedule: a paused timer has nothing due.
		require.NoError(t, b.store.UpdateTimer(b.ctx, "a", func(tm *deadlines.Timer) error {
			return tm.Pause(b.cal, b.now.Add(time.Hour), rule5, "documents requested")
		}))
		due, err = b.store.DueFirings(b.ctx, far, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"b/1/warning-1", "c/1/warning-1", "b/1/breach", "c/1/breach"}, firingKeys(due))
	})
	t.Run("ClaimFiringOnce", func(t *testing.T) {
		t.Parallel()
		b := setupTimers(t, h)
		tm := b.newTimer(t, "t1", b.now)
		require.NoError(t, b.store.CreateTimer(b.ctx, tm))
		f := tm.Schedule[0]
		require.Equal(t, 1, claimRace(t, b.store, f, 16), "exactly one concurrent claim wins")
		got, err := b.store.Firings(b.ctx, "t1")
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, f.Key(), got[0].Key())
		require.Equal(t, f.Rung, got[0].Rung)

		// A claimed rung is no longer due, even after its timer is saved again.
		require.NoError(t, b.store.UpdateTimer(b.ctx, "t1", func(*deadlines.Timer) error { return nil }))
		due, err := b.store.DueFirings(b.ctx, b.now.AddDate(0, 1, 0), 10)
		require.NoError(t, err)
		require.Equal(t, []string{"t1/1/breach"}, firingKeys(due))
	})
	t.Run("ChangedScheduleMovesRungsDropsGoneOnesKeepsClaims", func(t *testing.T) {
		t.Parallel()
		b := setupTimers(t, h)
		far := b.now.AddDate(0, 2, 0)
		require.NoError(t, b.store.CreateTimer(b.ctx, b.newTimer(t, "t1", b.now)))
		require.NoError(t, b.store.CreateTimer(b.ctx, b.newTimer(t, "t2", b.now)))
		t2, err := b.store.GetTimer(b.ctx, "t2")
		require.NoError(t, err)
		warning := t2.Schedule[0]
		won, err := b.store.ClaimFiring(b.ctx, warning)
		require.NoError(t, err)
		require.True(t, won)

		// Extended, both timers' rungs move: same keys, later instants.
		// t2's claimed warning stays claimed where it was.
		var moved []deadlines.Firing
		for _, id := range []string{"t1", "t2"} {
			require.NoError(t, b.store.UpdateTimer(b.ctx, id, func(tm *deadlines.Timer) error {
				err := tm.Extend(b.cal, b.now.Add(time.Hour), deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: rule5}, "more time")
				moved = append(moved, tm.Schedule...)
				return err
			}))
		}
		due, err := b.store.DueFirings(b.ctx, far, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"t1/1/warning-1", "t1/1/breach", "t2/1/breach"}, firingKeys(due))
		for _, f := range due {
			i := slices.IndexFunc(moved, func(m deadlines.Firing) bool { return m.Key() == f.Key() })
			require.True(t, f.At.Equal(moved[i].At), "%s is due at its new instant", f.Key())
		}
		require.True(t, due[0].At.After(warning.At))
		won, err = b.store.ClaimFiring(b.ctx, moved[2])
		require.NoError(t, err)
		require.False(t, won, "a claimed rung that moved is not claimed again")
		claims, err := b.store.Firings(b.ctx, "t2")
		require.NoError(t, err)
		require.Equal(t, []string{"t2/1/warning-1"}, firingKeys(claims))
		require.True(t, claims[0].At.Equal(warning.At), "the claim is the rung as it was claimed")

		// Stopped before its warning, t1 has nothing left to fire; t2 keeps
		// its claim.
		for _, id := range []string{"t1", "t2"} {
			require.NoError(t, b.store.UpdateTimer(b.ctx, id, func(tm *deadlines.Timer) error {
				return tm.Stop(b.cal, b.now.Add(2*time.Hour), rule5, "done")
			}))
		}
		due, err = b.store.DueFirings(b.ctx, far, 10)
		require.NoError(t, err)
		require.Empty(t, due)
		claims, err = b.store.Firings(b.ctx, "t2")
		require.NoError(t, err)
		require.Equal(t, []string{"t2/1/warning-1"}, firingKeys(claims))
	})
	t.Run("UnacknowledgedClaimsAreHandledAgain", func(t *testing.T) {
		t.Parallel()
		b := setupTimers(t, h)
		ack, ok := b.store.(deadlines.Acknowledger)
		if !ok {
			t.Skip("the store is not a deadlines.Acknowledger")
		}
		require.NoError(t, b.store.CreateTimer(b.ctx, b.newTimer(t, "t1", b.now)))
		clock := deadlinestest.NewClock(b.now.AddDate(0, 1, 0))
		calls := map[string]int{}
		failing := true // the first handling of every rung fails, as if the process died
		s, err := deadlines.NewSweeper(b.store, b.cal, clock, func(_ context.Context, f deadlines.Firing) error {
			calls[f.Key()]++
			if failing {
				return errors.New("the escalation was not recorded")
			}
			return nil
		})
		require.NoError(t, err)
		_, err = s.Sweep(b.ctx)
		require.Error(t, err)
		// Still pending (a Deferrer has deferred them: hence the hour).
		pending, err := ack.Unacknowledged(b.ctx, clock.Now().Add(time.Hour), 10)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"t1/1/warning-1", "t1/1/breach"}, firingKeys(pending))

		failing = false
		_, err = s.Sweep(b.ctx)
		require.NoError(t, err)
		require.Equal(t, map[string]int{"t1/1/warning-1": 1, "t1/1/breach": 1}, calls, "a fresh claim is left to the sweeper that made it")

		// Past the redelivery delay, and past RetryFailedAfter for a
		// Deferrer (the sweeper deferred the failed claims).
		clock.Advance(deadlines.RetryFailedAfter + time.Minute)
		_, err = s.Sweep(b.ctx)
		require.NoError(t, err)
		require.Equal(t, map[string]int{"t1/1/warning-1": 2, "t1/1/breach": 2}, calls, "a stale one is handled again")
		pending, err = ack.Unacknowledged(b.ctx, clock.Now().Add(time.Hour), 10)
		require.NoError(t, err)
		require.Empty(t, pending, "and acknowledged")

		clock.Advance(time.Hour)
		_, err = s.Sweep(b.ctx)
		require.NoError(t, err)
		require.Equal(t, map[string]int{"t1/1/warning-1": 2, "t1/1/breach": 2}, calls, "once")
		require.NoError(t, ack.AckFirings(b.ctx, "t1/1/breach", "never-claimed"), "acknowledging twice or an unknown key is no error")
	})
	t.Run("DeferredClaimsWaitTheirTurn", func(t *testing.T) {
		t.Parallel()
		b := setupTimers(t, h)
		d, ok := b.store.(deadlines.Deferrer)
		if !ok {
			t.Skip("the store is not a deadlines.Deferrer")
		}
		ack := b.store.(deadlines.Acknowledger)
		require.NoError(t, b.store.CreateTimer(b.ctx, b.newTimer(t, "t1", b.now)))
		firedAt := b.now.AddDate(0, 1, 0)
		due, err := b.store.DueFirings(b.ctx, firedAt, 10)
		require.NoError(t, err)
		require.Len(t, due, 2)
		for i, f := range due { // the warning first, then the breach
			f.FiredAt = firedAt.Add(time.Duration(i) * time.Second)
			won, err := b.store.ClaimFiring(b.ctx, f)
			require.NoError(t, err)
			require.True(t, won)
		}
		pending := func(before time.Time) []string {
			fs, err := ack.Unacknowledged(b.ctx, before, 10)
			require.NoError(t, err)
			return firingKeys(fs)
		}
		require.Equal(t, []string{"t1/1/warning-1", "t1/1/breach"}, pending(firedAt.Add(2*time.Second)), "earliest first")

		later := firedAt.Add(10 * time.Minute)
		require.NoError(t, d.DeferFirings(b.ctx, later, "t1/1/warning-1", "never-claimed"), "an unknown key is no error")
		require.Equal(t, []string{"t1/1/breach"}, pending(later), "a deferred claim waits until its new time")
		require.Equal(t, []string{"t1/1/breach", "t1/1/warning-1"}, pending(later.Add(time.Second)), "and then comes after the claims pending longer")

		require.NoError(t, ack.AckFirings(b.ctx, "t1/1/warning-1"))
		require.NoError(t, d.DeferFirings(b.ctx, later, "t1/1/warning-1"))
		require.Equal(t, []string{"t1/1/breach"}, pending(later.Add(time.Hour)), "deferring an acknowledged claim does not make it pending again")
	})
	t.Run("ConcurrentSweepersFireEachRungOnce", func(t *testing.T) {
		t.Parallel()
		b := setupTimers(t, h)
		const timers = 20
		for i := range timers {
			require.NoError(t, b.store.CreateTimer(b.ctx, b.newTimer(t, fmt.Sprintf("t%02d", i), b.now)))
		}
		clock := deadlinestest.NewClock(b.now.AddDate(0, 1, 0)) // past every warning and breach
		var mu sync.Mutex
		handled := map[string]int{}
		handle := func(_ context.Context, f deadlines.Firing) error {
			mu.Lock()
			defer mu.Unlock()
			handled[f.Key()]++
			return nil
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				s, err := deadlines.NewSweeper(b.store, b.cal, clock, handle)
				require.NoError(t, err)
				_, err = s.Sweep(b.ctx)
				require.NoError(t, err)
			})
		}
		wg.Wait()
		require.Len(t, handled, timers*2, "a warning and a breach per timer")
		for k, n := range handled {
			require.Equal(t, 1, n, "rung %s fired %d times", k, n)
		}
		due, err := b.store.DueFirings(b.ctx, clock.Now(), timers)
		require.NoError(t, err)
		require.Empty(t, due, "nothing is left to fire")
	})
}

func firingKeys(fs []deadlines.Firing) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Key()
	}
	return out
}

func benchTimers(b *testing.B, h Harness) {
	b.Run("UpdateTimer", func(b *testing.B) {
		bb := setupTimers(b, h)
		require.NoError(b, bb.store.CreateTimer(bb.ctx, bb.newTimer(b, "t", bb.now)))
		// Each update changes the timer, by the same amount every time: a
		// subject that grew by a byte per update measured the string, not
		// the store.
		subjects := [2]string{"storetest/t (even)", "storetest/t (odd)"}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			subject := subjects[i%2]
			i++
			err := bb.store.UpdateTimer(bb.ctx, "t", func(tm *deadlines.Timer) error {
				tm.Subject = subject
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ClaimFiring", func(b *testing.B) {
		bb := setupTimers(b, h)
		tm := bb.newTimer(b, "t", bb.now)
		f := tm.Schedule[0]
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			f.TimerID = strconv.Itoa(i)
			i++
			if _, err := bb.store.ClaimFiring(bb.ctx, f); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// claimRace claims f from n goroutines at once and returns how many won.
func claimRace(t *testing.T, store deadlines.SweepStore, f deadlines.Firing, n int) int {
	t.Helper()
	var wg sync.WaitGroup
	results := make(chan bool, n)
	for range n {
		wg.Go(func() {
			ok, err := store.ClaimFiring(context.Background(), f)
			require.NoError(t, err)
			results <- ok
		})
	}
	wg.Wait()
	close(results)
	won := 0
	for ok := range results {
		if ok {
			won++
		}
	}
	return won
}
