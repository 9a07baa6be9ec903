package sqlstore

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// TestDecodeReadsWhatEncodingJSONReads: a stored onboarding (testdata: the
// document after the seven transitions of the floor benchmark's lifecycle,
// with its timers, history and protocol) decodes to the value
// encoding/json gives, which encodes back to the stored bytes.
func TestDecodeReadsWhatEncodingJSONReads(t *testing.T) {
	raw, err := os.ReadFile("testdata/onboarding.json")
	require.NoError(t, err)
	var want, got onboarding.Onboarding
	require.NoError(t, json.Unmarshal(raw, &want))
	require.NoError(t, decode(raw, &got))
	require.Equal(t, want, got)
	again, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(raw), string(again))
	require.Equal(t, string(raw), string(again), "byte for byte: the audit digests cover these bytes")
}

// BenchmarkDecodeOnboarding compares decode with encoding/json (the
// baseline) on that document (≈ 5 KB).
func BenchmarkDecodeOnboarding(b *testing.B) {
	raw, err := os.ReadFile("testdata/onboarding.json")
	require.NoError(b, err)
	for _, c := range []struct {
		name string
		fn   func([]byte, any) error
	}{{"encoding-json", json.Unmarshal}, {"decode", decode}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var o onboarding.Onboarding
				if err := c.fn(raw, &o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// firingDocs decodes a batch in order, each firing from its own document
// and fired at now, and fails on a document that does not decode.
func TestFiringDocsDecodeInOrder(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var docs firingDocs
	const n = 700
	for i := range n {
		raw, err := json.Marshal(deadlines.Firing{TimerID: fmt.Sprintf("t%d", i), Cycle: i, At: time.Unix(int64(i), 0).UTC()})
		require.NoError(t, err)
		docs.add(raw)
	}
	got, err := docs.decode(now)
	require.NoError(t, err)
	require.Len(t, got, n)
	for i, f := range got {
		require.Equal(t, fmt.Sprintf("t%d", i), f.TimerID)
		require.Equal(t, i, f.Cycle)
		require.True(t, f.At.Equal(time.Unix(int64(i), 0)))
		require.True(t, f.FiredAt.Equal(now))
	}
	docs.add([]byte(`{"timer_id": 7}`))
	_, err = docs.decode(now)
	require.ErrorContains(t, err, "decoding a due rung")
	empty, err := (&firingDocs{}).decode(now)
	require.NoError(t, err)
	require.Empty(t, empty)
}
