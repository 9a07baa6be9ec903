package deadlines

import (
	"fmt"
	"strconv"
	"time"
)

// TermKind is how a legal term is counted. The readings follow the library's
// documented interpretation of the Civil Code (see the package doc).
type TermKind uint8

// Term kinds.
const (
	_ TermKind = iota
	// WorkingDays: "within N working days of X" — due on the N-th working day
	// after X's civil date.
	WorkingDays
	// WorkingDaysAfter: "N working days after X" (Rules130 p.9) — the N working
	// days pass in full, so it is due on the first working day after the N-th.
	WorkingDaysAfter
	// CalendarDays: N calendar days after X; a last day that is not a working
	// day rolls forward to the next working day.
	CalendarDays
	// DayOfNextMonth: "by day N of the following month" (Rules130 p.14), rolled
	// forward to a working day; a day past the month's end means its last day.
	DayOfNextMonth
	// Immediately (Rules130 p.16): by the end of X's civil date if it is a
	// working day, else of the next working day. N must be 0.
	Immediately
)

var termKindNames = [...]string{"", "working-days", "working-days-after", "calendar-days", "day-of-next-month", "immediately"}

func (k TermKind) String() string {
	if int(k) < len(termKindNames) && k != 0 {
		return termKindNames[k]
	}
	return "TermKind(" + strconv.Itoa(int(k)) + ")"
}

// ParseTermKind parses a kind's String form, e.g. "working-days".
func ParseTermKind(s string) (TermKind, error) {
	for k, name := range termKindNames {
		if k > 0 && s == name {
			return TermKind(k), nil
		}
	}
	return 0, Invalid(Citation{}, "kind", fmt.Sprintf("unknown term kind %q (want working-days, working-days-after, calendar-days, day-of-next-month or immediately)", s))
}

// MarshalText implements encoding.TextMarshaler.
func (k TermKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *TermKind) UnmarshalText(b []byte) error {
	p, err := ParseTermKind(string(b))
	if err != nil {
		return err
	}
	*k = p
	return nil
}

// Term is a legal term and the rule that sets it.
type Term struct {
	Kind TermKind `json:"kind"`
	N    int      `json:"n"`
	Rule Citation `json:"rule"`
}

// Validate reports every problem with t, each as a *RuleError naming t.Rule.
func (t Term) Validate() error {
	switch t.Kind {
	case WorkingDays, WorkingDaysAfter, CalendarDays:
		if t.N < 0 {
			return Invalid(t.Rule, "n", "a term cannot be negative, got "+strconv.Itoa(t.N))
		}
	case DayOfNextMonth:
		if t.N < 1 || t.N > 31 {
			return Invalid(t.Rule, "n", "day of month must be 1–31, got "+strconv.Itoa(t.N))
		}
	case Immediately:
		if t.N != 0 {
			return Invalid(t.Rule, "n", "an immediate term takes no number of days")
		}
	default:
		return Invalid(t.Rule, "kind", "unknown term kind "+t.Kind.String())
	}
	return nil
}

// String reads the term as the act does: "within 5 working days (Rules130 p.5)".
func (t Term) String() string { return t.phrase("") }

// phrase reads the term, relative to an event when one is given:
// "within 5 working days of 2025-03-20 (Rules130 p.5)".
func (t Term) phrase(event string) string {
	days := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " day"
		}
		return strconv.Itoa(n) + " " + unit + " days"
	}
	of, after := "", " the event"
	if event != "" {
		of, after = " of "+event, " "+event
	}
	var s string
	switch t.Kind {
	case WorkingDays:
		s = "within " + days(t.N, "working") + of
	case WorkingDaysAfter:
		s = days(t.N, "working") + " after" + after
	case CalendarDays:
		s = "within " + days(t.N, "calendar") + of
	case DayOfNextMonth:
		s = "by day " + strconv.Itoa(t.N) + " of the month after" + after
	case Immediately:
		s = "immediately"
		if event != "" {
			s += " after " + event
		}
	default:
		s = t.Kind.String()
	}
	if !t.Rule.IsZero() {
		s += " (" + t.Rule.String() + ")"
	}
	return s
}

// Deadline is a computed term: when it started, the civil date it is due,
// and the instant it ends.
type Deadline struct {
	Term            Term      `json:"term"`
	Rule            Citation  `json:"rule"`
	Start           time.Time `json:"start"` // the event, in the calendar's location
	Due             time.Time `json:"due"`   // 00:00 of the last day of the term
	Ends            time.Time `json:"ends"`  // 24:00 of Due: the first instant the term is breached
	CalendarVersion string    `json:"calendar_version"`
	Estimated       bool      `json:"estimated"` // the term touches a year whose calendar data is not confirmed
	Immediate       bool      `json:"immediate,omitempty"`
}

// Due computes the deadline of the term for an event at the given instant.
// Bad input returns a *RuleError wrapping ErrInvalid; a strict calendar
// returns one wrapping ErrCalendarNotConfirmed for unconfirmed years.
func (t Term) Due(c *Calendar, event time.Time) (Deadline, error) {
	if c == nil {
		return Deadline{}, Invalid(t.Rule, "calendar", "nil calendar")
	}
	if event.IsZero() {
		return Deadline{}, Invalid(t.Rule, "event", "the event time is required")
	}
	if err := t.Validate(); err != nil {
		return Deadline{}, err
	}
	var due time.Time
	switch t.Kind {
	case WorkingDays:
		due = c.RollForward(c.AddWorkdays(event, t.N))
	case WorkingDaysAfter:
		due = c.AddWorkdays(event, t.N+1)
	case CalendarDays:
		y, m, d := event.In(c.loc).Date()
		due = c.RollForward(c.Date(y, m, d+t.N))
	case DayOfNextMonth:
		y, m, _ := event.In(c.loc).Date()
		due = c.RollForward(c.Date(y, m+1, min(t.N, daysIn(m+1, y))))
	case Immediately:
		due = c.RollForward(event)
	}
	dl := Deadline{
		Term: t, Rule: t.Rule, Start: event.In(c.loc), Due: due, Ends: c.nextDayStart(due),
		CalendarVersion: c.version, Estimated: !c.confirmedSpan(event, due), Immediate: t.Kind == Immediately,
	}
	if dl.Estimated && c.strict {
		return Deadline{}, Wrap(t.Rule, "event", ErrCalendarNotConfirmed,
			fmt.Sprintf("%s–%s", event.In(c.loc).Format(time.DateOnly), due.Format(time.DateOnly)))
	}
	return dl, nil
}

// Overdue reports whether the term has ended at now.
func (d Deadline) Overdue(now time.Time) bool { return !now.Before(d.Ends) }

// String summarises the deadline: "within 5 working days of 2025-03-20 (Rules130 p.5), due 2025-04-01".
func (d Deadline) String() string {
	s := d.Term.phrase(d.Start.Format(time.DateOnly)) + ", due " + d.Due.Format(time.DateOnly)
	if d.Estimated {
		s += " (estimated)"
	}
	return s
}

// DaysOff lists the non-working days in the civil-date interval (a, b]: the
// days a term from a to b skipped, each with its reason.
func (c *Calendar) DaysOff(a, b time.Time) []DayInfo {
	var out []DayInfo
	for d := c.DayStart(a); ; {
		y, m, dd := d.Date()
		d = c.Date(y, m, dd+1)
		if d.After(b) {
			return out
		}
		if !c.IsWorkday(d) {
			out = append(out, c.Explain(d))
		}
	}
}
