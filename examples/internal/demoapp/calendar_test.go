package demoapp_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
)

// Without a Calendar, Open builds Kazakhstan's from the calendar data
// published in the store, and from the compiled rules when none was.
func TestOpenBuildsTheCalendarFromPublishedData(t *testing.T) {
	ctx := t.Context()
	clock := deadlinestest.NewClock(time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC))
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "calendar.db")

	app, err := demoapp.Open(ctx, demoapp.Config{DSN: dsn, Clock: clock})
	require.NoError(t, err)
	require.Equal(t, kz.Calendar().Version(), app.Calendar.Version(), "nothing published: the compiled calendar")
	require.NoError(t, app.Close())

	store, err := sqlstore.Open(ctx, dsn)
	require.NoError(t, err)
	require.NoError(t, deadlines.PublishCalendarData(ctx, store, "kz", deadlines.CalendarData{
		Version: "decree-2030",
		Transfers: []deadlines.Transfer{{
			From:   deadlines.CivilDate{Year: 2030, Month: time.June, Day: 8},
			To:     deadlines.CivilDate{Year: 2030, Month: time.June, Day: 10},
			Decree: "P3000000001",
		}},
	}))
	require.NoError(t, store.Close())

	app, err = demoapp.Open(ctx, demoapp.Config{DSN: dsn, Clock: clock})
	require.NoError(t, err)
	defer app.Close()
	c := app.Calendar
	require.Contains(t, c.Version(), "decree-2030")
	require.True(t, c.IsWorkday(c.Date(2030, time.June, 8)), "the published decree's working Saturday")
	require.False(t, c.IsWorkday(c.Date(2030, time.June, 10)))
}
