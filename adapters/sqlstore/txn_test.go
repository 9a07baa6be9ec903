package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore/sqlstoretest"
	"github.com/qyzmet/qyzmet/onboarding"
)

// txnStores are a migrated store per dialect, each with a pool of one
// connection for its transactions, so that every transaction reuses the
// connection the one before it left: on PostgreSQL the whole pool; on
// SQLite the txn connection, which every txn runs on, and the pool has one
// more for the rest.
func txnStores(t *testing.T) map[string]*Store {
	ctx := context.Background()
	out := map[string]*Store{}
	open := func(name, dsn string) {
		s, err := Open(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		require.NoError(t, s.Migrate(ctx))
		if name == "sqlite" {
			s.db.SetMaxOpenConns(2)
		} else {
			s.db.SetMaxOpenConns(1)
		}
		out[name] = s
	}
	open("sqlite", "sqlite://"+filepath.Join(t.TempDir(), "qyzmet.db"))
	if base := os.Getenv(sqlstoretest.Env); base != "" {
		open("postgres", sqlstoretest.Schema(t, base, "txn"))
	}
	return out
}

// A txn runs its statements in order whatever it queues: a failed write is
// reported (worded by its caller) by the call that sends it, everything
// the transaction wrote is rolled back, and the connection goes back to
// the pool usable.
func TestTxnWritesInOrderAndRollsBackWhole(t *testing.T) {
	ctx := context.Background()
	const insert = `INSERT INTO audit (aggregate, seq, entry) VALUES (?, ?, '{}')`
	wording := func(err error) error { return &wordedForTest{err} }
	count := func(t *testing.T, s *Store, aggregate string) int {
		var n int
		require.NoError(t, s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM audit WHERE aggregate = ?`), aggregate).Scan(&n))
		return n
	}
	for name, s := range txnStores(t) {
		t.Run(name, func(t *testing.T) {
			// Writes, then a read that sees them, then more writes: all committed.
			err := s.inTxn(ctx, func(tx *txn) error {
				require.NoError(t, tx.exec(ctx, wording, insert, "ok", 1))
				require.NoError(t, tx.exec(ctx, wording, insert, "ok", 2))
				var n int
				require.NoError(t, tx.queryRow(ctx, `SELECT COUNT(*) FROM audit WHERE aggregate = ?`, []any{"ok"}, &n))
				require.Equal(t, 2, n)
				return tx.exec(ctx, wording, insert, "ok", 3)
			})
			require.NoError(t, err)
			require.Equal(t, 3, count(t, s, "ok"))

			// A read of no row is sql.ErrNoRows and leaves the transaction usable.
			err = s.inTxn(ctx, func(tx *txn) error {
				var e string
				err := tx.queryRow(ctx, `SELECT entry FROM audit WHERE aggregate = ?`, []any{"none"}, &e)
				require.ErrorIs(t, err, sql.ErrNoRows)
				return tx.exec(ctx, wording, insert, "after-no-rows", 1)
			})
			require.NoError(t, err)
			require.Equal(t, 1, count(t, s, "after-no-rows"))

			// A failing write is returned by the commit, worded; nothing stays.
			err = s.inTxn(ctx, func(tx *txn) error {
				require.NoError(t, tx.exec(ctx, wording, insert, "dup", 1))
				if err := tx.exec(ctx, wording, insert, "dup", 1); err != nil {
					return err // SQLite: at once
				}
				return tx.exec(ctx, wording, insert, "dup", 2)
			})
			var w *wordedForTest
			require.ErrorAs(t, err, &w)
			require.Zero(t, count(t, s, "dup"))

			// A failing write is returned by the next read, worded.
			err = s.inTxn(ctx, func(tx *txn) error {
				require.NoError(t, tx.exec(ctx, wording, insert, "dup2", 1))
				if err := tx.exec(ctx, wording, insert, "dup2", 1); err != nil {
					return err
				}
				var n int
				err := tx.queryRow(ctx, `SELECT COUNT(*) FROM audit`, nil, &n)
				require.ErrorAs(t, err, &w)
				// Every later statement fails the same way.
				require.Error(t, tx.exec(ctx, wording, insert, "dup2", 3))
				_, err2 := tx.execCount(ctx, insert, "dup2", 4)
				require.Error(t, err2)
				return err
			})
			require.ErrorAs(t, err, &w)
			require.Zero(t, count(t, s, "dup2"))

			// The closure's error rolls back what was queued.
			boom := errors.New("boom")
			err = s.inTxn(ctx, func(tx *txn) error {
				require.NoError(t, tx.exec(ctx, wording, insert, "closure", 1))
				n, err := tx.execCount(ctx, insert, "closure", 2)
				require.NoError(t, err)
				require.EqualValues(t, 1, n)
				return boom
			})
			require.ErrorIs(t, err, boom)
			require.Zero(t, count(t, s, "closure"))

			// The one connection is back, idle, after all of that.
			err = s.inTxn(ctx, func(tx *txn) error {
				n, err := tx.execCount(ctx, `INSERT INTO audit (aggregate, seq, entry) VALUES (?, ?, '{}') ON CONFLICT DO NOTHING`, "ok", 3)
				require.NoError(t, err)
				require.Zero(t, n)
				return nil
			})
			require.NoError(t, err)
			require.Equal(t, 3, count(t, s, "ok"))
		})
	}
}

type wordedForTest struct{ err error }

func (w *wordedForTest) Error() string { return "worded: " + w.err.Error() }
func (w *wordedForTest) Unwrap() error { return w.err }

// An update writes the columns beside a document whose stored value is not
// the document's (the one fn changed, and one edited behind the store's
// back), and leaves the others as they are.
func TestUpdateWritesTheColumnsThatDiffer(t *testing.T) {
	ctx := context.Background()
	for name, s := range txnStores(t) {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, s.CreateOnboarding(ctx, &onboarding.Onboarding{ID: "o1", ServiceID: "s1", BodyID: "b1", State: onboarding.StateRequestSent}))
			_, err := s.db.ExecContext(ctx, `UPDATE onboardings SET body_id = 'edited' WHERE id = 'o1'`)
			require.NoError(t, err)
			require.NoError(t, s.UpdateOnboarding(ctx, "o1", func(o *onboarding.Onboarding) error {
				o.ServiceID = "s2"
				return nil
			}))
			var svc, body string
			require.NoError(t, s.db.QueryRowContext(ctx, `SELECT service_id, body_id FROM onboardings WHERE id = 'o1'`).Scan(&svc, &body))
			require.Equal(t, "s2", svc)
			require.Equal(t, "b1", body)
			require.NoError(t, s.UpdateOnboarding(ctx, "o1", func(o *onboarding.Onboarding) error { return nil }))
			require.NoError(t, s.db.QueryRowContext(ctx, `SELECT service_id, body_id FROM onboardings WHERE id = 'o1'`).Scan(&svc, &body))
			require.Equal(t, []string{"s2", "b1"}, []string{svc, body})
			o, err := s.GetOnboarding(ctx, "o1")
			require.NoError(t, err)
			require.Equal(t, "s2", o.ServiceID)
			require.NoError(t, s.VerifyAudit(ctx))
		})
	}
}

func TestSameValue(t *testing.T) {
	for _, c := range []struct {
		stored, v any
		same      bool
	}{
		{"a", "a", true}, {[]byte("a"), "a", true}, {"a", "b", false}, {nil, "a", false},
		{int64(5), int64(5), true}, {int64(5), int64(6), false}, {"5", int64(5), false},
		{true, true, true}, {int64(1), true, true}, {int64(0), false, true}, {int64(2), true, false}, {false, true, false},
		{1.5, 1.5, false}, // a type sameValue does not know: written
	} {
		require.Equal(t, c.same, sameValue(c.stored, c.v), "%#v %#v", c.stored, c.v)
	}
}

// sqliteStore is a migrated SQLite store.
func sqliteStore(t *testing.T) *Store {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "qyzmet.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	require.NoError(t, s.Migrate(ctx))
	return s
}

// waitJoining waits until n txns wait for the write slot.
func waitJoining(t *testing.T, s *Store, n int32) {
	for i := 0; s.joining.Load() < n; i++ {
		require.Less(t, i, 5000, "writers never queued")
		time.Sleep(time.Millisecond)
	}
}

// Writers that queue on SQLite's write slot share one transaction: one
// that fails rolls back its own changes only, the others' are committed.
func TestSQLiteGroupKeepsEachWritersOutcome(t *testing.T) {
	ctx := context.Background()
	s := sqliteStore(t)
	const insert = `INSERT INTO audit (aggregate, seq, entry) VALUES (?, 1, '{}')`
	boom := errors.New("boom")
	errs := make(chan error, 2)
	err := s.inTxn(ctx, func(tx *txn) error {
		require.NoError(t, tx.exec(ctx, noWrap, insert, "a"))
		go func() {
			errs <- s.inTxn(ctx, func(tx *txn) error {
				if err := tx.exec(ctx, noWrap, insert, "b"); err != nil {
					return err
				}
				return boom
			})
		}()
		waitJoining(t, s, 1)
		go func() {
			errs <- s.inTxn(ctx, func(tx *txn) error { return tx.exec(ctx, noWrap, insert, "c") })
		}()
		waitJoining(t, s, 2)
		return nil
	})
	require.NoError(t, err)
	got := []error{<-errs, <-errs}
	require.Contains(t, got, boom)
	require.Contains(t, got, error(nil))
	var aggs []string
	rows, err := s.db.QueryContext(ctx, `SELECT aggregate FROM audit ORDER BY aggregate`)
	require.NoError(t, err)
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		aggs = append(aggs, a)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"a", "c"}, aggs)
	require.Nil(t, s.open)
}

// A writer that gives up waiting for the slot commits the group it may
// have been handed, so the writer before it does not wait for ever.
func TestSQLiteGroupCommitsWhenTheNextWriterGivesUp(t *testing.T) {
	ctx := context.Background()
	s := sqliteStore(t)
	for i := range 20 {
		wctx, cancel := context.WithCancel(ctx)
		gaveUp := make(chan error, 1)
		err := s.inTxn(ctx, func(tx *txn) error {
			go func() {
				gaveUp <- s.inTxn(wctx, func(*txn) error { return errors.New("never runs") })
			}()
			waitJoining(t, s, 1)
			cancel()
			if i%2 == 0 {
				time.Sleep(time.Millisecond) // let it notice before this one is done
			}
			return tx.exec(ctx, func(err error) error { return err }, `INSERT INTO audit (aggregate, seq, entry) VALUES (?, ?, '{}')`, "x", i)
		})
		require.NoError(t, err)
		require.ErrorIs(t, <-gaveUp, context.Canceled)
		var n int
		require.NoError(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE aggregate = 'x'`).Scan(&n))
		require.Equal(t, i+1, n)
	}
	require.Nil(t, s.open)
}

// A writer that panics rolls back its group and frees the write slot.
func TestSQLiteGroupSurvivesAPanic(t *testing.T) {
	ctx := context.Background()
	s := sqliteStore(t)
	require.Panics(t, func() {
		_ = s.inTxn(ctx, func(tx *txn) error {
			_ = tx.exec(ctx, noWrap, `INSERT INTO audit (aggregate, seq, entry) VALUES ('p', 1, '{}')`)
			panic("boom")
		})
	})
	require.NoError(t, s.inTxn(ctx, func(tx *txn) error {
		return tx.exec(ctx, noWrap, `INSERT INTO audit (aggregate, seq, entry) VALUES ('q', 1, '{}')`)
	}))
	var n int
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE aggregate IN ('p', 'q')`).Scan(&n))
	require.Equal(t, 1, n)
	require.Nil(t, s.open)
}

// A COMMIT that fails (here a deferred foreign key) returns its error,
// keeps nothing of the transaction and leaves the txn connection out of
// it: the next txn commits.
func TestSQLiteFailedCommitLeavesNoTransactionOpen(t *testing.T) {
	ctx := context.Background()
	s := sqliteStore(t)
	_, err := s.db.ExecContext(ctx, `CREATE TABLE parent (id INTEGER PRIMARY KEY);
		CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`)
	require.NoError(t, err)
	err = s.inTxn(ctx, func(tx *txn) error {
		require.NoError(t, appendAuditRow(ctx, tx, "orphan", 1))
		return tx.exec(ctx, noWrap, `INSERT INTO child (parent_id) VALUES (7)`)
	})
	require.ErrorContains(t, err, "commit")
	require.NoError(t, insertAuditRow(ctx, s, "next"))
	require.Equal(t, 1, countAuditRows(t, s, "orphan", "next"))
	require.Equal(t, 1, countAuditRows(t, s, "next"))
}

// A txn connection that is gone (closed here behind the store's back) is
// replaced by the next txn, which commits.
func TestSQLiteTxnConnectionIsReplacedWhenGone(t *testing.T) {
	ctx := context.Background()
	s := sqliteStore(t)
	require.NoError(t, insertAuditRow(ctx, s, "first"))
	gone := s.txnConn.conn
	require.NoError(t, gone.Close())
	require.NoError(t, insertAuditRow(ctx, s, "second"))
	require.NotSame(t, gone, s.txnConn.conn)
	require.Equal(t, 2, countAuditRows(t, s, "first", "second"))
}

// A txn whose context is cancelled while it writes returns the error,
// keeps nothing, and leaves the txn connection usable: the next txn
// commits.
func TestSQLiteCancelledTxnKeepsNothing(t *testing.T) {
	ctx := context.Background()
	s := sqliteStore(t)
	cctx, cancel := context.WithCancel(ctx)
	err := s.inTxn(cctx, func(tx *txn) error {
		require.NoError(t, appendAuditRow(cctx, tx, "cancelled", 1))
		cancel()
		return appendAuditRow(cctx, tx, "cancelled", 2)
	})
	require.ErrorIs(t, err, context.Canceled)
	require.NoError(t, insertAuditRow(ctx, s, "next"))
	require.Equal(t, 1, countAuditRows(t, s, "cancelled", "next"))
}

// A SQLite pool of one connection cannot give the store one to keep for
// its transactions and one to read with: a write fails with
// ErrPoolTooSmall, writes nothing, and does not hang the reads after it.
func TestSQLitePoolOfOneConnectionIsRefused(t *testing.T) {
	ctx := context.Background()
	s := sqliteStore(t)
	s.db.SetMaxOpenConns(1)
	require.ErrorIs(t, insertAuditRow(ctx, s, "one"), ErrPoolTooSmall)
	require.Zero(t, countAuditRows(t, s, "one"))
	s.db.SetMaxOpenConns(2)
	require.NoError(t, insertAuditRow(ctx, s, "two"))
	require.Equal(t, 1, countAuditRows(t, s, "two"))
}

func noWrap(err error) error { return err }

// appendAuditRow writes a bare audit row in tx.
func appendAuditRow(ctx context.Context, tx *txn, aggregate string, seq int) error {
	return tx.exec(ctx, noWrap, `INSERT INTO audit (aggregate, seq, entry) VALUES (?, ?, '{}')`, aggregate, seq)
}

// insertAuditRow writes a bare audit row in a txn of its own.
func insertAuditRow(ctx context.Context, s *Store, aggregate string) error {
	return s.inTxn(ctx, func(tx *txn) error { return appendAuditRow(ctx, tx, aggregate, 1) })
}

// countAuditRows counts the audit rows of aggregates.
func countAuditRows(t *testing.T, s *Store, aggregates ...string) int {
	t.Helper()
	var n int
	query := `SELECT COUNT(*) FROM audit WHERE aggregate IN (?` + strings.Repeat(`, ?`, len(aggregates)-1) + `)`
	args := make([]any, len(aggregates))
	for i, a := range aggregates {
		args[i] = a
	}
	require.NoError(t, s.db.QueryRowContext(context.Background(), query, args...).Scan(&n))
	return n
}
