package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// Read-only counts for operational gauges (the demo server's /metrics).
// Each is one indexed query; callers bound them with a short context
// timeout.

// OpenTimers counts the timers that still have a rung to handle: the
// terms that are running or breached but still escalating, and the ones
// whose last rung fired but whose handler has not succeeded yet (the
// claim is pending). It reads rungs_due only (migrations 014 and 016):
// telling a pending claim from an open rung would read every row.
func (s *Store) OpenTimers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, s.d.openTimersQuery()).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlstore: open timers: %w", err)
	}
	return n, nil
}

// SweepBacklog counts the rungs due at or before now that are not handled
// yet: not claimed by a sweeper, or claimed and their handler has not
// succeeded (pending): how far the sweeper and its handlers are behind. It
// reads rungs_due only, as OpenTimers does.
func (s *Store) SweepBacklog(ctx context.Context, now time.Time) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(s.d.sweepBacklogQuery()), now.UnixNano()).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlstore: sweep backlog: %w", err)
	}
	return n, nil
}

// openTimersQuery and sweepBacklogQuery are the gauges' queries, which
// read rungs_due alone (covering on SQLite, migration 016).
func (d dialect) openTimersQuery() string {
	return `SELECT COUNT(DISTINCT timer_id) FROM ` + d.dueRungs + ` WHERE NOT acked`
}

func (d dialect) sweepBacklogQuery() string {
	return `SELECT COUNT(*) FROM ` + d.dueRungs + ` WHERE NOT acked AND at <= ?`
}
