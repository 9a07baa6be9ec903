package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/adapters/storetest"
)

var (
	_ storetest.FloorHarness = sqliteHarness{}
	_ storetest.FloorHarness = postgresHarness{}
)

// rawFloor is a bare table in the database of stores made as the
// harness makes them (for SQLite: the same WAL journal and synchronous=FULL,
// immediate transactions), written one transaction per document. On
// PostgreSQL its document is compressed as the store's onboardings' are
// (lz4 since migration 018, where the server has it), so that the floor
// gains what the store gains from it.
func rawFloor(ctx context.Context, tb testing.TB, s *sqlstore.Store) storetest.RawFloor {
	tb.Helper()
	_, err := s.DB().ExecContext(ctx, `CREATE TABLE raw_floor (key TEXT PRIMARY KEY, doc TEXT NOT NULL)`)
	require.NoError(tb, err)
	upsert := `INSERT INTO raw_floor (key, doc) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET doc = excluded.doc`
	if s.Dialect() == "postgres" {
		upsert = `INSERT INTO raw_floor (key, doc) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET doc = excluded.doc`
		var method string
		require.NoError(tb, s.DB().QueryRowContext(ctx, `SELECT attcompression FROM pg_attribute
			WHERE attrelid = 'onboardings'::regclass AND attname = 'doc'`).Scan(&method))
		if method == "l" {
			_, err = s.DB().ExecContext(ctx, `ALTER TABLE raw_floor ALTER COLUMN doc SET COMPRESSION lz4`)
			require.NoError(tb, err)
		}
	}
	return func(ctx context.Context, key string, doc []byte) error {
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("raw floor: %w", err)
		}
		if _, err := tx.ExecContext(ctx, upsert, key, string(doc)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("raw floor: %w", err)
		}
		return tx.Commit()
	}
}

func (h sqliteHarness) NewRawFloor(ctx context.Context, tb testing.TB) storetest.RawFloor {
	return rawFloor(ctx, tb, h.NewStores(ctx, tb).Timers.(*sqlstore.Store))
}

func (h postgresHarness) NewRawFloor(ctx context.Context, tb testing.TB) storetest.RawFloor {
	return rawFloor(ctx, tb, h.NewStores(ctx, tb).Timers.(*sqlstore.Store))
}
