// Package sqlstore keeps qyzmet's records in SQL: SQLite embedded by
// default (modernc.org/sqlite, pure Go, no cgo) and PostgreSQL 14 or later
// for several instances (github.com/jackc/pgx/v5 through database/sql;
// migration 018 sets column compression, which 14 introduced). One Store
// implements onboarding.Store, chain.Store and deadlines.SweepStore and
// passes adapters/storetest.
//
// # Opening
//
//	s, err := sqlstore.Open(ctx, "sqlite:///var/lib/qyzmet/qyzmet.db")
//	s, err := sqlstore.Open(ctx, "postgres://qyzmet@db:5432/qyzmet?sslmode=verify-full")
//	err = s.Migrate(ctx) // embedded, numbered migrations; safe from several processes at once
//
// SQLite runs in WAL mode with synchronous=FULL (an acknowledged write
// survives a power loss; WithSQLiteSynchronous("NORMAL") trades that for
// speed), a busy timeout and immediate transactions, so concurrent writers
// queue instead of failing. PostgreSQL updates lock their row with SELECT …
// FOR UPDATE; migrations take an advisory lock.
//
// A document's create or update is one transaction with its audit entry,
// outbox events and schedule rows. On PostgreSQL its statements are
// pipelined: BEGIN goes with the first read, and the writes go with the
// COMMIT, so an update is two round trips. On SQLite, writers of one
// process that queue for the write lock share one transaction and one
// COMMIT (one fsync), each in a savepoint of its own; none returns before
// that COMMIT has succeeded. These transactions run on one connection the
// store keeps for them, with their statements prepared on it.
//
// # Layout
//
// Aggregates (onboardings, requests, ledgers, trainings, definitions,
// applications, standalone timers) are JSON documents beside the columns
// queries filter, order and constrain on: unique BINs, register numbers and
// service–body pairs are database constraints. The rungs of every open
// timer, wherever it lives, are rows of one table, rungs, indexed by
// instant, which is what the sweeper scans; a claimed rung keeps its row,
// whose unique key makes each claim exactly once, and schedule (the
// unclaimed rungs) and claims (the claimed ones) are views of it. A rung's
// firing is columns of rungs (migrations 014 on PostgreSQL and 015 on
// SQLite), read by one scanner: a claimed batch is read without decoding
// JSON. Claiming a rung sets its claimed column in place and writes no
// index on either database: the sweep's one index, rungs_due, holds the
// rungs not acknowledged yet, open or pending (migrations 014 and 016);
// an acknowledged claim leaves it. A batch claim starts after the last
// rung of the last full batch, and a batch that comes back short is
// topped up from the start (for rungs scheduled late). On SQLite rungs is
// clustered by instant and a batch claim is one UPDATE of a contiguous
// range. On PostgreSQL a batch claim is one statement that locks the due
// rows (FOR UPDATE SKIP LOCKED) and updates them as HOT updates (rungs
// leaves room on its pages for that). Saving a timer writes only the
// rungs its schedule lost, gained or moved (a
// multi-row DELETE and INSERT); a claimed rung is never written again. All queries are parameterized.
//
// # Errors
//
// A missing row is deadlines.ErrNotFound (so onboarding.ErrNotFound and
// chain.ErrNotFound), a duplicate key or unique value deadlines.ErrConflict,
// detected by INSERT … ON CONFLICT DO NOTHING rather than by driver error
// codes. An error from an update closure rolls back what the update wrote
// and is returned as is. ErrUnsupported names a DSN scheme Open does not know;
// ErrPoolTooSmall is a SQLite pool limited to one connection.
package sqlstore
