package sqlstore

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/reports"
)

// The import writes an appeal's document and its audit entry as
// encoding/json does, byte for byte (a document's digest is in its audit
// entry, and the store's other paths use json.Marshal), but without
// reflection and into one buffer per batch. It covers what an import holds:
// strings that need no escaping, times of years 0–9999, valid natures. Any
// other value returns false, and the caller uses json.Marshal instead.
// TestImportEncodingIsJSON compares the two.

// appendAppealJSON appends json.Marshal(a) to b, or returns false.
func appendAppealJSON(b []byte, a *reports.Appeal) ([]byte, bool) {
	nature, ok := natureJSON(a.Nature)
	if !ok {
		return b, false
	}
	b = append(b, `{"id":`...)
	b, ok = appendJSONString(b, a.ID)
	b = append(b, `,"received_at":`...)
	b, ok = appendJSONTime(b, a.ReceivedAt, ok)
	b = append(b, `,"forum_responsible":`...)
	b, ok = appendJSONStringOK(b, a.ForumResponsible, ok)
	b = append(b, `,"region":`...)
	b, ok = appendJSONStringOK(b, a.Region, ok)
	b = append(b, `,"applicant_name":`...)
	b, ok = appendJSONStringOK(b, a.ApplicantName, ok)
	b = append(b, `,"applicant_iin":`...)
	b, ok = appendJSONStringOK(b, a.ApplicantIIN, ok)
	b = append(b, `,"nature":`...)
	b = append(b, nature...)
	b = append(b, `,"content":`...)
	b, ok = appendJSONStringOK(b, a.Content, ok)
	b = append(b, `,"request_no":`...)
	b, ok = appendJSONStringOK(b, a.RequestNo, ok)
	b = append(b, `,"body_id":`...)
	b, ok = appendJSONStringOK(b, a.BodyID, ok)
	b = append(b, `,"service_id":`...)
	b, ok = appendJSONStringOK(b, a.ServiceID, ok)
	b = append(b, `,"recorded_at":`...)
	b, ok = appendJSONTime(b, a.RecordedAt, ok)
	b = append(b, `,"recorded_by":`...)
	b, ok = appendJSONStringOK(b, a.RecordedBy, ok)
	return append(b, '}'), ok
}

// appendEntryJSON appends json.Marshal(e) to b, or returns false.
func appendEntryJSON(b []byte, e *audit.Entry) ([]byte, bool) {
	b = append(b, `{"aggregate":`...)
	b, ok := appendJSONString(b, e.Aggregate)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, int64(e.Seq), 10)
	b = append(b, `,"type":`...)
	b, ok = appendJSONStringOK(b, e.Type, ok)
	b = append(b, `,"actor":`...)
	b, ok = appendJSONStringOK(b, e.Actor, ok)
	if e.Rule != "" {
		b = append(b, `,"rule":`...)
		b, ok = appendJSONStringOK(b, e.Rule, ok)
	}
	b = append(b, `,"at":`...)
	b, ok = appendJSONTime(b, e.At, ok)
	b = append(b, `,"before":`...)
	b, ok = appendJSONStringOK(b, e.Before, ok)
	b = append(b, `,"after":`...)
	b, ok = appendJSONStringOK(b, e.After, ok)
	b = append(b, `,"prev":`...)
	b, ok = appendJSONStringOK(b, e.Prev, ok)
	b = append(b, `,"hash":`...)
	b, ok = appendJSONStringOK(b, e.Hash, ok)
	return append(b, '}'), ok
}

// natureJSONs are the valid natures as encoding/json writes them (through
// their MarshalText), indexed by value.
var natureJSONs = func() (out [reports.StandardViolation | reports.EmployeeConduct + 1]string) {
	for n := range out {
		if raw, err := json.Marshal(reports.Nature(n)); n > 0 && err == nil {
			out[n] = string(raw)
		}
	}
	return out
}()

func natureJSON(n reports.Nature) (string, bool) {
	if int(n) >= len(natureJSONs) || natureJSONs[n] == "" {
		return "", false
	}
	return natureJSONs[n], true
}

func appendJSONStringOK(b []byte, s string, ok bool) ([]byte, bool) {
	if !ok {
		return b, false
	}
	return appendJSONString(b, s)
}

// appendJSONString appends s quoted, when encoding/json would escape none
// of it: no control characters, quotes, backslashes, HTML's <, > and &,
// invalid UTF-8, U+2028 or U+2029 (in valid UTF-8, the only sequences
// that begin with 0xe2 0x80 0xa8 and 0xe2 0x80 0xa9).
func appendJSONString(b []byte, s string) ([]byte, bool) {
	ascii, e2 := true, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return b, false
		case c >= utf8.RuneSelf:
			ascii = false
			e2 = e2 || c == 0xe2
		}
	}
	if !ascii && (!utf8.ValidString(s) || e2 && (strings.Contains(s, "\u2028") || strings.Contains(s, "\u2029"))) {
		return b, false
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}

// appendJSONTime appends t as Time.MarshalJSON does (RFC 3339 with
// nanoseconds), for years 0–9999 and zone offsets under a day, the range
// it accepts.
func appendJSONTime(b []byte, t time.Time, ok bool) ([]byte, bool) {
	if !ok {
		return b, false
	}
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	if _, off := t.Zone(); off <= -24*3600 || off >= 24*3600 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}
