package kz_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/rickar/cal/v2"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// benchDates are instants spread over 2013–2027 so lookups do not hit one
// cache line.
func benchDates(c *deadlines.Calendar) []time.Time {
	out := make([]time.Time, 1024)
	start := c.Date(2013, 1, 1).Add(10 * time.Hour)
	for i := range out {
		out[i] = start.Add(time.Duration(i*127) * 5 * time.Hour)
	}
	return out
}

var sinkTime time.Time
var sinkBool bool
var sinkInt int

func BenchmarkIsWorkday(b *testing.B) {
	c := kz.Calendar()
	dates := benchDates(c)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkBool = c.IsWorkday(dates[i&1023])
		i++
	}
}

func BenchmarkAddWorkdays(b *testing.B) {
	c := kz.Calendar()
	dates := benchDates(c)
	for _, n := range []int{3, 10, 30, 250} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				sinkTime = c.AddWorkdays(dates[i&1023], n)
				i++
			}
		})
	}
}

func BenchmarkWorkdaysBetween(b *testing.B) {
	c := kz.Calendar()
	dates := benchDates(c)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkInt = c.WorkdaysBetween(dates[i&1023], dates[(i+300)&1023])
		i++
	}
}

// BenchmarkRickarWorkdaysFrom is the baseline: rickar/cal's BusinessCalendar
// with the same holiday definitions (weekend shift as cal.AltDay) and the
// same decree transfers (as a WorkdayFunc), n = 10. Compare it with
// BenchmarkAddWorkdays/n=10 in the same run.
func BenchmarkRickarWorkdaysFrom(b *testing.B) {
	c := kz.Calendar()
	bc := cal.NewBusinessCalendar()
	shift := []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 1}}
	for _, h := range kz.Holidays {
		r := *h.Rule
		if h.WeekendShift {
			r.Observed = shift
		}
		bc.AddHoliday(&r)
	}
	moved := map[deadlines.CivilDate]bool{}
	for _, t := range kz.Transfers {
		moved[t.From], moved[t.To] = true, false
	}
	bc.WorkdayFunc = func(d time.Time) bool {
		y, m, dd := d.Date()
		if work, ok := moved[deadlines.CivilDate{Year: y, Month: m, Day: dd}]; ok {
			return work
		}
		return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
	}
	dates := benchDates(c)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkTime = bc.WorkdaysFrom(dates[i&1023], 10)
		i++
	}
}

// BenchmarkNew measures compiling the whole 1992–2100 Kazakhstan calendar.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kz.New(); err != nil {
			b.Fatal(err)
		}
	}
}
