-- qyzmet schema 6: the transactional outbox (adapters/outbox). Every event
-- an aggregate records is written here in the same transaction as the
-- state change, and relays deliver it at least once.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    key          TEXT NOT NULL UNIQUE,   -- idempotency key: <aggregate>/<event seq>
    topic        TEXT NOT NULL,
    payload      TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      BIGINT NOT NULL,          -- Unix nanoseconds
    leased_until BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    delivered_at BIGINT                    -- NULL until delivered
);
CREATE INDEX outbox_due ON outbox (next_at, id) WHERE delivered_at IS NULL;
