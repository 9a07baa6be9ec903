//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package reportstest

import "time"

// processCPU is 0 where the platform has no getrusage.
func processCPU() time.Duration { return 0 }
