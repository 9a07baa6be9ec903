package deadlines_test

import (
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// The Kazakhstan calendar explains every day: holidays with their names, the
// weekend shift, and Government decree transfers.
func ExampleCalendar_Explain() {
	c := kz.Calendar()
	for _, d := range []time.Time{c.Date(2025, 3, 21), c.Date(2025, 3, 24), c.Date(2025, 1, 3), c.Date(2025, 1, 5)} {
		info := c.Explain(d)
		fmt.Printf("%s workday=%-5v %-24s", d.Format("Mon 2006-01-02"), info.Workday, info.Kind)
		switch {
		case info.ShiftOf.Year != 0:
			fmt.Printf(" %s fell on %s\n", info.Holiday.Names.EN, info.ShiftOf)
		case info.Holiday != nil:
			fmt.Printf(" %s / %s\n", info.Holiday.Names.EN, info.Holiday.Names.KK)
		case info.Transfer != nil:
			fmt.Printf(" decree %s\n", info.Transfer.Decree)
		}
	}
	// Output:
	// Fri 2025-03-21 workday=false holiday                  Nauryz / Наурыз мейрамы
	// Mon 2025-03-24 workday=false weekend-shift            Nauryz fell on 2025-03-22
	// Fri 2025-01-03 workday=false transferred-day-off      decree G24G0000436
	// Sun 2025-01-05 workday=true  transferred-working-day  decree G24G0000436
}

// AddWorkdays counts from the day after the event, skipping every
// non-working day.
func ExampleCalendar_AddWorkdays() {
	c := kz.Calendar()
	event := c.Date(2025, 3, 20).Add(17 * time.Hour) // Thursday before Nauryz
	fmt.Println(c.AddWorkdays(event, 5).Format(time.DateOnly))
	fmt.Println(c.WorkdaysBetween(event, c.Date(2025, 4, 1)))
	// Output:
	// 2025-04-01
	// 5
}
