package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/reports"
)

var _ reports.AppealImporter = (*Store)(nil)

// importBatch is how many appeals one multi-row INSERT carries: 6
// parameters each, well under SQLite's 32,766 and PostgreSQL's 65,535.
const importBatch = 500

// importRow is an appeal encoded for the appeals table and its first audit
// entry.
type importRow struct {
	line  int
	a     reports.Appeal
	doc   string
	entry audit.Entry
	raw   string // the entry's JSON
}

// ImportAppeals implements reports.AppealImporter: one transaction of
// multi-row INSERTs (COPY on PostgreSQL, see copyAppeals), importBatch
// appeals and as many audit entries per statement, while another goroutine
// reads and encodes the next batch. An ID already stored is found through
// ON CONFLICT DO NOTHING RETURNING id, one earlier in the import through a
// map of the IDs seen.
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
		for b := range batches {
			if b.err != nil {
				return b.err
			}
			if err := s.insertAppeals(ctx, tx, b.rows); err != nil {
				return err
			}
			n += len(b.rows)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// encodedBatch is a batch of encoded appeals, or the error that ends the
// import.
type encodedBatch struct {
	rows []importRow
	err  error
}

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
		lines := map[string]int{}
		batch := make([]importRow, 0, size)
		line := 0
		for a, err := range appeals {
			line++
			if err != nil {
				send(encodedBatch{err: fmt.Errorf("sqlstore: importing appeals: %w", err)})
				return
			}
			if _, dup := lines[a.ID]; dup {
				send(encodedBatch{err: reports.DuplicateAppeal(line, a.ID)})
				return
			}
			lines[a.ID] = line
			r, err := s.encodeAppeal(line, a)
			if err != nil {
				send(encodedBatch{err: err})
				return
			}
			if batch = append(batch, r); len(batch) == size {
				if !send(encodedBatch{rows: batch}) {
					return
				}
				batch = make([]importRow, 0, size)
			}
		}
		if len(batch) > 0 {
			send(encodedBatch{rows: batch})
		}
	}()
	return out, func() {
		cancel()
		for range out { // let a blocked send finish
		}
		<-done
	}
}

// encodeAppeal encodes an appeal and its first audit entry.
func (s *Store) encodeAppeal(line int, a reports.Appeal) (importRow, error) {
	raw, err := json.Marshal(&a)
	if err != nil {
		return importRow{}, fmt.Errorf("sqlstore: encoding appeal %q: %w", a.ID, err)
	}
	entry := appealDoc.auditEntry(s, a.ID, &a, 0, "", audit.Digest(raw), nil)
	rawEntry, err := json.Marshal(entry)
	if err != nil {
		return importRow{}, fmt.Errorf("sqlstore: encoding audit entry: %w", err)
	}
	return importRow{line: line, a: a, doc: string(raw), entry: entry, raw: string(rawEntry)}, nil
}

// insertAppeals inserts a batch of appeals and their audit entries; an ID
// already stored is the error DuplicateAppeal returns for its line.
func (s *Store) insertAppeals(ctx context.Context, tx *sql.Tx, batch []importRow) error {
	args := make([]any, 0, 6*len(batch))
	for _, r := range batch {
		args = append(args, r.a.ID, r.a.ReceivedAt.UnixNano(), r.a.BodyID, r.a.ServiceID, head(r.entry), r.doc)
	}
	query := `INSERT INTO appeals (id, received_at, body_id, service_id, audit_head, doc) VALUES (?, ?, ?, ?, ?, ?)` +
		strings.Repeat(`, (?, ?, ?, ?, ?, ?)`, len(batch)-1) + ` ON CONFLICT DO NOTHING RETURNING id`
	rows, err := tx.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return fmt.Errorf("sqlstore: importing appeals: %w", err)
	}
	stored := make(map[string]bool, len(batch))
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("sqlstore: importing appeals: %w", err)
		}
		stored[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: importing appeals: %w", err)
	}
	if len(stored) < len(batch) {
		for _, r := range batch {
			if !stored[r.a.ID] {
				return reports.DuplicateAppeal(r.line, r.a.ID)
			}
		}
	}
	args = args[:0]
	for _, r := range batch {
		args = append(args, r.entry.Aggregate, r.entry.Seq, r.raw)
	}
	query = `INSERT INTO audit (aggregate, seq, entry) VALUES (?, ?, ?)` + strings.Repeat(`, (?, ?, ?)`, len(batch)-1)
	if _, err := tx.ExecContext(ctx, s.q(query), args...); err != nil {
		return fmt.Errorf("sqlstore: importing appeals: audit entries: %w", err)
	}
	return nil
}
