package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

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

// indexTimer brings a timer's rows in the schedule from before, its
// Schedule as last saved (nil for a new timer), to its Schedule: the
// rungs before has and Schedule does not, or has otherwise, are deleted
// and the ones Schedule has and before does not, or has otherwise, are
// inserted, each set in one statement; a rung already claimed is left as
// it is. Rungs in both are not written again: a shortened schedule deletes
// the rungs it lost and nothing else.
func (s *Store) indexTimer(ctx context.Context, tx *txn, t *deadlines.Timer, before []deadlines.Firing) error {
	indexing := func(err error) error { return fmt.Errorf("sqlstore: indexing timer %q: %w", t.ID, err) }
	var gone []any
	for _, b := range before {
		if !slices.ContainsFunc(t.Schedule, func(f deadlines.Firing) bool { return sameFiring(b, f) }) {
			gone = append(gone, b.Key())
		}
	}
	var rows []any
	for _, f := range t.Schedule {
		if slices.ContainsFunc(before, func(b deadlines.Firing) bool { return sameFiring(b, f) }) {
			continue
		}
		raw, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("sqlstore: encoding firing: %w", err)
		}
		rows = append(rows, f.Key(), t.ID, f.At.UnixNano(), string(raw))
	}
	// On SQLite a claimed rung stays where it lies in rungs (migration
	// 011) and schedule is the view of the unclaimed ones: the delete goes
	// to rungs and spares the claimed rows, and an insert whose key is
	// there (claimed: the unclaimed ones of a changed rung were deleted
	// first) does nothing. On PostgreSQL claims is a table of its own.
	for chunk := range slices.Chunk(gone, perIndexStatement) {
		query := `DELETE FROM schedule WHERE timer_id = ? AND key IN (?` + strings.Repeat(`, ?`, len(chunk)-1) + `)`
		if s.d.name == "sqlite" {
			query = `DELETE FROM rungs WHERE timer_id = ? AND key IN (?` + strings.Repeat(`, ?`, len(chunk)-1) + `) AND NOT claimed`
		}
		if err := tx.exec(ctx, indexing, query, append([]any{t.ID}, chunk...)...); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(rows, 4*perIndexStatement) {
		n := len(chunk) / 4
		query := `INSERT INTO rungs (key, timer_id, at, firing) VALUES (?, ?, ?, ?)` + strings.Repeat(`, (?, ?, ?, ?)`, n-1) + ` ON CONFLICT DO NOTHING`
		if s.d.name != "sqlite" {
			query = `INSERT INTO schedule (key, timer_id, at, firing)
				SELECT v.key, v.timer_id, v.at, v.firing FROM (VALUES ` + strings.Repeat(`(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT)), `, n-1) +
				`(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT))) AS v (key, timer_id, at, firing)
				WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.timer_id = v.timer_id AND c.key = v.key)
				ON CONFLICT DO NOTHING`
		}
		if err := tx.exec(ctx, indexing, query, chunk...); err != nil {
			return err
		}
	}
	return nil
}

// perIndexStatement is how many rungs one of indexTimer's statements
// deletes or inserts at most, which bounds the statements prepared for it.
const perIndexStatement = 8

// sameFiring reports whether two firings of a timer are the same rung at
// the same instant with the same document (up to the instants' zones).
func sameFiring(a, b deadlines.Firing) bool {
	return a.TimerID == b.TimerID && a.Subject == b.Subject && a.Cycle == b.Cycle && a.Rung == b.Rung &&
		a.At.Equal(b.At) && a.Due.Equal(b.Due) && a.FiredAt.Equal(b.FiredAt)
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
	return timerDoc.update(ctx, s, id, []any{id}, func(_ *txn, t *deadlines.Timer) error { return fn(t) })
}

// DueFirings implements deadlines.SweepStore: unclaimed rungs due at or
// before now, earliest first, from the schedule_due index.
func (s *Store) DueFirings(ctx context.Context, now time.Time, limit int) ([]deadlines.Firing, error) {
	return s.firings(ctx, `SELECT firing, NULL FROM schedule WHERE at <= ? ORDER BY at, key LIMIT ?`, now.UnixNano(), limit)
}

// ClaimFiring implements deadlines.SweepStore: the first claim of a key
// records it and wins; later ones change nothing. On SQLite the claim is
// one upsert on rungs that changes only an unclaimed row (or adds the rung
// claimed when it was not scheduled); on PostgreSQL it deletes the key
// from schedule and then inserts it into claims: the schedule row first,
// as ClaimDue locks it first, so that the two wait for each other in one
// order and never deadlock.
func (s *Store) ClaimFiring(ctx context.Context, f deadlines.Firing) (bool, error) {
	raw, err := json.Marshal(f)
	if err != nil {
		return false, fmt.Errorf("sqlstore: encoding firing: %w", err)
	}
	claiming := func(err error) error { return fmt.Errorf("sqlstore: claiming %s: %w", f.Key(), err) }
	won := false
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		query := `INSERT INTO claims (key, timer_id, at, firing, pending_since) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
		if s.d.name == "sqlite" {
			query = `INSERT INTO rungs (key, timer_id, at, firing, pending_since, claimed) VALUES (?, ?, ?, ?, ?, TRUE)
				ON CONFLICT (timer_id, key) DO UPDATE SET at = excluded.at, firing = excluded.firing, claimed = TRUE,
					fired_at = NULL, pending_since = excluded.pending_since
				WHERE NOT claimed`
		} else if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM schedule WHERE timer_id = ? AND key = ?`), f.TimerID, f.Key()); err != nil {
			return claiming(err)
		}
		res, err := tx.ExecContext(ctx, s.q(query), f.Key(), f.TimerID, f.At.UnixNano(), string(raw), f.FiredAt.UnixNano())
		if err != nil {
			return claiming(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return claiming(err)
		}
		won = n == 1
		return nil
	})
	return won, err
}

var _ deadlines.BatchClaimer = (*Store)(nil)

// ClaimDue implements deadlines.BatchClaimer. On PostgreSQL the due rungs
// are moved from schedule into claims as they are (fired_at is a column,
// so no document is decoded and encoded again) in one round trip (see
// claimDuePostgres). On SQLite they are claimed where
// they lie, in one immediate transaction (see claimRange).
func (s *Store) ClaimDue(ctx context.Context, now time.Time, limit int) ([]deadlines.Firing, error) {
	claim := s.claimDueSQLite
	if s.d.name == "postgres" {
		claim = s.claimDuePostgres
	}
	out, err := claim(ctx, now, limit)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b deadlines.Firing) int { // RETURNING has no order
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Key(), b.Key()))
	})
	return out, nil
}

// claimDueSQLite claims on SQLite, in one immediate transaction (see
// claimRange), and decodes the claimed rungs after the COMMIT, not while
// holding the write lock: a document that does not decode leaves its rung
// claimed and pending, and Unacknowledged hands it out again.
func (s *Store) claimDueSQLite(ctx context.Context, now time.Time, limit int) ([]deadlines.Firing, error) {
	// Prepared before the transaction takes a connection of the pool.
	read, err := s.stmt(ctx, claimRangeRead)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: claiming due rungs: %w", err)
	}
	claim, err := s.stmt(ctx, claimRangeUpdate)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: claiming due rungs: %w", err)
	}
	var docs firingDocs
	docs.expect(limit)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		return s.claimRange(ctx, tx.StmtContext(ctx, read), tx.StmtContext(ctx, claim), now, limit, &docs)
	})
	if err != nil {
		return nil, err
	}
	return docs.decode(now)
}

// sweepFront is where the next PostgreSQL batch claim starts looking for
// due rungs (see claimDuePostgres).
type sweepFront struct {
	mu      sync.Mutex
	first   frontKey // the first rung of the last batch claimed
	set     bool
	batches int // batch claims since the last one from the start
}

// frontKey is a rung's place in the due index.
type frontKey struct {
	at  int64
	key string
}

// fullSweepEvery is how often (in batch claims) a PostgreSQL batch claim
// looks for due rungs from the start of the schedule instead of from the
// front (see claimDuePostgres).
const fullSweepEvery = 16

// The statements of claimDuePostgres: the due rows' ctids, locked,
// skipping the rows another sweeper holds (from the start of the due index,
// or from the front), deleted by ctid (a TID scan, no index lookup),
// inserted into claims. The plain INSERT is the fast path: a rung is never
// both scheduled and claimed (indexTimer and ClaimFiring keep it so), so
// the claims_pkey violation its ON CONFLICT variant would absorb cannot
// happen; if it does, the batch is claimed again with the variant.
const (
	claimDueFrom = `WITH due AS (
			SELECT ctid FROM schedule WHERE (at, key) >= ($4, $5) AND at <= $1 ORDER BY at, key LIMIT $2 FOR UPDATE SKIP LOCKED
		), gone AS (
			DELETE FROM schedule WHERE ctid = ANY (ARRAY (SELECT ctid FROM due))
			RETURNING timer_id, key, at, firing
		)
		INSERT INTO claims (timer_id, key, at, firing, fired_at, pending_since)
		SELECT timer_id, key, at, firing, $3, $3 FROM gone`
	claimDueReturning       = ` RETURNING at, key, firing`
	claimDueSkipConflicting = ` ON CONFLICT DO NOTHING RETURNING at, key, firing`
)

// claimDuePostgres claims on PostgreSQL, in one statement (its own
// transaction), the first limit due rungs not locked by another sweeper.
// Only the rungs whose claim this call inserted are returned.
//
// A claimed rung's row is deleted from schedule, and its entry in the due
// index stays, dead, until VACUUM removes it; a scan from the start of the
// index walks every dead entry before the first live one. Draining a
// backlog batch after batch would make each batch slower than the last
// (≈ 18 µs per thousand dead entries), so a full batch records its first
// rung as the front, and the next batch looks from there. A rung can still
// be due before the front: scheduled late, or locked by another
// transaction when the batch skipped it. So every fullSweepEvery-th batch,
// and every batch after one that was not full (the backlog is drained),
// looks from the start: such a rung waits at most fullSweepEvery batches.
func (s *Store) claimDuePostgres(ctx context.Context, now time.Time, limit int) ([]deadlines.Firing, error) {
	f := &s.front
	f.mu.Lock()
	from := frontKey{at: math.MinInt64}
	if f.set && f.batches%fullSweepEvery != 0 {
		from = f.first
	}
	f.mu.Unlock()
	args := []any{now.UnixNano(), limit, now.UnixNano(), from.at, from.key}
	out, first, err := s.claimBatch(ctx, now, limit, claimDueFrom+claimDueReturning, args)
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "23505" {
		out, first, err = s.claimBatch(ctx, now, limit, claimDueFrom+claimDueSkipConflicting, args)
	}
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(out) < limit {
		f.set, f.batches = false, 0
		return out, nil
	}
	f.first, f.set = first, true
	f.batches++
	return out, nil
}

// claimBatch runs one of claimDuePostgres's statements and decodes the
// claimed firings, fired at now; first is the earliest claimed rung's
// (at, key).
func (s *Store) claimBatch(ctx context.Context, now time.Time, limit int, query string, args []any) (out []deadlines.Firing, first frontKey, err error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, first, fmt.Errorf("sqlstore: claiming due rungs: %w", err)
	}
	defer rows.Close()
	var docs firingDocs
	docs.expect(limit)
	var at int64
	var key string
	var raw sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&at, &key, &raw); err != nil {
			return nil, first, fmt.Errorf("sqlstore: claiming due rungs: %w", err)
		}
		if docs.len() == 0 || at < first.at || at == first.at && key < first.key {
			first = frontKey{at, key}
		}
		docs.add(raw)
	}
	if err := rows.Err(); err != nil {
		return nil, first, fmt.Errorf("sqlstore: claiming due rungs: %w", err)
	}
	out, err = docs.decode(now)
	return out, first, err
}

// The statements of claimRange.
const (
	claimRangeRead = `SELECT at, key, claimed, firing FROM rungs
		WHERE (at, key) >= (SELECT at, key FROM rungs WHERE NOT claimed ORDER BY at, key LIMIT 1) AND at <= ?
		ORDER BY at, key LIMIT 2 * ?`
	claimRangeUpdate = `UPDATE rungs SET claimed = TRUE, fired_at = ?, pending_since = ?
		WHERE claimed = FALSE AND (at, key) >= (?, ?) AND (at, key) <= (?, ?)`
)

// claimRange claims on SQLite, in tx (immediate, so nothing changes
// between its two statements), the first unclaimed rungs due at now where
// they lie (migration 011): it reads them from the (at, key) clustered
// table, starting at the first unclaimed rung (found in rungs_open), and
// then claims them with one UPDATE of the range from the first to the last,
// whose unclaimed rows are exactly the ones read. Walking the table instead
// of rungs_open spares a b-tree search per row, in the read and in the
// UPDATE; an UPDATE … RETURNING would spare the read, but SQLite buffers
// RETURNING rows in a temporary b-tree, which cost more than the read did.
//
// Claimed rows between unclaimed ones (claimed by ClaimFiring, or a rung
// scheduled late, due long ago) are walked over too (and skipped here), so
// the walk is capped at 2×limit rows: the batch may then hold fewer than
// limit rungs, and the next one starts at the next unclaimed rung, past
// the claimed ones. Both statements are prepared once per Store. The
// claimed rungs' documents are added to docs.
func (s *Store) claimRange(ctx context.Context, read, claim *sql.Stmt, now time.Time, limit int, docs *firingDocs) error {
	rows, err := read.QueryContext(ctx, now.UnixNano(), limit)
	if err != nil {
		return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
	}
	defer rows.Close()
	var firstAt, lastAt int64
	var firstKey string
	var key, lastKey, raw sql.RawBytes
	var claimed bool
	for docs.len() < limit && rows.Next() {
		if err := rows.Scan(&lastAt, &key, &claimed, &raw); err != nil {
			return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
		}
		if claimed {
			continue
		}
		lastKey = append(lastKey[:0], key...)
		if docs.len() == 0 {
			firstAt, firstKey = lastAt, string(key)
		}
		docs.add(raw)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
	}
	if docs.len() == 0 {
		return nil
	}
	res, err := claim.ExecContext(ctx, now.UnixNano(), now.UnixNano(), firstAt, firstKey, lastAt, string(lastKey))
	if err != nil {
		return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(docs.len()) {
		return fmt.Errorf("sqlstore: claiming due rungs: claimed %d rows of the %d read (%v)", n, docs.len(), err)
	}
	return nil
}

// firingDocs are claimed rungs' firing documents, copied out of the
// driver's buffers as they are read, to be decoded at once.
type firingDocs struct {
	buf  []byte
	ends []int // ends[i] is where the i-th document ends in buf
}

func (d *firingDocs) len() int { return len(d.ends) }

// expect sizes the buffers for n documents.
func (d *firingDocs) expect(n int) { d.ends = make([]int, 0, min(n, 4096)) }

func (d *firingDocs) add(raw []byte) {
	if d.buf == nil { // documents of a batch are about the same size
		d.buf = make([]byte, 0, (len(raw)+len(raw)/4)*cap(d.ends))
	}
	d.buf = append(d.buf, raw...)
	d.ends = append(d.ends, len(d.buf))
}

// decode decodes the documents in order, fired at now.
func (d *firingDocs) decode(now time.Time) ([]deadlines.Firing, error) {
	if d.len() == 0 {
		return nil, nil
	}
	out := make([]deadlines.Firing, d.len())
	start := 0
	for i, end := range d.ends {
		f, err := fired(d.buf[start:end], now)
		if err != nil {
			return nil, err
		}
		out[i], start = f, end
	}
	return out, nil
}

// fired decodes a claimed rung's firing document, fired at now.
func fired(raw []byte, now time.Time) (deadlines.Firing, error) {
	var f deadlines.Firing
	if err := decode(raw, &f); err != nil {
		return f, fmt.Errorf("sqlstore: decoding a due rung: %w", err)
	}
	f.FiredAt = now
	return f, nil
}

var _ deadlines.Acknowledger = (*Store)(nil)

// Unacknowledged implements deadlines.Acknowledger: claims still pending
// (their handler has not succeeded) that were made before before.
func (s *Store) Unacknowledged(ctx context.Context, before time.Time, limit int) ([]deadlines.Firing, error) {
	return s.firings(ctx, `SELECT firing, fired_at FROM claims WHERE pending_since IS NOT NULL AND pending_since < ? ORDER BY pending_since, key LIMIT ?`, before.UnixNano(), limit)
}

// AckFirings implements deadlines.Acknowledger: the claims of keys are
// handled.
func (s *Store) AckFirings(ctx context.Context, keys ...string) error {
	return s.setPending(ctx, "acknowledging", nil, keys)
}

var _ deadlines.Deferrer = (*Store)(nil)

// DeferFirings implements deadlines.Deferrer: the pending claims of keys
// are pending since since.
func (s *Store) DeferFirings(ctx context.Context, since time.Time, keys ...string) error {
	return s.setPending(ctx, "deferring", since.UnixNano(), keys)
}

// setPending sets pending_since of the pending claims of keys to since
// (nil: acknowledged).
func (s *Store) setPending(ctx context.Context, what string, since any, keys []string) error {
	unlock, err := s.lockWrite(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	const perUpdate = 500
	for start := 0; start < len(keys); start += perUpdate {
		chunk := keys[start:min(start+perUpdate, len(keys))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, since)
		for _, k := range chunk {
			args = append(args, k)
		}
		// Only pending claims are looked at (the claims_pending or, on
		// SQLite, rungs_pending partial index): claims are keyed by
		// (timer_id, key), not by key alone.
		table := "claims"
		if s.d.name == "sqlite" {
			table = "rungs" // claims is a view of it (migration 011)
		}
		query := `UPDATE ` + table + ` SET pending_since = ? WHERE pending_since IS NOT NULL AND key IN (?` + strings.Repeat(`, ?`, len(chunk)-1) + `)`
		if _, err := s.db.ExecContext(ctx, s.q(query), args...); err != nil {
			return fmt.Errorf("sqlstore: %s firings: %w", what, err)
		}
	}
	return nil
}

// Firings returns the claimed firings of a timer, earliest first; a rung
// ClaimDue fired has its FiredAt from the fired_at column.
func (s *Store) Firings(ctx context.Context, timerID string) ([]deadlines.Firing, error) {
	return s.firings(ctx, `SELECT firing, fired_at FROM claims WHERE timer_id = ? ORDER BY at, key`, timerID)
}

// firings runs a query selecting (firing, fired_at) from claims; fired_at
// (set when ClaimDue fired the rung) becomes the firing's FiredAt.
func (s *Store) firings(ctx context.Context, query string, args ...any) ([]deadlines.Firing, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: listing firings: %w", err)
	}
	defer rows.Close()
	var out []deadlines.Firing
	for rows.Next() {
		var raw sql.RawBytes
		var firedAt sql.NullInt64
		if err := rows.Scan(&raw, &firedAt); err != nil {
			return nil, fmt.Errorf("sqlstore: listing firings: %w", err)
		}
		var f deadlines.Firing
		if err := decode(raw, &f); err != nil {
			return nil, fmt.Errorf("sqlstore: decoding firing: %w", err)
		}
		if firedAt.Valid {
			f.FiredAt = time.Unix(0, firedAt.Int64)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: listing firings: %w", err)
	}
	return out, nil
}
