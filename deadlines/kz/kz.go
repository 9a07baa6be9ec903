package kz

import (
	"fmt"
	"sync"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// New compiles Kazakhstan's calendar in Asia/Almaty. Options are applied
// after the built-in data, so a deployment can add a new year's decree
// transfers (deadlines.WithTransfers, deadlines.WithConfirmedYears), replace
// a holiday after a change of law (deadlines.WithHolidays with its ID), add a
// regional holiday, load all of that from JSON (deadlines.WithData), or count
// in another zone (deadlines.WithLocation).
//
// New loads the zone from the system's time zone database; a program that
// may run without one imports time/tzdata.
func New(opts ...deadlines.Option) (*deadlines.Calendar, error) {
	loc, err := time.LoadLocation(Location)
	if err != nil {
		return nil, fmt.Errorf("kz: load %s (import time/tzdata in your main package): %w", Location, err)
	}
	base := []deadlines.Option{
		deadlines.WithVersion(DataVersion),
		deadlines.WithLocation(loc),
		deadlines.WithHolidays(Holidays...),
		deadlines.WithTransfers(Transfers...),
		deadlines.WithConfirmedYears(ConfirmedYears...),
	}
	return deadlines.NewCalendar(append(base, opts...)...)
}

var shared = sync.OnceValues(func() (*deadlines.Calendar, error) { return New() })

// Calendar returns the shared Kazakhstan calendar, built once on first use.
// It is immutable and safe for concurrent use. It panics if the Asia/Almaty
// zone cannot be loaded, like regexp.MustCompile; use New to get the error.
func Calendar() *deadlines.Calendar {
	c, err := shared()
	if err != nil {
		panic(err)
	}
	return c
}
