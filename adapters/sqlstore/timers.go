package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

var _ deadlines.SweepStore = (*Store)(nil)

var timerDoc = doc[deadlines.Timer]{
	kind: "timer", table: "timers", where: "id = ?",
	cols:   func(t *deadlines.Timer) []col { return []col{{"id", t.ID}} },
	timers: func(t *deadlines.Timer) []*deadlines.Timer { return []*deadlines.Timer{t} },
	history: func(t *deadlines.Timer) (int, change) {
		if len(t.Ledger) == 0 {
			return 0, change{}
		}
		e := t.Ledger[len(t.Ledger)-1]
		return len(t.Ledger), change{typ: e.Kind.String(), actor: "system", rule: e.Rule.String()}
	},
}

// indexTimer replaces a timer's rows in the schedule by its Schedule,
// leaving out rungs already claimed.
func (s *Store) indexTimer(ctx context.Context, tx *sql.Tx, t *deadlines.Timer) error {
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM schedule WHERE timer_id = ?`), t.ID); err != nil {
		return fmt.Errorf("sqlstore: indexing timer %q: %w", t.ID, err)
	}
	for _, f := range t.Schedule {
		raw, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("sqlstore: encoding firing: %w", err)
		}
		key := f.Key()
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO schedule (key, timer_id, at, firing)
			SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT)
			WHERE NOT EXISTS (SELECT 1 FROM claims WHERE key = ?)`), key, t.ID, f.At.UnixNano(), string(raw), key)
		if err != nil {
			return fmt.Errorf("sqlstore: indexing timer %q: %w", t.ID, err)
		}
	}
	return nil
}

// CreateTimer stores a new standalone timer; an existing ID is an error
// wrapping deadlines.ErrConflict.
func (s *Store) CreateTimer(ctx context.Context, t *deadlines.Timer) error {
	return timerDoc.create(ctx, s, t.ID, t)
}

// GetTimer returns the timer, or an error wrapping deadlines.ErrNotFound.
func (s *Store) GetTimer(ctx context.Context, id string) (*deadlines.Timer, error) {
	return timerDoc.get(ctx, s, id, id)
}

// UpdateTimer loads the timer, calls fn and saves it and its schedule
// atomically.
func (s *Store) UpdateTimer(ctx context.Context, id string, fn func(*deadlines.Timer) error) error {
	return timerDoc.update(ctx, s, id, []any{id}, func(_ *sql.Tx, t *deadlines.Timer) error { return fn(t) })
}

// DueFirings implements deadlines.SweepStore: unclaimed rungs due at or
// before now, earliest first, from the schedule_due index.
func (s *Store) DueFirings(ctx context.Context, now time.Time, limit int) ([]deadlines.Firing, error) {
	return s.firings(ctx, `SELECT firing FROM schedule WHERE at <= ? ORDER BY at, key LIMIT ?`, now.UnixNano(), limit)
}

// ClaimFiring implements deadlines.SweepStore: the first claim of a key
// inserts it into claims and wins; later ones change nothing.
func (s *Store) ClaimFiring(ctx context.Context, f deadlines.Firing) (bool, error) {
	raw, err := json.Marshal(f)
	if err != nil {
		return false, fmt.Errorf("sqlstore: encoding firing: %w", err)
	}
	won := false
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO claims (key, timer_id, at, firing, pending_since) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
			f.Key(), f.TimerID, f.At.UnixNano(), string(raw), f.FiredAt.UnixNano())
		if err != nil {
			return fmt.Errorf("sqlstore: claiming %s: %w", f.Key(), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("sqlstore: claiming %s: %w", f.Key(), err)
		}
		if won = n == 1; !won {
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM schedule WHERE key = ?`), f.Key()); err != nil {
			return fmt.Errorf("sqlstore: claiming %s: %w", f.Key(), err)
		}
		return nil
	})
	return won, err
}

var _ deadlines.BatchClaimer = (*Store)(nil)

// ClaimDue implements deadlines.BatchClaimer: one transaction deletes up to
// limit due rows of the schedule (PostgreSQL skips rows another sweeper
// has locked) and records them as claims.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, limit int) ([]deadlines.Firing, error) {
	var out []deadlines.Firing
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, s.q(`DELETE FROM schedule WHERE key IN
			(SELECT key FROM schedule WHERE at <= ? ORDER BY at, key LIMIT ?`+s.d.skipLocked+`)
			RETURNING firing`), now.UnixNano(), limit)
		if err != nil {
			return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
		}
		for rows.Next() {
			var raw string
			if err := rows.Scan(&raw); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
			}
			var f deadlines.Firing
			if err := json.Unmarshal([]byte(raw), &f); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: decoding a due rung: %w", err)
			}
			f.FiredAt = now
			out = append(out, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		slices.SortFunc(out, func(a, b deadlines.Firing) int { // RETURNING has no order
			return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Key(), b.Key()))
		})
		// Only the rungs whose claim this transaction inserts are this
		// sweeper's: one claimed through ClaimFiring meanwhile is not.
		won := make(map[string]bool, len(out))
		const perInsert = 500
		for start := 0; start < len(out); start += perInsert {
			chunk := out[start:min(start+perInsert, len(out))]
			args := make([]any, 0, 5*len(chunk))
			for _, f := range chunk {
				raw, err := json.Marshal(f)
				if err != nil {
					return err
				}
				args = append(args, f.Key(), f.TimerID, f.At.UnixNano(), string(raw), now.UnixNano())
			}
			query := `INSERT INTO claims (key, timer_id, at, firing, pending_since) VALUES (?, ?, ?, ?, ?)` + strings.Repeat(`, (?, ?, ?, ?, ?)`, len(chunk)-1) + ` ON CONFLICT DO NOTHING RETURNING key`
			keys, err := tx.QueryContext(ctx, s.q(query), args...)
			if err != nil {
				return fmt.Errorf("sqlstore: recording claims: %w", err)
			}
			for keys.Next() {
				var k string
				if err := keys.Scan(&k); err != nil {
					keys.Close()
					return err
				}
				won[k] = true
			}
			keys.Close()
			if err := keys.Err(); err != nil {
				return err
			}
		}
		out = slices.DeleteFunc(out, func(f deadlines.Firing) bool { return !won[f.Key()] })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

var _ deadlines.Acknowledger = (*Store)(nil)

// Unacknowledged implements deadlines.Acknowledger: claims still pending
// (their handler has not succeeded) that were made before before.
func (s *Store) Unacknowledged(ctx context.Context, before time.Time, limit int) ([]deadlines.Firing, error) {
	return s.firings(ctx, `SELECT firing FROM claims WHERE pending_since IS NOT NULL AND pending_since < ? ORDER BY pending_since, key LIMIT ?`, before.UnixNano(), limit)
}

// AckFirings implements deadlines.Acknowledger: the claims of keys are
// handled.
func (s *Store) AckFirings(ctx context.Context, keys ...string) error {
	unlock, err := s.lockWrite(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	const perUpdate = 500
	for start := 0; start < len(keys); start += perUpdate {
		chunk := keys[start:min(start+perUpdate, len(keys))]
		args := make([]any, len(chunk))
		for i, k := range chunk {
			args[i] = k
		}
		query := `UPDATE claims SET pending_since = NULL WHERE key IN (?` + strings.Repeat(`, ?`, len(chunk)-1) + `)`
		if _, err := s.db.ExecContext(ctx, s.q(query), args...); err != nil {
			return fmt.Errorf("sqlstore: acknowledging firings: %w", err)
		}
	}
	return nil
}

// Firings returns the claimed firings of a timer, earliest first.
func (s *Store) Firings(ctx context.Context, timerID string) ([]deadlines.Firing, error) {
	return s.firings(ctx, `SELECT firing FROM claims WHERE timer_id = ? ORDER BY at, key`, timerID)
}

func (s *Store) firings(ctx context.Context, query string, args ...any) ([]deadlines.Firing, error) {
	fs, err := listDocs[deadlines.Firing](ctx, s, "firings", query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]deadlines.Firing, len(fs))
	for i, f := range fs {
		out[i] = *f
	}
	return out, nil
}
