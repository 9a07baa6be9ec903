package sqlstore

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

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

// encode writes what encoding/json writes, but for invalid UTF-8, where it
// writes the replacement character and encoding/json its escape: both read
// back as the same string.
func TestEncodeWritesWhatEncodingJSONWrites(t *testing.T) {
	t.Parallel()
	type doc struct {
		S    string            `json:"s"`
		M    map[string]int    `json:"m"`
		Opt  string            `json:"opt,omitempty"`
		When time.Time         `json:"when,omitzero"`
		Nil  []string          `json:"nil"`
		Raw  json.RawMessage   `json:"raw,omitempty"`
		Tags map[string]string `json:"tags,omitempty"`
	}
	for _, v := range []doc{
		{S: "<a href=\"x\">&</a> \u2028\u2029 \b\f\t\"\\", M: map[string]int{"b": 2, "a": 1, "я": 3}},
		{S: "Қызмет", When: time.Date(2025, time.March, 17, 9, 0, 0, 123, time.FixedZone("+05", 5*3600)), Raw: json.RawMessage(`{"x":1}`)},
		{},
	} {
		want, err := json.Marshal(v)
		require.NoError(t, err)
		got, err := encode(v)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}
	bad := doc{S: "a\xffb"}
	want, err := json.Marshal(bad)
	require.NoError(t, err)
	got, err := encode(bad)
	require.NoError(t, err)
	require.Equal(t, `{"s":"a\ufffdb","m":null,"nil":null}`, string(want))
	require.Equal(t, `{"s":"a\ufffdb","m":null,"nil":null}`, strings.ReplaceAll(string(got), "\uFFFD", `\ufffd`))
	var fromWant, fromGot doc
	require.NoError(t, decode(want, &fromWant))
	require.NoError(t, decode(got, &fromGot))
	require.Equal(t, fromWant, fromGot)
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
