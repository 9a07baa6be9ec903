package kz_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// TestCalendarFromJSONEqualsEmbedded builds the calendar from a JSON document
// written independently of holidays.go and compares every day of 1992–2100.
func TestCalendarFromJSONEqualsEmbedded(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/kz-2013-2027.json")
	require.NoError(t, err)
	data, err := deadlines.ParseCalendarData(raw)
	require.NoError(t, err)
	fromJSON, err := deadlines.NewCalendar(deadlines.WithData(data))
	require.NoError(t, err)
	embedded := kz.Calendar()

	require.Equal(t, embedded.Location().String(), fromJSON.Location().String())
	for d := fromJSON.Date(1992, 1, 1); d.Year() <= 2100; d = fromJSON.Date(d.Year(), d.Month(), d.Day()+1) {
		a, b := embedded.Explain(d), fromJSON.Explain(d)
		require.Equal(t, a.Kind, b.Kind, d)
		require.Equal(t, a.Workday, b.Workday, d)
		require.Equal(t, a.Estimated, b.Estimated, d)
		require.Equal(t, a.ShiftOf, b.ShiftOf, d)
		require.Equal(t, a.Transfer, b.Transfer, d)
		if a.Holiday != nil {
			require.Equal(t, a.Holiday.ID, b.Holiday.ID, d)
			require.Equal(t, a.Holiday.Names, b.Holiday.Names, d)
			require.Equal(t, a.Holiday.Source, b.Holiday.Source, d)
		}
	}
	// Same days, same digest; only the data set's name differs.
	suffix := func(v string) string { return v[len(v)-8:] }
	require.Equal(t, suffix(embedded.Version()), suffix(fromJSON.Version()))
}
