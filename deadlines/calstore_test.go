package deadlines_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// dataStore is the smallest deadlines.CalendarDataStore: one map, calls
// counted. The adapters' own are proved by storetest's CalendarData group.
type dataStore struct {
	data  map[string]deadlines.CalendarData
	calls int
}

func (s *dataStore) CreateCalendarData(_ context.Context, name string, d deadlines.CalendarData) error {
	s.calls++
	if _, ok := s.data[name]; ok {
		return fmt.Errorf("calendar data %q: %w", name, deadlines.ErrConflict)
	}
	s.data[name] = d.Clone()
	return nil
}

func (s *dataStore) CalendarData(_ context.Context, name string) (deadlines.CalendarData, error) {
	s.calls++
	d, ok := s.data[name]
	if !ok {
		return deadlines.CalendarData{}, fmt.Errorf("calendar data %q: %w", name, deadlines.ErrNotFound)
	}
	return d.Clone(), nil
}

func (s *dataStore) UpdateCalendarData(_ context.Context, name string, fn func(*deadlines.CalendarData) error) error {
	s.calls++
	d, ok := s.data[name]
	if !ok {
		return fmt.Errorf("calendar data %q: %w", name, deadlines.ErrNotFound)
	}
	w := d.Clone()
	if err := fn(&w); err != nil {
		return err
	}
	s.data[name] = w
	return nil
}

func transfer2030() deadlines.CalendarData {
	return deadlines.CalendarData{
		Version: "decree-2030",
		Transfers: []deadlines.Transfer{{
			From:   deadlines.CivilDate{Year: 2030, Month: time.June, Day: 8},
			To:     deadlines.CivilDate{Year: 2030, Month: time.June, Day: 10},
			Decree: "P3000000001",
		}},
		ConfirmedYears: []int{2030},
	}
}

func TestPublishCalendarDataStoresOnlyValidData(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name, calendar, field string
		edit                  func(*deadlines.CalendarData)
	}{
		{"no name", "", "calendar_name", func(*deadlines.CalendarData) {}},
		{"transfer without decree", "kz", "transfers[0].decree", func(d *deadlines.CalendarData) { d.Transfers[0].Decree = " " }},
		{"transfer to the same day", "kz", "transfers[0]", func(d *deadlines.CalendarData) { d.Transfers[0].To = d.Transfers[0].From }},
		{"year out of range", "kz", "confirmed_years[0]", func(d *deadlines.CalendarData) { d.ConfirmedYears[0] = 2200 }},
		{"unknown zone", "kz", "location", func(d *deadlines.CalendarData) { d.Location = "Asia/Nowhere" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &dataStore{data: map[string]deadlines.CalendarData{}}
			d := transfer2030()
			tt.edit(&d)
			err := deadlines.PublishCalendarData(ctx, s, tt.calendar, d)
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			require.ErrorContains(t, err, tt.field)
			require.Zero(t, s.calls, "invalid data never reaches the store")
		})
	}
	s := &dataStore{data: map[string]deadlines.CalendarData{}}
	require.NoError(t, deadlines.PublishCalendarData(ctx, s, "kz", transfer2030()))
	require.Equal(t, transfer2030(), s.data["kz"])
	require.ErrorIs(t, deadlines.PublishCalendarData(ctx, s, "kz", transfer2030()), deadlines.ErrConflict)
}

func TestEditCalendarDataSavesOnlyAValidResult(t *testing.T) {
	ctx := context.Background()
	s := &dataStore{data: map[string]deadlines.CalendarData{"kz": transfer2030()}}
	err := deadlines.EditCalendarData(ctx, s, "kz", func(d *deadlines.CalendarData) error {
		d.Transfers = append(d.Transfers, deadlines.Transfer{From: d.Transfers[0].From, To: d.Transfers[0].To})
		return nil
	})
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	require.ErrorContains(t, err, "transfers[1].decree")
	require.Equal(t, transfer2030(), s.data["kz"], "an invalid result is not saved")

	boom := errors.New("boom")
	require.ErrorIs(t, deadlines.EditCalendarData(ctx, s, "kz", func(*deadlines.CalendarData) error { return boom }), boom)
	require.ErrorIs(t, deadlines.EditCalendarData(ctx, s, "kz-almaty", func(*deadlines.CalendarData) error { return nil }), deadlines.ErrNotFound)
	require.ErrorIs(t, deadlines.EditCalendarData(ctx, s, "", func(*deadlines.CalendarData) error { return nil }), deadlines.ErrInvalid)

	require.NoError(t, deadlines.EditCalendarData(ctx, s, "kz", func(d *deadlines.CalendarData) error {
		d.ConfirmedYears = append(d.ConfirmedYears, 2031)
		return nil
	}))
	require.Equal(t, []int{2030, 2031}, s.data["kz"].ConfirmedYears)
}

func TestLoadCalendarAppliesStoredDataLast(t *testing.T) {
	ctx := context.Background()
	s := &dataStore{data: map[string]deadlines.CalendarData{}}
	_, err := deadlines.LoadCalendar(ctx, s, "kz", kz.New)
	require.ErrorIs(t, err, deadlines.ErrNotFound)

	require.NoError(t, deadlines.PublishCalendarData(ctx, s, "kz", transfer2030()))
	c, err := deadlines.LoadCalendar(ctx, s, "kz", kz.New, deadlines.WithVersion("overridden by the stored data"))
	require.NoError(t, err)
	require.True(t, c.IsWorkday(c.Date(2030, time.June, 8)), "Saturday made a working day by the stored decree")
	require.False(t, c.IsWorkday(c.Date(2030, time.June, 10)))
	require.Contains(t, c.Version(), "decree-2030")
	require.Equal(t, "Asia/Almaty", c.Location().String(), "kz.New's zone, the stored data names none")

	broken := func(...deadlines.Option) (*deadlines.Calendar, error) { return nil, deadlines.ErrInvalid }
	_, err = deadlines.LoadCalendar(ctx, s, "kz", broken)
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	require.ErrorContains(t, err, `calendar "kz"`)
}

func TestCalendarDataCloneSharesNothing(t *testing.T) {
	d := calendarDataWithHoliday()
	c := d.Clone()
	c.Holidays[0].Dates[0].Day = 9
	c.Transfers[0].Decree = "changed"
	c.ConfirmedYears[0] = 2031
	require.Equal(t, calendarDataWithHoliday(), d)
}

func calendarDataWithHoliday() deadlines.CalendarData {
	d := transfer2030()
	d.Holidays = []deadlines.HolidaySpec{{ID: "h", Names: deadlines.Names{EN: "H"},
		Dates: []deadlines.CivilDate{{Year: 2030, Month: time.September, Day: 3}}}}
	return d
}
