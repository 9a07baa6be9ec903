package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/qyzmet/qyzmet/adapters/outbox"
)

var _ outbox.Store = (*Store)(nil)

// LeaseOutbox implements outbox.Store. On PostgreSQL the candidates are
// locked with FOR UPDATE SKIP LOCKED, so relays in several processes take
// disjoint batches; SQLite serializes writers anyway.
func (s *Store) LeaseOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]outbox.Message, error) {
	unlock, err := s.lockWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	rows, err := s.db.QueryContext(ctx, s.q(`UPDATE outbox SET leased_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL AND next_at <= ? AND leased_until <= ?
			ORDER BY next_at, id LIMIT ?`+s.d.skipLocked+`)
		RETURNING id, key, topic, payload, attempts, next_at, last_error`),
		now.Add(lease).UnixNano(), now.UnixNano(), now.UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: leasing outbox: %w", err)
	}
	defer rows.Close()
	type leased struct {
		id int64
		m  outbox.Message
	}
	var got []leased
	for rows.Next() {
		var l leased
		var payload string
		var next int64
		if err := rows.Scan(&l.id, &l.m.Key, &l.m.Topic, &payload, &l.m.Attempts, &next, &l.m.LastError); err != nil {
			return nil, fmt.Errorf("sqlstore: leasing outbox: %w", err)
		}
		l.m.Payload, l.m.NextAt = []byte(payload), time.Unix(0, next)
		got = append(got, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: leasing outbox: %w", err)
	}
	slices.SortFunc(got, func(a, b leased) int { return int(a.id - b.id) }) // RETURNING has no order
	out := make([]outbox.Message, len(got))
	for i, l := range got {
		out[i] = l.m
	}
	return out, nil
}

// AckOutbox implements outbox.Store.
func (s *Store) AckOutbox(ctx context.Context, key string, at time.Time) error {
	return s.outboxExec(ctx, key, `UPDATE outbox SET delivered_at = ?, leased_until = 0, last_error = '' WHERE key = ?`, at.UnixNano(), key)
}

// RetryOutbox implements outbox.Store.
func (s *Store) RetryOutbox(ctx context.Context, key string, next time.Time, reason string) error {
	return s.outboxExec(ctx, key, `UPDATE outbox SET next_at = ?, leased_until = 0, last_error = ? WHERE key = ? AND delivered_at IS NULL`, next.UnixNano(), reason, key)
}

func (s *Store) outboxExec(ctx context.Context, key, query string, args ...any) error {
	unlock, err := s.lockWrite(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	res, err := s.db.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return fmt.Errorf("sqlstore: outbox %s: %w", key, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return notFound("outbox message", key)
	}
	return nil
}

// OutboxStats says how many messages wait, the oldest one's due time (the
// relay's lag) and how many have failed at least once.
func (s *Store) OutboxStats(ctx context.Context) (pending int, oldest time.Time, failing int, err error) {
	var first sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), MIN(next_at), COALESCE(SUM(CASE WHEN last_error <> '' THEN 1 ELSE 0 END), 0)
		FROM outbox WHERE delivered_at IS NULL`).Scan(&pending, &first, &failing)
	if err != nil {
		return 0, time.Time{}, 0, fmt.Errorf("sqlstore: outbox stats: %w", err)
	}
	if first.Valid {
		oldest = time.Unix(0, first.Int64)
	}
	return pending, oldest, failing, nil
}
