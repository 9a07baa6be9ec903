-- qyzmet schema 2 (SQLite): package reports. The appeal register streams
-- in (received_at, id) order, for every body or for one; monthly duties
-- and reconciliations are documents whose timers are indexed in schedule.

CREATE TABLE appeals (
    id          TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,       -- Unix nanoseconds
    body_id     TEXT NOT NULL,
    service_id  TEXT NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX appeals_received ON appeals (received_at, id);
CREATE INDEX appeals_body ON appeals (body_id, received_at, id);

CREATE TABLE monthly_reports (
    period TEXT PRIMARY KEY,           -- "2025-03"
    doc    TEXT NOT NULL
);

CREATE TABLE reconciliations (
    id     TEXT PRIMARY KEY,
    period TEXT NOT NULL,
    doc    TEXT NOT NULL
);
CREATE INDEX reconciliations_period ON reconciliations (period, id);
