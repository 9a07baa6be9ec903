package deadlines

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// EntryKind is what a timer ledger entry records.
type EntryKind uint8

// Ledger entry kinds.
const (
	_            EntryKind = iota
	EntryStart             // the term starts (Entry.Term)
	EntryPause             // counting stops
	EntryResume            // counting goes on; the due date moves by the paused days
	EntryExtend            // the due date moves by Entry.Term (N days of WorkingDays or CalendarDays)
	EntryRestart           // a fresh term (Entry.Term) from a new event, e.g. re-submitted documents
	EntryStop              // the step is done; the timer ends met or breached
)

var entryKindNames = [...]string{"", "start", "pause", "resume", "extend", "restart", "stop"}

func (k EntryKind) String() string {
	if int(k) < len(entryKindNames) && k != 0 {
		return entryKindNames[k]
	}
	return "EntryKind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText implements encoding.TextMarshaler.
func (k EntryKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *EntryKind) UnmarshalText(b []byte) error {
	i := slices.Index(entryKindNames[1:], string(b))
	if i < 0 {
		return Invalid(Citation{}, "kind", "unknown ledger entry kind "+strconv.Quote(string(b)))
	}
	*k = EntryKind(i + 1)
	return nil
}

// Entry is one line of a timer's ledger.
type Entry struct {
	Kind   EntryKind `json:"kind"`
	At     time.Time `json:"at"`
	Term   Term      `json:"term,omitzero"` // start, restart: the term; extend: the extension
	Rule   Citation  `json:"rule,omitzero"` // the rule that allows the entry
	Reason string    `json:"reason,omitempty"`
}

// Rung is an escalation step of a timer, placed relative to its due date.
type Rung struct {
	Name string `json:"name"`
	// Offset in working days from the due date: 0 is the breach (24:00 of the
	// due date); -1 fires at 00:00 of the last working day before the due
	// date; +N fires at 24:00 of the N-th working day after it.
	Offset int      `json:"offset"`
	Rule   Citation `json:"rule"`
}

// Breach is the rung that fires when the term is breached.
func Breach(rule Citation) Rung { return Rung{Name: "breach", Offset: 0, Rule: rule} }

// Warning fires the given number of working days before the due date.
func Warning(days int, rule Citation) Rung {
	return Rung{Name: "warning-" + strconv.Itoa(days), Offset: -days, Rule: rule}
}

// TimerState is where a timer's current cycle stands.
type TimerState uint8

// Timer states.
const (
	TimerRunning TimerState = iota
	TimerPaused
	TimerStopped
)

var timerStateNames = [...]string{"running", "paused", "stopped"}

func (s TimerState) String() string { return timerStateNames[s] }

// MarshalText implements encoding.TextMarshaler.
func (s TimerState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *TimerState) UnmarshalText(b []byte) error {
	i := slices.Index(timerStateNames[:], string(b))
	if i < 0 {
		return Invalid(Citation{}, "state", "unknown timer state "+strconv.Quote(string(b)))
	}
	*s = TimerState(i)
	return nil
}

// Timer is an SLA timer kept as a ledger. The due date is always recomputed
// from the ledger and the calendar, never stored as "overdue". A Timer is a
// value owned by one writer at a time (a store's Update closure); its
// methods are not safe for concurrent use.
type Timer struct {
	ID      string `json:"id"`
	Subject string `json:"subject"` // what the term is about, e.g. "onboarding/123/appoint"
	// Rungs are never changed in place: timers started with equal rungs
	// share one array.
	Rungs  []Rung  `json:"rungs"`
	Ledger []Entry `json:"ledger"`
	// Zone is the IANA zone the timer counts civil dates in: the zone of the
	// calendar it was created with. Every method moves the calendar it is
	// given to this zone, so a reader cannot count it in the wrong one.
	Zone string `json:"zone"`
	// Schedule is the current cycle's rungs with the instants they fire, in
	// time order, kept current by the methods: what a store indexes for the
	// Sweeper whenever it saves the timer. A paused timer has none; a stopped
	// one keeps only the rungs that fell due while it ran (a step done late
	// still escalates). Whether a rung has fired is the store's record
	// (SweepStore.ClaimFiring), not the timer's.
	Schedule []Firing `json:"schedule,omitempty"`
}

// NewTimer starts a timer for term at start. Rungs default to the breach
// rung of the term's rule.
func NewTimer(c *Calendar, id, subject string, term Term, start time.Time, rungs ...Rung) (*Timer, error) {
	// Small enough to inline: a caller that copies the timer into a slice of
	// its own then keeps the Timer on its stack.
	return new(Timer).start(c, id, subject, term, start, rungs)
}

// start sets up t as NewTimer's timer and returns it, or nil and an error.
func (t *Timer) start(c *Calendar, id, subject string, term Term, start time.Time, rungs []Rung) (*Timer, error) {
	if strings.TrimSpace(id) == "" {
		return nil, Invalid(term.Rule, "timer_id", "a timer needs an id")
	}
	if len(rungs) == 0 {
		rungs = []Rung{Breach(term.Rule)}
	}
	for i, r := range rungs {
		if r.Name == "" || slices.ContainsFunc(rungs[:i], func(o Rung) bool { return o.Name == r.Name }) {
			return nil, Invalid(term.Rule, "rungs", "each rung needs a unique name")
		}
	}
	d, err := term.Due(c, start)
	if err != nil {
		return nil, err
	}
	// The ledger has room for the entry most timers get next: the stop.
	ledger := make([]Entry, 1, 2)
	ledger[0] = Entry{Kind: EntryStart, At: start, Term: term, Rule: term.Rule}
	*t = Timer{ID: id, Subject: subject, Rungs: internRungs(rungs), Ledger: ledger, Zone: c.Location().String()}
	t.Schedule = t.scheduleOf(c, cycle{n: 1, deadline: d})
	return t, nil
}

// rungSets holds the distinct rung sets timers were started with, up to
// maxRungSets of them. A program uses a handful (a warning and the breach
// per rule), and a timer never changes its rungs in place, so timers
// started with equal rungs share one array instead of a copy each.
var rungSets atomic.Pointer[[][]Rung]

const maxRungSets = 64

// internRungs returns a copy of rungs that the caller may keep but not
// modify: the interned set equal to rungs, if any.
func internRungs(rungs []Rung) []Rung {
	sets := rungSets.Load()
	var known [][]Rung
	if sets != nil {
		known = *sets
	}
	for _, set := range known {
		if slices.Equal(set, rungs) {
			return set
		}
	}
	c := slices.Clip(slices.Clone(rungs))
	if len(known) < maxRungSets {
		next := append(slices.Clip(known), c)
		rungSets.CompareAndSwap(sets, &next) // on a lost race c is simply not shared
	}
	return c
}

// Status is the cycle view of a timer at an instant.
type Status struct {
	State             TimerState `json:"state"`
	Cycle             int        `json:"cycle"` // 1 for the first term, +1 per restart
	Deadline          Deadline   `json:"deadline"`
	ElapsedWorkdays   int        `json:"elapsed_workdays"`   // counted working days, pauses excluded
	RemainingWorkdays int        `json:"remaining_workdays"` // working days left in (now, due]; 0 once breached
	PausedDays        int        `json:"paused_days"`        // in the term's unit (calendar days for calendar-day terms)
	Breached          bool       `json:"breached"`
	BreachedAt        time.Time  `json:"breached_at,omitzero"` // the instant the term ended unmet
	StoppedAt         time.Time  `json:"stopped_at,omitzero"`
}

// cycle is the replay of the current cycle of a ledger.
type cycle struct {
	n        int
	deadline Deadline
	state    TimerState
	pausedAt time.Time
	paused   int // days paused in the term's unit, completed pauses only
	idle     int // working days paused, completed pauses only
	stopped  time.Time
}

// shift moves d's due date by days counted in d's own unit: calendar days
// for a calendar-day term (rolled forward), working days otherwise.
func shift(c *Calendar, d Deadline, days int) Deadline {
	if days == 0 {
		return d
	}
	if d.Term.Kind == CalendarDays {
		y, m, dd := d.Due.Date()
		d.Due = c.RollForward(c.Date(y, m, dd+days))
	} else {
		d.Due = c.AddWorkdays(d.Due, days)
	}
	d.Ends = c.nextDayStart(d.Due)
	d.Estimated = d.Estimated || !c.confirmedSpan(d.Start, d.Due)
	return d
}

// pausedDays counts the days in (from, to] in d's unit.
func pausedDays(c *Calendar, d Deadline, from, to time.Time) int {
	if d.Term.Kind == CalendarDays {
		return int(c.DayStart(to).Sub(c.DayStart(from)).Round(24*time.Hour) / (24 * time.Hour))
	}
	return c.WorkdaysBetween(from, to)
}

// in returns c in the timer's zone.
func (t *Timer) in(c *Calendar) *Calendar {
	if t.Zone == "" {
		return c
	}
	if z, err := c.InZone(t.Zone); err == nil {
		return z
	}
	return c
}

func (t *Timer) replay(c *Calendar) cycle {
	c = t.in(c)
	var cy cycle
	for _, e := range t.Ledger {
		cy = cy.apply(c, e)
	}
	return cy
}

// apply returns the cycle after entry e; c is in the timer's zone.
func (cy cycle) apply(c *Calendar, e Entry) cycle {
	switch e.Kind {
	case EntryStart, EntryRestart:
		d, _ := e.Term.Due(c, e.At) // validated when the entry was written
		cy = cycle{n: cy.n + 1, deadline: d}
	case EntryPause:
		cy.state, cy.pausedAt = TimerPaused, e.At
	case EntryResume:
		days := pausedDays(c, cy.deadline, cy.pausedAt, e.At)
		cy.deadline = shift(c, cy.deadline, days)
		cy.paused += days
		cy.idle += c.WorkdaysBetween(cy.pausedAt, e.At)
		cy.state, cy.pausedAt = TimerRunning, time.Time{}
	case EntryExtend:
		cy.deadline = shift(c, cy.deadline, e.Term.N)
	case EntryStop:
		cy.state, cy.stopped = TimerStopped, e.At
	}
	return cy
}

// Status returns the timer's state at now.
func (t *Timer) Status(c *Calendar, now time.Time) Status {
	c = t.in(c)
	cy := t.replay(c)
	s := Status{State: cy.state, Cycle: cy.n, Deadline: cy.deadline, PausedDays: cy.paused, StoppedAt: cy.stopped}
	end := now
	switch cy.state {
	case TimerPaused:
		// Shown as if resumed now: the due date moves on while paused.
		days := pausedDays(c, cy.deadline, cy.pausedAt, now)
		s.Deadline = shift(c, cy.deadline, days)
		s.PausedDays += days
		end = cy.pausedAt
	case TimerStopped:
		end = cy.stopped
	}
	s.ElapsedWorkdays = max(0, c.WorkdaysBetween(cy.deadline.Start, end)-cy.idle)
	if cy.state != TimerPaused && !end.Before(s.Deadline.Ends) {
		s.Breached, s.BreachedAt = true, s.Deadline.Ends
	}
	if !s.Breached && cy.state != TimerStopped {
		s.RemainingWorkdays = max(0, c.WorkdaysBetween(now, s.Deadline.Due))
	}
	return s
}

// Deadline returns the current deadline (as Status(c, now).Deadline at the
// last ledger entry).
func (t *Timer) Deadline(c *Calendar) Deadline { return t.replay(c).deadline }

func (t *Timer) append(c *Calendar, e Entry, field string) error {
	c = t.in(c)
	if e.At.IsZero() {
		return Invalid(e.Rule, field, "the time of the entry is required")
	}
	if last := t.Ledger[len(t.Ledger)-1]; e.At.Before(last.At) {
		return Invalid(e.Rule, field, fmt.Sprintf("%s at %s is before the last ledger entry (%s at %s)",
			e.Kind, e.At.Format(time.RFC3339), last.Kind, last.At.Format(time.RFC3339)))
	}
	cy := t.replay(c)
	if cy.state == TimerStopped && e.Kind != EntryRestart {
		return Wrap(e.Rule, field, ErrConflict, "the timer is stopped")
	}
	switch e.Kind {
	case EntryPause:
		if cy.state == TimerPaused {
			return Wrap(e.Rule, field, ErrConflict, "the timer is already paused")
		}
		if !e.At.Before(cy.deadline.Ends) {
			return Wrap(e.Rule, field, ErrTermExpired, "cannot pause a term that ended at "+cy.deadline.Ends.Format(time.RFC3339))
		}
	case EntryResume:
		if cy.state != TimerPaused {
			return Wrap(e.Rule, field, ErrConflict, "the timer is not paused")
		}
	case EntryExtend:
		if e.Term.Kind != WorkingDays && e.Term.Kind != CalendarDays || e.Term.N < 1 {
			return Invalid(e.Rule, field, "an extension is a positive number of working or calendar days")
		}
		if cy.state == TimerPaused {
			return Wrap(e.Rule, field, ErrConflict, "resume the timer before extending it")
		}
	case EntryRestart:
		if _, err := e.Term.Due(c, e.At); err != nil {
			return err
		}
	}
	t.Ledger = append(t.Ledger, e)
	t.Schedule = t.scheduleOf(c, cy.apply(c, e))
	return nil
}

// Pause stops counting at `at`, for a reason and under a rule.
func (t *Timer) Pause(c *Calendar, at time.Time, rule Citation, reason string) error {
	return t.append(c, Entry{Kind: EntryPause, At: at, Rule: rule, Reason: reason}, "pause")
}

// Resume goes on counting; the due date moves by the working days in
// (pause date, resume date]: the day of the pause counts, counting resumes
// the day after the resumption.
func (t *Timer) Resume(c *Calendar, at time.Time, rule Citation, reason string) error {
	return t.append(c, Entry{Kind: EntryResume, At: at, Rule: rule, Reason: reason}, "resume")
}

// Extend moves the due date by `by` (N working or calendar days) under by.Rule.
func (t *Timer) Extend(c *Calendar, at time.Time, by Term, reason string) error {
	return t.append(c, Entry{Kind: EntryExtend, At: at, Term: by, Rule: by.Rule, Reason: reason}, "extend")
}

// Restart begins a fresh term from a new event; earlier pauses and
// extensions stay in the ledger but no longer count.
func (t *Timer) Restart(c *Calendar, at time.Time, term Term, reason string) error {
	return t.append(c, Entry{Kind: EntryRestart, At: at, Term: term, Rule: term.Rule, Reason: reason}, "restart")
}

// Stop ends the cycle: the step is done at `at`, met or breached.
func (t *Timer) Stop(c *Calendar, at time.Time, rule Citation, reason string) error {
	return t.append(c, Entry{Kind: EntryStop, At: at, Rule: rule, Reason: reason}, "stop")
}

// Firing is one rung of one timer cycle, due or fired.
type Firing struct {
	TimerID string    `json:"timer_id"`
	Subject string    `json:"subject"`
	Cycle   int       `json:"cycle"`
	Rung    Rung      `json:"rung"`
	At      time.Time `json:"at"`                // when the rung was due
	Due     time.Time `json:"due"`               // the due date of the term it escalates (00:00 local)
	FiredAt time.Time `json:"fired_at,omitzero"` // when the sweeper fired it
}

// Key identifies the firing: the same (timer, cycle, rung) has the same key,
// which stores keep unique so that a rung fires exactly once.
func (f Firing) Key() string { return f.TimerID + "/" + strconv.Itoa(f.Cycle) + "/" + f.Rung.Name }

// CompareFirings orders firings as stores hand them to sweepers: earliest
// At first, then by Key. The keys are built only for firings due at the
// same instant: sorting a batch of 1,000 firings with distinct instants
// takes a quarter of the time it took building both keys for every
// comparison (BenchmarkSortFirings).
func CompareFirings(a, b Firing) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return strings.Compare(a.Key(), b.Key())
}

// rungAt is the instant rung r fires for deadline d.
func rungAt(c *Calendar, d Deadline, r Rung) time.Time {
	switch {
	case r.Offset == 0:
		return d.Ends
	case r.Offset < 0:
		return c.AddWorkdays(d.Due, r.Offset)
	default:
		return c.nextDayStart(c.AddWorkdays(d.Due, r.Offset))
	}
}

// scheduleOf computes Timer.Schedule for the ledger's current cycle cy; c is
// in the timer's zone. The schedule is built on the stack and copied out at
// its exact length: a timer keeps it as long as it lives.
func (t *Timer) scheduleOf(c *Calendar, cy cycle) []Firing {
	if cy.state == TimerPaused {
		return nil
	}
	var buf [4]Firing
	out := buf[:0]
	for _, r := range t.Rungs {
		f := Firing{TimerID: t.ID, Subject: t.Subject, Cycle: cy.n, Rung: r, At: rungAt(c, cy.deadline, r), Due: cy.deadline.Due}
		if cy.state == TimerStopped && f.At.After(cy.stopped) {
			continue
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortStableFunc(out, func(a, b Firing) int { return a.At.Compare(b.At) })
	// make and copy rather than slices.Clone: the runtime then needs write
	// barriers for the source only.
	s := make([]Firing, len(out))
	copy(s, out)
	return s
}

// Clone returns a copy of t that shares no mutable state with it. The
// ledger, rungs and schedule are never changed in place (entries are only
// appended, the schedule is replaced whole), so the copy shares their
// backing arrays clipped to length: an append to either copy reallocates.
// Do not modify their elements in place.
func (t *Timer) Clone() *Timer {
	c := *t
	c.Rungs = slices.Clip(t.Rungs)
	c.Ledger = slices.Clip(t.Ledger)
	c.Schedule = slices.Clip(t.Schedule)
	return &c
}
