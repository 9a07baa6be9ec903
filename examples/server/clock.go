package main

import (
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// fastClock runs speed times faster than the wall clock from epoch on:
// now = epoch + (wall − epoch) × speed. Restarts with the same epoch and
// speed continue the same timeline, so the crash and load tests can make
// terms fall due in seconds across SIGKILLs.
type fastClock struct {
	epoch time.Time
	speed float64
}

func (c fastClock) Now() time.Time {
	return c.epoch.Add(time.Duration(float64(time.Since(c.epoch)) * c.speed))
}

// clockFrom returns the system clock for speed 1, or a fastClock.
func clockFrom(speed float64, epoch string) (deadlines.Clock, error) {
	if speed == 1 && epoch == "" {
		return deadlines.SystemClock{}, nil
	}
	if speed < 1 {
		return nil, fmt.Errorf("-clock-speed %v: must be at least 1", speed)
	}
	e, err := time.Parse(time.RFC3339Nano, epoch)
	if err != nil {
		return nil, fmt.Errorf("-clock-epoch %q: an RFC 3339 instant is needed with -clock-speed: %w", epoch, err)
	}
	return fastClock{epoch: e, speed: speed}, nil
}
