package kz_test

import (
	"slices"
	"strconv"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// TestCalendarYears checks every day of 2013–2027 against factsByYear, which
// was derived independently of this package from the facts file.
func TestCalendarYears(t *testing.T) {
	t.Parallel()
	c := kz.Calendar()
	for year, want := range factsByYear {
		t.Run(strconv.Itoa(year), func(t *testing.T) {
			t.Parallel()
			var offWeekdays, workingWeekends []string
			for d := c.Date(year, 1, 1); d.Year() == year; d = c.Date(year, d.Month(), d.Day()+1) {
				weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
				switch work := c.IsWorkday(d); {
				case !weekend && !work:
					offWeekdays = append(offWeekdays, d.Format(time.DateOnly))
				case weekend && work:
					workingWeekends = append(workingWeekends, d.Format(time.DateOnly))
				}
			}
			require.Equal(t, want.NonWorkingWeekdays, offWeekdays, "Mon–Fri days off")
			require.Equal(t, slices.Clip(want.WorkingWeekendDays), workingWeekends, "working Saturdays and Sundays")
			estimated := year > 2025
			require.Equal(t, !estimated, c.Confirmed(year))
			require.Equal(t, estimated, c.Explain(c.Date(year, 6, 1)).Estimated)
		})
	}
}

func TestCalendarExplain(t *testing.T) {
	t.Parallel()
	c := kz.Calendar()
	tests := []struct {
		date     string
		kind     deadlines.DayKind
		holiday  string // English name
		kk, ru   string
		shiftOf  string
		decree   string
		workday  bool
		estimate bool
	}{
		{date: "2025-03-21", kind: deadlines.DayHoliday, holiday: "Nauryz", kk: "Наурыз мейрамы", ru: "Наурыз мейрамы"},
		{date: "2025-03-24", kind: deadlines.DayWeekendShift, holiday: "Nauryz", kk: "Наурыз мейрамы", ru: "Наурыз мейрамы", shiftOf: "2025-03-22"},
		{date: "2025-03-25", kind: deadlines.DayWeekendShift, holiday: "Nauryz", kk: "Наурыз мейрамы", ru: "Наурыз мейрамы", shiftOf: "2025-03-23"},
		{date: "2025-01-03", kind: deadlines.DayTransferredOff, decree: "G24G0000436"},
		{date: "2025-01-05", kind: deadlines.DayTransferredWorking, decree: "G24G0000436", workday: true},
		{date: "2013-12-28", kind: deadlines.DayTransferredWorking, decree: "P1300001322", workday: true},
		{date: "2014-01-03", kind: deadlines.DayTransferredOff, decree: "P1300001322"},
		{date: "2020-05-11", kind: deadlines.DayTransferredWorking, decree: "P1900000820", workday: true},
		{date: "2023-01-03", kind: deadlines.DayWeekendShift, holiday: "New Year", kk: "Жаңа жыл", ru: "Новый год", shiftOf: "2023-01-01"},
		{date: "2023-01-07", kind: deadlines.DayHoliday, holiday: "Orthodox Christmas", kk: "Православиелік Рождество", ru: "Православное Рождество"},
		{date: "2024-06-17", kind: deadlines.DayWorking, workday: true}, // Kurban Ait on Sunday 16th does not shift
		{date: "2025-06-06", kind: deadlines.DayHoliday, holiday: "Kurban Ait (Eid al-Adha)", kk: "Құрбан айт", ru: "Курбан айт"},
		{date: "2026-05-27", kind: deadlines.DayHoliday, holiday: "Kurban Ait (Eid al-Adha)", kk: "Құрбан айт", ru: "Курбан айт", estimate: true},
		{date: "2025-08-30", kind: deadlines.DayHoliday, holiday: "Constitution Day", kk: "Конституция күні", ru: "День Конституции"},
		{date: "2026-08-31", kind: deadlines.DayWorking, workday: true, estimate: true},
		{date: "2025-07-05", kind: deadlines.DayWeekend},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			t.Parallel()
			d, err := time.ParseInLocation(time.DateOnly, tt.date, c.Location())
			require.NoError(t, err)
			info := c.Explain(d.Add(13 * time.Hour))
			require.Equal(t, d, info.Date)
			require.Equal(t, tt.kind, info.Kind)
			require.Equal(t, tt.workday, info.Workday)
			require.Equal(t, tt.estimate, info.Estimated)
			require.Equal(t, c.Version(), info.Version)
			require.NotEmpty(t, info.Source()+tt.kind.String())
			if tt.holiday != "" {
				require.NotNil(t, info.Holiday)
				require.Equal(t, deadlines.Names{KK: tt.kk, RU: tt.ru, EN: tt.holiday}, info.Holiday.Names)
			}
			if tt.kind == deadlines.DayHoliday {
				require.Contains(t, info.Source(), "267-II")
			}
			if tt.shiftOf != "" {
				require.Equal(t, tt.shiftOf, info.ShiftOf.String())
				require.Contains(t, info.Source(), "art. 85")
			}
			if tt.decree != "" {
				require.NotNil(t, info.Transfer)
				require.Equal(t, tt.decree, info.Transfer.Decree)
				require.Equal(t, "Government decree "+tt.decree, info.Source())
			}
		})
	}
}
