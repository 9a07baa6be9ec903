package deadlines

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
)

// CivilDate is a calendar date with no time zone: the key of calendar data
// (holiday dates, decree transfers). It marshals as "2006-01-02".
// Instants are never CivilDates; Calendar.Date turns one into 00:00 local.
type CivilDate struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseCivilDate parses "2006-01-02" and rejects dates that do not exist.
func ParseCivilDate(s string) (CivilDate, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return CivilDate{}, fmt.Errorf("%w: date %q is not YYYY-MM-DD", ErrInvalid, s)
	}
	return civilOf(t), nil
}

func civilOf(t time.Time) CivilDate {
	y, m, d := t.Date()
	return CivilDate{Year: y, Month: m, Day: d}
}

// IsZero reports whether d is the zero date.
func (d CivilDate) IsZero() bool { return d == CivilDate{} }

// String returns "2006-01-02".
func (d CivilDate) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText implements encoding.TextMarshaler.
func (d CivilDate) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler. It reads what
// MarshalText writes, the zero date ("0000-00-00") included.
func (d *CivilDate) UnmarshalText(b []byte) error {
	if string(b) == (CivilDate{}).String() {
		*d = CivilDate{}
		return nil
	}
	p, err := ParseCivilDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Names holds a label in the three languages the library speaks.
type Names struct {
	KK string `json:"kk"`
	RU string `json:"ru"`
	EN string `json:"en"`
}

// In returns the label in lang ("kk", "ru" or "en"), falling back to English.
func (n Names) In(lang string) string {
	switch strings.ToLower(lang) {
	case "kk":
		if n.KK != "" {
			return n.KK
		}
	case "ru":
		if n.RU != "" {
			return n.RU
		}
	}
	return n.EN
}

// Holiday is a public holiday: when it falls (a rickar/cal definition) and
// what the law says about it.
type Holiday struct {
	ID    string // stable key, e.g. "nauryz-22"; a later definition with the same ID replaces an earlier one
	Names Names
	// Rule computes the date in a year, honouring StartYear, EndYear and Except.
	// Its Observed field is ignored: WeekendShift decides substitution, because
	// Kazakhstan's consecutive holidays push in turn, which cal.AltDay cannot say.
	Rule *cal.Holiday
	// WeekendShift: when the holiday falls on a weekend day, the next working
	// day becomes a day off (Labour Code art. 85).
	WeekendShift bool
	Source       string // the legal source, e.g. `Law No. 267-II "On holidays"`
}

// Transfer is a government decree moving a day off: To becomes a day off and
// From becomes a working day, even when From is a weekend or shifted holiday.
type Transfer struct {
	From   CivilDate `json:"from"`
	To     CivilDate `json:"to"`
	Decree string    `json:"decree"` // the decree's document id, e.g. "P1300000345"
}

// HolidaySpec is the data form of a Holiday, as it appears in calendar JSON.
// Exactly one of (Month, Day) or Dates is set: a fixed date every year, or
// explicit dates for holidays that follow the lunar calendar.
type HolidaySpec struct {
	ID           string      `json:"id"`
	Names        Names       `json:"names"`
	Month        int         `json:"month,omitempty"`
	Day          int         `json:"day,omitempty"`
	Dates        []CivilDate `json:"dates,omitempty"`
	FromYear     int         `json:"from_year,omitempty"`
	ToYear       int         `json:"to_year,omitempty"`
	WeekendShift bool        `json:"weekend_shift"`
	Source       string      `json:"source,omitempty"`
}

// CalendarData is the JSON document a deployment uses to describe a calendar
// or to add to one (a new year's decree transfers, a changed holiday law, a
// regional holiday) without a code change. See WithData.
type CalendarData struct {
	Version        string        `json:"version,omitempty"`
	Location       string        `json:"location,omitempty"` // IANA name, e.g. "Asia/Almaty"
	Holidays       []HolidaySpec `json:"holidays,omitempty"`
	Transfers      []Transfer    `json:"transfers,omitempty"`
	ConfirmedYears []int         `json:"confirmed_years,omitempty"`
}

// ParseCalendarData decodes calendar JSON strictly (unknown fields and
// trailing data are errors) and validates it. Every problem is reported, each
// as a *RuleError wrapping ErrInvalid, joined with errors.Join.
func ParseCalendarData(b []byte) (CalendarData, error) {
	var d CalendarData
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return CalendarData{}, &RuleError{Field: "calendar_data", Err: fmt.Errorf("%w: %v", ErrInvalid, err)}
	}
	if dec.More() {
		return CalendarData{}, Invalid(Citation{}, "calendar_data", "trailing data after the JSON document")
	}
	if err := d.Validate(); err != nil {
		return CalendarData{}, err
	}
	return d, nil
}

// Validate reports every problem in d at once.
func (d CalendarData) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, h := range d.Holidays {
		field := "holidays[" + strconv.Itoa(i) + "]"
		if _, err := h.Holiday(); err != nil {
			errs = append(errs, &RuleError{Field: field, Err: err})
		}
		if seen[h.ID] {
			errs = append(errs, Invalid(Citation{}, field+".id", "duplicate holiday id "+strconv.Quote(h.ID)))
		}
		seen[h.ID] = true
	}
	for i, t := range d.Transfers {
		field := "transfers[" + strconv.Itoa(i) + "]"
		if t.From.IsZero() || t.To.IsZero() || t.From == t.To {
			errs = append(errs, Invalid(Citation{}, field, "needs two different dates from and to"))
		}
		if strings.TrimSpace(t.Decree) == "" {
			errs = append(errs, Invalid(Citation{}, field+".decree", "a transfer names its decree"))
		}
	}
	for i, y := range d.ConfirmedYears {
		if y < minYear || y > maxYear {
			errs = append(errs, Invalid(Citation{}, "confirmed_years["+strconv.Itoa(i)+"]",
				fmt.Sprintf("year %d outside %d–%d", y, minYear, maxYear)))
		}
	}
	if d.Location != "" {
		if _, err := time.LoadLocation(d.Location); err != nil {
			errs = append(errs, Invalid(Citation{}, "location", err.Error()))
		}
	}
	return errors.Join(errs...)
}

// Holiday converts the spec into a Holiday with a rickar/cal rule.
func (s HolidaySpec) Holiday() (Holiday, error) {
	var errs []error
	if strings.TrimSpace(s.ID) == "" {
		errs = append(errs, Invalid(Citation{}, "id", "a holiday needs an id"))
	}
	if s.Names.EN == "" && s.Names.KK == "" && s.Names.RU == "" {
		errs = append(errs, Invalid(Citation{}, "names", "a holiday needs a name"))
	}
	if s.FromYear != 0 && s.ToYear != 0 && s.ToYear < s.FromYear {
		errs = append(errs, Invalid(Citation{}, "to_year", "ends before from_year"))
	}
	rule := &cal.Holiday{
		Name:      s.Names.KK,
		Type:      cal.ObservancePublic,
		StartYear: s.FromYear,
		EndYear:   s.ToYear,
	}
	switch {
	case len(s.Dates) > 0 && (s.Month != 0 || s.Day != 0):
		errs = append(errs, Invalid(Citation{}, "dates", "set either month/day or dates, not both"))
	case len(s.Dates) > 0:
		rule.Func = CalcDates(s.Dates...)
	case s.Month < 1 || s.Month > 12:
		errs = append(errs, Invalid(Citation{}, "month", "must be 1–12 (or give dates)"))
	case s.Day < 1 || s.Day > daysIn(time.Month(s.Month), 2000):
		errs = append(errs, Invalid(Citation{}, "day", "not a day of that month"))
	default:
		rule.Month, rule.Day, rule.Func = time.Month(s.Month), s.Day, cal.CalcDayOfMonth
	}
	if err := errors.Join(errs...); err != nil {
		return Holiday{}, err
	}
	return Holiday{ID: s.ID, Names: s.Names, Rule: rule, WeekendShift: s.WeekendShift, Source: s.Source}, nil
}

// CalcDates returns a cal.HolidayFn for a holiday with explicit dates (at most
// one per year), such as Kurban Ait, whose date follows the lunar calendar.
func CalcDates(dates ...CivilDate) cal.HolidayFn {
	byYear := make(map[int]CivilDate, len(dates))
	for _, d := range dates {
		byYear[d.Year] = d
	}
	return func(_ *cal.Holiday, year int) time.Time {
		d, ok := byYear[year]
		if !ok {
			return time.Time{}
		}
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	}
}

// daysIn returns the number of days in the month; month 13 is January of
// the next year, as time.Date normalises it.
func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// Option configures NewCalendar.
type Option func(*config) error

type config struct {
	version   string
	loc       *time.Location
	holidays  []Holiday
	transfers []Transfer
	confirmed map[int]bool
	strict    bool
}

// WithLocation sets the time zone whose civil dates the calendar counts.
// It is required (directly, or through WithData's location).
func WithLocation(loc *time.Location) Option {
	return func(c *config) error {
		if loc == nil {
			return Invalid(Citation{}, "location", "nil *time.Location")
		}
		c.loc = loc
		return nil
	}
}

// WithHolidays adds holidays; one with the ID of an earlier holiday replaces
// it (a changed law), a new ID adds one (for example a regional holiday).
func WithHolidays(hs ...Holiday) Option {
	return func(c *config) error {
		for _, h := range hs {
			if h.ID == "" || h.Rule == nil || h.Rule.Func == nil {
				return Invalid(Citation{}, "holidays", "a holiday needs an id and a rule with a Func")
			}
			if i := slices.IndexFunc(c.holidays, func(o Holiday) bool { return o.ID == h.ID }); i >= 0 {
				c.holidays[i] = h
				continue
			}
			c.holidays = append(c.holidays, h)
		}
		return nil
	}
}

// WithTransfers adds government decree transfers of days off.
func WithTransfers(ts ...Transfer) Option {
	return func(c *config) error {
		for _, t := range ts {
			if t.From.IsZero() || t.To.IsZero() || t.From == t.To || t.Decree == "" {
				return Invalid(Citation{}, "transfers", "a transfer needs two different dates and a decree")
			}
			if !slices.Contains(c.transfers, t) {
				c.transfers = append(c.transfers, t)
			}
		}
		return nil
	}
}

// WithConfirmedYears marks years whose lunar holidays and decree transfers
// are complete in the data. Other years are computed by the rules and every
// answer about them is flagged estimated.
func WithConfirmedYears(years ...int) Option {
	return func(c *config) error {
		for _, y := range years {
			if y < minYear || y > maxYear {
				return Invalid(Citation{}, "confirmed_years", fmt.Sprintf("year %d outside %d–%d", y, minYear, maxYear))
			}
			c.confirmed[y] = true
		}
		return nil
	}
}

// WithVersion names the data version; the calendar appends a digest of the
// compiled days, so any change of data changes Version().
func WithVersion(v string) Option {
	return func(c *config) error { c.version = v; return nil }
}

// WithStrict makes Term.Due return an error wrapping ErrCalendarNotConfirmed
// instead of an estimated Deadline when the term touches an unconfirmed year.
func WithStrict(strict bool) Option {
	return func(c *config) error { c.strict = strict; return nil }
}

// WithData applies a CalendarData document: its holidays, transfers and
// confirmed years are added as by the options above, and its version and
// location, when set, replace the current ones.
func WithData(d CalendarData) Option {
	return func(c *config) error {
		if err := d.Validate(); err != nil {
			return err
		}
		hs := make([]Holiday, 0, len(d.Holidays))
		for _, s := range d.Holidays {
			h, _ := s.Holiday() // validated above
			hs = append(hs, h)
		}
		if d.Version != "" {
			c.version = d.Version
		}
		if d.Location != "" {
			loc, _ := time.LoadLocation(d.Location) // validated above
			c.loc = loc
		}
		for _, o := range []Option{WithHolidays(hs...), WithTransfers(d.Transfers...), WithConfirmedYears(d.ConfirmedYears...)} {
			if err := o(c); err != nil {
				return err
			}
		}
		return nil
	}
}
