package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// txn is the transaction of a document's create or update (doc[T]) and
// of whatever its caller writes beside it. Statements run in the order
// they are given and each sees the effects of the ones before; what
// differs between the dialects is when they reach the database.
//
// On SQLite, txn runs on the store's txn connection, in a transaction
// begun with BEGIN IMMEDIATE (see begin), and its statements are
// prepared once on that connection (modernc parses the SQL of every
// statement that is not prepared, and that parse was a fifth of a
// transition's CPU) and run at once.
//
// On PostgreSQL, txn is a pgx transaction on one connection of the pool,
// pipelined: BEGIN and the writes whose result nobody waits for (exec) are
// queued and sent in one round trip with the next statement whose result
// is needed (execCount, queryRow) or with the COMMIT. An update is thus
// two round trips, BEGIN with SELECT … FOR UPDATE and then the document's
// UPDATE, its audit entry, outbox events, schedule rows and COMMIT,
// instead of one per statement. An error of a queued write is returned by
// the call that sends it, and the transaction is rolled back as with any
// other error.
type txn struct {
	s    *Store
	conn *sql.Conn // SQLite: the txn connection, in a transaction

	pg     *pgx.Conn // PostgreSQL
	queue  pgx.Batch // PostgreSQL: the statements not sent yet
	begun  bool      // PostgreSQL: BEGIN is queued or sent
	failed error     // PostgreSQL: the error of a send; the connection's transaction is aborted

	committed []func() // run once the transaction has committed
}

// inTxn runs fn in a txn: committed when fn returns nil, rolled back
// otherwise. On SQLite it is an immediate transaction behind the write
// slot, which the txns queued there share (group).
func (s *Store) inTxn(ctx context.Context, fn func(*txn) error) error {
	t := &txn{s: s}
	var err error
	if s.d.name != "postgres" {
		err = s.inGroup(ctx, t, fn)
	} else {
		err = s.withPgx(ctx, "begin", func(pc *pgx.Conn) error {
			t.pg = pc
			if err := fn(t); err != nil {
				t.rollback(ctx)
				return err
			}
			return t.commit(ctx)
		})
	}
	if err == nil {
		for _, f := range t.committed {
			f()
		}
	}
	return err
}

// withPgx calls fn with a PostgreSQL connection of the pool as pgx's own
// *pgx.Conn: its API skips database/sql's per-value conversions and
// goroutine hand-offs. what names the operation in errors.
func (s *Store) withPgx(ctx context.Context, what string, fn func(*pgx.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: %s: driver connection %T is not pgx's", what, dc)
		}
		return fn(sc.Conn())
	})
}

// group is a SQLite transaction that several txns of this process share,
// one after another, so that one COMMIT (one fsync of the WAL) makes all
// of them durable: a txn that finds writers waiting for the write slot
// when its fn is done hands the slot on with the transaction still open,
// and the last one commits. Each txn after the first runs in a savepoint,
// so an error of its fn rolls back its own statements only. None returns
// before the COMMIT has succeeded; if it fails, all of them return its
// error and none of their changes is kept.
type group struct {
	conn    *sql.Conn     // the txn connection, in the transaction
	members int           // txns whose fn succeeded in tx
	done    chan struct{} // closed once committed (or rolled back)
	err     error         // the COMMIT's error, for every member
}

// maxGroup is how many txns one group transaction holds at most.
const maxGroup = 16

// inGroup is inTxn on SQLite.
func (s *Store) inGroup(ctx context.Context, t *txn, fn func(*txn) error) error {
	s.joining.Add(1)
	unlock, err := s.lockSlot(ctx)
	s.joining.Add(-1)
	if err != nil {
		// Whoever handed the slot on may have counted on this writer to
		// commit the group: commit it, then give up.
		s.writer <- struct{}{}
		s.commitGroup()
		<-s.writer
		return err
	}
	g := s.open
	if g == nil {
		// The transaction outlives this caller's context when others join it.
		conn, err := s.begin(context.WithoutCancel(ctx))
		if err != nil {
			unlock()
			return fmt.Errorf("sqlstore: begin: %w", err)
		}
		g = &group{conn: conn, done: make(chan struct{})}
		s.open = g
	}
	t.conn = g.conn
	ferr := func() error {
		defer func() {
			if p := recover(); p != nil {
				// The group cannot be trusted: roll it back, its members
				// get the error, the slot is free again.
				g.err = fmt.Errorf("sqlstore: a writer of the transaction panicked: %v", p)
				s.commitGroup()
				unlock()
				panic(p)
			}
		}()
		return s.runMember(ctx, g, t, fn)
	}()
	switch {
	case ferr != nil && g.members == 0:
		// Nobody else's changes are in the transaction: roll it back.
		s.open = nil
		_ = s.end(g.conn, "ROLLBACK")
		close(g.done)
		unlock()
		return ferr
	case ferr == nil:
		g.members++
	}
	if s.joining.Load() > 0 && g.members < maxGroup {
		unlock() // the next writer joins, or commits
	} else {
		s.commitGroup()
		unlock()
	}
	if ferr != nil {
		return ferr // its savepoint is rolled back: nothing to wait for
	}
	<-g.done
	return g.err
}

// runMember runs fn in g's transaction, in a savepoint when g holds
// others' changes already.
func (s *Store) runMember(ctx context.Context, g *group, t *txn, fn func(*txn) error) error {
	if g.members == 0 {
		return fn(t)
	}
	if err := s.execTxnConn(ctx, "SAVEPOINT member"); err != nil {
		return fmt.Errorf("sqlstore: savepoint: %w", err)
	}
	ferr := fn(t)
	if ferr != nil {
		if err := s.execTxnConn(context.WithoutCancel(ctx), "ROLLBACK TO member"); err != nil {
			g.err = fmt.Errorf("sqlstore: rolling back to a savepoint: %w", err) // the group cannot commit
		}
	}
	if err := s.execTxnConn(context.WithoutCancel(ctx), "RELEASE member"); err != nil && g.err == nil {
		g.err = fmt.Errorf("sqlstore: releasing a savepoint: %w", err)
	}
	return ferr
}

// commitGroup commits the open group transaction, if any; the caller holds
// the write slot.
func (s *Store) commitGroup() {
	g := s.open
	if g == nil {
		return
	}
	s.open = nil
	if g.err != nil {
		_ = s.end(g.conn, "ROLLBACK")
	} else if err := s.end(g.conn, "COMMIT"); err != nil {
		g.err = fmt.Errorf("sqlstore: commit: %w", err)
	}
	close(g.done)
}

// begin begins an immediate transaction on the txn connection (SQLite),
// opening it first if the store has none. The caller holds the write slot.
//
// All of a process's SQLite transactions of txns run on this one
// connection of the pool, which the store keeps (other writers and the
// readers use the rest of the pool): its statements are prepared on it
// once (txnConn.stmts), and BEGIN and COMMIT are plain statements on it. A
// *sql.Tx would cost two goroutine hand-offs per transaction (database/sql
// starts one per Tx to watch its context, and wakes it at the end), ≈ 20
// µs of a ≈ 400 µs transition.
func (s *Store) begin(ctx context.Context) (*sql.Conn, error) {
	w := &s.txnConn
	for {
		fresh := w.conn == nil
		if fresh {
			if s.db.Stats().MaxOpenConnections == 1 {
				return nil, ErrPoolTooSmall // db.Conn would take the only one, for good
			}
			conn, err := s.db.Conn(context.WithoutCancel(ctx))
			if err != nil {
				return nil, err
			}
			w.conn, w.stmts = conn, map[string]*sql.Stmt{}
		}
		err := s.execTxnConn(ctx, "BEGIN IMMEDIATE")
		if err == nil {
			return w.conn, nil
		}
		// A connection that is gone is replaced, once.
		s.dropTxnConn()
		if fresh || !(errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone)) {
			return nil, err
		}
	}
}

// end ends the txn connection's transaction with COMMIT or ROLLBACK.
// When that fails the transaction may still be open (a COMMIT that got
// SQLITE_BUSY), or the connection be broken: it is rolled back and, if
// even that fails, the connection is closed (SQLite rolls back what a
// closed connection left open) and a new one is opened for the next
// transaction. The caller holds the write slot.
func (s *Store) end(conn *sql.Conn, verb string) error {
	ctx := context.Background()
	err := s.execTxnConn(ctx, verb)
	if err == nil {
		return nil
	}
	if _, rerr := conn.ExecContext(ctx, "ROLLBACK"); rerr != nil && !strings.Contains(rerr.Error(), "no transaction is active") {
		s.dropTxnConn()
	}
	return err
}

// dropTxnConn closes the txn connection and its statements, and
// discards the connection rather than returning it to the pool. The caller
// holds the write slot (or the store is closing).
func (s *Store) dropTxnConn() {
	w := &s.txnConn
	if w.conn == nil {
		return
	}
	for _, st := range w.stmts {
		_ = st.Close()
	}
	_ = w.conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = w.conn.Close()
	w.conn, w.stmts = nil, nil
}

// exec runs a write whose result is not needed; on PostgreSQL it is
// queued. wrap turns the database's error into the one returned.
func (t *txn) exec(ctx context.Context, wrap func(error) error, query string, args ...any) error {
	if t.conn != nil {
		st, err := t.s.prepared(ctx, query)
		if err == nil {
			_, err = st.ExecContext(ctx, args...)
		}
		if err != nil {
			return wrap(err)
		}
		return nil
	}
	if t.failed != nil {
		return t.failed
	}
	t.enqueue(t.s.q(query), args, func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return worded{wrap(err)}
		}
		return nil
	})
	return nil
}

// execCount runs a write now (after what is queued) and returns how many
// rows it changed. An error of a queued write is returned as that write's.
func (t *txn) execCount(ctx context.Context, query string, args ...any) (int64, error) {
	if t.conn != nil {
		st, err := t.s.prepared(ctx, query)
		if err != nil {
			return 0, err
		}
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	var n int64
	t.enqueue(t.s.q(query), args, func(br pgx.BatchResults) error {
		ct, err := br.Exec()
		n = ct.RowsAffected()
		return err
	})
	if err := t.send(ctx); err != nil {
		return 0, unworded(err)
	}
	return n, nil
}

// queryRow runs a query of one row now (after what is queued) and scans
// it into dest; no row is an error wrapping sql.ErrNoRows (pgx.ErrNoRows
// is one). An error of a queued write is returned as that write's.
func (t *txn) queryRow(ctx context.Context, query string, args []any, dest ...any) error {
	if t.conn != nil {
		st, err := t.s.prepared(ctx, query)
		if err != nil {
			return err
		}
		return st.QueryRowContext(ctx, args...).Scan(dest...)
	}
	t.enqueue(t.s.q(query), args, func(br pgx.BatchResults) error { return br.QueryRow().Scan(dest...) })
	return unworded(t.send(ctx))
}

// enqueue queues query on PostgreSQL, after BEGIN the first time; fn reads
// its result.
func (t *txn) enqueue(query string, args []any, fn func(pgx.BatchResults) error) {
	if !t.begun {
		t.queue.Queue("BEGIN").Fn = func(br pgx.BatchResults) error {
			if _, err := br.Exec(); err != nil {
				return worded{fmt.Errorf("sqlstore: begin: %w", err)}
			}
			return nil
		}
		t.begun = true
	}
	t.queue.Queue(query, args...).Fn = fn
}

// send sends the queue in one round trip and reads the results in order;
// the first error is returned. After an error that aborted the
// transaction on the server every later call returns it.
func (t *txn) send(ctx context.Context) error {
	if t.failed != nil {
		return t.failed
	}
	if t.queue.Len() == 0 {
		return nil
	}
	b := t.queue
	t.queue = pgx.Batch{}
	err := t.pg.SendBatch(ctx, &b).Close()
	if err == nil {
		return nil
	}
	if t.pg.IsClosed() || t.pg.PgConn().TxStatus() != 'T' {
		t.failed = err
	}
	return err
}

// commit sends what is queued with COMMIT; nothing at all when nothing
// was queued.
func (t *txn) commit(ctx context.Context) error {
	if !t.begun {
		return nil
	}
	t.enqueue("COMMIT", nil, func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return worded{fmt.Errorf("sqlstore: commit: %w", err)}
		}
		return nil
	})
	err := t.send(ctx)
	if err == nil && t.pg.PgConn().TxStatus() != 'I' {
		err = errNotCommitted
	}
	if err != nil {
		t.rollback(ctx)
		if w, ok := err.(worded); ok {
			return w.err
		}
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

var errNotCommitted = errors.New("the transaction is still open")

// worded is the error of a queued statement as its caller words it, or of
// BEGIN or COMMIT: returned as is, not wrapped again.
type worded struct{ err error }

func (w worded) Error() string { return w.err.Error() }

// unworded returns the error a worded error carries, or err.
func unworded(err error) error {
	if w, ok := err.(worded); ok {
		return w.err
	}
	return err
}

// rollback drops what is queued and ends the transaction on the server if
// one is open there. A connection it cannot bring back to idle is closed,
// so that the pool discards it.
func (t *txn) rollback(ctx context.Context) {
	t.queue = pgx.Batch{}
	if t.pg.IsClosed() || t.pg.PgConn().TxStatus() == 'I' {
		return
	}
	ctx = context.WithoutCancel(ctx)
	if _, err := t.pg.Exec(ctx, "ROLLBACK"); err != nil || t.pg.PgConn().TxStatus() != 'I' {
		_ = t.pg.Close(ctx)
	}
}

// execTxnConn runs one of the statements that frame a txn (BEGIN, COMMIT,
// savepoints) on the txn connection, prepared once like the txn's own.
func (s *Store) execTxnConn(ctx context.Context, query string) error {
	st, err := s.prepared(ctx, query)
	if err == nil {
		_, err = st.ExecContext(ctx)
	}
	return err
}

// prepared returns query prepared on the txn connection (SQLite),
// preparing it the first time. The caller holds the write slot, in a
// transaction of a txn.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	w := &s.txnConn
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	st, err := w.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = st
	return st, nil
}

// stmt returns the store's statement of query (SQLite), preparing it on a
// connection of the pool the first time.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, loaded := s.stmts.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}
