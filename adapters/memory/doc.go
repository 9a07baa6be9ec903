// Package memory implements qyzmet's store ports in process memory: maps
// guarded by a mutex. It is the reference adapter: fast, concurrency-safe,
// and not durable. It passes the storetest conformance suite. Values are
// copied on the way in and out, so callers never share memory with the
// store, as with a database.
//
// # Audit log and outbox
//
// As adapters/sqlstore does, every state change of every aggregate appends
// an audit entry (package adapters/audit: actor, time, citation, digests
// of the aggregate's JSON before and after) chained to the aggregate's
// previous one, and queues the events the change recorded in an outbox
// that implements outbox.Store, both in the critical section that makes
// the change: a change that fails leaves neither. AuditTrail, VerifyAudit,
// LeaseOutbox, AckOutbox, RetryOutbox and OutboxStats have sqlstore's
// signatures, and aggregates and messages are named as there
// ("onboardings/<id>", key "<aggregate>/<event seq>", topic
// "<table>.<event type>"), so one interface covers both adapters.
// Entries and messages are stamped by the clock given WithClock (the wall
// clock by default). Like the database's, the log and the outbox grow with
// every change: undelivered messages stay until a Relay acknowledges them.
//
// Auditing costs a JSON encoding and a SHA-256 per change, several times
// the cost of an in-place transition. WithoutAudit turns both off; it is
// meant for throughput benchmarks of the domain (onboarding's
// BenchmarkLifecycle runs both ways) and never for records that matter.
//
// # Errors
//
// Missing records wrap deadlines.ErrNotFound (onboarding.ErrNotFound and
// the other packages' ErrNotFound are the same sentinel), duplicates
// deadlines.ErrConflict, and an update that changes a record's ID
// ErrInvalid. VerifyAudit returns a *audit.TamperError (errors.Is
// audit.ErrTampered). A store WithoutAudit answers the audit and outbox
// methods with an error wrapping errors.ErrUnsupported.
package memory
