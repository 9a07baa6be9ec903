package deadlines_test

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

var (
	p5  = deadlines.Cite(deadlines.Rules130, 5)
	p9  = deadlines.Cite(deadlines.Rules130, 9)
	p14 = deadlines.Cite(deadlines.Rules130, 14)
	p16 = deadlines.Cite(deadlines.Rules130, 16)
)

// at parses "2006-01-02" or "2006-01-02 15:04" in the calendar's zone.
func at(t testing.TB, c *deadlines.Calendar, s string) time.Time {
	t.Helper()
	layout := time.DateOnly
	if len(s) > len(time.DateOnly) {
		layout = "2006-01-02 15:04"
	}
	v, err := time.ParseInLocation(layout, s, c.Location())
	require.NoError(t, err)
	return v
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

func kzCal() *deadlines.Calendar { return kz.Calendar() }
