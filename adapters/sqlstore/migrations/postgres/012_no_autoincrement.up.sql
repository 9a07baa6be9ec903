-- qyzmet schema 12 (PostgreSQL): nothing changes; the number is kept in
-- step with SQLite's 012, which rebuilds audit and outbox without
-- AUTOINCREMENT (whose sqlite_sequence page every transition wrote).
-- PostgreSQL's BIGSERIAL sequences write WAL once per 32 values, not per row.
SELECT 1;
