package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// txn is the transaction of a document's create or update (doc[T]) and
// of whatever its caller writes beside it. Statements run in the order
// they are given and each sees the effects of the ones before; what
// differs between the dialects is when they reach the database.
//
// On SQLite, txn is a *sql.Tx whose statements are prepared once per
// store (modernc parses the SQL of every statement that is not prepared,
// and that parse was a fifth of a transition's CPU) and run at once.
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
	s  *Store
	tx *sql.Tx // SQLite
	// unprepared are the SQLite queries this transaction found without a
	// statement of the store; they are prepared once it ends.
	unprepared []string

	pg     *pgx.Conn // PostgreSQL
	queue  pgx.Batch // PostgreSQL: the statements not sent yet
	begun  bool      // PostgreSQL: BEGIN is queued or sent
	failed error     // PostgreSQL: the error of a send; the connection's transaction is aborted
}

// inTxn runs fn in a txn: committed when fn returns nil, rolled back
// otherwise. On SQLite it is an immediate transaction behind the write
// slot, which the txns queued there share (group).
func (s *Store) inTxn(ctx context.Context, fn func(*txn) error) error {
	if s.d.name != "postgres" {
		t := &txn{s: s}
		err := s.inGroup(ctx, t, fn)
		s.prepare(ctx, t.unprepared)
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: begin: driver connection %T is not pgx's", dc)
		}
		t := &txn{s: s, pg: sc.Conn()}
		if err := fn(t); err != nil {
			t.rollback(ctx)
			return err
		}
		return t.commit(ctx)
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
	tx      *sql.Tx
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
		tx, err := s.db.BeginTx(context.WithoutCancel(ctx), nil)
		if err != nil {
			unlock()
			return fmt.Errorf("sqlstore: begin: %w", err)
		}
		g = &group{tx: tx, done: make(chan struct{})}
		s.open = g
	}
	t.tx = g.tx
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
		_ = g.tx.Rollback()
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
	if _, err := g.tx.ExecContext(ctx, "SAVEPOINT member"); err != nil {
		return fmt.Errorf("sqlstore: savepoint: %w", err)
	}
	ferr := fn(t)
	if ferr != nil {
		if _, err := g.tx.ExecContext(context.WithoutCancel(ctx), "ROLLBACK TO member"); err != nil {
			g.err = fmt.Errorf("sqlstore: rolling back to a savepoint: %w", err) // the group cannot commit
		}
	}
	if _, err := g.tx.ExecContext(context.WithoutCancel(ctx), "RELEASE member"); err != nil && g.err == nil {
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
		_ = g.tx.Rollback()
	} else if err := g.tx.Commit(); err != nil {
		g.err = fmt.Errorf("sqlstore: commit: %w", err)
	}
	close(g.done)
}

// exec runs a write whose result is not needed; on PostgreSQL it is
// queued. wrap turns the database's error into the one returned.
func (t *txn) exec(ctx context.Context, wrap func(error) error, query string, args ...any) error {
	if t.tx != nil {
		st, err := t.s.prepared(ctx, t, query)
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
	if t.tx != nil {
		st, err := t.s.prepared(ctx, t, query)
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
	if t.tx != nil {
		st, err := t.s.prepared(ctx, t, query)
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

// prepared returns query prepared for tx (SQLite): the store's statement
// when it has one, else one prepared on tx's connection for tx alone, the
// store's being prepared after tx (on a connection of the pool, which tx
// holds one of until it ends).
func (s *Store) prepared(ctx context.Context, t *txn, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return t.tx.StmtContext(ctx, st.(*sql.Stmt)), nil
	}
	t.unprepared = append(t.unprepared, query)
	return t.tx.PrepareContext(ctx, query)
}

// prepare adds the store's statements of queries (SQLite). A query that
// fails to prepare is left out: it runs unprepared and fails there.
func (s *Store) prepare(ctx context.Context, queries []string) {
	for _, q := range queries {
		_, _ = s.stmt(context.WithoutCancel(ctx), q)
	}
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
