package deadlines

import (
	"bytes"
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

// AppendText implements encoding.TextAppender: b with the citation as
// String prints it appended.
func (c Citation) AppendText(b []byte) ([]byte, error) {
	if c.IsZero() {
		return b, nil
	}
	b = append(append(b, c.Act...), " p."...)
	return strconv.AppendInt(b, int64(c.Point), 10), nil
}

// MarshalText implements encoding.TextMarshaler.
func (c Citation) MarshalText() ([]byte, error) {
	return c.AppendText(make([]byte, 0, len(c.Act)+len(" p.")+3))
}

// UnmarshalText implements encoding.TextUnmarshaler; it accepts what
// ParseCitation accepts. The form MarshalText writes is read without
// allocating: every stored aggregate holds dozens of citations.
func (c *Citation) UnmarshalText(b []byte) error {
	if act, point, ok := bytes.Cut(b, []byte(" p.")); ok {
		if a, n := knownAct(act), digits(point); a != "" && n > 0 {
			*c = Citation{Act: a, Point: n}
			return nil
		}
	}
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
	a := knownAct([]byte(act))
	if a == "" {
		return bad("names an unknown act")
	}
	return Citation{Act: a, Point: n}, nil
}

// knownAct returns the act b names, or "" when it names none.
func knownAct(b []byte) Act {
	switch string(b) {
	case string(Rules130):
		return Rules130
	case string(Rules472):
		return Rules472
	}
	return ""
}

// digits returns the positive number b writes in 1 to 9 decimal digits
// without sign or leading zero, or 0.
func digits(b []byte) int {
	if len(b) == 0 || len(b) > 9 || b[0] == '0' {
		return 0
	}
	n := 0
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0
		}
		n = n*10 + int(d-'0')
	}
	return n
}
