package deadlines

import "time"

// Clock tells the current instant. Domain code never reads the wall clock:
// every constructor that needs the time takes a Clock.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to a Clock, in the style of http.HandlerFunc.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock reads the wall clock. It is the production Clock and the only
// place in the domain packages that calls time.Now.
type SystemClock struct{}

// Now reads the wall clock.
func (SystemClock) Now() time.Time { return time.Now() }
