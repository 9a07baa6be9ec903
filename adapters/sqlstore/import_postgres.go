package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/qyzmet/qyzmet/reports"
)

// copyBatch is how many appeals one COPY carries on PostgreSQL.
const copyBatch = 5000

var (
	appealCopyCols = []string{"id", "received_at", "body_id", "service_id", "audit_head", "doc"}
	auditCopyCols  = []string{"aggregate", "seq", "entry"}
)

// copyAppeals is ImportAppeals on PostgreSQL: one pgx transaction on a
// connection of the pool, batches read and encoded on another goroutine,
// and per batch one lookup of the IDs already
// stored (to name a duplicate's line) and two binary COPYs, the appeals and
// their audit entries. A duplicate inserted concurrently after the lookup
// fails the COPY on the primary key: still ErrConflict, without its line.
func (s *Store) copyAppeals(ctx context.Context, appeals iter.Seq2[reports.Appeal, error]) (int, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: importing appeals: %w", err)
	}
	defer conn.Close()
	n := 0
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: importing appeals: driver connection %T is not pgx's", dc)
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return fmt.Errorf("sqlstore: begin: %w", err)
		}
		defer func() { _ = tx.Rollback(ctx) }()
		batches, stop := s.encodeBatches(ctx, appeals, copyBatch)
		defer stop()
		for b := range batches {
			if b.err != nil {
				return b.err
			}
			if err := copyBatchIn(ctx, tx, b.rows); err != nil {
				return err
			}
			n += len(b.rows)
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("sqlstore: commit: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func copyBatchIn(ctx context.Context, tx pgx.Tx, batch []importRow) error {
	ids := make([]string, len(batch))
	for i, r := range batch {
		ids[i] = r.a.ID
	}
	rows, err := tx.Query(ctx, `SELECT id FROM appeals WHERE id = ANY ($1)`, ids)
	if err != nil {
		return fmt.Errorf("sqlstore: importing appeals: %w", err)
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("sqlstore: importing appeals: %w", err)
	}
	if len(taken) > 0 {
		set := make(map[string]bool, len(taken))
		for _, id := range taken {
			set[id] = true
		}
		for _, r := range batch {
			if set[r.a.ID] {
				return reports.DuplicateAppeal(r.line, r.a.ID)
			}
		}
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"appeals"}, appealCopyCols, pgx.CopyFromSlice(len(batch), func(i int) ([]any, error) {
		r := &batch[i]
		return []any{r.a.ID, r.a.ReceivedAt.UnixNano(), r.a.BodyID, r.a.ServiceID, head(r.entry), r.doc}, nil
	}))
	if err != nil {
		if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "23505" {
			return fmt.Errorf("sqlstore: importing appeals: %s: %w", pe.Detail, reports.ErrConflict)
		}
		return fmt.Errorf("sqlstore: importing appeals: %w", err)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"audit"}, auditCopyCols, pgx.CopyFromSlice(len(batch), func(i int) ([]any, error) {
		r := &batch[i]
		return []any{r.entry.Aggregate, r.entry.Seq, r.raw}, nil
	}))
	if err != nil {
		return fmt.Errorf("sqlstore: importing appeals: audit entries: %w", err)
	}
	return nil
}
