-- qyzmet schema 13 (SQLite): nothing changes; the number is kept in step
-- with PostgreSQL's 013, which has autovacuum visit schedule and claims
-- sooner. SQLite deletes an index entry with its row: there is nothing
-- dead to vacuum.
SELECT 1;
