package sqlstore

import (
	"context"

	"github.com/qyzmet/qyzmet/deadlines"
)

var _ deadlines.CalendarDataStore = (*Store)(nil)

// calendarRow is a calendars row's document: the data with its name.
type calendarRow struct {
	Name string                 `json:"name"`
	Data deadlines.CalendarData `json:"data"`
}

var calendarDoc = doc[calendarRow]{kind: "calendar data", table: "calendars", where: "name = ?",
	cols: func(r *calendarRow) []col { return []col{{"name", r.Name}} }}

// CreateCalendarData stores d as name's calendar data (migration 019); an
// existing name is an error wrapping deadlines.ErrConflict.
func (s *Store) CreateCalendarData(ctx context.Context, name string, d deadlines.CalendarData) error {
	return calendarDoc.create(ctx, s, name, &calendarRow{Name: name, Data: d})
}

// CalendarData returns name's calendar data, or an error wrapping
// deadlines.ErrNotFound.
func (s *Store) CalendarData(ctx context.Context, name string) (deadlines.CalendarData, error) {
	r, err := calendarDoc.get(ctx, s, name, name)
	if err != nil {
		return deadlines.CalendarData{}, err
	}
	return r.Data, nil
}

// UpdateCalendarData loads name's calendar data with its row locked, calls
// fn and saves the result, in one transaction.
func (s *Store) UpdateCalendarData(ctx context.Context, name string, fn func(*deadlines.CalendarData) error) error {
	return calendarDoc.update(ctx, s, name, []any{name}, func(_ *txn, r *calendarRow) error { return fn(&r.Data) })
}
