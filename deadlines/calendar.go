package deadlines

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"time"
)

// The years every Calendar is compiled for. Dates outside fall back to the
// weekly rest days only and are always estimated.
const (
	minYear = 1992
	maxYear = 2100
)

// DayKind says why a day is or is not a working day.
type DayKind uint8

// Day kinds.
const (
	DayWorking            DayKind = iota // an ordinary working day
	DayWeekend                           // a weekly rest day
	DayHoliday                           // a public holiday
	DayWeekendShift                      // a day off because a holiday fell on a weekend
	DayTransferredOff                    // a day off moved here by a government decree
	DayTransferredWorking                // a working day because a decree moved its day off away
)

var dayKindNames = [...]string{"working", "weekend", "holiday", "weekend-shift", "transferred-day-off", "transferred-working-day"}

func (k DayKind) String() string {
	if int(k) < len(dayKindNames) {
		return dayKindNames[k]
	}
	return fmt.Sprintf("DayKind(%d)", uint8(k))
}

// MarshalText implements encoding.TextMarshaler.
func (k DayKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

func (k DayKind) working() bool { return k == DayWorking || k == DayTransferredWorking }

// DayInfo explains one civil date.
type DayInfo struct {
	Date      time.Time // 00:00 of the date in the calendar's location
	Workday   bool
	Kind      DayKind
	Holiday   *Holiday  // the holiday (for DayHoliday and DayWeekendShift)
	ShiftOf   CivilDate // for DayWeekendShift: the weekend date the holiday fell on
	Transfer  *Transfer // for DayTransferredOff and DayTransferredWorking
	Estimated bool      // the year's data is not confirmed; the answer follows the rules only
	Version   string    // the calendar data version
}

// Source names the legal source of the day's status.
func (d DayInfo) Source() string {
	switch d.Kind {
	case DayHoliday:
		return d.Holiday.Source
	case DayWeekendShift:
		return "Labour Code of the Republic of Kazakhstan, art. 85 (weekend shift)"
	case DayTransferredOff, DayTransferredWorking:
		return "Government decree " + d.Transfer.Decree
	case DayWeekend:
		return "Labour Code of the Republic of Kazakhstan, art. 84 (weekly rest days)"
	}
	return ""
}

// Calendar is a compiled working-day calendar for one time zone. It is
// immutable and safe for concurrent use; every query is a table lookup.
// Build one with NewCalendar (or use deadlines/kz) and share it.
type Calendar struct {
	loc      *time.Location
	version  string
	strict   bool
	weekend  [7]bool
	kinds    []DayKind // per day from minYear-01-01
	cum      []int32   // cum[i]: working days among days [0, i)
	workIdx  []int32   // day index of the k-th working day
	midnight []int64   // Unix seconds of 00:00 local of day i; len(kinds)+1
	dates    []CivilDate
	confirm  [maxYear - minYear + 1]bool
	notes    map[int32]dayNote
	holidays []Holiday
	transfer []Transfer
	zones    *sync.Map // location name → *Calendar, shared by every In of one compilation
}

type dayNote struct {
	holiday  int // index into holidays, -1 if none
	shiftOf  CivilDate
	transfer int // index into transfer, -1 if none
}

// NewCalendar compiles a calendar. WithLocation (or WithData with a location)
// is required. Saturday and Sunday are the weekly rest days.
func NewCalendar(opts ...Option) (*Calendar, error) {
	cfg := config{confirmed: map[int]bool{}}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.loc == nil {
		return nil, Invalid(Citation{}, "location", "a calendar needs an explicit *time.Location")
	}
	c := &Calendar{loc: cfg.loc, strict: cfg.strict, holidays: slices.Clone(cfg.holidays), transfer: slices.Clone(cfg.transfers)}
	c.weekend[time.Saturday], c.weekend[time.Sunday] = true, true
	for y := range cfg.confirmed {
		c.confirm[y-minYear] = true
	}
	c.compile()
	c.zones = &sync.Map{}
	c.zones.Store(c.loc.String(), c)
	c.version = cfg.version + "+" + c.digest()
	if cfg.version == "" {
		c.version = "custom+" + c.digest()
	}
	return c, nil
}

func (c *Calendar) compile() {
	first := time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC)
	n := int(time.Date(maxYear+1, 1, 1, 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24)
	c.kinds = make([]DayKind, n)
	c.dates = make([]CivilDate, n)
	c.notes = map[int32]dayNote{}
	wd := first.Weekday()
	for i, d := 0, civilOf(first); i < n; i++ {
		c.dates[i] = d
		if c.weekend[(int(wd)+i)%7] {
			c.kinds[i] = DayWeekend
		}
		if d.Day++; d.Day > daysIn(d.Month, d.Year) {
			d.Day, d.Month = 1, d.Month+1
			if d.Month > time.December {
				d.Month, d.Year = time.January, d.Year+1
			}
		}
	}
	weekday := func(i int) time.Weekday { return time.Weekday((int(wd) + i) % 7) }
	index := func(d CivilDate) (int, bool) {
		i := int(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24)
		return i, i >= 0 && i < n
	}

	// Holidays by their rickar/cal rules.
	for y := minYear; y <= maxYear; y++ {
		for hi, h := range c.holidays {
			actual, _ := h.Rule.Calc(y)
			if actual.IsZero() {
				continue
			}
			i, ok := index(civilOf(actual))
			if !ok || c.kinds[i] == DayHoliday {
				continue // two holidays on one date count once
			}
			c.kinds[i] = DayHoliday
			c.notes[int32(i)] = dayNote{holiday: hi, transfer: -1}
		}
	}
	// Weekend shift, in date order so that consecutive holidays push in turn.
	for i := range n {
		if c.kinds[i] != DayHoliday || !c.weekend[weekday(i)] {
			continue
		}
		note := c.notes[int32(i)]
		if !c.holidays[note.holiday].WeekendShift {
			continue
		}
		for j := i + 1; j < n; j++ {
			if c.kinds[j] == DayWorking {
				c.kinds[j] = DayWeekendShift
				c.notes[int32(j)] = dayNote{holiday: note.holiday, shiftOf: c.dates[i], transfer: -1}
				break
			}
		}
	}
	// Decree transfers override everything else.
	for ti, t := range c.transfer {
		if i, ok := index(t.To); ok {
			c.kinds[i] = DayTransferredOff
			c.notes[int32(i)] = dayNote{holiday: -1, transfer: ti}
		}
		if i, ok := index(t.From); ok {
			c.kinds[i] = DayTransferredWorking
			c.notes[int32(i)] = dayNote{holiday: -1, transfer: ti}
		}
	}

	c.cum = make([]int32, n+1)
	c.workIdx = make([]int32, 0, n*5/7)
	for i, k := range c.kinds {
		c.cum[i+1] = c.cum[i]
		if k.working() {
			c.cum[i+1]++
			c.workIdx = append(c.workIdx, int32(i))
		}
	}
	c.midnight = localMidnights(first, n+1, c.loc)
}

// localMidnights returns the Unix second of 00:00 local for n consecutive
// civil dates from first. It asks the zone database only when a zone
// boundary is crossed, so building is fast.
func localMidnights(first time.Time, n int, loc *time.Location) []int64 {
	out := make([]int64, n)
	var off int
	var zs, ze int64 // the zone in effect over [zs, ze); ze == 0 means unbounded
	for i := range out {
		utc := first.Unix() + int64(i)*86400
		cand := utc - int64(off)
		if i == 0 || cand < zs || (ze != 0 && cand >= ze) {
			d := first.AddDate(0, 0, i)
			t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
			_, off = t.Zone()
			s, e := t.ZoneBounds()
			zs, ze = s.Unix(), 0
			if s.IsZero() {
				zs = -1 << 62
			}
			if !e.IsZero() {
				ze = e.Unix()
			}
			out[i] = t.Unix()
			continue
		}
		out[i] = cand
	}
	return out
}

func (c *Calendar) digest() string {
	h := fnv.New64a()
	h.Write([]byte(c.loc.String()))
	buf := make([]byte, len(c.kinds))
	for i, k := range c.kinds {
		buf[i] = byte(k)
	}
	h.Write(buf)
	for y, ok := range c.confirm {
		if ok {
			h.Write(binary.LittleEndian.AppendUint16(nil, uint16(y)))
		}
	}
	return fmt.Sprintf("%08x", h.Sum64()>>32)
}

// index returns the day index of t's civil date, and false outside the table.
func (c *Calendar) index(t time.Time) (int, bool) {
	u := t.Unix()
	m := c.midnight
	if u < m[0] || u >= m[len(m)-1] {
		return 0, false
	}
	i := int((u - m[0]) / 86400)
	if i >= len(c.kinds) {
		i = len(c.kinds) - 1
	}
	for i > 0 && m[i] > u {
		i--
	}
	for m[i+1] <= u {
		i++
	}
	return i, true
}

func (c *Calendar) at(i int) time.Time { return time.Unix(c.midnight[i], 0).In(c.loc) }

// In returns the same calendar counting civil dates in loc: the holidays,
// transfers and version are shared, only the local midnights differ. Results
// are cached per zone, so In is cheap to call per request. A body's
// deadlines use the calendar in the body's own zone.
func (c *Calendar) In(loc *time.Location) *Calendar {
	if loc == nil || loc.String() == c.loc.String() {
		return c
	}
	if z, ok := c.zones.Load(loc.String()); ok {
		return z.(*Calendar)
	}
	z := *c
	z.loc = loc
	z.midnight = localMidnights(time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC), len(c.kinds)+1, loc)
	actual, _ := c.zones.LoadOrStore(loc.String(), &z)
	return actual.(*Calendar)
}

// InZone is In for a zone named in the IANA database ("Asia/Aqtau"). A
// zone seen before is served from the cache without loading it again.
func (c *Calendar) InZone(name string) (*Calendar, error) {
	if name == c.loc.String() {
		return c, nil
	}
	if z, ok := c.zones.Load(name); ok {
		return z.(*Calendar), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Invalid(Citation{}, "zone", err.Error())
	}
	return c.In(loc), nil
}

// Location returns the time zone whose civil dates the calendar counts.
func (c *Calendar) Location() *time.Location { return c.loc }

// Version returns the calendar data version. Every computed Deadline records it.
func (c *Calendar) Version() string { return c.version }

// Strict reports whether Term.Due refuses unconfirmed years.
func (c *Calendar) Strict() bool { return c.strict }

// Date returns 00:00 of the civil date in the calendar's location.
func (c *Calendar) Date(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, c.loc)
}

// DayStart returns 00:00, in the calendar's location, of t's civil date there.
func (c *Calendar) DayStart(t time.Time) time.Time {
	if i, ok := c.index(t); ok {
		return c.at(i)
	}
	y, m, d := t.In(c.loc).Date()
	return c.Date(y, m, d)
}

// nextDayStart returns 24:00 of t's civil date: the instant a term ending
// that day ends.
func (c *Calendar) nextDayStart(t time.Time) time.Time {
	if i, ok := c.index(t); ok {
		return c.at(i + 1)
	}
	y, m, d := t.In(c.loc).Date()
	return c.Date(y, m, d+1)
}

// IsWorkday reports whether the civil date of t, in the calendar's location,
// is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	if i, ok := c.index(t); ok {
		return c.kinds[i].working()
	}
	return !c.weekend[t.In(c.loc).Weekday()]
}

// AddWorkdays returns 00:00, in the calendar's location, of the n-th working
// day strictly after the civil date of t (counting starts on the day after
// the event, as the Civil Code says). n = 0 returns t's own date at 00:00;
// a negative n counts back to the |n|-th working day strictly before it.
func (c *Calendar) AddWorkdays(t time.Time, n int) time.Time {
	i, ok := c.index(t)
	if ok {
		switch {
		case n == 0:
			return c.at(i)
		case n > 0:
			if k := int(c.cum[i+1]) + n - 1; k < len(c.workIdx) {
				return c.at(int(c.workIdx[k]))
			}
		default:
			if k := int(c.cum[i]) + n; k >= 0 {
				return c.at(int(c.workIdx[k]))
			}
		}
	}
	return c.addWorkdaysSlow(t, n)
}

// addWorkdaysSlow walks day by day; it serves dates outside the table.
func (c *Calendar) addWorkdaysSlow(t time.Time, n int) time.Time {
	d := c.DayStart(t)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		y, m, dd := d.Date()
		d = c.Date(y, m, dd+step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween returns the number of working days in the civil-date
// interval (a, b]. When b is before a it returns minus the count in (b, a].
func (c *Calendar) WorkdaysBetween(a, b time.Time) int {
	ia, oka := c.index(a)
	ib, okb := c.index(b)
	if oka && okb {
		return int(c.cum[ib+1] - c.cum[ia+1])
	}
	da, db := c.DayStart(a), c.DayStart(b)
	if db.Before(da) {
		return -c.WorkdaysBetween(b, a)
	}
	n := 0
	for d := da; d.Before(db); {
		y, m, dd := d.Date()
		d = c.Date(y, m, dd+1)
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// RollForward returns t's civil date at 00:00 if it is a working day, else
// the next working day: the Civil Code's rule for a term whose last day is
// not a working day.
func (c *Calendar) RollForward(t time.Time) time.Time {
	if c.IsWorkday(t) {
		return c.DayStart(t)
	}
	return c.AddWorkdays(t, 1)
}

// Confirmed reports whether the year's data is confirmed.
func (c *Calendar) Confirmed(year int) bool {
	return year >= minYear && year <= maxYear && c.confirm[year-minYear]
}

// confirmedSpan reports whether every year from a's to b's is confirmed.
func (c *Calendar) confirmedSpan(a, b time.Time) bool {
	ya, yb := a.In(c.loc).Year(), b.In(c.loc).Year()
	if yb < ya {
		ya, yb = yb, ya
	}
	for y := ya; y <= yb; y++ {
		if !c.Confirmed(y) {
			return false
		}
	}
	return true
}

// Explain says why the civil date of t is or is not a working day.
func (c *Calendar) Explain(t time.Time) DayInfo {
	i, ok := c.index(t)
	if !ok {
		d := c.DayStart(t)
		kind := DayWorking
		if c.weekend[d.Weekday()] {
			kind = DayWeekend
		}
		return DayInfo{Date: d, Workday: kind == DayWorking, Kind: kind, Estimated: true, Version: c.version}
	}
	info := DayInfo{
		Date:      c.at(i),
		Workday:   c.kinds[i].working(),
		Kind:      c.kinds[i],
		Estimated: !c.confirm[c.dates[i].Year-minYear],
		Version:   c.version,
	}
	if note, ok := c.notes[int32(i)]; ok {
		if note.holiday >= 0 {
			h := c.holidays[note.holiday]
			info.Holiday = &h
			info.ShiftOf = note.shiftOf
		}
		if note.transfer >= 0 {
			tr := c.transfer[note.transfer]
			info.Transfer = &tr
		}
	}
	return info
}

// Year lists every day of the year that is not an ordinary working day or an
// ordinary weekend: holidays, weekend shifts and decree transfers, in order.
func (c *Calendar) Year(year int) []DayInfo {
	var out []DayInfo
	start, ok := c.index(c.Date(year, 1, 1))
	if !ok {
		return nil
	}
	for i := start; i < len(c.kinds) && c.dates[i].Year == year; i++ {
		if k := c.kinds[i]; k != DayWorking && k != DayWeekend {
			out = append(out, c.Explain(c.at(i)))
		}
	}
	return out
}

// Holidays returns the holiday definitions the calendar was built from,
// sorted by ID.
func (c *Calendar) Holidays() []Holiday {
	return slices.SortedFunc(slices.Values(c.holidays), func(a, b Holiday) int { return cmp.Compare(a.ID, b.ID) })
}

// Transfers returns the decree transfers the calendar was built from.
func (c *Calendar) Transfers() []Transfer { return slices.Clone(c.transfer) }
