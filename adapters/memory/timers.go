package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// Store holds every record in memory behind one mutex. The zero value is
// not usable; call New.
type Store struct {
	mu       sync.Mutex
	timers   map[string]*deadlines.Timer
	schedule map[string][]deadlines.Firing // timer ID → its non-empty Schedule (replaced whole, never edited)
	claimed  map[string]deadlines.Firing   // key → claimed firing
	unacked  map[string]time.Time          // claimed keys whose handler has not succeeded → pending since (deadlines.Acknowledger)

	bodies       map[string]onboarding.Body
	services     map[string]onboarding.StateService
	onboardings  map[string]*onboarding.Onboarding
	scheduled    map[string]*onboarding.Onboarding // the onboardings with a timer whose Schedule is not empty
	unique       map[string]string                 // unique keys ("bin:…", "register:…", "onboarding:service/body") → owner ID
	requests     map[string]*onboarding.InfoRequest
	ledgers      map[onboarding.LedgerKey]*onboarding.RefusalLedger
	trainings    map[string]*onboarding.QualityTraining
	definitions  map[string]*chain.Definition
	applications map[string]*chain.Application

	reports    reportMaps
	deliveries map[string]*desk.Delivery
	desk       deskIndex
	calendars  map[string]deadlines.CalendarData // calendar name → its data (calendars.go)

	journal journal // the audit log and the outbox (journal.go)
}

// New returns an empty Store. Values are copied on the way in and out, so
// callers never share memory with the store, as with a database. Every
// state change is audited and its events queued in the outbox, as in
// sqlstore, unless WithoutAudit is given.
func New(opts ...Option) *Store {
	s := &Store{
		timers:      map[string]*deadlines.Timer{},
		schedule:    map[string][]deadlines.Firing{},
		claimed:     map[string]deadlines.Firing{},
		unacked:     map[string]time.Time{},
		bodies:      map[string]onboarding.Body{},
		services:    map[string]onboarding.StateService{},
		onboardings: map[string]*onboarding.Onboarding{},
		scheduled:   map[string]*onboarding.Onboarding{},
		unique:      map[string]string{},
		requests:    map[string]*onboarding.InfoRequest{},
		ledgers:     map[onboarding.LedgerKey]*onboarding.RefusalLedger{},
		trainings:   map[string]*onboarding.QualityTraining{},

		definitions:  map[string]*chain.Definition{},
		applications: map[string]*chain.Application{},

		reports:    newReportMaps(),
		deliveries: map[string]*desk.Delivery{},
		desk:       newDeskIndex(),
		calendars:  map[string]deadlines.CalendarData{},
		journal:    newJournal(),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// indexTimers records each timer's current Schedule for DueFirings; claimed
// rungs are filtered when read. Schedules are replaced whole and never
// edited, so the index keeps the slice itself. The caller holds s.mu.
func (s *Store) indexTimers(ts ...*deadlines.Timer) {
	for _, t := range ts {
		if old, ok := s.schedule[t.ID]; (ok || len(t.Schedule) == 0) && sameSlice(old, t.Schedule) {
			continue // unchanged since it was indexed
		}
		s.index(t)
	}
}

// index records t's Schedule. A timer with nothing left to fire (done in
// time, paused) has no entry. The caller holds s.mu.
func (s *Store) index(t *deadlines.Timer) {
	if len(t.Schedule) == 0 {
		delete(s.schedule, t.ID)
		return
	}
	s.schedule[t.ID] = t.Schedule
}

// sameSlice reports whether a and b are the same elements of one array.
func sameSlice(a, b []deadlines.Firing) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// CreateTimer stores a new standalone timer; an existing ID is an error
// wrapping deadlines.ErrConflict.
func (s *Store) CreateTimer(_ context.Context, t *deadlines.Timer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.timers[t.ID]; ok {
		return fmt.Errorf("memory: timer %q: %w", t.ID, deadlines.ErrConflict)
	}
	c := t.Clone()
	if !s.journal.off {
		if err := s.journal.audit("timers", t.ID, c, true, timerChange(c, 0), nil); err != nil {
			return err
		}
	}
	s.timers[t.ID] = c
	s.indexTimers(t)
	return nil
}

// timerChange is the change a timer's ledger records from index before
// on: its newest entry, or nil.
func timerChange(t *deadlines.Timer, before int) *change {
	if len(t.Ledger) <= before {
		return nil
	}
	e := t.Ledger[len(t.Ledger)-1]
	return &change{typ: e.Kind.String(), actor: "system", rule: e.Rule.String()}
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
	if !s.journal.off {
		if err := s.journal.audit("timers", id, work, false, timerChange(work, len(t.Ledger)), nil); err != nil {
			return err
		}
	}
	s.timers[id] = work
	s.indexTimers(work)
	return nil
}

// DueFirings returns up to limit unclaimed scheduled rungs due at now,
// earliest first.
func (s *Store) DueFirings(_ context.Context, now time.Time, limit int) ([]deadlines.Firing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []deadlines.Firing
	add := func(rungs []deadlines.Firing) {
		for _, f := range rungs {
			if f.At.After(now) {
				break // a schedule is in time order
			}
			if _, done := s.claimed[f.Key()]; !done {
				due = append(due, f)
			}
		}
	}
	for _, rungs := range s.schedule {
		add(rungs)
	}
	for _, o := range s.scheduled {
		for i := range o.Timers {
			add(o.Timers[i].Schedule)
		}
	}
	slices.SortFunc(due, deadlines.CompareFirings)
	return due[:min(limit, len(due))], nil
}

// ClaimFiring records f under its key once: check-and-set under the lock.
func (s *Store) ClaimFiring(_ context.Context, f deadlines.Firing) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.claimed[f.Key()]; ok {
		return false, nil
	}
	s.claimed[f.Key()] = f
	s.unacked[f.Key()] = f.FiredAt
	return true, nil
}

var _ deadlines.Acknowledger = (*Store)(nil)

// Unacknowledged implements deadlines.Acknowledger: claims whose handler
// has not succeeded, made before before, earliest first.
func (s *Store) Unacknowledged(_ context.Context, before time.Time, limit int) ([]deadlines.Firing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	type pending struct {
		f     deadlines.Firing
		since time.Time
	}
	var ps []pending
	for k, since := range s.unacked {
		if since.Before(before) {
			ps = append(ps, pending{s.claimed[k], since})
		}
	}
	slices.SortFunc(ps, func(a, b pending) int {
		if c := a.since.Compare(b.since); c != 0 {
			return c
		}
		return strings.Compare(a.f.Key(), b.f.Key())
	})
	out := make([]deadlines.Firing, 0, min(limit, len(ps)))
	for _, p := range ps[:min(limit, len(ps))] {
		out = append(out, p.f)
	}
	return out, nil
}

var _ deadlines.Deferrer = (*Store)(nil)

// DeferFirings implements deadlines.Deferrer.
func (s *Store) DeferFirings(_ context.Context, since time.Time, keys ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if _, ok := s.unacked[k]; ok {
			s.unacked[k] = since
		}
	}
	return nil
}

// AckFirings implements deadlines.Acknowledger.
func (s *Store) AckFirings(_ context.Context, keys ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.unacked, k)
	}
	return nil
}

// Firings returns the claimed firings of a timer, earliest first.
func (s *Store) Firings(_ context.Context, timerID string) ([]deadlines.Firing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []deadlines.Firing
	for _, f := range s.claimed {
		if f.TimerID == timerID {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, deadlines.CompareFirings)
	return out, nil
}
