package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

// sqlitePragmas are the per-connection settings Open asks of SQLite.
type sqlitePragmas struct {
	journalMode string
	synchronous int // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
	busyTimeout int // milliseconds
	foreignKeys int
}

// pragmasOf reads conn's settings.
func pragmasOf(t *testing.T, ctx context.Context, conn *sql.Conn) sqlitePragmas {
	t.Helper()
	var p sqlitePragmas
	require.NoError(t, conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&p.journalMode))
	require.NoError(t, conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&p.synchronous))
	require.NoError(t, conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&p.busyTimeout))
	require.NoError(t, conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&p.foreignKeys))
	return p
}

// TestSQLitePragmasOnEveryConnection holds several connections of the pool
// at once (each one a connection of its own) beside the store's txn
// connection, and reads each one's settings: WAL, synchronous FULL by
// default (NORMAL when asked), the busy timeout, foreign keys.
func TestSQLitePragmasOnEveryConnection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []Option
		want sqlitePragmas
	}{
		{"default", nil, sqlitePragmas{journalMode: "wal", synchronous: 2, busyTimeout: 10000, foreignKeys: 1}},
		{"normal", []Option{WithSQLiteSynchronous("NORMAL")}, sqlitePragmas{journalMode: "wal", synchronous: 1, busyTimeout: 10000, foreignKeys: 1}},
		{"normal lower case, busy timeout", []Option{WithSQLiteSynchronous("normal"), WithSQLiteBusyTimeout(2500)},
			sqlitePragmas{journalMode: "wal", synchronous: 1, busyTimeout: 2500, foreignKeys: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "p.db"), tc.opts...)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			require.NoError(t, s.Migrate(ctx))
			// A document write opens the store's txn connection (begin).
			require.NoError(t, s.CreateCalendarData(ctx, "pragmas", deadlines.CalendarData{}))
			require.NotNil(t, s.txnConn.conn, "a write keeps the txn connection")
			require.Equal(t, tc.want, pragmasOf(t, ctx, s.txnConn.conn), "the txn connection")

			const held = 5
			conns := make([]*sql.Conn, held)
			for i := range conns {
				conns[i], err = s.db.Conn(ctx)
				require.NoError(t, err)
				defer conns[i].Close()
			}
			// Held at once, they are distinct connections; the pool opened
			// at least held+1 (the txn connection is held too).
			require.GreaterOrEqual(t, s.db.Stats().OpenConnections, held+1)
			for i, c := range conns {
				require.Equal(t, tc.want, pragmasOf(t, ctx, c), "pooled connection %d", i)
			}
		})
	}
}

// TestSQLiteWriteTransactionsBeginImmediate: while a store transaction is
// open, and before it has written anything, another connection's BEGIN
// IMMEDIATE gets SQLITE_BUSY, so the store's transaction took the write
// lock at BEGIN (a deferred one would take it at its first write). Both
// kinds are checked: txns (BEGIN IMMEDIATE on the txn connection) and
// inTx's *sql.Tx (the DSN's _txlock).
func TestSQLiteWriteTransactionsBeginImmediate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "i.db")
	s, err := Open(ctx, "sqlite://"+file)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	require.NoError(t, s.Migrate(ctx))

	// Another process's connection, which does not wait on the lock.
	other, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(0)")
	require.NoError(t, err)
	t.Cleanup(func() { other.Close() })
	oc, err := other.Conn(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { oc.Close() })
	beginImmediate := func() error {
		_, err := oc.ExecContext(ctx, `BEGIN IMMEDIATE`)
		if err == nil {
			_, rerr := oc.ExecContext(ctx, `ROLLBACK`)
			require.NoError(t, rerr)
		}
		return err
	}
	require.NoError(t, beginImmediate(), "with no store transaction open, the write lock is free")

	var inTxnErr, inTxErr error
	require.NoError(t, s.inTxn(ctx, func(*txn) error {
		inTxnErr = beginImmediate()
		return nil
	}))
	require.Error(t, inTxnErr, "a txn holds the write lock from its BEGIN")
	require.True(t, busy(inTxnErr), "SQLITE_BUSY, got %v", inTxnErr)

	require.NoError(t, s.inTx(ctx, func(*sql.Tx) error {
		inTxErr = beginImmediate()
		return nil
	}))
	require.Error(t, inTxErr, "inTx's transaction holds the write lock from its BEGIN")
	require.True(t, busy(inTxErr), "SQLITE_BUSY, got %v", inTxErr)

	require.NoError(t, beginImmediate(), "both released the lock")
}
