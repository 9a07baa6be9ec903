package sqlstore

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/qyzmet/qyzmet/deadlines"
)

// decodeFiring decodes a firing document as json.Unmarshal does into a
// zero Firing. A claim batch decodes a thousand of them, and
// json.Unmarshal's reflection took a quarter of the batch's time, so the
// documents json.Marshal writes (fields in struct order, strings without
// escapes) are read by a straight scan: the times and the rule through
// the same UnmarshalText that json.Unmarshal calls. Anything else (an
// escape, another field order, a document written by hand) is handed to
// json.Unmarshal, so the result is the same for every input.
func decodeFiring(raw []byte, f *deadlines.Firing) error {
	if decodeFiringFast(raw, f) {
		return nil
	}
	*f = deadlines.Firing{}
	return json.Unmarshal(raw, f)
}

// firingScan reads a json.Marshal'ed Firing; ok turns false at the first
// byte it does not expect.
type firingScan struct {
	b  []byte
	ok bool
}

// lit consumes s.
func (s *firingScan) lit(lit string) {
	if s.ok && bytes.HasPrefix(s.b, []byte(lit)) {
		s.b = s.b[len(lit):]
		return
	}
	s.ok = false
}

// str consumes a string without escapes and returns its content.
func (s *firingScan) str() []byte {
	if !s.ok || len(s.b) == 0 || s.b[0] != '"' {
		s.ok = false
		return nil
	}
	for i := 1; i < len(s.b); i++ {
		switch c := s.b[i]; {
		case c == '"':
			v := s.b[1:i]
			s.b = s.b[i+1:]
			if !utf8.Valid(v) {
				s.ok = false
			}
			return v
		case c == '\\' || c < 0x20:
			s.ok = false
			return nil
		}
	}
	s.ok = false
	return nil
}

// int consumes a JSON integer (no fraction, exponent or leading zero).
func (s *firingScan) int() int {
	if !s.ok {
		return 0
	}
	i := 0
	if i < len(s.b) && s.b[i] == '-' {
		i++
	}
	start := i
	for i < len(s.b) && s.b[i] >= '0' && s.b[i] <= '9' {
		i++
	}
	if i == start || (s.b[start] == '0' && i > start+1) || (i < len(s.b) && (s.b[i] == '.' || s.b[i] == 'e' || s.b[i] == 'E')) {
		s.ok = false
		return 0
	}
	n, err := strconv.Atoi(string(s.b[:i]))
	if err != nil {
		s.ok = false
		return 0
	}
	s.b = s.b[i:]
	return n
}

// text consumes a string and hands it to u, as json.Unmarshal does for an
// encoding.TextUnmarshaler.
func (s *firingScan) text(u interface{ UnmarshalText([]byte) error }) {
	v := s.str()
	if s.ok && u.UnmarshalText(v) != nil {
		s.ok = false
	}
}

// decodeFiringFast decodes raw into f when raw is exactly what json.Marshal
// writes for a Firing; it reports false (f then undefined) otherwise.
func decodeFiringFast(raw []byte, f *deadlines.Firing) bool {
	*f = deadlines.Firing{}
	s := firingScan{b: raw, ok: true}
	s.lit(`{"timer_id":`)
	f.TimerID = string(s.str())
	s.lit(`,"subject":`)
	f.Subject = string(s.str())
	s.lit(`,"cycle":`)
	f.Cycle = s.int()
	s.lit(`,"rung":{"name":`)
	f.Rung.Name = string(s.str())
	s.lit(`,"offset":`)
	f.Rung.Offset = s.int()
	s.lit(`,"rule":`)
	s.text(&f.Rung.Rule)
	s.lit(`},"at":`)
	s.text(&f.At)
	s.lit(`,"due":`)
	s.text(&f.Due)
	if s.ok && bytes.HasPrefix(s.b, []byte(`,"fired_at":`)) {
		s.lit(`,"fired_at":`)
		s.text(&f.FiredAt)
	}
	s.lit(`}`)
	return s.ok && len(s.b) == 0
}
