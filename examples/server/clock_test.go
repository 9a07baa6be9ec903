package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

func TestClockFrom(t *testing.T) {
	t.Parallel()
	c, err := clockFrom(1, "")
	require.NoError(t, err)
	require.Equal(t, deadlines.SystemClock{}, c, "no flags: the system clock")

	epoch := time.Now().Add(-time.Second)
	c, err = clockFrom(1000, epoch.Format(time.RFC3339Nano))
	require.NoError(t, err)
	first := c.Now()
	require.GreaterOrEqual(t, first.Sub(epoch), 1000*time.Second, "a second of wall time is 1000 s")
	require.True(t, c.Now().After(first), "it only moves forward")

	for _, tc := range []struct {
		speed float64
		epoch string
	}{{0.5, epoch.Format(time.RFC3339)}, {100, ""}, {100, "yesterday"}} {
		_, err := clockFrom(tc.speed, tc.epoch)
		require.Error(t, err, "%v %q", tc.speed, tc.epoch)
	}
}
