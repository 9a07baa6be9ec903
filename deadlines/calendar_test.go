package deadlines_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// naiveAdd is the day-by-day definition AddWorkdays must agree with.
func naiveAdd(c *deadlines.Calendar, t time.Time, n int) time.Time {
	d := c.DayStart(t)
	for n > 0 {
		d = c.Date(d.Year(), d.Month(), d.Day()+1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

func naiveBetween(c *deadlines.Calendar, a, b time.Time) int {
	n := 0
	for d := c.DayStart(a); d.Before(c.DayStart(b)); {
		d = c.Date(d.Year(), d.Month(), d.Day()+1)
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

func TestAddWorkdaysAgreesWithNaiveLoop(t *testing.T) {
	t.Parallel()
	c := kzCal()
	seed := uint64(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC).Unix())
	rng := rand.New(rand.NewPCG(seed, 130))
	t.Logf("seed %d", seed)
	lo := c.Date(2013, 1, 1).Unix()
	hi := c.Date(2028, 1, 1).Unix()
	for range 3000 {
		event := time.Unix(lo+rng.Int64N(hi-lo), 0).In(c.Location())
		n := rng.IntN(401)
		got := c.AddWorkdays(event, n)
		require.Equal(t, naiveAdd(c, event, n), got, "AddWorkdays(%s, %d)", event, n)
		require.Equal(t, n, c.WorkdaysBetween(event, got), "WorkdaysBetween(%s, %s)", event, got)
		if n > 0 {
			// Back by n lands on the last working day on or before the event's date.
			want := c.DayStart(event)
			if !c.IsWorkday(event) {
				want = c.AddWorkdays(event, -1)
			}
			require.Equal(t, want, c.AddWorkdays(got, -n), "back from %s by %d", got, n)
		}
		other := time.Unix(lo+rng.Int64N(hi-lo), 0)
		require.Equal(t, naiveBetween(c, event, other)-naiveBetween(c, other, event), c.WorkdaysBetween(event, other))
	}
}

func TestAddWorkdaysBackwardsLandsOnAWorkingDay(t *testing.T) {
	t.Parallel()
	c := kzCal()
	// Back from Wednesday 26 Mar 2025 over Nauryz: the day before is Thursday 20 Mar.
	require.Equal(t, "2025-03-20", day(c.AddWorkdays(at(t, c, "2025-03-26"), -1)))
	// Back from a holiday counts from the holiday's date.
	require.Equal(t, "2025-03-19", day(c.AddWorkdays(at(t, c, "2025-03-24 12:00"), -2)))
}

func TestCalendarOutsideCompiledYears(t *testing.T) {
	t.Parallel()
	c := kzCal()
	old := at(t, c, "1980-03-21") // a Friday, before the data begins
	require.True(t, c.IsWorkday(old), "outside the table only weekends are rest days")
	info := c.Explain(old)
	require.True(t, info.Estimated)
	require.Equal(t, deadlines.DayWorking, info.Kind)
	require.Equal(t, "1980-03-24", day(c.AddWorkdays(old, 1)))
	require.Equal(t, 5, c.WorkdaysBetween(old, at(t, c, "1980-03-28")))
	require.Equal(t, "2101-01-03", day(c.AddWorkdays(at(t, c, "2100-12-31"), 1)), "31 Dec 2100 is a Friday; 1–2 Jan 2101 are a weekend")
	require.False(t, c.Confirmed(1980))
}

func TestCalendarCountsCivilDatesInItsOwnZone(t *testing.T) {
	t.Parallel()
	aqtau, err := time.LoadLocation("Asia/Aqtau")
	require.NoError(t, err)
	west, err := kz.New(deadlines.WithLocation(aqtau))
	require.NoError(t, err)
	east := kzCal()

	// Before 1 Mar 2024 Almaty was UTC+6 and Aqtau UTC+5: at 18:30 UTC on
	// Friday 2 Jun 2023 it is already Saturday in Almaty but still Friday in Aqtau.
	instant := time.Date(2023, 6, 2, 18, 30, 0, 0, time.UTC)
	require.False(t, east.IsWorkday(instant))
	require.True(t, west.IsWorkday(instant))
	require.Equal(t, "2023-06-05", day(east.AddWorkdays(instant, 1)))
	require.Equal(t, "2023-06-05", day(west.AddWorkdays(instant, 1)))
	require.Equal(t, "2023-06-06", day(east.AddWorkdays(instant, 2)))
	require.Equal(t, aqtau, west.AddWorkdays(instant, 1).Location())

	// In gives the same calendar in another zone, shared and cached.
	viaIn := east.In(aqtau)
	require.Same(t, viaIn, east.In(aqtau))
	require.Same(t, east, east.In(east.Location()))
	require.Equal(t, east.Version(), viaIn.Version())
	require.True(t, viaIn.IsWorkday(instant))
	require.Equal(t, west.AddWorkdays(instant, 7), viaIn.AddWorkdays(instant, 7))
	require.Equal(t, west.Explain(instant).Kind, viaIn.Explain(instant).Kind)

	// Since 1 Mar 2024 the whole country is UTC+5.
	after := time.Date(2024, 6, 7, 18, 30, 0, 0, time.UTC)
	require.Equal(t, east.DayStart(after).Format(time.DateOnly), west.DayStart(after).Format(time.DateOnly))
	require.True(t, east.IsWorkday(after))
	require.True(t, time.Date(2024, 6, 7, 19, 0, 0, 0, time.UTC).Equal(east.Explain(after).Date.Add(24*time.Hour)), "24:00 of 7 Jun is 19:00 UTC at UTC+5")
}

func TestCalendarDataOverlays(t *testing.T) {
	t.Parallel()
	base := kzCal()
	t.Run("a new decree and a confirmed year", func(t *testing.T) {
		t.Parallel()
		data, err := deadlines.ParseCalendarData([]byte(`{
			"version": "kz-2026.1",
			"transfers": [{"from": "2026-01-03", "to": "2026-01-05", "decree": "TEST-2026-1"}],
			"confirmed_years": [2026]}`))
		require.NoError(t, err)
		c, err := kz.New(deadlines.WithData(data))
		require.NoError(t, err)
		require.True(t, c.Confirmed(2026))
		require.False(t, c.IsWorkday(at(t, c, "2026-01-05")))
		require.True(t, c.IsWorkday(at(t, c, "2026-01-03")))
		require.Equal(t, "TEST-2026-1", c.Explain(at(t, c, "2026-01-05")).Transfer.Decree)
		require.False(t, c.Explain(at(t, c, "2026-06-01")).Estimated)
		require.True(t, base.IsWorkday(at(t, base, "2026-01-05")), "the shared calendar is untouched")
		require.NotEqual(t, base.Version(), c.Version())
		require.Contains(t, c.Version(), "kz-2026.1+")
	})
	t.Run("a changed law replaces a holiday by id", func(t *testing.T) {
		t.Parallel()
		republic := deadlines.Holiday{
			ID: "republic-day", Names: deadlines.Names{EN: "Republic Day"}, WeekendShift: true,
			Rule: &cal.Holiday{Month: time.October, Day: 25, StartYear: 2022, EndYear: 2025, Func: cal.CalcDayOfMonth},
		}
		c, err := kz.New(deadlines.WithHolidays(republic))
		require.NoError(t, err)
		require.False(t, c.IsWorkday(at(t, c, "2025-10-27")), "25 Oct 2025 (Sat) still shifts")
		require.False(t, base.IsWorkday(at(t, base, "2027-10-25")))
		require.True(t, c.IsWorkday(at(t, c, "2027-10-25")), "no Republic Day after 2025 under the changed law")
	})
	t.Run("a regional holiday", func(t *testing.T) {
		t.Parallel()
		data, err := deadlines.ParseCalendarData([]byte(`{"holidays": [
			{"id": "region-day", "names": {"kk": "Өңір күні", "ru": "День региона", "en": "Region Day"},
			 "month": 9, "day": 15, "from_year": 2025, "weekend_shift": false, "source": "Maslikhat decision"}]}`))
		require.NoError(t, err)
		c, err := kz.New(deadlines.WithData(data))
		require.NoError(t, err)
		info := c.Explain(at(t, c, "2025-09-15"))
		require.Equal(t, deadlines.DayHoliday, info.Kind)
		require.Equal(t, "День региона", info.Holiday.Names.In("ru"))
		require.Equal(t, "Maslikhat decision", info.Source())
		require.True(t, c.IsWorkday(at(t, c, "2024-09-16")))
	})
}

func TestParseCalendarDataRejectsBadData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		json   string
		fields []string // every field named in the joined error
	}{
		{"malformed", `{"holidays": [`, []string{"calendar_data"}},
		{"unknown field", `{"holydays": []}`, []string{"calendar_data"}},
		{"trailing data", `{} {}`, []string{"calendar_data"}},
		{"every problem at once", `{
			"location": "Mars/Olympus",
			"holidays": [
				{"id": "", "names": {}, "month": 13, "day": 1},
				{"id": "x", "names": {"en": "X"}, "month": 2, "day": 30},
				{"id": "x", "names": {"en": "X"}, "month": 2, "day": 1, "dates": ["2025-01-01"]},
				{"id": "y", "names": {"en": "Y"}, "month": 2, "day": 1, "from_year": 2020, "to_year": 2010}],
			"transfers": [{"from": "2025-01-05", "to": "2025-01-05", "decree": ""}],
			"confirmed_years": [1066]}`,
			[]string{"holidays[0]", "id", "names", "month", "holidays[1]", "day", "holidays[2]", "dates", "holidays[2].id",
				"holidays[3]", "to_year", "transfers[0]", "transfers[0].decree", "confirmed_years[0]", "location"}},
		{"impossible date", `{"transfers": [{"from": "2025-02-30", "to": "2025-03-01", "decree": "D"}]}`, []string{"calendar_data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := deadlines.ParseCalendarData([]byte(tt.json))
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			require.Zero(t, data)
			for _, f := range tt.fields {
				require.Contains(t, err.Error(), f+": ")
			}
			var re *deadlines.RuleError
			require.True(t, errors.As(err, &re))
		})
	}
}

func TestNewCalendarRejectsBadOptions(t *testing.T) {
	t.Parallel()
	_, err := deadlines.NewCalendar()
	require.ErrorIs(t, err, deadlines.ErrInvalid, "a location is required")
	_, err = deadlines.NewCalendar(deadlines.WithLocation(nil))
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	_, err = kz.New(deadlines.WithHolidays(deadlines.Holiday{ID: "no-rule"}))
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	_, err = kz.New(deadlines.WithTransfers(deadlines.Transfer{Decree: "D"}))
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	_, err = kz.New(deadlines.WithConfirmedYears(3000))
	require.ErrorIs(t, err, deadlines.ErrInvalid)
}

func TestCalendarIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	c := kzCal()
	start := at(t, c, "2025-01-01")
	want := c.AddWorkdays(start, 250)
	done := make(chan time.Time)
	for range 8 {
		go func() { done <- c.AddWorkdays(start, 250) }()
	}
	for range 8 {
		require.Equal(t, want, <-done)
	}
	require.Same(t, kz.Calendar(), kz.Calendar(), "kz.Calendar is built once and shared")
}

func TestCivilDateAndNames(t *testing.T) {
	t.Parallel()
	d, err := deadlines.ParseCivilDate("2025-03-22")
	require.NoError(t, err)
	require.Equal(t, deadlines.CivilDate{Year: 2025, Month: 3, Day: 22}, d)
	b, err := d.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "2025-03-22", string(b))
	_, err = deadlines.ParseCivilDate("22.03.2025")
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	n := deadlines.Names{KK: "Наурыз мейрамы", RU: "Наурыз", EN: "Nauryz"}
	require.Equal(t, "Наурыз мейрамы", n.In("kk"))
	require.Equal(t, "Наурыз", n.In("RU"))
	require.Equal(t, "Nauryz", n.In("de"))
	require.Equal(t, "Nauryz", deadlines.Names{EN: "Nauryz"}.In("kk"))
}
