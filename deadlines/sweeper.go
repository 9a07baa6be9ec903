package deadlines

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SweepStore is the storage the Sweeper consumes. Implementations must be
// safe for concurrent use by several sweepers, in one process or many.
type SweepStore interface {
	// DueTimers returns up to limit timers whose NextAt is set and not after
	// now, earliest first. The returned timers are copies the caller may keep.
	DueTimers(ctx context.Context, now time.Time, limit int) ([]*Timer, error)
	// ClaimFiring records f under f.Key(). It returns true when this call
	// recorded it and false when the key was recorded before: of any number
	// of concurrent calls with one key, exactly one returns true.
	ClaimFiring(ctx context.Context, f Firing) (bool, error)
	// UpdateTimer loads the timer, calls fn and saves the result atomically.
	// It returns an error wrapping ErrNotFound for an unknown id; when fn
	// returns an error nothing is saved and that error is returned.
	UpdateTimer(ctx context.Context, id string, fn func(*Timer) error) error
}

// FiringHandler acts on a rung that fired: it raises the escalation. It
// runs after the firing was claimed and is called once per claim; the
// claimed Firing is the durable record of the escalation.
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
// (returned by Sweep) are all the caller needs.
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
// It processes due timers in batches until none is left.
func (s *Sweeper) Sweep(ctx context.Context) ([]Firing, error) {
	now := s.clock.Now()
	var claimed []Firing
	var errs []error
	seen := map[string]bool{}
	for {
		timers, err := s.store.DueTimers(ctx, now, s.batch)
		if err != nil {
			return claimed, fmt.Errorf("deadlines: sweep: %w", err)
		}
		progress := false
		for _, t := range timers {
			if seen[t.ID] {
				continue // its NextAt did not move (e.g. a failed update); next sweep retries
			}
			seen[t.ID] = true
			progress = true
			got, err := s.fire(ctx, t, now)
			claimed = append(claimed, got...)
			if err != nil {
				errs = append(errs, err)
			}
		}
		if !progress || len(timers) < s.batch {
			return claimed, errors.Join(errs...)
		}
	}
}

func (s *Sweeper) fire(ctx context.Context, t *Timer, now time.Time) ([]Firing, error) {
	var claimed []Firing
	var keys []string
	var errs []error
	for _, f := range t.DueRungs(s.cal, now) {
		f.FiredAt = now
		ok, err := s.store.ClaimFiring(ctx, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("deadlines: claim %s: %w", f.Key(), err))
			continue
		}
		keys = append(keys, f.Key())
		if !ok {
			continue // another sweeper fired it
		}
		claimed = append(claimed, f)
		if s.handle != nil {
			if err := s.handle(ctx, f); err != nil {
				errs = append(errs, fmt.Errorf("deadlines: handle %s: %w", f.Key(), err))
			}
		}
	}
	if len(keys) > 0 {
		err := s.store.UpdateTimer(ctx, t.ID, func(fresh *Timer) error {
			fresh.MarkFired(s.cal, keys...)
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("deadlines: mark fired on %s: %w", t.ID, err))
		}
	}
	return claimed, errors.Join(errs...)
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
