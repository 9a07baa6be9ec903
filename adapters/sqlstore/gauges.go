package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// Read-only counts for operational gauges (the demo server's /metrics).
// Each is one indexed query; callers bound them with a short context
// timeout.

// OpenTimers counts the timers that still have a rung to fire: the terms
// that are running or breached but still escalating.
func (s *Store) OpenTimers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT timer_id) FROM schedule`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlstore: open timers: %w", err)
	}
	return n, nil
}

// SweepBacklog counts the rungs due at or before now that no sweeper has
// claimed yet: how far the sweeper is behind.
func (s *Store) SweepBacklog(ctx context.Context, now time.Time) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM schedule WHERE at <= ?`), now.UnixNano()).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlstore: sweep backlog: %w", err)
	}
	return n, nil
}
