package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Store holds every record in memory. The zero value is not usable; call New.
type Store struct {
	mu      sync.Mutex
	timers  map[string]*deadlines.Timer
	firings map[string]deadlines.Firing
}

// New returns an empty Store. Values are copied on the way in and out, so
// callers never share memory with the store, as with a database.
func New() *Store {
	return &Store{
		timers:  map[string]*deadlines.Timer{},
		firings: map[string]deadlines.Firing{},
	}
}

// CreateTimer stores a new timer; an existing ID is an error wrapping
// deadlines.ErrConflict.
func (s *Store) CreateTimer(_ context.Context, t *deadlines.Timer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.timers[t.ID]; ok {
		return fmt.Errorf("memory: timer %q: %w", t.ID, deadlines.ErrConflict)
	}
	s.timers[t.ID] = t.Clone()
	return nil
}

// GetTimer returns a copy of the timer, or an error wrapping deadlines.ErrNotFound.
func (s *Store) GetTimer(_ context.Context, id string) (*deadlines.Timer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.timers[id]
	if !ok {
		return nil, fmt.Errorf("memory: timer %q: %w", id, deadlines.ErrNotFound)
	}
	return t.Clone(), nil
}

// UpdateTimer runs fn on a copy under the store's lock and keeps the result
// only when fn succeeds.
func (s *Store) UpdateTimer(_ context.Context, id string, fn func(*deadlines.Timer) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.timers[id]
	if !ok {
		return fmt.Errorf("memory: timer %q: %w", id, deadlines.ErrNotFound)
	}
	work := t.Clone()
	if err := fn(work); err != nil {
		return err
	}
	if work.ID != id {
		return fmt.Errorf("memory: timer %q: the update changed its id: %w", id, deadlines.ErrInvalid)
	}
	s.timers[id] = work
	return nil
}

// DueTimers returns copies of up to limit timers with NextAt at or before
// now, earliest first.
func (s *Store) DueTimers(_ context.Context, now time.Time, limit int) ([]*deadlines.Timer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []*deadlines.Timer
	for _, t := range s.timers {
		if !t.NextAt.IsZero() && !t.NextAt.After(now) {
			due = append(due, t)
		}
	}
	slices.SortFunc(due, func(a, b *deadlines.Timer) int {
		if c := a.NextAt.Compare(b.NextAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	due = due[:min(limit, len(due))]
	for i, t := range due {
		due[i] = t.Clone()
	}
	return due, nil
}

// ClaimFiring records f under its key once: check-and-set under the lock.
func (s *Store) ClaimFiring(_ context.Context, f deadlines.Firing) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.firings[f.Key()]; ok {
		return false, nil
	}
	s.firings[f.Key()] = f
	return true, nil
}

// Firings returns the recorded firings of a timer, in firing order.
func (s *Store) Firings(_ context.Context, timerID string) ([]deadlines.Firing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []deadlines.Firing
	for _, f := range s.firings {
		if f.TimerID == timerID {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b deadlines.Firing) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.Key(), b.Key())
	})
	return out, nil
}
