package deadlines

import (
	"fmt"
	"strconv"
	"strings"
)

// Act names a legal act whose points the library implements.
type Act string

// The acts qyzmet implements.
const (
	// Rules130 is Order No. 130 of 18 Feb 2015: the rules of interaction of the
	// Unified Contact Center with state bodies and service providers.
	Rules130 Act = "Rules130"
	// Rules472 is Order No. 472 of 21 Jun 2013: the rules for delivering several
	// state services on the "one application" principle.
	Rules472 Act = "Rules472"
)

// Citation names one point of an act, printed as "Rules130 p.5".
// The zero Citation means "no rule" and prints as "".
type Citation struct {
	Act   Act
	Point int
}

// Cite returns the citation of point of act.
func Cite(act Act, point int) Citation { return Citation{Act: act, Point: point} }

// IsZero reports whether c names no rule.
func (c Citation) IsZero() bool { return c.Act == "" && c.Point == 0 }

// String returns the citation as auditors read it: "Rules130 p.5".
func (c Citation) String() string {
	if c.IsZero() {
		return ""
	}
	return string(c.Act) + " p." + strconv.Itoa(c.Point)
}

// MarshalText implements encoding.TextMarshaler.
func (c Citation) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it accepts what ParseCitation accepts.
func (c *Citation) UnmarshalText(b []byte) error {
	parsed, err := ParseCitation(string(b))
	if err != nil {
		return err
	}
	*c = parsed
	return nil
}

// ParseCitation parses "Rules130 p.5" (also "Rules130 p5" and "Rules130+p.5" as
// found in URLs). The empty string parses to the zero Citation. A malformed
// citation returns a *RuleError wrapping ErrInvalid.
func ParseCitation(s string) (Citation, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Citation{}, nil
	}
	bad := func(why string) (Citation, error) {
		return Citation{}, &RuleError{Field: "rule", Err: fmt.Errorf("%w: citation %q %s", ErrInvalid, s, why)}
	}
	act, point, ok := strings.Cut(strings.ReplaceAll(s, "+", " "), " ")
	if !ok {
		return bad(`is not of the form "Rules130 p.5"`)
	}
	point = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(point), "p"), ".")
	n, err := strconv.Atoi(point)
	if err != nil || n < 1 {
		return bad("has no positive point number")
	}
	switch Act(act) {
	case Rules130, Rules472:
	default:
		return bad("names an unknown act")
	}
	return Citation{Act: Act(act), Point: n}, nil
}
