package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/qyzmet/qyzmet/reports"
)

// copyBatch is how many appeals one COPY carries on PostgreSQL.
const copyBatch = 5000

// copyAppeals is ImportAppeals on PostgreSQL: one pgx transaction on a
// connection of the pool, batches read and encoded on another goroutine,
// and per batch two binary COPYs, the appeals and their audit entries. An
// ID already stored fails the appeals' COPY on the primary key; the
// transaction is then rolled back and a look-up of the batch's IDs names
// the line (storedLineAfter).
func (s *Store) copyAppeals(ctx context.Context, appeals iter.Seq2[reports.Appeal, error]) (int, error) {
	n := 0
	err := s.withPgx(ctx, "importing appeals", func(pc *pgx.Conn) error {
		tx, err := pc.Begin(ctx)
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
			if err := copyBatchIn(ctx, tx, &b); err != nil {
				_ = tx.Rollback(ctx)
				return storedLineAfter(ctx, pc, &b, err)
			}
			n += b.n
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

// copyBatchIn copies a batch of appeals and their audit entries in. An ID
// already stored fails the appeals' COPY on the primary key: the error is
// a *pgconn.PgError with code 23505, and the transaction can do nothing
// more (see storedLineAfter).
func copyBatchIn(ctx context.Context, tx pgx.Tx, b *encodedBatch) error {
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"appeals"}, appealCols, pgx.CopyFromSlice(b.n, func(i int) ([]any, error) {
		return b.appeals[i*len(appealCols) : (i+1)*len(appealCols)], nil
	}))
	if err != nil {
		return fmt.Errorf("sqlstore: importing appeals: %w", err)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"audit"}, auditCols, pgx.CopyFromSlice(b.n, func(i int) ([]any, error) {
		return b.audit[i*len(auditCols) : (i+1)*len(auditCols)], nil
	}))
	if err != nil {
		return fmt.Errorf("sqlstore: importing appeals: audit entries: %w", err)
	}
	return nil
}

// storedLineAfter turns err, the failed COPY of batch b, into the error
// DuplicateAppeal returns when it is a unique violation and one of b's IDs
// is stored, looked up on conn once the transaction is rolled back. (A
// concurrent insert of the same ID makes the COPY wait for its
// transaction, and fail only once it committed, so the look-up finds it.)
// A violation whose ID the look-up does not find is still ErrConflict.
func storedLineAfter(ctx context.Context, conn *pgx.Conn, b *encodedBatch, err error) error {
	pe := (*pgconn.PgError)(nil)
	if !errors.As(err, &pe) || pe.Code != "23505" {
		return err
	}
	ids := make([]string, b.n)
	for i := range ids {
		ids[i] = b.id(i)
	}
	rows, qerr := conn.Query(ctx, `SELECT id FROM appeals WHERE id = ANY ($1)`, ids)
	if qerr == nil {
		var taken []string
		if taken, qerr = pgx.CollectRows(rows, pgx.RowTo[string]); qerr == nil && len(taken) > 0 {
			for i, id := range ids {
				if slices.Contains(taken, id) {
					return reports.DuplicateAppeal(b.first+i, id)
				}
			}
		}
	}
	return fmt.Errorf("sqlstore: importing appeals: %s: %w", pe.Detail, reports.ErrConflict)
}
