-- qyzmet schema 11 (SQLite): a rung is claimed where it lies (issue 7:
-- 1,000 due rungs of a million open ones in <= 5 ms).
--
-- Before, claiming moved a rung from schedule into claims: 1,000 inserts
-- into the claims b-tree in (timer_id, key) order, which is random to the
-- order rungs fall due, and 1,000 deletes from schedule's (timer_id, key)
-- index. Now schedule and claims are one table, rungs, clustered on
-- (at, key) as schedule was; claiming a rung sets claimed (with fired_at
-- and pending_since) in place. The due rungs are one contiguous range of
-- the table and of rungs_open (the unclaimed ones, by instant), so a batch
-- claim writes a few neighbouring pages and leaves rungs_timer_key alone.
-- That unique index still makes a key claimable once: a claimed row keeps
-- its key, re-indexing a timer deletes only its unclaimed rows and skips
-- keys that exist, and ClaimFiring's upsert changes only an unclaimed row.
--
-- schedule (the unclaimed rungs) and claims (the claimed ones) remain as
-- views with their former columns, for readers.
CREATE TABLE rungs (
    at            BIGINT NOT NULL,
    key           TEXT NOT NULL,                   -- timer/cycle/rung
    timer_id      TEXT NOT NULL,
    firing        TEXT NOT NULL,
    claimed       BOOLEAN NOT NULL DEFAULT FALSE,
    fired_at      BIGINT,  -- when ClaimDue fired it; NULL when unclaimed or claimed by ClaimFiring (the document has it)
    pending_since BIGINT,  -- claimed and its handler has not succeeded yet (deadlines.Acknowledger)
    PRIMARY KEY (at, key)
) WITHOUT ROWID;
-- A key both scheduled and claimed is claimed.
INSERT INTO rungs (at, key, timer_id, firing, claimed, fired_at, pending_since)
    SELECT at, key, timer_id, firing, TRUE, fired_at, pending_since FROM claims;
INSERT INTO rungs (at, key, timer_id, firing)
    SELECT at, key, timer_id, firing FROM schedule s
    WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.timer_id = s.timer_id AND c.key = s.key);
DROP TABLE schedule;
DROP TABLE claims;
CREATE UNIQUE INDEX rungs_timer_key ON rungs (timer_id, key);
-- timer_id and claimed make it covering for the gauges (open timers, sweep
-- backlog), which would otherwise read every row they count.
CREATE INDEX rungs_open ON rungs (at, key, timer_id, claimed) WHERE NOT claimed;
CREATE INDEX rungs_pending ON rungs (pending_since) WHERE pending_since IS NOT NULL;
CREATE VIEW schedule AS SELECT at, key, timer_id, firing FROM rungs WHERE NOT claimed;
CREATE VIEW claims AS SELECT timer_id, key, at, firing, fired_at, pending_since FROM rungs WHERE claimed;
