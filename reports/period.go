package reports

import (
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Period is a calendar month, the unit of the analytical report (p.14) and
// of reconciliation (p.16). Its bounds are civil dates in the UCC's zone.
type Period struct {
	Year  int
	Month time.Month
}

// MinYear and MaxYear bound the months ParsePeriod accepts: the years of
// the Republic's working-day calendar (no UCC report, appeal or figure
// can be of a month outside them).
const (
	MinYear = 1992
	MaxYear = 2100
)

// ParsePeriod parses "2025-03", a month of the years MinYear–MaxYear.
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != len("2006-01") {
		return Period{}, deadlines.Invalid(rule(14), "period", fmt.Sprintf("%q is not a month of the form 2025-03", s))
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return Period{}, deadlines.Invalid(rule(14), "period", fmt.Sprintf("%q is outside the years %d–%d", s, MinYear, MaxYear))
	}
	return Period{Year: t.Year(), Month: t.Month()}, nil
}

// PeriodOf returns the month containing t in loc.
func PeriodOf(t time.Time, loc *time.Location) Period {
	y, m, _ := t.In(loc).Date()
	return Period{Year: y, Month: m}
}

// String returns "2025-03".
func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year, int(p.Month)) }

// IsZero reports whether p names no month.
func (p Period) IsZero() bool { return p == Period{} }

// Bounds returns the month's first instant and the next month's first
// instant in loc: an appeal belongs to the month when from <= received < to.
func (p Period) Bounds(loc *time.Location) (from, to time.Time) {
	from = time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, loc)
	return from, time.Date(p.Year, p.Month+1, 1, 0, 0, 0, 0, loc)
}

// Next returns the following month.
func (p Period) Next() Period {
	if p.Month == time.December {
		return Period{Year: p.Year + 1, Month: time.January}
	}
	return Period{Year: p.Year, Month: p.Month + 1}
}

// MarshalText implements encoding.TextMarshaler.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
