package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

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
		rows = firingArgs(append(rows, f.Key(), t.ID, f.At.UnixNano()), f)
	}
	// A claimed rung stays where it lies in rungs (migrations 011 and 014)
	// and schedule is the view of the unclaimed ones: the delete spares the
	// claimed rows, and an insert whose key is there (claimed: the
	// unclaimed ones of a changed rung were deleted first) does nothing.
	for chunk := range slices.Chunk(gone, perIndexStatement) {
		query := `DELETE FROM rungs WHERE timer_id = ? AND key IN (?` + strings.Repeat(`, ?`, len(chunk)-1) + `) AND NOT claimed`
		if err := tx.exec(ctx, indexing, query, append([]any{t.ID}, chunk...)...); err != nil {
			return err
		}
	}
	cols := append([]string{"key", "timer_id", "at"}, firingFields...)
	row := `(?` + strings.Repeat(`, ?`, len(cols)-1) + `)`
	for chunk := range slices.Chunk(rows, len(cols)*perIndexStatement) {
		query := `INSERT INTO rungs (` + strings.Join(cols, ", ") + `) VALUES ` + row + strings.Repeat(`, `+row, len(chunk)/len(cols)-1) + ` ON CONFLICT DO NOTHING`
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
// before now, earliest first, from the rungs_due index.
func (s *Store) DueFirings(ctx context.Context, now time.Time, limit int) ([]deadlines.Firing, error) {
	return s.firings(ctx, `FROM schedule WHERE at <= ? ORDER BY at, key LIMIT ?`, now.UnixNano(), limit)
}

// ClaimFiring implements deadlines.SweepStore: the first claim of a key
// records it and wins; later ones change nothing. The claim is one upsert
// on rungs that changes only an unclaimed row (or adds the rung claimed
// when it was not scheduled). The firing is columns (migrations 014 and
// 015), its FiredAt the fired_at column. The row's at is the earlier of
// the rung's At and its FiredAt (the At is then rung_at), so that
// Unacknowledged, which reads the pending claims by at, finds a rung
// claimed before it was due.
func (s *Store) ClaimFiring(ctx context.Context, f deadlines.Firing) (bool, error) {
	at, rungAt := f.At.UnixNano(), any(nil)
	if fired := f.FiredAt.UnixNano(); !f.FiredAt.IsZero() && fired < at {
		at, rungAt = fired, f.At.UnixNano()
	}
	args := append(firingArgs([]any{f.Key(), f.TimerID, at, f.FiredAt.UnixNano()}, f), rungAt, nanos(f.FiredAt))
	unlock, err := s.lockWrite(ctx)
	if err != nil {
		return false, err
	}
	defer unlock()
	res, err := s.db.ExecContext(ctx, s.q(claimFiringQuery), args...)
	if err != nil {
		return false, fmt.Errorf("sqlstore: claiming %s: %w", f.Key(), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: claiming %s: %w", f.Key(), err)
	}
	return n == 1, nil
}

// claimFiringQuery is ClaimFiring's upsert on the key (PostgreSQL's
// primary key, SQLite's rungs_key): its values are the key, timer_id, at,
// pending_since, the firing's columns (firingArgs), rung_at and fired_at.
var claimFiringQuery = func() string {
	cols := append(append([]string{"key", "timer_id", "at", "pending_since"}, firingFields...), "rung_at", "fired_at")
	set := make([]string, 0, len(cols)-2)
	for _, c := range cols[2:] {
		set = append(set, c+" = excluded."+c)
	}
	return `INSERT INTO rungs (claimed, ` + strings.Join(cols, ", ") + `) VALUES (TRUE` + strings.Repeat(`, ?`, len(cols)) + `)
		ON CONFLICT (key) DO UPDATE SET claimed = TRUE, ` + strings.Join(set, ", ") + `
		WHERE NOT rungs.claimed`
}()

var _ deadlines.BatchClaimer = (*Store)(nil)

// sweepFront is where the next batch claim starts looking for due rungs
// (see ClaimDue).
type sweepFront struct {
	mu      sync.Mutex
	last    frontKey // the last rung of the last batch claimed
	set     bool
	batches int // batch claims since the last one from the start
}

// frontKey is a rung's place in rungs_due.
type frontKey struct {
	at  int64
	key string
}

// span is the first and the last of the rungs added, in rungs_due's order
// (at, key), whatever the order they are added in.
type span struct {
	n                 int
	firstAt, lastAt   int64
	firstKey, lastKey []byte
}

func (s *span) add(at int64, key []byte) {
	if s.n == 0 || at < s.firstAt || at == s.firstAt && bytes.Compare(key, s.firstKey) < 0 {
		s.firstAt, s.firstKey = at, append(s.firstKey[:0], key...)
	}
	if s.n == 0 || at > s.lastAt || at == s.lastAt && bytes.Compare(key, s.lastKey) > 0 {
		s.lastAt, s.lastKey = at, append(s.lastKey[:0], key...)
	}
	s.n++
}

// claimedRows are the rows of a batch claim (dueColumns), from
// pgx or database/sql.
type claimedRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanClaimed appends the firings of rows, claimed by a batch fired at now,
// to out (see firingRow.appendClaimed) and returns the span of their rungs.
func scanClaimed(rows claimedRows, out []deadlines.Firing, now time.Time, bad *error) ([]deadlines.Firing, span, error) {
	var r firingRow
	var claimed span
	dest := r.dueDest()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return out, claimed, fmt.Errorf("sqlstore: claiming due rungs: %w", err)
		}
		claimed.add(r.at, r.key)
		out = r.appendClaimed(out, now, bad)
	}
	if err := rows.Err(); err != nil {
		return out, claimed, fmt.Errorf("sqlstore: claiming due rungs: %w", err)
	}
	return out, claimed, nil
}

// fullSweepEvery is how often (in batch claims) a batch claim looks for
// due rungs from the start of the schedule instead of from the front (see
// ClaimDue).
const fullSweepEvery = 1024

// ClaimDue implements deadlines.BatchClaimer: it claims the first limit
// due rungs (not locked by another sweeper, on PostgreSQL) where they lie,
// in one transaction (see claimFrom), or two (see below).
//
// A claimed rung stays in rungs_due until it is acknowledged (migrations
// 014 and 016), and on PostgreSQL an acknowledged one's entry stays, dead,
// until VACUUM: a walk from the start of the index passes all of them
// before the first open rung. Draining a backlog batch after batch would
// make each batch slower than the last, so a full batch records its last
// rung as the front, and the next batch looks after it. A rung can still
// be due before the front: scheduled late, or locked by another
// transaction when a batch passed it. So a batch from the front that comes
// back short is topped up from the start (a caller may take a short batch
// for the end of the backlog), and every fullSweepEvery-th batch looks
// from the start: such a rung waits at most until the backlog is drained
// or fullSweepEvery batches. The top-up is a second transaction: if it
// fails, the first one's rungs are returned (they are claimed), without
// its error; the next call looks from the start again.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, limit int) ([]deadlines.Firing, error) {
	if limit <= 0 {
		return nil, nil
	}
	f := &s.front
	f.mu.Lock()
	fromStart := !f.set || f.batches%fullSweepEvery == 0
	from := f.last
	f.mu.Unlock()
	out := make([]deadlines.Firing, 0, min(limit, 4096))
	var last frontKey
	var bad error // the first claimed rung that does not decode
	for {
		if fromStart {
			from = frontKey{at: math.MinInt64}
		}
		var err error
		if out, err = s.claimFrom(ctx, now, limit-len(out), from, out, &last, &bad); err != nil {
			if len(out) > 0 { // the top-up failed; the first claim committed
				break
			}
			return nil, err
		}
		if len(out) == limit || fromStart || bad != nil {
			break
		}
		fromStart = true
	}
	f.mu.Lock()
	if len(out) < limit {
		f.set, f.batches = false, 0
	} else {
		f.last, f.set = last, true
		f.batches++
	}
	f.mu.Unlock()
	if bad != nil {
		return nil, bad
	}
	slices.SortFunc(out, deadlines.CompareFirings) // RETURNING has no order
	return out, nil
}

// claimFrom claims up to limit due rungs after from, in one transaction,
// adding their firings, fired at now, to out and moving last to the
// latest rung claimed; if it fails, out is returned as it was. A rung
// that does not decode (its rule does not parse, or its key is not its
// timer/cycle/rung) is added as far as read, and its error kept in bad
// (the first one), not returned: the claim commits, and the rungs stay
// claimed and pending, for Unacknowledged to hand out again.
func (s *Store) claimFrom(ctx context.Context, now time.Time, limit int, from frontKey, out []deadlines.Firing, last *frontKey, bad *error) ([]deadlines.Firing, error) {
	if s.d.name == "postgres" {
		return s.claimFromPostgres(ctx, now, limit, from, out, last, bad)
	}
	return s.claimFromSQLite(ctx, now, limit, from, out, last, bad)
}

// claimDuePostgresQuery claims, in one statement, the first $2 unclaimed
// rungs due at $1 after the front ($4, $5) that no other transaction has
// locked, in place (migration 014): their rows are locked, skipping the
// ones another sweeper holds, and updated by ctid: a HOT update, which
// writes no index. The locked rows' ctids are collected into one array
// (an InitPlan, run once) for a single TID scan; joining the subquery
// instead (UPDATE … FROM) rescans the TID scan once per row, each rescan
// asking the kernel for the table's size: 1,000 lseek calls a claim,
// which took ×1.12 this statement's time (median,
// BenchmarkClaimDueStatementPostgres). The rows are locked by this
// transaction, so none of them can move before the UPDATE.
const claimDuePostgresQuery = `UPDATE rungs SET claimed = TRUE, fired_at = $3, pending_since = $3
	WHERE ctid = ANY(ARRAY(
		SELECT ctid FROM rungs
		WHERE (at, key) > ($4, $5) AND at <= $1 AND NOT acked AND NOT claimed
		ORDER BY at, key LIMIT $2 FOR UPDATE SKIP LOCKED
	))
	RETURNING ` + dueColumns

// claimFromPostgres is claimFrom in one statement, claimDuePostgresQuery,
// read through pgx.
func (s *Store) claimFromPostgres(ctx context.Context, now time.Time, limit int, from frontKey, out []deadlines.Firing, last *frontKey, bad *error) ([]deadlines.Firing, error) {
	first := len(out)
	err := s.withPgx(ctx, "claiming due rungs", func(pc *pgx.Conn) error {
		rows, err := pc.Query(ctx, claimDuePostgresQuery, now.UnixNano(), limit, now.UnixNano(), from.at, from.key)
		if err != nil {
			return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
		}
		defer rows.Close()
		var claimed span
		if out, claimed, err = scanClaimed(&pgxRawRows{Rows: rows}, out, now, bad); err != nil {
			return err
		}
		if claimed.n > 0 {
			*last = frontKey{claimed.lastAt, string(claimed.lastKey)}
		}
		return nil
	})
	if err != nil {
		// The statement may have committed: its rungs are then pending,
		// for Unacknowledged to hand out again.
		return out[:first], err
	}
	return out, nil
}

// pgxRawRows are pgx rows whose Scan sets a *sql.RawBytes destination to
// its column's raw bytes (valid until Next, as database/sql's RawBytes),
// where pgx would copy them into a new slice: for text columns only, whose
// raw bytes are the text in either format.
type pgxRawRows struct {
	pgx.Rows
	dest []any
}

func (r *pgxRawRows) Scan(dest ...any) error {
	raw := r.RawValues()
	r.dest = append(r.dest[:0], dest...)
	for i, d := range dest {
		if b, ok := d.(*sql.RawBytes); ok && i < len(raw) {
			*b, r.dest[i] = raw[i], nil // pgx skips a nil destination
		}
	}
	return r.Rows.Scan(r.dest...)
}

// The statements of claimFromSQLite. claimSQLiteStart finds the first open
// rung after the front ($1, $2); claimSQLiteRead walks at most 2×limit
// rows ($4) of rungs from that rung ($1, $2: bound values, so that SQLite
// seeks on at and key, not on at alone, past every rung of the same
// instant) and returns the open ones due at $3, at most limit ($5);
// claimSQLiteUpdate claims the range read.
const (
	claimSQLiteStart = `SELECT at, key FROM rungs INDEXED BY rungs_due
		WHERE (at, key) > (?, ?) AND NOT acked AND NOT claimed ORDER BY at, key LIMIT 1`
	claimSQLiteRead = `SELECT ` + dueColumns + ` FROM (
			SELECT claimed, ` + dueColumns + ` FROM rungs
			WHERE (at, key) >= (?, ?) AND at <= ? ORDER BY at, key LIMIT ?)
		WHERE NOT claimed LIMIT ?`
	claimSQLiteUpdate = `UPDATE rungs SET claimed = TRUE, fired_at = ?, pending_since = ?
		WHERE claimed = FALSE AND (at, key) >= (?, ?) AND (at, key) <= (?, ?)`
)

// claimFromSQLite is claimFrom on SQLite, in an immediate transaction (so
// nothing changes between its statements). It finds the first open
// rung after from in rungs_due, reads the rungs from there on in the
// (at, key) clustered table, and claims the ones read with one UPDATE of
// the range from the first to the last, whose unclaimed rows are exactly
// the ones read. Walking the table instead of rungs_due spares a b-tree
// search per row, in the read and in the UPDATE; an UPDATE … RETURNING
// would spare the read, but SQLite buffers RETURNING rows in a temporary
// b-tree, which cost more than the read did. The UPDATE writes no index
// (migration 016). The read returns the columns a claim needs only: with
// this driver every column of every row costs.
//
// Claimed rows between unclaimed ones (claimed by ClaimFiring, or a rung
// scheduled late, due long ago) are walked over too, so the walk is
// capped at 2×limit rows: the batch may then hold fewer than limit rungs.
// Both statements are prepared once per Store.
func (s *Store) claimFromSQLite(ctx context.Context, now time.Time, limit int, from frontKey, out []deadlines.Firing, last *frontKey, bad *error) ([]deadlines.Firing, error) {
	// Prepared before the transaction takes a connection of the pool.
	var stmts [3]*sql.Stmt
	for i, q := range []string{claimSQLiteStart, claimSQLiteRead, claimSQLiteUpdate} {
		st, err := s.stmt(ctx, q)
		if err != nil {
			return out, fmt.Errorf("sqlstore: claiming due rungs: %w", err)
		}
		stmts[i] = st
	}
	first := len(out)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var start frontKey
		err := tx.StmtContext(ctx, stmts[0]).QueryRowContext(ctx, from.at, from.key).Scan(&start.at, &start.key)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no open rung after from
		}
		if err != nil {
			return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
		}
		rows, err := tx.StmtContext(ctx, stmts[1]).QueryContext(ctx, start.at, start.key, now.UnixNano(), 2*limit, limit)
		if err != nil {
			return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
		}
		defer rows.Close()
		var read span
		if out, read, err = scanClaimed(rows, out, now, bad); err != nil {
			return err
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
		}
		if read.n == 0 {
			return nil
		}
		res, err := tx.StmtContext(ctx, stmts[2]).ExecContext(ctx, now.UnixNano(), now.UnixNano(),
			read.firstAt, string(read.firstKey), read.lastAt, string(read.lastKey)) // text, not a blob
		if err != nil {
			return fmt.Errorf("sqlstore: claiming due rungs: %w", err)
		}
		if got, err := res.RowsAffected(); err != nil || got != int64(read.n) {
			return fmt.Errorf("sqlstore: claiming due rungs: claimed %d rows of the %d read (%v)", got, read.n, err)
		}
		*last = frontKey{read.lastAt, string(read.lastKey)}
		return nil
	})
	if err != nil {
		return out[:first], err
	}
	return out, nil
}

var _ deadlines.Acknowledger = (*Store)(nil)

// Unacknowledged implements deadlines.Acknowledger: claims still pending
// (their handler has not succeeded) that were made before before. They
// are read from rungs_due (the open and pending rungs; no index covers
// pending_since, which would make every claim write one, see migrations
// 014 and 016) up to before: a claim's at is never after its
// pending_since. The walk passes the open rungs due before before, which
// are few unless the sweeper is behind.
func (s *Store) Unacknowledged(ctx context.Context, before time.Time, limit int) ([]deadlines.Firing, error) {
	return s.firings(ctx, `FROM `+s.d.dueRungs+` WHERE NOT acked AND at < ? AND claimed AND pending_since < ? ORDER BY pending_since, key LIMIT ?`,
		before.UnixNano(), before.UnixNano(), limit)
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
		// Claims are found by key (PostgreSQL's primary key, SQLite's
		// rungs_key); an acknowledgement also drops the rung from
		// rungs_due (migrations 014 and 016).
		query := `UPDATE rungs SET pending_since = ? WHERE pending_since IS NOT NULL AND key IN (?` + strings.Repeat(`, ?`, len(chunk)-1) + `)`
		if since == nil {
			query = `UPDATE rungs SET pending_since = ?, acked = TRUE WHERE pending_since IS NOT NULL AND key IN (?` + strings.Repeat(`, ?`, len(chunk)-1) + `)`
		}
		if _, err := s.db.ExecContext(ctx, s.q(query), args...); err != nil {
			return fmt.Errorf("sqlstore: %s firings: %w", what, err)
		}
	}
	return nil
}

// Firings returns the claimed firings of a timer, earliest first, each
// with its FiredAt from the fired_at column. Its keys are
// the ones starting with its ID and a slash: a range of PostgreSQL's
// primary key, the key (SQLite's rungs_key).
func (s *Store) Firings(ctx context.Context, timerID string) ([]deadlines.Firing, error) {
	out, err := s.firings(ctx, `FROM claims WHERE timer_id = ? AND key >= ? AND key < ?`,
		timerID, timerID+"/", timerID+"0") // '0' follows '/'
	// Sorted by the firings' At: the at column may be FiredAt (see
	// ClaimFiring).
	slices.SortFunc(out, deadlines.CompareFirings)
	return out, err
}

// firings runs SELECT firingColumns rest.
func (s *Store) firings(ctx context.Context, rest string, args ...any) ([]deadlines.Firing, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+firingColumns+` `+rest), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: listing firings: %w", err)
	}
	defer rows.Close()
	var out []deadlines.Firing
	var r firingRow
	dest := r.dest()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("sqlstore: listing firings: %w", err)
		}
		f, err := r.firing()
		if err != nil {
			return nil, fmt.Errorf("sqlstore: decoding firing: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: listing firings: %w", err)
	}
	return out, nil
}

// firingFields are the columns of rungs (migrations 014 and 015),
// besides key, timer_id, at, rung_at and fired_at, that hold a firing, in
// the order of firingArgs.
var firingFields = []string{"subject", "cycle", "rung", "rung_offset", "rule", "at_zone", "due", "due_zone"}

// firingArgs appends the values of f's firingFields to args.
func firingArgs(args []any, f deadlines.Firing) []any {
	return append(args, f.Subject, f.Cycle, f.Rung.Name, f.Rung.Offset, f.Rung.Rule.String(), zone(f.At), nanos(f.Due), zone(f.Due))
}

// nanos is t in Unix nanoseconds, or NULL for the zero time.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// zone is t's UTC offset in seconds, or NULL for the zero time.
func zone(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	_, off := t.Zone()
	return off
}

// firingColumns select a firing from rungs (or its views), as firingRow
// scans it (dest).
const firingColumns = `key, subject, rung, rung_offset, rule, COALESCE(rung_at, at), at_zone, due, due_zone, fired_at`

// dueColumns select an open rung's firing from rungs, as firingRow scans
// it (dueDest): an open rung's At is at (rung_at is a claim's), and it has
// no FiredAt yet.
//
// Neither reads timer_id and cycle: they are in the key (timer/cycle/rung,
// deadlines.Firing.Key), and with modernc's driver every column of every
// row read costs (a claim of 1,000 reads 1,000 rows).
const dueColumns = `key, subject, rung, rung_offset, rule, at, at_zone, due, due_zone`

// firingRow is a firing's columns (firingColumns) as scanned.
type firingRow struct {
	// The text columns as read (reused from row to row: see firing).
	key, subject, rung, rule    sql.RawBytes
	offset, at                  int64
	atZone, due, dueZone, fired pgtype.Int8 // NULL or not, through pgx or database/sql

	// The last subject, rung name and rule read, the rule's citation and
	// the last zone made: rows of a batch share a few of each.
	subjectS, rungS, ruleS string
	cited                  deadlines.Citation
	zoneOff                int64
	zone                   *time.Location
}

// dest returns the Scan destinations of firingColumns.
func (r *firingRow) dest() []any {
	return append(r.dueDest(), &r.fired)
}

// dueDest returns the Scan destinations of dueColumns.
func (r *firingRow) dueDest() []any {
	return []any{&r.key, &r.subject, &r.rung, &r.offset, &r.rule, &r.at, &r.atZone, &r.due, &r.dueZone}
}

// errBadKey is a rung whose key is not its timer/cycle/rung.
var errBadKey = errors.New("the key is not timer/cycle/rung")

// firing builds the firing scanned. Its times are in their stored UTC
// offsets, as decoding them from RFC 3339 would have them (up to the
// Location: equal instants, equal offsets); a NULL zone is the zero time.
// Its TimerID and Cycle are read from the key. A rule that does not parse,
// or a key that is not the rung's, is an error, with the firing as far as
// read.
func (r *firingRow) firing() (deadlines.Firing, error) {
	f := deadlines.Firing{
		Subject: intern(&r.subjectS, r.subject),
		Rung:    deadlines.Rung{Name: intern(&r.rungS, r.rung), Offset: int(r.offset)},
		At:      r.instant(r.at, r.atZone), Due: r.instant(r.due.Int64, r.dueZone),
	}
	if r.fired.Valid {
		f.FiredAt = time.Unix(0, r.fired.Int64)
	}
	id, cycle, err := splitKey(string(r.key), f.Rung.Name)
	if err != nil {
		return f, err
	}
	f.TimerID, f.Cycle = id, cycle
	if string(r.rule) != r.ruleS { // the zero ruleS is the zero citation's
		c, err := deadlines.ParseCitation(string(r.rule))
		if err != nil {
			return f, err
		}
		r.ruleS, r.cited = string(r.rule), c
	}
	f.Rung.Rule = r.cited
	return f, nil
}

// splitKey returns the timer's ID and the cycle of key, the Key() of a
// firing whose rung is named rung (TimerID + "/" + Cycle + "/" + rung: the
// ID may hold slashes, the cycle does not), or errBadKey if it is not one.
func splitKey(key, rung string) (string, int, error) {
	head, named := strings.CutSuffix(key, rung)
	head, slashed := strings.CutSuffix(head, "/")
	i := strings.LastIndexByte(head, '/')
	if !named || !slashed || i < 0 {
		return "", 0, fmt.Errorf("rung %q: %w", key, errBadKey)
	}
	cycle, err := strconv.Atoi(head[i+1:])
	if err != nil || strconv.Itoa(cycle) != head[i+1:] { // not "01" or "+1": Key() is the key
		return "", 0, fmt.Errorf("rung %q: %w", key, errBadKey)
	}
	return head[:i], cycle, nil
}

// intern returns b as a string: last, if it is the same, else a new one,
// kept in last.
func intern(last *string, b []byte) string {
	if string(b) != *last {
		*last = string(b)
	}
	return *last
}

// appendClaimed appends the firing scanned, claimed by a batch fired at
// now, to out. A firing that does not decode is appended as far as read
// and the first such error kept in bad: the batch claim goes on and
// commits, and fails after it.
func (r *firingRow) appendClaimed(out []deadlines.Firing, now time.Time, bad *error) []deadlines.Firing {
	f, err := r.firing()
	if err != nil && *bad == nil {
		*bad = fmt.Errorf("sqlstore: decoding a due rung: %w", err)
	}
	f.FiredAt = now
	return append(out, f)
}

// instant is ns Unix nanoseconds in the zone of UTC offset off seconds:
// time.UTC for 0, else a fixed zone without a name, as decoding an RFC
// 3339 time gives (the row's last one is reused: rows share a few);
// NULL off is the zero time.
func (r *firingRow) instant(ns int64, off pgtype.Int8) time.Time {
	switch {
	case !off.Valid:
		return time.Time{}
	case off.Int64 == 0:
		return time.Unix(0, ns).UTC()
	case r.zone == nil || r.zoneOff != off.Int64:
		r.zone, r.zoneOff = time.FixedZone("", int(off.Int64)), off.Int64
	}
	return time.Unix(0, ns).In(r.zone)
}
