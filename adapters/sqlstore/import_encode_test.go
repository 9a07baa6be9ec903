package sqlstore

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/reports"
)

// requireSameJSON checks that the import's encoding of a and of its audit
// entry is json.Marshal's, byte for byte, or that it declines (and the
// import falls back to json.Marshal).
func requireSameJSON(t *testing.T, a *reports.Appeal, e *audit.Entry) (fast bool) {
	t.Helper()
	want, err := json.Marshal(a)
	got, ok := appendAppealJSON([]byte("prefix"), a)
	if ok {
		require.NoError(t, err)
		require.Equal(t, "prefix"+string(want), string(got))
	}
	wantE, errE := json.Marshal(e)
	gotE, okE := appendEntryJSON(nil, e)
	if okE {
		require.NoError(t, errE)
		require.Equal(t, string(wantE), string(gotE))
	}
	return ok && okE
}

// fill sets every field of the struct v points to from seed, so a field
// added later is covered by the comparison.
func fill(v reflect.Value, str string, at time.Time, n int) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Type() == reflect.TypeFor[time.Time]():
			f.Set(reflect.ValueOf(at.Add(time.Duration(i) * time.Hour)))
		case f.Kind() == reflect.String:
			f.SetString(str + v.Type().Field(i).Name)
		case f.CanInt():
			f.SetInt(int64(n))
		case f.CanUint():
			f.SetUint(uint64(n))
		default:
			panic("fill: a field of kind " + f.Kind().String())
		}
	}
}

func TestImportEncodingIsJSON(t *testing.T) {
	t.Parallel()
	almaty := time.FixedZone("Asia/Almaty", 5*3600)
	for _, tc := range []struct {
		name string
		str  string
		at   time.Time
		n    int
		fast bool
	}{
		{"Plain", "Услуга оказана с нарушением срока, 'ok' ~ \x7f ", time.Date(2025, 3, 1, 10, 0, 0, 123456789, almaty), 3, true},
		{"UTC", "ministry", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 1, true},
		{"ZeroTime", "x", time.Time{}, 2, true},
		{"Quote", `say "hi"`, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 1, false},
		{"HTML", "a & <b>", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 1, false},
		{"Control", "line\nbreak\t", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 1, false},
		{"InvalidUTF8", "bad \xff byte", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 1, false},
		{"LineSeparator", "a\u2028b", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 1, false},
		{"Year10000", "x", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 1, false},
		{"NoNature", "x", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 0, false},
		{"UnknownNature", "x", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 4, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var a reports.Appeal
			fill(reflect.ValueOf(&a).Elem(), tc.str, tc.at, tc.n)
			var e audit.Entry
			fill(reflect.ValueOf(&e).Elem(), tc.str, tc.at, tc.n)
			require.Equal(t, tc.fast, requireSameJSON(t, &a, &e))
			e.Rule = "" // omitempty
			requireSameJSON(t, &a, &e)
		})
	}
}

func FuzzImportEncodingIsJSON(f *testing.F) {
	f.Add("Астана", "a&b", int64(1740800000123456789), 5*3600, uint8(3))
	f.Add("\u2029", "\x00", int64(-62135596800000000), -12*3600, uint8(1))
	f.Fuzz(func(t *testing.T, s1, s2 string, nanos int64, offset int, nature uint8) {
		at := time.Unix(0, nanos).In(time.FixedZone("z", offset%(30*3600)))
		a := reports.Appeal{ID: s1, ReceivedAt: at, ForumResponsible: s2, Region: s1 + s2, ApplicantName: strings.Repeat(s2, 3),
			Nature: reports.Nature(nature), Content: s2 + s1, RequestNo: s1, BodyID: s2, ServiceID: s1, RecordedAt: at.Add(time.Hour), RecordedBy: s2}
		e := audit.Entry{Aggregate: "appeals/" + s1, Seq: int(nature), Type: s2, Actor: s1, Rule: s2, At: at, Before: s1, After: s2, Prev: s1, Hash: s2}
		requireSameJSON(t, &a, &e)
	})
}
