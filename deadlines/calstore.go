package deadlines

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// CalendarDataStore keeps a deployment's calendar data: one CalendarData
// document per calendar name ("kz", or a region's calendar), so that every
// instance builds the same calendar and a new decree's transfers are
// recorded once, without a release. The adapters in adapters/ implement it
// (storetest's CalendarData group is its contract); PublishCalendarData,
// EditCalendarData and LoadCalendar use it.
type CalendarDataStore interface {
	// CreateCalendarData stores d as name's data. An existing name returns
	// an error wrapping ErrConflict and changes nothing.
	CreateCalendarData(ctx context.Context, name string, d CalendarData) error
	// CalendarData returns a copy of name's data, or an error wrapping
	// ErrNotFound.
	CalendarData(ctx context.Context, name string) (CalendarData, error)
	// UpdateCalendarData loads name's data, calls fn on a copy and saves
	// the result atomically; concurrent updates are serialised, none lost.
	// An unknown name returns an error wrapping ErrNotFound; when fn
	// returns an error nothing is saved and the error is returned as is.
	UpdateCalendarData(ctx context.Context, name string, fn func(*CalendarData) error) error
}

// PublishCalendarData validates d and stores it as name's data. Invalid
// data (every problem, as ParseCalendarData reports them) or an empty name
// returns an error wrapping ErrInvalid and stores nothing; an existing name
// returns the store's ErrConflict.
func PublishCalendarData(ctx context.Context, store CalendarDataStore, name string, d CalendarData) error {
	if err := checkCalendarName(name); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	return store.CreateCalendarData(ctx, name, d)
}

// EditCalendarData changes name's stored data with fn, for instance to add
// a new decree's transfers and confirm its year, and saves the result only
// when it is valid: an invalid result returns an error wrapping ErrInvalid
// and the stored data stays as it was.
func EditCalendarData(ctx context.Context, store CalendarDataStore, name string, fn func(*CalendarData) error) error {
	if err := checkCalendarName(name); err != nil {
		return err
	}
	return store.UpdateCalendarData(ctx, name, func(d *CalendarData) error {
		if err := fn(d); err != nil {
			return err
		}
		return d.Validate()
	})
}

// LoadCalendar builds a calendar from name's stored data applied last over
// opts, with build (kz.New for Kazakhstan's calendar, or NewCalendar). No
// stored data returns the store's error wrapping ErrNotFound: a caller that
// runs without stored data builds its calendar without LoadCalendar. A
// Calendar is immutable: an edit made later is seen by the calendars
// loaded after it, so instances load theirs again (or restart) once a new
// decree is published.
func LoadCalendar(ctx context.Context, store CalendarDataStore, name string, build func(...Option) (*Calendar, error), opts ...Option) (*Calendar, error) {
	if err := checkCalendarName(name); err != nil {
		return nil, err
	}
	d, err := store.CalendarData(ctx, name)
	if err != nil {
		return nil, err
	}
	c, err := build(append(slices.Clip(opts), WithData(d))...)
	if err != nil {
		return nil, fmt.Errorf("deadlines: building calendar %q from its stored data: %w", name, err)
	}
	return c, nil
}

func checkCalendarName(name string) error {
	if strings.TrimSpace(name) == "" {
		return Invalid(Citation{}, "calendar_name", "a calendar's data is stored under a name, e.g. \"kz\"")
	}
	return nil
}

// Clone returns a deep copy of d: changing one never changes the other.
// An empty list is nil in the copy, as in d's JSON (omitempty), so a
// stored copy reads back the same from every store.
func (d CalendarData) Clone() CalendarData {
	c := d
	c.Holidays = cloneList(d.Holidays)
	for i := range c.Holidays {
		c.Holidays[i].Dates = cloneList(c.Holidays[i].Dates)
	}
	c.Transfers = cloneList(d.Transfers)
	c.ConfirmedYears = cloneList(d.ConfirmedYears)
	return c
}

// cloneList is slices.Clone with nil for an empty list.
func cloneList[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}
