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
-- views with their former columns, for readers.
CREATE TABLE rungs (
    key           TEXT COLLATE "C" NOT NULL,  -- timer/cycle/rung
    timer_id      TEXT COLLATE "C" NOT NULL,
    at            BIGINT NOT NULL,
    acked         BOOLEAN NOT NULL DEFAULT FALSE,
    claimed       BOOLEAN NOT NULL DEFAULT FALSE,
    fired_at      BIGINT,  -- when ClaimDue fired it; NULL when unclaimed or claimed by ClaimFiring (the document has it)
    pending_since BIGINT,  -- claimed and its handler has not succeeded yet
    firing        TEXT NOT NULL,
    PRIMARY KEY (key)
) WITH (fillfactor = 45, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);
INSERT INTO rungs (key, timer_id, at, acked, claimed, fired_at, pending_since, firing)
    SELECT key, timer_id, LEAST(at, COALESCE(pending_since, at)), pending_since IS NULL, TRUE, fired_at, pending_since, firing FROM claims;
-- A key both scheduled and claimed (which the store never leaves, but a
-- database edited by hand might) is claimed.
INSERT INTO rungs (key, timer_id, at, firing)
    SELECT key, timer_id, at, firing FROM schedule s
    WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.key = s.key);
DROP TABLE schedule;
DROP TABLE claims;
CREATE INDEX rungs_due ON rungs (at, key) WHERE NOT acked;
CREATE VIEW schedule AS SELECT key, timer_id, at, firing FROM rungs WHERE NOT acked AND NOT claimed;
CREATE VIEW claims AS SELECT key, timer_id, at, firing, fired_at, pending_since FROM rungs WHERE claimed;
ANALYZE rungs;
