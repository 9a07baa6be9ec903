-- qyzmet schema 1 (PostgreSQL). Aggregates are JSON documents; the columns
-- beside them are what queries filter, order and constrain on.
-- Instants used for ordering are Unix nanoseconds. Text keys use the "C"
-- collation so that ORDER BY is byte order, as in every other adapter.

CREATE TABLE timers (
    id  TEXT COLLATE "C" PRIMARY KEY,
    doc TEXT NOT NULL
);

-- Every rung of every open timer, whatever aggregate holds the timer: what
-- the sweeper scans (deadlines.SweepStore). A claimed rung moves to claims.
CREATE TABLE schedule (
    key      TEXT COLLATE "C" PRIMARY KEY,      -- timer/cycle/rung
    timer_id TEXT COLLATE "C" NOT NULL,
    at       BIGINT NOT NULL,
    firing   TEXT NOT NULL
);
CREATE INDEX schedule_due ON schedule (at, key);
CREATE INDEX schedule_timer ON schedule (timer_id);

-- Exactly once: a rung is claimed by inserting its key.
CREATE TABLE claims (
    key      TEXT COLLATE "C" PRIMARY KEY,
    timer_id TEXT COLLATE "C" NOT NULL,
    at       BIGINT NOT NULL,
    firing   TEXT NOT NULL
);
CREATE INDEX claims_timer ON claims (timer_id, at);

CREATE TABLE bodies (
    id  TEXT COLLATE "C" PRIMARY KEY,
    bin TEXT COLLATE "C" NOT NULL UNIQUE,
    doc TEXT NOT NULL
);

CREATE TABLE services (
    id              TEXT COLLATE "C" PRIMARY KEY,
    register_number TEXT COLLATE "C" NOT NULL UNIQUE,
    doc             TEXT NOT NULL
);

CREATE TABLE onboardings (
    id         TEXT COLLATE "C" PRIMARY KEY,
    service_id TEXT COLLATE "C" NOT NULL,
    body_id    TEXT COLLATE "C" NOT NULL,
    doc        TEXT NOT NULL,
    UNIQUE (service_id, body_id)
);
CREATE INDEX onboardings_body ON onboardings (body_id);

CREATE TABLE requests (
    id  TEXT COLLATE "C" PRIMARY KEY,
    doc TEXT NOT NULL
);

CREATE TABLE ledgers (
    body_id TEXT COLLATE "C" NOT NULL,
    period  TEXT COLLATE "C" NOT NULL,
    doc     TEXT NOT NULL,
    PRIMARY KEY (body_id, period)
);

CREATE TABLE quality_trainings (
    id  TEXT COLLATE "C" PRIMARY KEY,
    doc TEXT NOT NULL
);

CREATE TABLE definitions (
    id  TEXT COLLATE "C" PRIMARY KEY,
    doc TEXT NOT NULL
);

CREATE TABLE applications (
    id            TEXT COLLATE "C" PRIMARY KEY,
    definition_id TEXT COLLATE "C" NOT NULL,
    recipient     TEXT COLLATE "C" NOT NULL,
    submitted_at  BIGINT NOT NULL,
    pending       BOOLEAN NOT NULL,
    doc           TEXT NOT NULL
);
CREATE INDEX applications_recipient ON applications (recipient, submitted_at, id);
CREATE INDEX applications_pending ON applications (submitted_at, id) WHERE pending;
