package deadlines_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
)

func TestCitation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want deadlines.Citation
	}{
		{"Rules130 p.5", p5},
		{"Rules130 p5", p5},
		{"Rules130+p.5", p5},
		{" Rules472 p.10 ", deadlines.Cite(deadlines.Rules472, 10)},
		{"", deadlines.Citation{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := deadlines.ParseCitation(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
	for _, bad := range []string{"Rules130", "Rules999 p.5", "Rules130 p.0", "Rules130 p.x", "p.5"} {
		t.Run("bad "+bad, func(t *testing.T) {
			t.Parallel()
			_, err := deadlines.ParseCitation(bad)
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			var re *deadlines.RuleError
			require.ErrorAs(t, err, &re)
			require.Equal(t, "rule", re.Field)
		})
	}
	require.Equal(t, "Rules130 p.5", p5.String())
	require.Empty(t, deadlines.Citation{}.String())

	b, err := json.Marshal(struct{ Rule deadlines.Citation }{p5})
	require.NoError(t, err)
	require.JSONEq(t, `{"Rule":"Rules130 p.5"}`, string(b))
	var back struct{ Rule deadlines.Citation }
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, p5, back.Rule)
}

func TestRuleErrorReadsLikeAPathError(t *testing.T) {
	t.Parallel()
	err := deadlines.Invalid(p5, "appointment_date", "is before the request")
	require.EqualError(t, err, "Rules130 p.5: appointment_date: invalid input: is before the request")
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	require.NotErrorIs(t, err, deadlines.ErrConflict)
	var re *deadlines.RuleError
	require.ErrorAs(t, err, &re)
	require.Equal(t, p5, re.Rule)

	wrapped := deadlines.Wrap(deadlines.Citation{}, "timer", deadlines.ErrConflict, "stopped")
	require.EqualError(t, wrapped, "timer: conflict: stopped")
	require.ErrorIs(t, wrapped, deadlines.ErrConflict)
	require.EqualError(t, &deadlines.RuleError{}, "<nil>")
	require.ErrorIs(t, errors.Join(err, wrapped), deadlines.ErrConflict)
}

func TestClocks(t *testing.T) {
	t.Parallel()
	fixed := time.Date(2025, 3, 17, 10, 0, 0, 0, time.UTC)
	var c deadlines.Clock = deadlines.ClockFunc(func() time.Time { return fixed })
	require.Equal(t, fixed, c.Now())

	wall := deadlines.SystemClock{}.Now()
	require.WithinDuration(t, time.Now(), wall, time.Minute)

	stub := deadlinestest.NewClock(fixed)
	require.Equal(t, fixed, stub.Now())
	require.Equal(t, fixed.Add(time.Hour), stub.Advance(time.Hour))
	stub.Set(fixed)
	require.Equal(t, fixed, stub.Now())
}

// A citation's text reads back as ParseCitation reads it, whatever the
// bytes: UnmarshalText's fast path for the form MarshalText writes agrees
// with the full parser, and every citation it gives writes back to a text
// that reads to it again.
func FuzzCitationText(f *testing.F) {
	for _, s := range []string{"Rules130 p.5", "Rules472 p.10", "Rules130 p.05", "Rules130 p.0", "Rules130 p5",
		"Rules130+p.5", " Rules130 p.5", "Rules130 p.5 ", "Rules999 p.5", "Rules130 p.+5", "Rules130 p.999999999",
		"Rules130 p.9999999999", "", "Rules130 p. p.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wantErr := deadlines.ParseCitation(s)
		var got deadlines.Citation
		err := got.UnmarshalText([]byte(s))
		if wantErr != nil {
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			require.Equal(t, wantErr.Error(), err.Error())
			return
		}
		require.NoError(t, err)
		require.Equal(t, want, got)
		text, err := got.MarshalText()
		require.NoError(t, err)
		require.Equal(t, got.String(), string(text))
		var again deadlines.Citation
		require.NoError(t, again.UnmarshalText(text))
		require.Equal(t, got, again)
	})
}

// textSink keeps MarshalText's result on the heap, as an encoder's is.
var textSink []byte

// Decoding a stored document reads dozens of citations: the form
// MarshalText writes is read without allocating, and written with one
// allocation (none when appended).
func TestCitationTextAllocations(t *testing.T) {
	text := []byte("Rules472 p.12")
	var c deadlines.Citation
	require.Zero(t, testing.AllocsPerRun(100, func() { _ = c.UnmarshalText(text) }))
	require.Equal(t, deadlines.Cite(deadlines.Rules472, 12), c)
	require.Equal(t, 1.0, testing.AllocsPerRun(100, func() { textSink, _ = c.MarshalText() }))
	buf := make([]byte, 0, 64)
	require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = c.AppendText(buf[:0]) }))
	appended, err := c.AppendText([]byte("rule: "))
	require.NoError(t, err)
	require.Equal(t, "rule: Rules472 p.12", string(appended))
}
