package memory

import (
	"context"
	"fmt"

	"github.com/qyzmet/qyzmet/deadlines"
)

var _ deadlines.CalendarDataStore = (*Store)(nil)

// CreateCalendarData stores a copy of d as name's calendar data; an
// existing name is an error wrapping deadlines.ErrConflict.
func (s *Store) CreateCalendarData(_ context.Context, name string, d deadlines.CalendarData) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.calendars[name]; ok {
		return fmt.Errorf("memory: calendar data %q: %w", name, deadlines.ErrConflict)
	}
	c := d.Clone()
	if err := s.journal.audit("calendars", name, c, true, nil, nil); err != nil {
		return err
	}
	s.calendars[name] = c
	return nil
}

// CalendarData returns a copy of name's calendar data, or an error
// wrapping deadlines.ErrNotFound.
func (s *Store) CalendarData(_ context.Context, name string) (deadlines.CalendarData, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.calendars[name]
	if !ok {
		return deadlines.CalendarData{}, fmt.Errorf("memory: calendar data %q: %w", name, deadlines.ErrNotFound)
	}
	return d.Clone(), nil
}

// UpdateCalendarData runs fn on a copy of name's calendar data under the
// store's lock and keeps the result only when fn succeeds.
func (s *Store) UpdateCalendarData(_ context.Context, name string, fn func(*deadlines.CalendarData) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.calendars[name]
	if !ok {
		return fmt.Errorf("memory: calendar data %q: %w", name, deadlines.ErrNotFound)
	}
	work := d.Clone()
	if err := fn(&work); err != nil {
		return err
	}
	if err := s.journal.audit("calendars", name, work, false, nil, nil); err != nil {
		return err
	}
	s.calendars[name] = work.Clone() // fn may keep references into work
	return nil
}
