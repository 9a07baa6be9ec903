package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

type calendarsBundle struct {
	ctx    context.Context
	store  deadlines.CalendarDataStore
	stores Stores
}

func setupCalendars(t testing.TB, h Harness) *calendarsBundle {
	t.Helper()
	ctx := context.Background()
	st := h.NewStores(ctx, t)
	if st.Calendars == nil {
		t.Skip("the harness has no calendar data store")
	}
	return &calendarsBundle{ctx: ctx, store: st.Calendars, stores: st}
}

// calendarFixture is calendar data for 2030: a one-off holiday on
// 3 September and a decree moving Saturday 8 June's rest to Monday 10 June.
func calendarFixture() deadlines.CalendarData {
	return deadlines.CalendarData{
		Version:  "storetest-2030",
		Location: "Asia/Almaty",
		Holidays: []deadlines.HolidaySpec{{
			ID:    "storetest-day",
			Names: deadlines.Names{KK: "Сынақ күні", RU: "День проверки", EN: "Storetest day"},
			Dates: []deadlines.CivilDate{{Year: 2030, Month: time.September, Day: 3}},
		}},
		Transfers: []deadlines.Transfer{{
			From:   deadlines.CivilDate{Year: 2030, Month: time.June, Day: 8},
			To:     deadlines.CivilDate{Year: 2030, Month: time.June, Day: 10},
			Decree: "P3000000001",
		}},
		ConfirmedYears: []int{2030},
	}
}

// addTransfer is an edit adding a transfer of the i-th Saturday of 2031's
// March on under decree.
func addTransfer(i int, decree string) func(*deadlines.CalendarData) error {
	from := time.Date(2031, time.March, 1+7*i, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 2)
	return func(d *deadlines.CalendarData) error {
		d.Transfers = append(d.Transfers, deadlines.Transfer{
			From:   deadlines.CivilDate{Year: from.Year(), Month: from.Month(), Day: from.Day()},
			To:     deadlines.CivilDate{Year: to.Year(), Month: to.Month(), Day: to.Day()},
			Decree: decree,
		})
		return nil
	}
}

// auditTypes lists the types of name's audit entries, or nil when the
// harness has no audit log.
func (b *calendarsBundle) auditTypes(t *testing.T, name string) []string {
	t.Helper()
	if b.stores.Audit == nil {
		return nil
	}
	trail, err := b.stores.Audit.AuditTrail(b.ctx, "calendars/"+name)
	require.NoError(t, err)
	var types []string
	for _, e := range trail {
		types = append(types, e.Type)
	}
	return types
}

func runCalendars(t *testing.T, h Harness) {
	t.Run("PublishReadRoundTripWithCopies", func(t *testing.T) {
		t.Parallel()
		b := setupCalendars(t, h)
		want := calendarFixture()
		in := calendarFixture()
		require.NoError(t, deadlines.PublishCalendarData(b.ctx, b.store, "kz", in))
		in.Transfers[0].Decree = "edited by the caller"
		in.Holidays[0].Dates[0].Day = 4
		got, err := b.store.CalendarData(b.ctx, "kz")
		require.NoError(t, err)
		require.Equal(t, want, got, "the store keeps a copy of what it was given")
		got.Transfers[0].Decree = "edited by the reader"
		got.ConfirmedYears[0] = 2031
		again, err := b.store.CalendarData(b.ctx, "kz")
		require.NoError(t, err)
		require.Equal(t, want, again, "a read hands out a copy")
		if b.stores.Audit != nil {
			require.Equal(t, []string{"created"}, b.auditTypes(t, "kz"))
		}

		// An empty list reads back nil from every store, as JSON keeps it.
		empty := deadlines.CalendarData{Version: "empty", Holidays: []deadlines.HolidaySpec{}, Transfers: []deadlines.Transfer{}, ConfirmedYears: []int{}}
		require.NoError(t, deadlines.PublishCalendarData(b.ctx, b.store, "empty", empty))
		got, err = b.store.CalendarData(b.ctx, "empty")
		require.NoError(t, err)
		require.Equal(t, deadlines.CalendarData{Version: "empty"}, got)
	})
	t.Run("NotFoundAndConflictAreTheDomainSentinels", func(t *testing.T) {
		t.Parallel()
		b := setupCalendars(t, h)
		_, err := b.store.CalendarData(b.ctx, "kz")
		require.ErrorIs(t, err, deadlines.ErrNotFound)
		require.ErrorIs(t, b.store.UpdateCalendarData(b.ctx, "kz", addTransfer(0, "P1")), deadlines.ErrNotFound)
		_, err = deadlines.LoadCalendar(b.ctx, b.store, "kz", kz.New)
		require.ErrorIs(t, err, deadlines.ErrNotFound)

		require.NoError(t, b.store.CreateCalendarData(b.ctx, "kz", calendarFixture()))
		other := calendarFixture()
		other.Version = "second"
		require.ErrorIs(t, b.store.CreateCalendarData(b.ctx, "kz", other), deadlines.ErrConflict)
		got, err := b.store.CalendarData(b.ctx, "kz")
		require.NoError(t, err)
		require.Equal(t, calendarFixture(), got, "a conflict changes nothing")
		if b.stores.Audit != nil {
			require.Equal(t, []string{"created"}, b.auditTypes(t, "kz"))
		}
	})
	t.Run("BadDataAndClosureErrorsChangeNothing", func(t *testing.T) {
		t.Parallel()
		b := setupCalendars(t, h)
		bad := calendarFixture()
		bad.Transfers[0].Decree = ""
		err := deadlines.PublishCalendarData(b.ctx, b.store, "kz", bad)
		require.ErrorIs(t, err, deadlines.ErrInvalid)
		require.ErrorContains(t, err, "transfers[0].decree")
		_, err = b.store.CalendarData(b.ctx, "kz")
		require.ErrorIs(t, err, deadlines.ErrNotFound, "invalid data is not stored")
		require.ErrorIs(t, deadlines.PublishCalendarData(b.ctx, b.store, " ", calendarFixture()), deadlines.ErrInvalid)

		require.NoError(t, deadlines.PublishCalendarData(b.ctx, b.store, "kz", calendarFixture()))
		err = deadlines.EditCalendarData(b.ctx, b.store, "kz", func(d *deadlines.CalendarData) error {
			d.Version = "half-done"
			d.ConfirmedYears = append(d.ConfirmedYears, 1800)
			return nil
		})
		require.ErrorIs(t, err, deadlines.ErrInvalid)
		require.ErrorContains(t, err, "confirmed_years[1]")
		boom := errors.New("boom")
		err = b.store.UpdateCalendarData(b.ctx, "kz", func(d *deadlines.CalendarData) error {
			d.Transfers = nil
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := b.store.CalendarData(b.ctx, "kz")
		require.NoError(t, err)
		require.Equal(t, calendarFixture(), got, "a rejected edit rolls back")
		if b.stores.Audit != nil {
			require.Equal(t, []string{"created"}, b.auditTypes(t, "kz"), "a rolled-back edit writes no audit entry")
		}
	})
	t.Run("ConcurrentEditsAreAllKept", func(t *testing.T) {
		t.Parallel()
		b := setupCalendars(t, h)
		require.NoError(t, deadlines.PublishCalendarData(b.ctx, b.store, "kz", calendarFixture()))
		const n = 16
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = deadlines.EditCalendarData(b.ctx, b.store, "kz", addTransfer(i, fmt.Sprintf("P31%02d", i)))
			})
		}
		wg.Wait()
		require.NoError(t, errors.Join(errs...))
		got, err := b.store.CalendarData(b.ctx, "kz")
		require.NoError(t, err)
		require.Len(t, got.Transfers, 1+n, "no edit lost")
		var decrees []string
		for _, tr := range got.Transfers[1:] {
			decrees = append(decrees, tr.Decree)
		}
		slices.Sort(decrees)
		for i, d := range decrees {
			require.Equal(t, fmt.Sprintf("P31%02d", i), d)
		}
		if b.stores.Audit != nil {
			require.Len(t, b.auditTypes(t, "kz"), 1+n, "one audit entry per edit")
		}
	})
	t.Run("LoadCalendarAppliesTheStoredData", func(t *testing.T) {
		t.Parallel()
		b := setupCalendars(t, h)
		base := kz.Calendar()
		saturday, monday := base.Date(2030, time.June, 8), base.Date(2030, time.June, 10)
		holiday := base.Date(2030, time.September, 3)
		require.False(t, base.IsWorkday(saturday))
		require.True(t, base.IsWorkday(monday))
		require.True(t, base.IsWorkday(holiday))

		require.NoError(t, deadlines.PublishCalendarData(b.ctx, b.store, "kz", calendarFixture()))
		c, err := deadlines.LoadCalendar(b.ctx, b.store, "kz", kz.New)
		require.NoError(t, err)
		require.True(t, c.IsWorkday(c.Date(2030, time.June, 8)), "the decree makes Saturday a working day")
		require.False(t, c.IsWorkday(c.Date(2030, time.June, 10)), "and Monday a day off")
		require.False(t, c.IsWorkday(c.Date(2030, time.September, 3)), "the stored holiday")
		require.Contains(t, c.Version(), "storetest-2030")
	})
}
