// Package sqlstore keeps qyzmet's records in SQL: SQLite embedded by
// default (modernc.org/sqlite, pure Go, no cgo) and PostgreSQL for several
// instances (github.com/jackc/pgx/v5 through database/sql). One Store
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
// timer, wherever it lives, are rows of schedule, indexed by instant, which
// is what the sweeper scans; claimed rungs are rows of claims, and a
// unique (timer_id, key) makes each claim exactly once. On PostgreSQL
// claiming a rung moves its row from the schedule table into the claims
// table in one transaction, a batch in one statement that starts where the
// last full batch did (the dead index entries of the rungs claimed before
// it are not walked again; every 16th batch starts from the beginning, for
// rungs scheduled late). On SQLite both are
// views of one table, rungs, clustered by instant (migrations 009 and
// 011): claiming a rung sets its claimed column in place, a batch by one
// UPDATE of a contiguous range. Saving a timer writes only the rungs its
// schedule lost, gained or moved (a multi-row DELETE and INSERT); a
// claimed rung is never written again. All queries are parameterized.
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
