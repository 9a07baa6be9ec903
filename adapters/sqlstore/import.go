package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/reports"
)

var _ reports.AppealImporter = (*Store)(nil)

// importBatch is how many appeals one multi-row INSERT carries on SQLite:
// 6 parameters each, well under SQLite's 32,766.
const importBatch = 500

// The columns an import writes, in the order of a batch's arguments.
var (
	appealCols = []string{"id", "received_at", "body_id", "service_id", "audit_head", "doc"}
	auditCols  = []string{"aggregate", "seq", "entry"}
)

// ImportAppeals implements reports.AppealImporter: one transaction of
// multi-row INSERTs (COPY on PostgreSQL, see copyAppeals), importBatch
// appeals and as many audit entries per statement, prepared once, while
// another goroutine reads and encodes the next batch. An ID earlier in the
// import is found through a set of the IDs seen; one already stored makes
// the batch's INSERT store fewer rows than it has (see insertAppeals), and
// once the transaction is rolled back a look-up of the batch's IDs names
// its line.
func (s *Store) ImportAppeals(ctx context.Context, appeals iter.Seq2[reports.Appeal, error]) (int, error) {
	if s.d.name == "postgres" {
		return s.copyAppeals(ctx, appeals)
	}
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The import may hold far more pages than the default 2 MB page
		// cache; a bigger one for this connection saves re-reading them.
		var cacheSize int
		if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cacheSize); err != nil {
			return fmt.Errorf("sqlstore: importing appeals: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
			return fmt.Errorf("sqlstore: importing appeals: %w", err)
		}
		defer func() {
			_, _ = tx.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = `+strconv.Itoa(cacheSize))
		}()
		batches, stop := s.encodeBatches(ctx, appeals, importBatch)
		defer stop()
		var full, last *importStmts
		defer func() {
			for _, st := range []*importStmts{full, last} {
				if st != nil {
					st.close()
				}
			}
		}()
		for b := range batches {
			if b.err != nil {
				return b.err
			}
			st := &full
			if b.n < importBatch {
				st = &last
			}
			if *st == nil {
				var err error
				if *st, err = s.prepareImport(ctx, tx, b.n); err != nil {
					return err
				}
			}
			if err := s.insertAppeals(ctx, *st, &b); err != nil {
				return err
			}
			n += b.n
		}
		return nil
	})
	if short := (*shortBatch)(nil); errors.As(err, &short) {
		if dup := s.storedLine(ctx, s.db, short.b); dup != nil {
			return 0, dup
		}
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

// shortBatch is the error of an INSERT that stored fewer rows than its
// batch has (see insertAppeals).
type shortBatch struct {
	b      *encodedBatch
	stored int64
	rowsOf string
}

func (e *shortBatch) Error() string {
	return fmt.Sprintf("sqlstore: importing appeals: %d of %d %s stored (lines %d to %d): %v",
		e.stored, e.b.n, e.rowsOf, e.b.first, e.b.first+e.b.n-1, reports.ErrConflict)
}

func (e *shortBatch) Unwrap() error { return reports.ErrConflict }

// encodedBatch is a batch of n encoded appeals, lines first to first+n-1,
// as the arguments of their rows (appealCols, then auditCols, row after
// row), or the error that ends the import.
type encodedBatch struct {
	first, n       int
	appeals, audit []any
	err            error
}

// id returns the ID of the batch's i-th appeal.
func (b *encodedBatch) id(i int) string { return b.appeals[i*len(appealCols)].(string) }

// encodeBatches reads the import on its own goroutine, checks that no ID
// repeats, encodes each appeal with its audit entry, and sends batches of
// size appeals, then closes the channel; an error is sent as the last
// batch. stop ends the reading early and waits for the goroutine.
func (s *Store) encodeBatches(ctx context.Context, appeals iter.Seq2[reports.Appeal, error], size int) (<-chan encodedBatch, func()) {
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan encodedBatch, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(out)
		send := func(b encodedBatch) bool {
			select {
			case out <- b:
				return true
			case <-ctx.Done():
				return false
			}
		}
		seen := map[string]struct{}{}
		e := batchEncoder{boxes: map[string]any{}}
		// One appeal, reused: its address reaches the audit entry's
		// history function, so each appeal would otherwise move to the heap.
		cur := new(reports.Appeal)
		line := 0
		for a, err := range appeals {
			line++
			if err != nil {
				send(encodedBatch{err: fmt.Errorf("sqlstore: importing appeals: %w", err)})
				return
			}
			if _, dup := seen[a.ID]; dup {
				send(encodedBatch{err: reports.DuplicateAppeal(line, a.ID)})
				return
			}
			seen[a.ID] = struct{}{}
			*cur = a
			if err := e.encode(s, cur); err != nil {
				send(encodedBatch{err: err})
				return
			}
			if len(e.rows) == size {
				if !send(e.finish(line - size + 1)) {
					return
				}
			}
		}
		if len(e.rows) > 0 {
			send(e.finish(line - len(e.rows) + 1))
		}
	}()
	return out, func() {
		cancel()
		for range out { // let a blocked send finish
		}
		<-done
	}
}

// batchEncoder encodes a batch: the documents, audit entries and heads go
// into one buffer, which finish makes one string that the batch's arguments
// are cut from (two allocations a batch rather than three a row).
type batchEncoder struct {
	buf  []byte
	rows []encodedRow
	// boxes are the bodies' and services' IDs as arguments: few values,
	// each repeated by many appeals, boxed once.
	boxes map[string]any
}

func (e *batchEncoder) box(s string) any {
	v, ok := e.boxes[s]
	if !ok {
		v = s
		e.boxes[s] = v
	}
	return v
}

// encodedRow is an appeal encoded into batchEncoder's buffer.
type encodedRow struct {
	id, body, service string
	receivedAt        int64 // Unix nanoseconds
	aggregate         string
	seq               int // the audit entry's: 1, the first of the appeal's chain
	// Where the appeal's document, its audit entry and its audit head end
	// in the buffer; each begins where the one before ends.
	docEnd, entryEnd, headEnd int
}

// encode encodes an appeal and its first audit entry.
func (e *batchEncoder) encode(s *Store, a *reports.Appeal) error {
	start := len(e.buf)
	v := *a // only this copy escapes to encode
	raw, err := encode(&v)
	if err != nil {
		return fmt.Errorf("sqlstore: encoding appeal %q: %w", a.ID, err)
	}
	e.buf = append(e.buf, raw...)
	docEnd := len(e.buf)
	entry := appealDoc.auditEntry(s, a.ID, a, 0, "", audit.Digest(e.buf[start:docEnd]), nil)
	if raw, err = encode(entry); err != nil {
		return fmt.Errorf("sqlstore: encoding audit entry: %w", err)
	}
	e.buf = append(e.buf, raw...)
	entryEnd := len(e.buf)
	e.buf = append(strconv.AppendInt(e.buf, int64(entry.Seq), 10), ':') // head(entry)
	e.buf = append(e.buf, entry.Hash...)
	e.rows = append(e.rows, encodedRow{id: a.ID, body: a.BodyID, service: a.ServiceID, receivedAt: a.ReceivedAt.UnixNano(),
		aggregate: entry.Aggregate, seq: entry.Seq, docEnd: docEnd, entryEnd: entryEnd, headEnd: len(e.buf)})
	return nil
}

// finish returns the rows encoded since the last finish as a batch whose
// first line is first, and empties the encoder.
func (e *batchEncoder) finish(first int) encodedBatch {
	all := string(e.buf)
	b := encodedBatch{first: first, n: len(e.rows),
		appeals: make([]any, 0, len(e.rows)*len(appealCols)), audit: make([]any, 0, len(e.rows)*len(auditCols))}
	start := 0
	for _, r := range e.rows {
		doc, entry, head := all[start:r.docEnd], all[r.docEnd:r.entryEnd], all[r.entryEnd:r.headEnd]
		b.appeals = append(b.appeals, r.id, r.receivedAt, e.box(r.body), e.box(r.service), head, doc)
		b.audit = append(b.audit, r.aggregate, r.seq, entry)
		start = r.headEnd
	}
	e.buf, e.rows = e.buf[:0], e.rows[:0]
	return b
}

// importStmts are the two multi-row INSERTs of a batch of n appeals,
// prepared once per import: SQLite would otherwise parse and plan each
// statement of thousands of parameters again for every batch.
type importStmts struct {
	appeals, audit *sql.Stmt
}

func (s *Store) prepareImport(ctx context.Context, tx *sql.Tx, n int) (*importStmts, error) {
	appeals, err := tx.PrepareContext(ctx, insertRows("appeals", appealCols, n))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: importing appeals: %w", err)
	}
	audit, err := tx.PrepareContext(ctx, insertRows("audit", auditCols, n))
	if err != nil {
		appeals.Close()
		return nil, fmt.Errorf("sqlstore: importing appeals: %w", err)
	}
	return &importStmts{appeals: appeals, audit: audit}, nil
}

func (st *importStmts) close() {
	st.appeals.Close()
	st.audit.Close()
}

// insertRows is SQLite's INSERT of n rows of cols into table.
func insertRows(table string, cols []string, n int) string {
	row := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
	return "INSERT OR IGNORE INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + row + strings.Repeat(", "+row, n-1)
}

// insertAppeals inserts a batch of appeals and their audit entries with
// st's statements (of the batch's size). The INSERTs are OR IGNORE: as
// such a statement cannot fail half-way, SQLite keeps no statement journal
// for it (a copy of every page it changes, to undo it alone). A row it
// skips, the batch's ID that is stored already (the only constraint these
// rows can break: they have no NULLs, the tables no CHECKs or foreign
// keys), shows in the count of rows stored, and fails the import as a
// *shortBatch.
func (s *Store) insertAppeals(ctx context.Context, st *importStmts, b *encodedBatch) error {
	for _, ins := range []struct {
		stmt   *sql.Stmt
		args   []any
		rowsOf string
	}{{st.appeals, b.appeals, "appeals"}, {st.audit, b.audit, "audit entries"}} {
		res, err := ins.stmt.ExecContext(ctx, ins.args...)
		if err != nil {
			return fmt.Errorf("sqlstore: importing appeals: %s: %w", ins.rowsOf, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(b.n) {
			return &shortBatch{b: b, stored: n, rowsOf: ins.rowsOf}
		}
	}
	return nil
}

// storedLine returns the error DuplicateAppeal returns for the first
// appeal of b whose ID is stored, or nil (also when the look-up fails: the
// caller has an error of its own to return).
func (s *Store) storedLine(ctx context.Context, q querier, b *encodedBatch) error {
	ids := make([]any, b.n)
	for i := range ids {
		ids[i] = b.id(i)
	}
	rows, err := q.QueryContext(ctx, s.q(`SELECT id FROM appeals WHERE id IN (?`+strings.Repeat(`, ?`, b.n-1)+`)`), ids...)
	if err != nil {
		return nil
	}
	defer rows.Close()
	stored := map[string]bool{}
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			stored[id] = true
		}
	}
	for i := range b.n {
		if id := b.id(i); stored[id] {
			return reports.DuplicateAppeal(b.first+i, id)
		}
	}
	return nil
}
