package sqlstore

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// TestMain runs the package's tests (the conformance suite on SQLite and
// PostgreSQL among them) with encode checked against encoding/json on
// every value it is given: the store's documents must stay the bytes
// encoding/json writes. A value on which they differ fails the run. Not
// when benchmarks run: the check would be timed with them.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		os.Exit(m.Run())
	}
	var mu sync.Mutex
	var checked int
	var differ []string
	encode = func(v any) ([]byte, error) {
		got, err := marshal(v)
		want, wantErr := json.Marshal(v)
		mu.Lock()
		defer mu.Unlock()
		checked++
		if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
			differ = append(differ, fmt.Sprintf("%T:\n  encode:        %s (%v)\n  encoding/json: %s (%v)", v, got, err, want, wantErr))
		}
		return got, err
	}
	code := m.Run()
	if len(differ) > 0 {
		fmt.Fprintf(os.Stderr, "encode and encoding/json differ on %d of %d values:\n", len(differ), checked)
		for _, d := range differ[:min(len(differ), 10)] {
			fmt.Fprintln(os.Stderr, d)
		}
		code = max(code, 1)
	}
	os.Exit(code)
}

// TestEncodeWritesWhatEncodingJSONWrites: the stored onboarding of
// testdata, and values with what encoding/json treats specially (HTML
// characters, U+2028, invalid UTF-8 and U+FFFD, nil and empty slices and
// maps, zero and zoned times, omitempty), encode to encoding/json's bytes,
// and a value encoding/json cannot encode is its error.
func TestEncodeWritesWhatEncodingJSONWrites(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/onboarding.json")
	require.NoError(t, err)
	var o onboarding.Onboarding
	require.NoError(t, json.Unmarshal(raw, &o))
	got, err := encode(&o)
	require.NoError(t, err)
	require.Equal(t, string(raw), string(got), "byte for byte: the audit digests cover these bytes")

	almaty := time.FixedZone("ALMT", 5*3600)
	rule := deadlines.Cite(deadlines.Rules130, 5)
	type odd struct {
		Text    string            `json:"text"`
		Nil     []string          `json:"nil"`
		Empty   []string          `json:"empty"`
		NilMap  map[string]int    `json:"nil_map"`
		Map     map[string]string `json:"map"`
		Omitted string            `json:"omitted,omitempty"`
		Zero    time.Time         `json:"zero"`
		Float   float64           `json:"float"`
		Bytes   []byte            `json:"bytes"`
		Any     any               `json:"any"`
	}
	for _, v := range []any{
		odd{
			Text: "<script>&\"quotes\" \\ \n \t \u2028 done", Empty: []string{}, Map: map[string]string{"b": "<", "a": ">"},
			Float: 1e21, Bytes: []byte("bytes"), Any: []any{1.5, "x", nil},
		},
		audit.Entry{Aggregate: "onboardings/<1>", Seq: 2, Type: "changed", Actor: "o'brien & co", At: time.Date(2025, 3, 14, 9, 0, 0, 123, almaty)},
		deadlines.Firing{TimerID: "t", Subject: "s", Cycle: 1, Rung: deadlines.Breach(rule), At: time.Date(2025, 3, 14, 0, 0, 0, 0, almaty)},
		deadlines.Firing{TimerID: "t", FiredAt: time.Unix(0, 1).UTC()},
		audit.Entry{Actor: "invalid \xfe UTF-8"}, audit.Entry{Actor: "U+FFFD \ufffd itself"},
	} {
		want, err := json.Marshal(v)
		require.NoError(t, err)
		got, err := encode(v)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%T", v)
	}
	_, want := json.Marshal(make(chan int))
	_, err = encode(make(chan int))
	require.Equal(t, want, err)
}

// BenchmarkEncodeOnboarding compares encode with encoding/json (the
// baseline) on the testdata onboarding (≈ 5 KB).
func BenchmarkEncodeOnboarding(b *testing.B) {
	raw, err := os.ReadFile("testdata/onboarding.json")
	require.NoError(b, err)
	var o onboarding.Onboarding
	require.NoError(b, json.Unmarshal(raw, &o))
	for _, c := range []struct {
		name string
		fn   func(any) ([]byte, error)
	}{{"encoding-json", json.Marshal}, {"encode", marshal}} { // marshal: encode is checked in tests
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
