package sqlstore

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

// decodeFiring reads what json.Marshal writes for a Firing on its fast
// path, and every document, well-formed or not, as json.Unmarshal does.
func TestDecodeFiringIsJSONUnmarshal(t *testing.T) {
	t.Parallel()
	almaty := time.FixedZone("", 5*3600)
	at := time.Date(2025, time.March, 17, 10, 0, 0, 123456789, almaty)
	base := deadlines.Firing{TimerID: "onb-1/x", Subject: "Иванов И.И.", Cycle: 2,
		Rung: deadlines.Warning(1, deadlines.Cite(deadlines.Rules130, 5)), At: at, Due: at.Truncate(24 * time.Hour)}
	var docs [][]byte
	for _, f := range []deadlines.Firing{
		base,
		{},
		{TimerID: "t", Cycle: -3, Rung: deadlines.Rung{Name: "", Offset: 12}, At: time.Unix(0, 1).UTC()},
		func() deadlines.Firing { f := base; f.FiredAt = at.Add(time.Minute).UTC(); return f }(),
		func() deadlines.Firing { f := base; f.Subject = "a \"quoted\" \\ subject\n"; return f }(),
		func() deadlines.Firing { f := base; f.Subject = "ТОО <&> \u2028"; return f }(),
		func() deadlines.Firing { f := base; f.At = at.In(time.Local); return f }(),
	} {
		raw, err := json.Marshal(f)
		require.NoError(t, err)
		docs = append(docs, raw)
		var fast deadlines.Firing
		if f.Subject == base.Subject || f.Subject == "" {
			require.True(t, decodeFiringFast(raw, &fast), "json.Marshal's output takes the fast path: %s", raw)
		}
	}
	docs = append(docs, [][]byte{
		[]byte(`{"timer_id":"t","subject":"s","cycle":01,"rung":{"name":"n","offset":0,"rule":""},"at":"2025-03-17T10:00:00Z","due":"2025-03-17T00:00:00Z"}`),
		[]byte(`{"timer_id":"t","subject":"s","cycle":1.5,"rung":{"name":"n","offset":0,"rule":""},"at":"2025-03-17T10:00:00Z","due":"2025-03-17T00:00:00Z"}`),
		[]byte(`{"timer_id":"t","subject":"s","cycle":1,"rung":{"name":"n","offset":0,"rule":"Nope 1"},"at":"2025-03-17T10:00:00Z","due":"2025-03-17T00:00:00Z"}`),
		[]byte(`{"timer_id":"t","subject":"s","cycle":1,"rung":{"name":"n","offset":0,"rule":""},"at":"2025-03-17 10:00","due":"2025-03-17T00:00:00Z"}`),
		[]byte(`{"timer_id":"t","subject":"s","cycle":1,"rung":{"name":"n","offset":0,"rule":""},"at":"2025-03-17T10:00:00Z","due":"2025-03-17T00:00:00Z"} `),
		[]byte(`{"timer_id":"t","subject":"s","cycle":1,"rung":{"name":"n","offset":0,"rule":""},"at":"2025-03-17T10:00:00Z","due":"2025-03-17T00:00:00Z"}x`),
		[]byte(`{"subject":"s","timer_id":"t"}`),
		[]byte(`{"TIMER_ID":"t"}`),
		[]byte(`{"timer_id":"t\u00e9"}`),
		[]byte(`{"timer_id":"` + "\xff" + `"}`),
		[]byte(`{"timer_id":null}`),
		[]byte(`{"timer_id":"t"`),
		[]byte(`{}`),
		[]byte(``),
		[]byte(`[]`),
	}...)
	for _, raw := range docs {
		checkDecodeFiring(t, raw)
	}
}

func FuzzDecodeFiring(f *testing.F) {
	f.Add([]byte(`{"timer_id":"t1","subject":"bench","cycle":1,"rung":{"name":"breach","offset":0,"rule":"Rules130 p.5"},"at":"2025-03-17T10:00:00Z","due":"2025-03-17T00:00:00Z","fired_at":"2025-03-17T10:00:01.5+05:00"}`))
	f.Add([]byte(`{"timer_id":"t1","subject":"bench","cycle":-1,"rung":{"name":"warning-1","offset":-1,"rule":""},"at":"2025-03-17T10:00:00+05:00","due":"0001-01-01T00:00:00Z"}`))
	f.Fuzz(checkDecodeFiring)
}

// checkDecodeFiring: decodeFiring and json.Unmarshal agree on raw.
func checkDecodeFiring(t *testing.T, raw []byte) {
	var want, got deadlines.Firing
	wantErr := json.Unmarshal(raw, &want)
	gotErr := decodeFiring(raw, &got)
	if wantErr != nil {
		require.Error(t, gotErr, "%s", raw)
		return
	}
	require.NoError(t, gotErr, "%s", raw)
	require.Equal(t, want, got, "%s", raw)
}

// BenchmarkDecodeFiring: one ClaimDue batch decodes a thousand documents.
func BenchmarkDecodeFiring(b *testing.B) {
	raw := []byte(`{"timer_id":"t123456","subject":"bench","cycle":1,"rung":{"name":"breach","offset":0,"rule":"Rules130 p.5"},"at":"2025-03-17T10:00:00Z","due":"2025-03-17T00:00:00Z"}`)
	for name, decode := range map[string]func([]byte, *deadlines.Firing) error{
		"decodeFiring":   decodeFiring,
		"json.Unmarshal": func(raw []byte, f *deadlines.Firing) error { return json.Unmarshal(raw, f) },
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var f deadlines.Firing
				if err := decode(raw, &f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
