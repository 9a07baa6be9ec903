// Package kz is Kazakhstan's working-day calendar: the public holidays of the
// Law "On holidays" as rickar/cal definitions, the weekend-shift rule of the
// Labour Code, Kurban Ait dates and the Government's decree transfers of days
// off for 2013–2025 (2026–2027 estimated), in the Asia/Almaty zone.
//
// # Use
//
// Calendar returns one shared, immutable calendar; build it once and pass it
// to every service:
//
//	cal := kz.Calendar()
//	due := cal.AddWorkdays(event, 3)
//
// # New data without a code change
//
// Fixed-date holidays and the weekend shift hold for any year. Lunar holidays
// and decree transfers are data: a year without confirmed data is computed by
// the rules and every answer about it is marked estimated (or refused, with
// deadlines.WithStrict). When the Government publishes a new decree, add it:
//
//	data, err := deadlines.ParseCalendarData(jsonBytes) // {"transfers": [...], "confirmed_years": [2026]}
//	cal, err := kz.New(deadlines.WithData(data))
//
// Calendar.Version changes with the data and is recorded in every Deadline.
//
// # Time zones
//
// A working day is a civil date in the body's zone. Pass
// deadlines.WithLocation for a body outside Asia/Almaty's zone before
// 1 March 2024 (see Zones). The package does not import time/tzdata; a
// program that may run without a system zone database should.
package kz
