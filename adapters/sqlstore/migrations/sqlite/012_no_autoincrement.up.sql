-- qyzmet schema 12 (SQLite): audit and outbox number their rows without
-- AUTOINCREMENT. AUTOINCREMENT keeps each table's largest id ever used in
-- sqlite_sequence, a page of its own that every transition wrote (≈ 1 of
-- its 15 WAL frames, issue 7). Without it a new row's id is the largest id
-- in the table plus one: the same number, since neither table ever deletes
-- a row, so id stays the storage order (VerifyAudit, the relay's order).
-- The tables are rebuilt with the same columns, constraints and ids;
-- dropping the old ones drops their sqlite_sequence rows.
CREATE TABLE audit_012 (
    id        INTEGER PRIMARY KEY,
    aggregate TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    entry     TEXT NOT NULL,
    UNIQUE (aggregate, seq)
);
INSERT INTO audit_012 (id, aggregate, seq, entry) SELECT id, aggregate, seq, entry FROM audit ORDER BY id;
DROP TABLE audit;
ALTER TABLE audit_012 RENAME TO audit;

CREATE TABLE outbox_012 (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,   -- idempotency key: <aggregate>/<event seq>
    topic        TEXT NOT NULL,
    payload      TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      BIGINT NOT NULL,          -- Unix nanoseconds
    leased_until BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    delivered_at BIGINT                    -- NULL until delivered
);
INSERT INTO outbox_012 (id, key, topic, payload, attempts, next_at, leased_until, last_error, delivered_at)
    SELECT id, key, topic, payload, attempts, next_at, leased_until, last_error, delivered_at FROM outbox ORDER BY id;
DROP TABLE outbox;
ALTER TABLE outbox_012 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_at, id) WHERE delivered_at IS NULL;
