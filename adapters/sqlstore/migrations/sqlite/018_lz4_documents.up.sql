-- qyzmet schema 18 (SQLite): nothing changes; the number is kept in step
-- with PostgreSQL's 018, which compresses documents with lz4.
SELECT 1;
