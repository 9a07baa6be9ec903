-- qyzmet schema 15 (PostgreSQL): nothing changes; the number is kept in step
-- with SQLite's 015, which turns a rung's firing document into columns of
-- rungs as 014 did here.
SELECT 1;
