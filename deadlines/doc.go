// Package deadlines is qyzmet's base layer: the working-day calendar, legal
// terms and their deadlines, SLA timers with escalation rungs, the sweeper
// that fires them, citations of the rules, and the injected clock. It
// imports only the standard library and github.com/rickar/cal/v2.
//
// # Working days
//
// A Calendar is compiled once from holiday definitions (rickar/cal rules),
// the weekend-shift rule and decree transfers into a dense per-day table for
// 1992–2100, with prefix sums of working days and the local midnight of
// every date. Every query is then a lookup: AddWorkdays runs in about 17 ns
// with no allocation for any n, against about 25 µs for rickar/cal's
// WorkdaysFrom with the same data (see the README's benchmark table).
// A Calendar is immutable and safe for concurrent use: build it once and
// share it. The ready Kazakhstan calendar is in deadlines/kz.
//
// Days are civil dates in the calendar's own *time.Location, given
// explicitly; nothing uses time.Local or cal.DefaultLoc. A date is a
// time.Time at 00:00 local, made by Calendar.Date or Calendar.DayStart.
// Data for a new year (decree transfers, a lunar holiday, a changed law, a
// regional holiday) is added as CalendarData JSON or with options, without a
// code change; Calendar.Version names the data and every Deadline records it.
// Instances that share a store keep that data in it (CalendarDataStore):
// PublishCalendarData and EditCalendarData store only valid data, and
// LoadCalendar builds a calendar from it.
// A year without confirmed data is computed by the rules and flagged
// Estimated, or refused with WithStrict.
//
// # Reading the terms
//
// The library's documented reading of the Civil Code (counting starts on the
// day after the event; a last day that is not a working day rolls forward;
// a term ends at 24:00 of its last day):
//
//   - WorkingDays, "within N working days of X": due on the N-th working day
//     after X's civil date.
//   - WorkingDaysAfter, "N working days after X" (Rules130 p.9): the N days
//     pass in full; due on the first working day after the N-th.
//   - CalendarDays: X + N days, rolled forward to a working day.
//   - DayOfNextMonth, "by the 5th of the following month" (Rules130 p.14):
//     rolled forward to a working day.
//   - Immediately (Rules130 p.16): by the end of X's date, or of the next
//     working day when X's date is not one.
//
// # Timers and escalation
//
// A Timer is a ledger of start, pause, resume, extend, restart and stop
// entries; its due date is always recomputed from the ledger. A pause
// suspends the working days in (pause date, resume date]. Rungs (Warning,
// Breach, or later escalation steps) fire at instants relative to the due
// date; Timer.Schedule lists them and is kept current by the methods.
// Stores index the schedule whenever they save a timer (alone or inside the
// aggregate that owns it), so firing never writes to the timer: a Sweeper
// reads due rungs through the SweepStore port and fires each (timer, cycle,
// rung) exactly once, because ClaimFiring keeps the firing's key unique.
// The claim is the durable record of the escalation.
//
// # Clock
//
// Domain code never reads the wall clock. Constructors take a Clock;
// SystemClock is the production one and deadlinestest.Clock the test one.
// An architecture test fails on any other time.Now, time.Since or
// time.Until in the domain packages.
//
// # Citations
//
// A Citation names a point of a legal act and prints as "Rules130 p.5".
// Every term, rung, deadline and error carries the rule it implements.
//
// # Errors
//
// Bad input returns a *RuleError (Rule, Field, Err), shaped like
// *fs.PathError, reading "Rules130 p.5: n: invalid input: …". Match the
// category with errors.Is and the rule with errors.As:
//
//	ErrInvalid               the input breaks a rule or a format; nothing changed
//	ErrNotFound              the record does not exist
//	ErrConflict              it exists already, or its state forbids the operation
//	ErrTermExpired           the operation needs a running term that has ended
//	ErrCalendarNotConfirmed  a strict calendar was asked about an unconfirmed year
//
//	var re *deadlines.RuleError
//	if errors.Is(err, deadlines.ErrInvalid) && errors.As(err, &re) {
//		fmt.Println(re.Rule, re.Field)
//	}
package deadlines
