-- qyzmet schema 8 (PostgreSQL): claiming a batch of due rungs is one
-- statement that writes as few index entries as it can (issue 7: 1,000 due
-- rungs of a million open ones in <= 5 ms).
--
-- A key names its timer (timer/cycle/rung), so (timer_id, key) is as
-- unique as the key alone: it replaces both the key primary key and the
-- timer_id index of schedule and of claims, one index fewer per row
-- written. schedule_due (at, key) stays: ClaimDue reads the due rungs from
-- it and deletes them by ctid.
ALTER TABLE schedule DROP CONSTRAINT schedule_pkey;
ALTER TABLE schedule ADD CONSTRAINT schedule_pkey PRIMARY KEY (timer_id, key);
DROP INDEX schedule_timer;

-- fired_at is when ClaimDue fired the rung (its firing document is copied
-- from schedule as is); NULL for a claim made through ClaimFiring, whose
-- document has it.
ALTER TABLE claims ADD COLUMN fired_at BIGINT;
ALTER TABLE claims DROP CONSTRAINT claims_pkey;
ALTER TABLE claims ADD CONSTRAINT claims_pkey PRIMARY KEY (timer_id, key);
DROP INDEX claims_timer;
