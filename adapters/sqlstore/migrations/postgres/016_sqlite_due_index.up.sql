-- qyzmet schema 16 (PostgreSQL): nothing changes; the number is kept in step
-- with SQLite's 016, which gives SQLite the rungs_due index and the acked
-- column PostgreSQL has had since 014.
SELECT 1;
