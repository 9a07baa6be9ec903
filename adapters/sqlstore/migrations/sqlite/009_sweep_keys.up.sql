-- qyzmet schema 8 (SQLite): claiming a batch of due rungs touches as few
-- b-trees, and as few random pages, as it can (issue 7: 1,000 due rungs of
-- a million open ones in <= 5 ms).
--
-- schedule is clustered on (at, key) (WITHOUT ROWID): the due rungs are one
-- contiguous range of the table, which ClaimDue copies into claims and
-- deletes. The only other b-tree is (timer_id, key), unique, which serves
-- both re-indexing a timer and claiming one rung; a key names its timer
-- (timer/cycle/rung), so it is as unique as the key alone. Before: a rowid
-- table plus key, (at, key) and timer_id indexes, four b-trees per row.
CREATE TABLE schedule_008 (
    at       BIGINT NOT NULL,
    key      TEXT NOT NULL,      -- timer/cycle/rung
    timer_id TEXT NOT NULL,
    firing   TEXT NOT NULL,
    PRIMARY KEY (at, key)
) WITHOUT ROWID;
INSERT INTO schedule_008 (at, key, timer_id, firing) SELECT at, key, timer_id, firing FROM schedule;
DROP TABLE schedule;
ALTER TABLE schedule_008 RENAME TO schedule;
CREATE UNIQUE INDEX schedule_timer_key ON schedule (timer_id, key);

-- claims is one b-tree keyed by (timer_id, key): exactly once per key, as
-- before, and a timer's firings are one range. fired_at is when ClaimDue
-- fired the rung (its firing document is copied from schedule as is);
-- NULL for a claim made through ClaimFiring, whose document has it.
CREATE TABLE claims_008 (
    timer_id TEXT NOT NULL,
    key      TEXT NOT NULL,
    at       BIGINT NOT NULL,
    firing   TEXT NOT NULL,
    fired_at BIGINT,
    PRIMARY KEY (timer_id, key)
) WITHOUT ROWID;
INSERT INTO claims_008 (timer_id, key, at, firing) SELECT timer_id, key, at, firing FROM claims;
DROP TABLE claims;
ALTER TABLE claims_008 RENAME TO claims;
