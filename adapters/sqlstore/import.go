package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
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
// multi-row INSERTs, importBatch appeals (and as many audit entries) per
// statement. An ID already stored is found through ON CONFLICT DO NOTHING
// RETURNING id, one earlier in the import through a map of the IDs seen.
func (s *Store) ImportAppeals(ctx context.Context, appeals iter.Seq2[reports.Appeal, error]) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		lines := map[string]int{}
		batch := make([]importRow, 0, importBatch)
		line := 0
		for a, err := range appeals {
			line++
			if err != nil {
				return fmt.Errorf("sqlstore: importing appeals: %w", err)
			}
			if _, dup := lines[a.ID]; dup {
				return reports.DuplicateAppeal(line, a.ID)
			}
			lines[a.ID] = line
			raw, err := json.Marshal(&a)
			if err != nil {
				return fmt.Errorf("sqlstore: encoding appeal %q: %w", a.ID, err)
			}
			entry := appealDoc.auditEntry(s, a.ID, &a, 0, "", audit.Digest(raw), nil)
			rawEntry, err := json.Marshal(entry)
			if err != nil {
				return fmt.Errorf("sqlstore: encoding audit entry: %w", err)
			}
			batch = append(batch, importRow{line: line, a: a, doc: string(raw), entry: entry, raw: string(rawEntry)})
			if len(batch) == importBatch {
				if err := s.insertAppeals(ctx, tx, batch); err != nil {
					return err
				}
				n += len(batch)
				batch = batch[:0]
			}
		}
		if len(batch) > 0 {
			if err := s.insertAppeals(ctx, tx, batch); err != nil {
				return err
			}
			n += len(batch)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
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
