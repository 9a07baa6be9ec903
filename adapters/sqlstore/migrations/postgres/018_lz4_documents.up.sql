-- qyzmet schema 18 (PostgreSQL): documents are compressed with lz4 rather
-- than pglz, PostgreSQL's default (issue 7).
--
-- An onboarding's document is 1-5 KB of JSON: over the 2 KB at which
-- PostgreSQL compresses a value, so every save compresses it. With pglz
-- the UPDATE of an onboarding took ≈ 100 µs of server time on the
-- benchmark machine, most of it compressing; lz4 compresses 2-3× faster
-- for a slightly larger value (inserting 20,000 such documents: 690 ms
-- with pglz, 230 ms with lz4). Values written before keep their
-- compression until they are rewritten; both read the same.
--
-- A server built without lz4 (its error: feature_not_supported) keeps
-- pglz: the block is skipped whole and nothing else changes.
DO $$
BEGIN
    ALTER TABLE timers ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE bodies ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE services ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE onboardings ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE requests ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE ledgers ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE quality_trainings ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE definitions ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE applications ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE appeals ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE monthly_reports ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE reconciliations ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE desk_deliveries ALTER COLUMN doc SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
