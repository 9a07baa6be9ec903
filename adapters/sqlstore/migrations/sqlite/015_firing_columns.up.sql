-- qyzmet schema 15 (SQLite): a rung's firing is columns of rungs, not a
-- JSON document, as on PostgreSQL since 014: one representation for both
-- dialects, read by one scanner, and a claimed batch is read without
-- decoding JSON (≈ 1.4 µs a firing, issue 7).
--
-- rungs is rebuilt as 011 made it, clustered on (at, key), with
-- PostgreSQL's firing columns instead of firing. A zero time (or one the
-- document lacked) has a NULL zone; a time's zone is its UTC offset in
-- seconds, which is all the document kept of it. rung_at is there so that
-- both dialects select the same columns, and is always NULL here: SQLite's
-- ClaimFiring stores the firing's At in at (Unacknowledged reads the
-- pending claims through rungs_pending, not by at). fired_at is now the
-- FiredAt of every claim, ClaimFiring's too.
CREATE TABLE rungs_015 (
    at            BIGINT NOT NULL,
    key           TEXT NOT NULL,  -- timer/cycle/rung
    timer_id      TEXT NOT NULL,
    claimed       BOOLEAN NOT NULL DEFAULT FALSE,
    fired_at      BIGINT,  -- the firing's FiredAt: when ClaimDue or ClaimFiring claimed it; NULL when unclaimed
    pending_since BIGINT,  -- claimed and its handler has not succeeded yet (deadlines.Acknowledger)
    subject       TEXT NOT NULL,
    cycle         INT NOT NULL,
    rung          TEXT NOT NULL,  -- the rung's name
    rung_offset   INT NOT NULL,
    rule          TEXT NOT NULL,  -- the rung's citation, "Rules130 p.5"
    rung_at       BIGINT,  -- always NULL on SQLite (see above)
    at_zone       INT,     -- At's UTC offset in seconds; NULL: At is the zero time
    due           BIGINT,  -- Due in Unix nanoseconds
    due_zone      INT,     -- NULL: Due is the zero time
    PRIMARY KEY (at, key)
) WITHOUT ROWID;
-- Converting the documents, by PostgreSQL's 014 rules: a field a document
-- lacks is empty, zero or the zero time. The offset of an RFC 3339 time is
-- its suffix, Z or ±HH:MM. Due and a ClaimFiring claim's FiredAt (in the
-- document only; its fired_at is NULL) come through unixepoch(s, 'subsec'),
-- which keeps milliseconds only (Due is a midnight, FiredAt a clock
-- reading: close enough); At is the at column, in nanoseconds, exact.
INSERT INTO rungs_015 (at, key, timer_id, claimed, fired_at, pending_since,
        subject, cycle, rung, rung_offset, rule, rung_at, at_zone, due, due_zone)
    SELECT at, key, timer_id, claimed,
        -- A claim ClaimFiring made has its FiredAt in the document only.
        CASE WHEN claimed THEN COALESCE(fired_at, CASE WHEN f IS NULL OR f = '0001-01-01T00:00:00Z' THEN NULL
            ELSE CAST(round(unixepoch(f, 'subsec') * 1000) AS INTEGER) * 1000000 END) END,
        pending_since,
        COALESCE(json_extract(firing, '$.subject'), ''), COALESCE(json_extract(firing, '$.cycle'), 0),
        COALESCE(json_extract(firing, '$.rung.name'), ''), COALESCE(json_extract(firing, '$.rung.offset'), 0),
        COALESCE(json_extract(firing, '$.rung.rule'), ''),
        NULL,
        CASE
            WHEN a IS NULL OR a = '0001-01-01T00:00:00Z' THEN NULL
            WHEN a LIKE '%Z' THEN 0
            ELSE (CASE WHEN substr(a, length(a) - 5, 1) = '-' THEN -1 ELSE 1 END)
                * (CAST(substr(a, length(a) - 4, 2) AS INTEGER) * 3600 + CAST(substr(a, length(a) - 1, 2) AS INTEGER) * 60)
        END,
        CASE WHEN d IS NULL OR d = '0001-01-01T00:00:00Z' THEN NULL
            ELSE CAST(round(unixepoch(d, 'subsec') * 1000) AS INTEGER) * 1000000 END,
        CASE
            WHEN d IS NULL OR d = '0001-01-01T00:00:00Z' THEN NULL
            WHEN d LIKE '%Z' THEN 0
            ELSE (CASE WHEN substr(d, length(d) - 5, 1) = '-' THEN -1 ELSE 1 END)
                * (CAST(substr(d, length(d) - 4, 2) AS INTEGER) * 3600 + CAST(substr(d, length(d) - 1, 2) AS INTEGER) * 60)
        END
    FROM (SELECT *, json_extract(firing, '$.at') AS a, json_extract(firing, '$.due') AS d,
        json_extract(firing, '$.fired_at') AS f FROM rungs);
DROP VIEW schedule;
DROP VIEW claims;
DROP TABLE rungs;
ALTER TABLE rungs_015 RENAME TO rungs;
CREATE UNIQUE INDEX rungs_timer_key ON rungs (timer_id, key);
-- timer_id and claimed make it covering for the gauges (open timers, sweep
-- backlog), which would otherwise read every row they count.
CREATE INDEX rungs_open ON rungs (at, key, timer_id, claimed) WHERE NOT claimed;
CREATE INDEX rungs_pending ON rungs (pending_since) WHERE pending_since IS NOT NULL;
CREATE VIEW schedule AS
    SELECT key, timer_id, at, subject, cycle, rung, rung_offset, rule, rung_at, at_zone, due, due_zone, fired_at
    FROM rungs WHERE NOT claimed;
CREATE VIEW claims AS
    SELECT key, timer_id, at, subject, cycle, rung, rung_offset, rule, rung_at, at_zone, due, due_zone, fired_at, pending_since
    FROM rungs WHERE claimed;
