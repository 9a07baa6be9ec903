-- qyzmet schema 14 (PostgreSQL): a rung is claimed where it lies, in one
-- table, rungs, as on SQLite since 011 (issue 7: 1,000 due rungs of a
-- million open ones in <= 5 ms).
--
-- Before, claiming moved each rung from schedule into claims: a row
-- deleted, a row inserted and two index entries written, one of them at a
-- place in the claims primary key random to the order rungs fall due.
-- Now claiming sets claimed, fired_at and pending_since on the rung's row.
-- No index covers those columns, so the claim is a HOT update: the new
-- row version goes on the same heap page and no index is written at all.
-- That needs room on the page for the new versions of all its rungs that
-- one batch claims (the rows of a page fall due together): hence
-- fillfactor 45. A page without room still works, only slower.
--
-- Because a claimed rung keeps its row, the primary key still makes a key
-- claimable once: re-indexing a timer deletes only its unclaimed rows and
-- skips keys that exist, and ClaimFiring's upsert changes only an
-- unclaimed row. The primary key is the key alone, as before 009 (a key
-- names its timer): acknowledging by key is a lookup the planner knows
-- matches one row each, statistics or not, and a timer's rungs are the
-- keys starting with its ID and a slash.
--
-- rungs_due holds the rungs not acknowledged yet: open ones and claims
-- still pending (deadlines.Acknowledger). acked is the one column the
-- acknowledgement sets that the claim does not: the acknowledgement
-- writes the row's new version to the primary key and drops it from
-- rungs_due, which keeps rungs_due to the open and pending rungs.
-- Unacknowledged reads the pending ones from it (a claim's at is never
-- after its pending_since: ClaimFiring stores the earlier of the two).
--
-- schedule (the unclaimed rungs) and claims (the claimed ones) remain as
-- views, for readers.
--
-- The firing is columns, not a JSON document: a row is about a third as
-- wide (fewer pages a batch claim locks, updates and logs), and a claimed
-- batch is read without decoding JSON. A zero time (or one the document
-- lacked) has a NULL zone; a time's zone is its UTC offset in seconds,
-- which is all the document kept of it. rung_at is the firing's At when
-- the row's at is not: ClaimFiring stores the earlier of At and FiredAt
-- in at, so that Unacknowledged, which walks rungs_due by at up to its
-- instant, finds a rung claimed before it was due (a claim's at is never
-- after its pending_since).
CREATE TABLE rungs (
    key           TEXT COLLATE "C" NOT NULL,  -- timer/cycle/rung
    timer_id      TEXT COLLATE "C" NOT NULL,
    at            BIGINT NOT NULL,
    acked         BOOLEAN NOT NULL DEFAULT FALSE,
    claimed       BOOLEAN NOT NULL DEFAULT FALSE,
    fired_at      BIGINT,  -- the firing's FiredAt: when ClaimDue or ClaimFiring claimed it; NULL when unclaimed
    pending_since BIGINT,  -- claimed and its handler has not succeeded yet
    subject       TEXT NOT NULL,
    cycle         INT NOT NULL,
    rung          TEXT NOT NULL,  -- the rung's name
    rung_offset   INT NOT NULL,
    rule          TEXT NOT NULL,  -- the rung's citation, "Rules130 p.5"
    rung_at       BIGINT,  -- the firing's At when at is earlier (see above); NULL: at
    at_zone       INT,     -- At's UTC offset in seconds; NULL: At is the zero time
    due           BIGINT,  -- Due in Unix nanoseconds
    due_zone      INT,     -- NULL: Due is the zero time
    PRIMARY KEY (key)
) WITH (fillfactor = 45, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);
-- Converting the documents: a field a document lacks is empty, zero or
-- the zero time. The offset of an RFC 3339 time is its suffix, Z or
-- ±HH:MM. Due and FiredAt come through timestamptz, which keeps
-- microseconds only (Due is a midnight, FiredAt a clock reading: close
-- enough); At is the at column, in nanoseconds.
CREATE FUNCTION pg_temp.rfc3339_offset(s TEXT) RETURNS INT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN s IS NULL OR s = '0001-01-01T00:00:00Z' THEN NULL
        WHEN s LIKE '%Z' THEN 0
        ELSE (CASE WHEN substr(s, length(s) - 5, 1) = '-' THEN -1 ELSE 1 END)
            * (substr(s, length(s) - 4, 2)::INT * 3600 + substr(s, length(s) - 1, 2)::INT * 60)
    END
$$;
CREATE FUNCTION pg_temp.rfc3339_nanos(s TEXT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN s IS NULL OR s = '0001-01-01T00:00:00Z' THEN NULL
        ELSE (EXTRACT(EPOCH FROM s::TIMESTAMPTZ) * 1000000000)::BIGINT END
$$;
CREATE TEMPORARY VIEW firings_013 AS
    SELECT key, timer_id, at, fired_at, pending_since, TRUE AS claimed, firing::JSONB AS j FROM claims
    UNION ALL
    SELECT key, timer_id, at, NULL, NULL, FALSE, firing::JSONB FROM schedule s
    -- A key both scheduled and claimed (which the store never leaves, but
    -- a database edited by hand might) is claimed.
    WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.key = s.key);
INSERT INTO rungs (key, timer_id, at, acked, claimed, fired_at, pending_since,
        subject, cycle, rung, rung_offset, rule, rung_at, at_zone, due, due_zone)
    SELECT key, timer_id, LEAST(at, COALESCE(pending_since, at)), claimed AND pending_since IS NULL, claimed,
        -- A claim ClaimFiring made has its FiredAt in the document only.
        CASE WHEN claimed THEN COALESCE(fired_at, pg_temp.rfc3339_nanos(j->>'fired_at')) END, pending_since,
        COALESCE(j->>'subject', ''), COALESCE((j->>'cycle')::INT, 0),
        COALESCE(j->'rung'->>'name', ''), COALESCE((j->'rung'->>'offset')::INT, 0), COALESCE(j->'rung'->>'rule', ''),
        CASE WHEN pending_since < at THEN at END, pg_temp.rfc3339_offset(j->>'at'),
        pg_temp.rfc3339_nanos(j->>'due'), pg_temp.rfc3339_offset(j->>'due')
    FROM firings_013;
DROP VIEW firings_013;
DROP FUNCTION pg_temp.rfc3339_offset(TEXT);
DROP FUNCTION pg_temp.rfc3339_nanos(TEXT);
DROP TABLE schedule;
DROP TABLE claims;
CREATE INDEX rungs_due ON rungs (at, key) WHERE NOT acked;
CREATE VIEW schedule AS
    SELECT key, timer_id, at, subject, cycle, rung, rung_offset, rule, rung_at, at_zone, due, due_zone, fired_at
    FROM rungs WHERE NOT acked AND NOT claimed;
CREATE VIEW claims AS
    SELECT key, timer_id, at, subject, cycle, rung, rung_offset, rule, rung_at, at_zone, due, due_zone, fired_at, pending_since
    FROM rungs WHERE claimed;
ANALYZE rungs;
