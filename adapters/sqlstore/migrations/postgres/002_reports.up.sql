-- qyzmet schema 2 (PostgreSQL): package reports. The appeal register streams
-- in (received_at, id) order, for every body or for one; monthly duties
-- and reconciliations are documents whose timers are indexed in schedule.
-- Text keys use the "C" collation so that ORDER BY is byte order.

CREATE TABLE appeals (
    id          TEXT COLLATE "C" PRIMARY KEY,
    received_at BIGINT NOT NULL,       -- Unix nanoseconds
    body_id     TEXT COLLATE "C" NOT NULL,
    service_id  TEXT COLLATE "C" NOT NULL,
    doc         TEXT NOT NULL
);
CREATE INDEX appeals_received ON appeals (received_at, id);
CREATE INDEX appeals_body ON appeals (body_id, received_at, id);

CREATE TABLE monthly_reports (
    period TEXT COLLATE "C" PRIMARY KEY,  -- "2025-03"
    doc    TEXT NOT NULL
);

CREATE TABLE reconciliations (
    id     TEXT COLLATE "C" PRIMARY KEY,
    period TEXT COLLATE "C" NOT NULL,
    doc    TEXT NOT NULL
);
CREATE INDEX reconciliations_period ON reconciliations (period, id);
