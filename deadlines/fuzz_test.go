package deadlines_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// FuzzParseCalendarData: any input either fails with ErrInvalid or yields
// data that builds a calendar and survives a JSON round trip.
func FuzzParseCalendarData(f *testing.F) {
	fixture, err := os.ReadFile("kz/testdata/kz-2013-2027.json")
	require.NoError(f, err)
	f.Add(fixture)
	f.Add([]byte(`{"transfers":[{"from":"2026-01-03","to":"2026-01-05","decree":"D"}],"confirmed_years":[2026]}`))
	f.Add([]byte(`{"holidays":[{"id":"x","names":{"en":"X"},"dates":["2025-02-29"]}]}`))
	f.Add([]byte(`{"holidays":[{"id":"x","names":{"en":"X"},"month":2,"day":29,"from_year":2024,"to_year":2023}]}`))
	f.Add([]byte(`{} trailing`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		data, err := deadlines.ParseCalendarData(raw)
		if err != nil {
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			return
		}
		c, err := kz.New(deadlines.WithData(data))
		require.NoError(t, err, "validated data must compile")
		require.NotEmpty(t, c.Version())

		again, err := json.Marshal(data)
		require.NoError(t, err)
		back, err := deadlines.ParseCalendarData(again)
		require.NoError(t, err)
		require.Equal(t, normalise(data), normalise(back))
	})
}

// normalise maps empty slices to nil so that a round trip through JSON
// (which omits them) compares equal.
func normalise(d deadlines.CalendarData) deadlines.CalendarData {
	if len(d.Holidays) == 0 {
		d.Holidays = nil
	}
	for i := range d.Holidays {
		if len(d.Holidays[i].Dates) == 0 {
			d.Holidays[i].Dates = nil
		}
	}
	if len(d.Transfers) == 0 {
		d.Transfers = nil
	}
	if len(d.ConfirmedYears) == 0 {
		d.ConfirmedYears = nil
	}
	return d
}

// FuzzParseCitation: a parsed citation prints back to a string that parses
// to the same citation.
func FuzzParseCitation(f *testing.F) {
	for _, s := range []string{"Rules130 p.5", "Rules472+p.10", "Rules130 p5", "", "Rules130 p.-1", "Rules130  p.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := deadlines.ParseCitation(s)
		if err != nil {
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			return
		}
		back, err := deadlines.ParseCitation(c.String())
		require.NoError(t, err)
		require.Equal(t, c, back)
	})
}
