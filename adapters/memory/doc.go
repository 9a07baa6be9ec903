// Package memory implements qyzmet's store ports in process memory: maps
// guarded by a mutex. It is the reference adapter: fast, concurrency-safe,
// and not durable. It passes the storetest conformance suite. Values are
// copied on the way in and out, so callers never share memory with the
// store, as with a database.
package memory
