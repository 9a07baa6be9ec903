-- qyzmet schema 16 (SQLite): rungs are indexed as on PostgreSQL since 014,
-- so that a claim writes no index (issue 7).
--
-- Before, a batch claim of 1,000 rungs deleted 1,000 entries of rungs_open
-- (the unclaimed rungs) and inserted 1,000 into rungs_pending (the pending
-- claims): about half the time of its UPDATE. Now the one index of the
-- sweep is rungs_due, the rungs not acknowledged yet: open ones and pending
-- claims. Claiming sets claimed, fired_at and pending_since, which no index
-- holds; acknowledging sets acked, which drops the rung from rungs_due. The
-- store finds the next open rungs from the last batch's last rung (its
-- front, as on PostgreSQL) and the pending claims in rungs_due by at,
-- which is therefore never after pending_since: a claim ClaimFiring made
-- before its rung was due has its FiredAt as at and its At as rung_at.
--
-- Every process sharing a database must run the store of this schema: an
-- older one would acknowledge claims without setting acked.
--
-- The key, unique by itself (it starts with the timer's ID), is indexed
-- alone, as PostgreSQL's primary key: acknowledgements find rungs by key,
-- a timer's firings are a range of keys. timer_id and acked make rungs_due
-- covering for the gauges (open timers, sweep backlog), which count the
-- rungs not handled yet and would otherwise read every row they count
-- (SQLite reads a partial index's condition from the row unless the index
-- holds its column).
ALTER TABLE rungs ADD COLUMN acked BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE rungs SET acked = TRUE WHERE claimed AND pending_since IS NULL;
-- A pending claim pending since before its At (made early, or whose
-- fired_at was never stored) moves to its pending_since, as PostgreSQL's
-- 014 did; an acknowledged one needs no move.
UPDATE rungs SET rung_at = at, at = pending_since WHERE claimed AND pending_since < at;
DROP INDEX rungs_open;
DROP INDEX rungs_pending;
DROP INDEX rungs_timer_key;
CREATE UNIQUE INDEX rungs_key ON rungs (key);
CREATE INDEX rungs_due ON rungs (at, key, timer_id, acked) WHERE NOT acked;
DROP VIEW schedule;
CREATE VIEW schedule AS
    SELECT key, timer_id, at, subject, cycle, rung, rung_offset, rule, rung_at, at_zone, due, due_zone, fired_at
    FROM rungs WHERE NOT acked AND NOT claimed;
