package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/deadlines"
)

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func notFound(kind, id string) error {
	return fmt.Errorf("sqlstore: %s %q: %w", kind, id, deadlines.ErrNotFound)
}

func conflict(kind, id string) error {
	return fmt.Errorf("sqlstore: %s %q: %w", kind, id, deadlines.ErrConflict)
}

// col is a column set beside a document.
type col struct {
	name  string
	value any
}

// insertDoc inserts a row; a row with the same primary or unique key is a
// conflict (ON CONFLICT DO NOTHING, then the row count says which).
func insertDoc(ctx context.Context, t *txn, kind, table, id string, raw []byte, cols ...col) error {
	names := make([]string, 0, len(cols)+1)
	args := make([]any, 0, len(cols)+1)
	for _, c := range cols {
		names = append(names, c.name)
		args = append(args, c.value)
	}
	names = append(names, "doc")
	args = append(args, string(raw))
	query := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(names)-1) + ") ON CONFLICT DO NOTHING"
	n, err := t.execCount(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlstore: inserting %s %q: %w", kind, id, err)
	}
	if n == 0 {
		return conflict(kind, id)
	}
	return nil
}

// getDoc reads one document; no row is ErrNotFound. On SQLite the query
// is the store's prepared statement.
func getDoc[T any](ctx context.Context, s *Store, kind, id, query string, args ...any) (*T, error) {
	var raw string
	var err error
	if s.d.name == "sqlite" {
		var st *sql.Stmt
		if st, err = s.stmt(ctx, query); err == nil {
			err = st.QueryRowContext(ctx, args...).Scan(&raw)
		}
	} else {
		err = s.db.QueryRowContext(ctx, s.q(query), args...).Scan(&raw)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(kind, id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: reading %s %q: %w", kind, id, err)
	}
	v := new(T)
	if err := decode([]byte(raw), v); err != nil {
		return nil, fmt.Errorf("sqlstore: decoding %s %q: %w", kind, id, err)
	}
	return v, nil
}

// listDocs reads documents in the query's order.
func listDocs[T any](ctx context.Context, s *Store, kind, query string, args ...any) ([]*T, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: listing %s: %w", kind, err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("sqlstore: listing %s: %w", kind, err)
		}
		v := new(T)
		if err := decode([]byte(raw), v); err != nil {
			return nil, fmt.Errorf("sqlstore: decoding %s: %w", kind, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: listing %s: %w", kind, err)
	}
	return out, nil
}

// doc describes how one aggregate is kept: its table, the columns beside
// the document, and its timers.
type doc[T any] struct {
	kind   string
	table  string
	where  string // the key condition, e.g. "id = ?"
	cols   func(*T) []col
	timers func(*T) []*deadlines.Timer
	// history returns how many events the aggregate has recorded and the
	// newest one, for its audit entries; nil when it keeps no history.
	history func(*T) (int, change)
	// events returns the events recorded from index from on, for the
	// outbox; nil when the aggregate records none.
	events func(v *T, from int) []event
	// cached: the port lets a store hand an update's fn the value it
	// keeps (fn keeps no reference to it), so updates reuse the value the
	// last one saved while its document is unchanged (docCache).
	cached bool
}

// event is one recorded event for the outbox.
type event struct {
	typ   string
	seq   int    // 1-based position in the aggregate's history
	id    string // instead of seq in the outbox key, for an event outside the history
	value any
}

// outboxKey is the event's idempotency key: "<aggregate>/<seq or id>".
func (e event) outboxKey(aggregate string) string {
	if e.id != "" {
		return aggregate + "/" + e.id
	}
	return aggregate + "/" + strconv.Itoa(e.seq)
}

// appendOutbox writes the events recorded from index from on into the
// outbox, in the caller's transaction.
func (d doc[T]) appendOutbox(ctx context.Context, s *Store, t *txn, id string, v *T, from int) error {
	if d.events == nil {
		return nil
	}
	aggregate := d.table + "/" + id
	for _, e := range d.events(v, from) {
		payload, err := encode(struct {
			Aggregate string `json:"aggregate"`
			Event     any    `json:"event"`
		}{aggregate, e.value})
		if err != nil {
			return fmt.Errorf("sqlstore: encoding outbox event: %w", err)
		}
		err = t.exec(ctx, wrapOutbox, `INSERT INTO outbox (key, topic, payload, next_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			e.outboxKey(aggregate), d.table+"."+e.typ, string(payload), s.now().UnixNano())
		if err != nil {
			return err
		}
	}
	return nil
}

// change is what an audit entry says of a state change.
type change struct{ typ, actor, rule string }

// auditEntry is the entry for a change of v from before (nil when
// created), given how many events it had before.
func (d doc[T]) auditEntry(s *Store, id string, v *T, eventsBefore int, before, after string, prev *audit.Entry) audit.Entry {
	c := change{typ: "changed", actor: "system"}
	if prev == nil {
		c.typ = "created"
	}
	if d.history != nil {
		if n, newest := d.history(v); n > eventsBefore {
			c = newest
		}
	}
	return audit.Next(prev, audit.Entry{
		Aggregate: d.table + "/" + id, Type: c.typ, Actor: c.actor, Rule: c.rule,
		At: s.now(), Before: before, After: after,
	})
}

// head is what an aggregate's audit_head column holds: "<seq>:<hash>".
func head(e audit.Entry) string { return strconv.Itoa(e.Seq) + ":" + e.Hash }

// parseHead reads an audit_head back into the fields Next needs.
func parseHead(h string) *audit.Entry {
	seq, hash, ok := strings.Cut(h, ":")
	n, err := strconv.Atoi(seq)
	if !ok || err != nil {
		return nil
	}
	return &audit.Entry{Seq: n, Hash: hash}
}

func (s *Store) appendAudit(ctx context.Context, t *txn, e audit.Entry) error {
	raw, err := encode(e)
	if err != nil {
		return fmt.Errorf("sqlstore: encoding audit entry: %w", err)
	}
	return t.exec(ctx, wrapAudit, `INSERT INTO audit (aggregate, seq, entry) VALUES (?, ?, ?)`, e.Aggregate, e.Seq, string(raw))
}

func wrapOutbox(err error) error { return fmt.Errorf("sqlstore: writing outbox event: %w", err) }
func wrapAudit(err error) error  { return fmt.Errorf("sqlstore: appending audit entry: %w", err) }

// update loads the row under a lock (SELECT … FOR UPDATE on PostgreSQL;
// SQLite's transaction is immediate), calls fn, and saves the document, the
// columns whose stored value differs from the document's and the
// schedules of the timers fn changed, in one transaction.
// An error from fn rolls back and is returned as is.
func (d doc[T]) update(ctx context.Context, s *Store, id string, key []any, fn func(t *txn, v *T) error) error {
	return s.inTxn(ctx, func(t *txn) error {
		return d.updateIn(ctx, s, t, id, key, func(v *T) error { return fn(t, v) })
	})
}

// updateIn is update within the caller's transaction.
func (d doc[T]) updateIn(ctx context.Context, s *Store, t *txn, id string, key []any, fn func(v *T) error) error {
	// The columns beside the document are read too: the UPDATE sets only
	// those whose value changes (SQLite rewrites an index entry whose
	// column is SET even to the same value).
	names := d.colNames()
	var raw []byte // read once, decoded and digested as is
	var prevHead string
	stored := make([]any, len(names))
	dest := make([]any, 0, 2+len(names))
	dest = append(dest, &raw, &prevHead)
	for i := range stored {
		dest = append(dest, &stored[i])
	}
	readArgs := key
	cacheKey := d.table + "/" + id
	var kept cachedDoc
	if d.cached {
		// The read returns the document only when it is not kept's.
		var ok bool
		if kept, ok = s.docs.take(cacheKey); ok {
			readArgs = append([]any{kept.doc}, key...)
		} else {
			readArgs = append([]any{nil}, key...) // NULL: never equal
		}
	}
	err := t.queryRow(ctx, d.selectForUpdate(s), readArgs, dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(d.kind, id)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: reading %s %q: %w", d.kind, id, err)
	}
	v, _ := kept.value.(*T)
	before := kept.digest
	if raw != nil || v == nil {
		v, before = new(T), audit.Digest(raw)
		if err := decode(raw, v); err != nil {
			return fmt.Errorf("sqlstore: decoding %s %q: %w", d.kind, id, err)
		}
	}
	schedules := map[string][]deadlines.Firing{}
	if d.timers != nil {
		for _, t := range d.timers(v) {
			schedules[t.ID] = slices.Clone(t.Schedule)
		}
	}
	events := 0
	if d.history != nil {
		events, _ = d.history(v)
	}
	if err := fn(v); err != nil {
		return err
	}
	next, err := encode(v)
	if err != nil {
		return fmt.Errorf("sqlstore: encoding %s %q: %w", d.kind, id, err)
	}
	entry := d.auditEntry(s, id, v, events, before, audit.Digest(next), parseHead(prevHead))
	set := "doc = ?, audit_head = ?"
	saved := string(next)
	args := []any{saved, head(entry)}
	if d.cols != nil {
		for i, c := range d.cols(v) {
			if i < len(stored) && names[i] == c.name && sameValue(stored[i], c.value) {
				continue
			}
			set += ", " + c.name + " = ?"
			args = append(args, c.value)
		}
	}
	args = append(args, key...)
	saving := func(err error) error { return fmt.Errorf("sqlstore: saving %s %q: %w", d.kind, id, err) }
	if err := t.exec(ctx, saving, "UPDATE "+d.table+" SET "+set+" WHERE "+d.where, args...); err != nil {
		return err
	}
	if err := s.appendAudit(ctx, t, entry); err != nil {
		return err
	}
	if err := d.appendOutbox(ctx, s, t, id, v, events); err != nil {
		return err
	}
	if d.timers != nil {
		for _, tm := range d.timers(v) {
			if err := s.indexTimer(ctx, t, tm, schedules[tm.ID]); err != nil {
				return err
			}
		}
	}
	if d.cached {
		t.committed = append(t.committed, func() {
			s.docs.put(cacheKey, cachedDoc{doc: saved, digest: entry.After, value: v})
		})
	}
	return nil
}

// create inserts v, its first audit entry and its timers' schedules in one
// transaction.
func (d doc[T]) create(ctx context.Context, s *Store, id string, v *T) error {
	return s.inTxn(ctx, func(t *txn) error { return d.createIn(ctx, s, t, id, v) })
}

// createIn is create within the caller's transaction.
func (d doc[T]) createIn(ctx context.Context, s *Store, t *txn, id string, v *T) error {
	raw, err := encode(v)
	if err != nil {
		return fmt.Errorf("sqlstore: encoding %s %q: %w", d.kind, id, err)
	}
	entry := d.auditEntry(s, id, v, 0, "", audit.Digest(raw), nil)
	var cols []col
	if d.cols != nil {
		cols = d.cols(v)
	}
	if err := insertDoc(ctx, t, d.kind, d.table, id, raw, append(cols, col{"audit_head", head(entry)})...); err != nil {
		return err
	}
	if err := s.appendAudit(ctx, t, entry); err != nil {
		return err
	}
	if err := d.appendOutbox(ctx, s, t, id, v, 0); err != nil {
		return err
	}
	if d.timers != nil {
		for _, tm := range d.timers(v) {
			if err := s.indexTimer(ctx, t, tm, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d doc[T]) get(ctx context.Context, s *Store, id string, key ...any) (*T, error) {
	return getDoc[T](ctx, s, d.kind, id, "SELECT doc FROM "+d.table+" WHERE "+d.where, key...)
}

// colNames are the names of the columns beside d's documents, in cols'
// order (cols of a zero T).
func (d doc[T]) colNames() []string {
	if d.cols == nil {
		return nil
	}
	if v, ok := colNamesOf.Load(d.table); ok {
		return v.([]string)
	}
	var names []string
	for _, c := range d.cols(new(T)) {
		names = append(names, c.name)
	}
	colNamesOf.Store(d.table, names)
	return names
}

// colNamesOf is table → doc.colNames.
var colNamesOf sync.Map

// selectForUpdate is update's query: the document, its audit head and its
// columns, the row locked.
func (d doc[T]) selectForUpdate(s *Store) string {
	k := s.d.name + "/" + d.table
	if v, ok := selectsOf.Load(k); ok {
		return v.(string)
	}
	q := "SELECT doc, audit_head"
	if d.cached {
		q = "SELECT CASE WHEN doc = ? THEN NULL ELSE doc END, audit_head"
	}
	for _, n := range d.colNames() {
		q += ", " + n
	}
	q += " FROM " + d.table + " WHERE " + d.where + s.d.forUpdate
	selectsOf.Store(k, q)
	return q
}

// selectsOf is "<dialect>/<table>" → doc.selectForUpdate.
var selectsOf sync.Map

// sameValue reports whether a column's stored value (as the driver scans
// it into an any) is v, a column value cols returns. A type it does not
// know is not the same: the column is written, as before.
func sameValue(stored, v any) bool {
	switch v := v.(type) {
	case string:
		switch s := stored.(type) {
		case string:
			return s == v
		case []byte:
			return string(s) == v
		}
	case int64:
		s, ok := stored.(int64)
		return ok && s == v
	case bool:
		switch s := stored.(type) {
		case bool:
			return s == v
		case int64:
			return (s != 0) == v && (s == 0 || s == 1)
		}
	}
	return false
}
