package sqlstore

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

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
	encoded, err := encode(&got)
	require.NoError(t, err)
	require.Equal(t, string(raw), string(encoded), "encode writes what encoding/json writes")
}

// BenchmarkEncodeOnboarding compares encode with encoding/json (the
// baseline) on that document.
func BenchmarkEncodeOnboarding(b *testing.B) {
	raw, err := os.ReadFile("testdata/onboarding.json")
	require.NoError(b, err)
	var o onboarding.Onboarding
	require.NoError(b, decode(raw, &o))
	for _, c := range []struct {
		name string
		fn   func(any) ([]byte, error)
	}{{"encoding-json", json.Marshal}, {"encode", encode}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.fn(&o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
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
