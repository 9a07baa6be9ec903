-- qyzmet schema 19 (PostgreSQL): a deployment's calendar data
-- (deadlines.CalendarDataStore), one deadlines.CalendarData document per
-- calendar name, so that every instance builds the same calendar from it.
CREATE TABLE calendars (
    name       TEXT COLLATE "C" PRIMARY KEY,
    doc        TEXT NOT NULL,
    audit_head TEXT NOT NULL DEFAULT ''
);

-- Documents are compressed with lz4 where the server has it (see 018).
DO $$
BEGIN
    ALTER TABLE calendars ALTER COLUMN doc SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END $$;
