-- qyzmet schema 3: the tamper-evident audit log (adapters/audit). Each
-- state change appends an entry chained to the aggregate's previous one;
-- the aggregate's row keeps the hash of its newest entry (audit_head).
-- id is the storage order, which Verify compares with the sequence.

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    aggregate TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    entry     TEXT NOT NULL,
    UNIQUE (aggregate, seq)
);

ALTER TABLE timers ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
ALTER TABLE bodies ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
ALTER TABLE onboardings ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
ALTER TABLE ledgers ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
ALTER TABLE quality_trainings ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
ALTER TABLE definitions ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
