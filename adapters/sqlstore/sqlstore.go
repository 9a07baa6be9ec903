package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver, pure Go

	"github.com/qyzmet/qyzmet/deadlines"
)

//go:embed migrations
var migrations embed.FS

// ErrUnsupported: the DSN's scheme names no supported database.
var ErrUnsupported = errors.New("sqlstore: unsupported database")

// ErrPoolTooSmall: a SQLite store's pool (DB) is limited to one open
// connection, which the store would keep for its transactions and leave
// none for reading. SetMaxOpenConns must allow at least 2.
var ErrPoolTooSmall = errors.New("sqlstore: SQLite needs a pool of at least 2 connections")

// dialect is what differs between SQLite and PostgreSQL.
type dialect struct {
	name      string // "sqlite" or "postgres"
	dollar    bool   // placeholders are $1, $2… rather than ?
	forUpdate string // the row-lock clause of a SELECT inside an update
	// skipLocked makes concurrent claimers take disjoint rows.
	skipLocked string
	// lock serializes migrations across processes; SQLite's immediate
	// transactions already do.
	lock string
	// dueRungs is rungs read through rungs_due, which SQLite's planner
	// would otherwise pass over for a walk of the table, acknowledged
	// rungs included.
	dueRungs string
}

var (
	sqlite   = dialect{name: "sqlite", dueRungs: "rungs INDEXED BY rungs_due"}
	postgres = dialect{name: "postgres", dollar: true, forUpdate: " FOR UPDATE", skipLocked: " FOR UPDATE SKIP LOCKED", lock: "SELECT pg_advisory_xact_lock(472130)",
		dueRungs: "rungs"}
)

// Store keeps every qyzmet record in one SQL database. It implements
// onboarding.Store, chain.Store and deadlines.SweepStore. It is safe for
// concurrent use by many goroutines and, on PostgreSQL, many processes.
type Store struct {
	db      *sql.DB
	d       dialect
	queries sync.Map // query with ? placeholders → the dialect's query
	stmts   sync.Map // SQLite: query → *sql.Stmt, prepared once (txn)
	now     func() time.Time
	// writer is SQLite's one write slot in this process. SQLite lets one
	// writer in at a time and makes the others poll on the busy timeout,
	// which is not a queue: under many concurrent writers some starve past
	// the timeout and fail with SQLITE_BUSY. Writers of one process wait
	// here instead, in Go; processes sharing the file still meet on the
	// busy timeout. Nil on PostgreSQL, whose row locks queue.
	writer chan struct{}
	// txnConn is SQLite's connection for txns (see begin); read and
	// written only by the write slot's holder.
	txnConn struct {
		conn  *sql.Conn
		stmts map[string]*sql.Stmt // query → statement prepared on conn
	}
	// open is SQLite's group transaction not committed yet (see inTxn);
	// read and written only by the write slot's holder. joining counts the
	// txn writers waiting for the slot, who would join it.
	open    *group
	joining atomic.Int32
	// front is where the next batch claim looks from.
	front sweepFront
	// docs are the aggregates this process saved last (see docCache).
	docs docCache
}

// lockWrite waits for the write slot (SQLite) or ctx; call the returned
// function to release it. An open group transaction is committed first.
func (s *Store) lockWrite(ctx context.Context) (func(), error) {
	unlock, err := s.lockSlot(ctx)
	if err != nil {
		return nil, err
	}
	s.commitGroup()
	return unlock, nil
}

// lockSlot is lockWrite without committing the open group.
func (s *Store) lockSlot(ctx context.Context) (func(), error) {
	if s.writer == nil {
		return func() {}, nil
	}
	select {
	case s.writer <- struct{}{}:
		return func() { <-s.writer }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("sqlstore: waiting to write: %w", ctx.Err())
	}
}

// Option configures Open.
type Option func(*options)

type options struct {
	synchronous string
	busyTimeout int
}

// WithSQLiteSynchronous sets SQLite's synchronous pragma. The default is
// FULL: a write acknowledged to the caller survives a power loss, as a
// legal record must. NORMAL is faster in WAL mode but may lose the last
// transactions on a power loss (never corrupts the database); choose it
// only where the records can be recovered from elsewhere.
func WithSQLiteSynchronous(mode string) Option { return func(o *options) { o.synchronous = mode } }

// WithSQLiteBusyTimeout sets how long (milliseconds) a SQLite writer waits
// for another to finish before failing (default 10,000).
func WithSQLiteBusyTimeout(ms int) Option { return func(o *options) { o.busyTimeout = ms } }

// Open connects to the database the DSN names and checks the connection:
//
//	sqlite:///var/lib/qyzmet/qyzmet.db    an embedded SQLite file (absolute path)
//	sqlite://qyzmet.db                     a SQLite file relative to the working directory
//	postgres://user@host:5432/db?sslmode=disable   PostgreSQL (also postgresql://)
//
// SQLite runs in WAL mode with synchronous=FULL, a busy timeout and
// immediate transactions, so writers queue rather than fail. PostgreSQL
// DSNs are passed to pgx unchanged (a search_path parameter selects a
// schema). Open does not migrate: call Migrate.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{synchronous: "FULL", busyTimeout: 10000}
	for _, opt := range opts {
		opt(&o)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: DSN: %w", err)
	}
	var s *Store
	switch u.Scheme {
	case "sqlite":
		file := u.Host + u.Path
		if file == "" {
			return nil, fmt.Errorf("sqlstore: %q names no file: %w", dsn, ErrUnsupported)
		}
		switch strings.ToUpper(o.synchronous) {
		case "OFF", "NORMAL", "FULL", "EXTRA":
		default:
			return nil, fmt.Errorf("sqlstore: synchronous %q: %w", o.synchronous, deadlines.ErrInvalid)
		}
		q := url.Values{}
		q.Add("_pragma", "busy_timeout("+strconv.Itoa(o.busyTimeout)+")")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous("+strings.ToUpper(o.synchronous)+")")
		q.Add("_pragma", "foreign_keys(1)")
		q.Set("_txlock", "immediate")
		db, err := sql.Open("sqlite", "file:"+file+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %w", err)
		}
		s = &Store{db: db, d: sqlite, now: time.Now, writer: make(chan struct{}, 1)}
	case "postgres", "postgresql":
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %w", err)
		}
		s = &Store{db: db, d: postgres, now: time.Now}
	default:
		return nil, fmt.Errorf("sqlstore: scheme %q: %w", u.Scheme, ErrUnsupported)
	}
	if err := s.ping(ctx, time.Duration(o.busyTimeout)*time.Millisecond); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("sqlstore: connecting to %s: %w", s.d.name, err)
	}
	return s, nil
}

// ping checks the connection. A SQLite file that another process is
// switching to WAL mode answers SQLITE_BUSY at once, without waiting on the
// busy timeout, so that answer is retried for up to the busy timeout.
func (s *Store) ping(ctx context.Context, patience time.Duration) error {
	deadline := s.now().Add(patience)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := s.db.PingContext(ctx)
		if err == nil || !busy(err) || s.now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// busy reports whether err is SQLite's SQLITE_BUSY (primary code 5).
func busy(err error) bool {
	var coded interface{ Code() int }
	return errors.As(err, &coded) && coded.Code()&0xff == 5
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// DB returns the underlying pool, for health checks and metrics. On
// SQLite the store keeps one of its connections for its transactions once
// it has written: a limit on open connections must leave room for others.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the pool; on SQLite it waits for the write slot first and
// commits the open group transaction, if any.
func (s *Store) Close() error {
	if s.writer != nil {
		s.writer <- struct{}{}
		s.commitGroup()
		s.dropTxnConn()
		<-s.writer
	}
	s.stmts.Range(func(_, st any) bool {
		_ = st.(*sql.Stmt).Close()
		return true
	})
	return s.db.Close()
}

// q returns query in the dialect's placeholder style, cached.
func (s *Store) q(query string) string {
	if !s.d.dollar {
		return query
	}
	if v, ok := s.queries.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	s.queries.Store(query, b.String())
	return b.String()
}

// inTx runs fn in a transaction: committed when fn returns nil, rolled
// back otherwise. On SQLite the transaction is immediate (it takes the
// write lock at BEGIN) and the writers of this process take turns on the
// write slot first; writers in other processes queue on the busy timeout.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	unlock, err := s.lockWrite(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// Migrate applies the embedded migrations not yet applied, in order, each
// recorded in qyzmet_schema_version. Several processes may call it at once:
// on PostgreSQL an advisory lock serializes them, on SQLite the immediate
// transaction does.
func (s *Store) Migrate(ctx context.Context) error {
	dir := path.Join("migrations", s.d.name)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return fmt.Errorf("sqlstore: migrations: %w", err)
	}
	type migration struct {
		version int
		name    string
	}
	var all []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".up.sql") {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return fmt.Errorf("sqlstore: migration %s: not numbered", name)
		}
		all = append(all, migration{v, name})
	}
	slices.SortFunc(all, func(a, b migration) int { return a.version - b.version })
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if s.d.lock != "" {
			if _, err := tx.ExecContext(ctx, s.d.lock); err != nil {
				return fmt.Errorf("sqlstore: migration lock: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS qyzmet_schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
			return fmt.Errorf("sqlstore: version table: %w", err)
		}
		applied := map[int]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT version FROM qyzmet_schema_version`)
		if err != nil {
			return fmt.Errorf("sqlstore: schema version: %w", err)
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: schema version: %w", err)
			}
			applied[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: schema version: %w", err)
		}
		// Every migration not applied yet, in order: one merged from a
		// parallel branch with a lower number is applied too.
		for _, m := range all {
			if applied[m.version] {
				continue
			}
			body, err := migrations.ReadFile(path.Join(dir, m.name))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO qyzmet_schema_version (version, name) VALUES (?, ?)`), m.version, m.name); err != nil {
				return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
			}
		}
		return nil
	})
}

// LatestVersion is the number of the newest embedded migration.
func LatestVersion() int {
	latest := 0
	entries, _ := fs.ReadDir(migrations, "migrations/sqlite")
	for _, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.Atoi(num); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}

// Version returns the applied schema version (0 before Migrate).
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM qyzmet_schema_version`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: schema version: %w", err)
	}
	return v, nil
}
