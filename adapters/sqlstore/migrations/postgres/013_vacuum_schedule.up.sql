-- qyzmet schema 13 (PostgreSQL): autovacuum visits schedule and claims
-- after 2 % of their rows changed (plus 1,000) instead of PostgreSQL's
-- default 20 %.
--
-- Claiming a rung deletes its schedule row; its entry in the due index
-- stays, dead, until VACUUM removes it, and a batch claim that looks from
-- the start of the index walks every one of them (≈ 18 µs per thousand;
-- see claimDuePostgres). Acknowledging a claim updates its pending_since,
-- which is indexed, so every acknowledgement leaves a dead claims row and
-- index entries too. With the default a schedule of a million rungs would
-- carry up to 200,000 dead entries (≈ 3.6 ms more per full batch claim)
-- before autovacuum came; with 2 % at most 21,000.
ALTER TABLE schedule SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);
ALTER TABLE claims SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);
