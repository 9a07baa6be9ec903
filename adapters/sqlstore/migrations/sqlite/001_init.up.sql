-- qyzmet schema 1 (SQLite). Aggregates are JSON documents; the columns
-- beside them are what queries filter, order and constrain on.
-- Instants used for ordering are Unix nanoseconds.

CREATE TABLE timers (
    id  TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);

-- Every rung of every open timer, whatever aggregate holds the timer: what
-- the sweeper scans (deadlines.SweepStore). A claimed rung moves to claims.
CREATE TABLE schedule (
    key      TEXT PRIMARY KEY,      -- timer/cycle/rung
    timer_id TEXT NOT NULL,
    at       BIGINT NOT NULL,
    firing   TEXT NOT NULL
);
CREATE INDEX schedule_due ON schedule (at, key);
CREATE INDEX schedule_timer ON schedule (timer_id);

-- Exactly once: a rung is claimed by inserting its key.
CREATE TABLE claims (
    key      TEXT PRIMARY KEY,
    timer_id TEXT NOT NULL,
    at       BIGINT NOT NULL,
    firing   TEXT NOT NULL
);
CREATE INDEX claims_timer ON claims (timer_id, at);

CREATE TABLE bodies (
    id  TEXT PRIMARY KEY,
    bin TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL
);

CREATE TABLE services (
    id              TEXT PRIMARY KEY,
    register_number TEXT NOT NULL UNIQUE,
    doc             TEXT NOT NULL
);

CREATE TABLE onboardings (
    id         TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    body_id    TEXT NOT NULL,
    doc        TEXT NOT NULL,
    UNIQUE (service_id, body_id)
);
CREATE INDEX onboardings_body ON onboardings (body_id);

CREATE TABLE requests (
    id  TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);

CREATE TABLE ledgers (
    body_id TEXT NOT NULL,
    period  TEXT NOT NULL,
    doc     TEXT NOT NULL,
    PRIMARY KEY (body_id, period)
);

CREATE TABLE quality_trainings (
    id  TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);

CREATE TABLE definitions (
    id  TEXT PRIMARY KEY,
    doc TEXT NOT NULL
);

CREATE TABLE applications (
    id            TEXT PRIMARY KEY,
    definition_id TEXT NOT NULL,
    recipient     TEXT NOT NULL,
    submitted_at  BIGINT NOT NULL,
    pending       BOOLEAN NOT NULL,
    doc           TEXT NOT NULL
);
CREATE INDEX applications_recipient ON applications (recipient, submitted_at, id);
CREATE INDEX applications_pending ON applications (submitted_at, id) WHERE pending;
