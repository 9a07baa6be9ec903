-- qyzmet schema 14 (SQLite): nothing changes; the number is kept in step
-- with PostgreSQL's 014, which claims a rung in place as SQLite's 011 does.
SELECT 1;
