package deadlines

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SweepStore is the storage the Sweeper consumes. A store indexes the
// Schedule of every timer it saves (in the same write as the timer or its
// owning aggregate) and records claims. Implementations must be safe for
// concurrent use by several sweepers, in one process or many.
type SweepStore interface {
	// DueFirings returns up to limit scheduled rungs whose At is not after
	// now and that have not been claimed, earliest first.
	DueFirings(ctx context.Context, now time.Time, limit int) ([]Firing, error)
	// ClaimFiring records f under f.Key(). It returns true when this call
	// recorded it and false when the key was recorded before: of any number
	// of concurrent calls with one key, exactly one returns true. A claimed
	// firing is no longer returned by DueFirings, and saving its timer again
	// does not schedule it again.
	ClaimFiring(ctx context.Context, f Firing) (bool, error)
}

// BatchClaimer is an optional SweepStore extension that claims due rungs
// in batches, in one write: a database answers "claim 1,000 of a million
// open rungs" in one statement instead of one commit per rung. ClaimDue
// claims up to limit unclaimed rungs due at now, earliest first, sets their
// FiredAt to now and returns them; concurrent callers get disjoint sets, and
// a rung it returns is never returned by DueFirings, ClaimDue or claimed by
// ClaimFiring again. The Sweeper uses it when the store has it.
type BatchClaimer interface {
	ClaimDue(ctx context.Context, now time.Time, limit int) ([]Firing, error)
}

// Acknowledger is an optional SweepStore extension that makes a claimed
// rung's handling survive a crash. A claim is recorded before its handler
// runs, so a process that dies in between (or a handler that fails) would
// leave the rung fired but never escalated. With an Acknowledger the
// Sweeper acknowledges each claim once its handler has succeeded, and
// every sweep first hands the claims still unacknowledged some time after
// they were made to the handler again. Handlers are then called at least
// once per claim and must be idempotent: the onboarding and chain handlers
// record an escalation once per firing whatever the number of calls.
type Acknowledger interface {
	// Unacknowledged returns up to limit claimed firings not yet
	// acknowledged whose FiredAt is before before, earliest first.
	Unacknowledged(ctx context.Context, before time.Time, limit int) ([]Firing, error)
	// AckFirings acknowledges the claims of keys. Acknowledging a claim
	// twice, or a key never claimed, changes nothing and is not an error.
	AckFirings(ctx context.Context, keys ...string) error
}

// redeliverAfter is how long a claim stays unacknowledged before a sweep
// hands it to the handler again: long enough for the sweeper that claimed
// it to finish handling it, short enough to escalate soon after a crash.
const redeliverAfter = 5 * time.Minute

// Deferrer is an Acknowledger that can put a claim back in line. The
// Sweeper defers each claim whose handler failed by RetryFailedAfter: a
// handler that keeps failing (a notice nobody can deliver) is then called
// again once per RetryFailedAfter instead of on every sweep, and claims that
// keep failing move behind the others instead of filling every batch of
// Unacknowledged, so the claims behind them are still retried. Without a
// Deferrer a failed claim is handed out again on every sweep from
// redeliverAfter on.
type Deferrer interface {
	// DeferFirings makes the pending claims of keys pending since since:
	// Unacknowledged returns them only when its before is after since.
	// Keys acknowledged or never claimed are left alone, without error.
	DeferFirings(ctx context.Context, since time.Time, keys ...string) error
}

// RetryFailedAfter is how long after a handler failed its claim is handed
// to the handler again, when the store is a Deferrer.
const RetryFailedAfter = 15 * time.Minute

// FiringHandler acts on a rung that fired: it raises the escalation. It
// runs after the firing was claimed and is called once per claim, or at
// least once when the store is an Acknowledger; the claimed Firing is the
// durable record of the escalation.
type FiringHandler func(ctx context.Context, f Firing) error

// Sweeper finds the rungs due at the clock's now and fires each (timer,
// cycle, rung) exactly once, however many sweepers run at once.
type Sweeper struct {
	store  SweepStore
	cal    *Calendar
	clock  Clock
	handle FiringHandler
	batch  int
}

// NewSweeper returns a Sweeper. handle may be nil when the claimed firings
// (returned by Sweep) are all the caller needs: with an Acknowledger they
// are then acknowledged as they are claimed (there is nothing to hand out
// again), so that no claim stays pending.
func NewSweeper(store SweepStore, cal *Calendar, clock Clock, handle FiringHandler) (*Sweeper, error) {
	var errs []error
	if store == nil {
		errs = append(errs, Invalid(Citation{}, "store", "nil SweepStore"))
	}
	if cal == nil {
		errs = append(errs, Invalid(Citation{}, "calendar", "nil Calendar"))
	}
	if clock == nil {
		errs = append(errs, Invalid(Citation{}, "clock", "nil Clock"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Sweeper{store: store, cal: cal, clock: clock, handle: handle, batch: 1000}, nil
}

// Sweep fires every rung due now and returns the firings this call claimed.
// It works in batches until nothing due is left unclaimed.
func (s *Sweeper) Sweep(ctx context.Context) ([]Firing, error) {
	now := s.clock.Now()
	redelivered := s.redeliver(ctx, now)
	claimed, err := s.sweep(ctx, now)
	return claimed, errors.Join(redelivered, err)
}

// sweep claims and handles the rungs due at now.
func (s *Sweeper) sweep(ctx context.Context, now time.Time) ([]Firing, error) {
	if b, ok := s.store.(BatchClaimer); ok {
		return s.sweepBatches(ctx, b, now)
	}
	var claimed []Firing
	var errs []error
	failed := map[string]bool{}
	for {
		due, err := s.store.DueFirings(ctx, now, s.batch)
		if err != nil {
			return claimed, fmt.Errorf("deadlines: sweep: %w", err)
		}
		progress := false
		for _, f := range due {
			if failed[f.Key()] {
				continue // its claim failed in this sweep; the next sweep retries
			}
			progress = true
			f.FiredAt = now
			ok, err := s.store.ClaimFiring(ctx, f)
			if err != nil {
				failed[f.Key()] = true
				errs = append(errs, fmt.Errorf("deadlines: claim %s: %w", f.Key(), err))
				continue
			}
			if !ok {
				continue // another sweeper fired it
			}
			claimed = append(claimed, f)
			if err := s.handleAndAck(ctx, now, []Firing{f}); err != nil {
				errs = append(errs, err)
			}
		}
		if !progress || len(due) < s.batch {
			return claimed, errors.Join(errs...)
		}
	}
}

// sweepBatches is Sweep over a BatchClaimer.
func (s *Sweeper) sweepBatches(ctx context.Context, b BatchClaimer, now time.Time) ([]Firing, error) {
	var claimed []Firing
	var errs []error
	for {
		batch, err := b.ClaimDue(ctx, now, s.batch)
		if err != nil {
			return claimed, errors.Join(append(errs, fmt.Errorf("deadlines: sweep: %w", err))...)
		}
		claimed = append(claimed, batch...)
		if err := s.handleAndAck(ctx, now, batch); err != nil {
			errs = append(errs, err)
		}
		if len(batch) == 0 { // a short batch may only mean others claimed some
			return claimed, errors.Join(errs...)
		}
	}
}

// handleAndAck hands claimed firings to the handler (none: each counts as
// handled) and, when the store is an Acknowledger, acknowledges those it
// handled, in one write; when it is a Deferrer, the failed ones are
// deferred by RetryFailedAfter from now, in one more.
func (s *Sweeper) handleAndAck(ctx context.Context, now time.Time, fs []Firing) error {
	if len(fs) == 0 {
		return nil
	}
	var errs []error
	var done, failed []string
	for _, f := range fs {
		if s.handle == nil {
			done = append(done, f.Key())
			continue
		}
		if err := s.handle(ctx, f); err != nil {
			errs = append(errs, fmt.Errorf("deadlines: handle %s: %w", f.Key(), err))
			failed = append(failed, f.Key())
			continue
		}
		done = append(done, f.Key())
	}
	if a, ok := s.store.(Acknowledger); ok && len(done) > 0 {
		if err := a.AckFirings(ctx, done...); err != nil {
			errs = append(errs, fmt.Errorf("deadlines: acknowledging %d firings: %w", len(done), err))
		}
	}
	if d, ok := s.store.(Deferrer); ok && len(failed) > 0 {
		// Unacknowledged(now' - redeliverAfter) returns them again once
		// now' reaches now + RetryFailedAfter.
		if err := d.DeferFirings(ctx, now.Add(RetryFailedAfter-redeliverAfter), failed...); err != nil {
			errs = append(errs, fmt.Errorf("deadlines: deferring %d failed firings: %w", len(failed), err))
		}
	}
	return errors.Join(errs...)
}

// redeliver hands the claims left unacknowledged for redeliverAfter to the
// handler again (Acknowledger; without a handler they are acknowledged). A claim whose handler fails stays
// unacknowledged: a Deferrer hands it out again RetryFailedAfter later,
// any other Acknowledger on the next sweep.
func (s *Sweeper) redeliver(ctx context.Context, now time.Time) error {
	a, ok := s.store.(Acknowledger)
	if !ok {
		return nil
	}
	stale, err := a.Unacknowledged(ctx, now.Add(-redeliverAfter), s.batch)
	if err != nil {
		return fmt.Errorf("deadlines: sweep: unacknowledged firings: %w", err)
	}
	return s.handleAndAck(ctx, now, stale)
}

// Run sweeps every interval until ctx is done, reporting each sweep's
// outcome to report (which may be nil). It returns ctx.Err().
func (s *Sweeper) Run(ctx context.Context, interval time.Duration, report func([]Firing, error)) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		fired, err := s.Sweep(ctx)
		if report != nil {
			report(fired, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
