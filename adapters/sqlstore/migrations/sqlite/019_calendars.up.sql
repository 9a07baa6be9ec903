-- qyzmet schema 19 (SQLite): a deployment's calendar data
-- (deadlines.CalendarDataStore), one deadlines.CalendarData document per
-- calendar name, so that every instance builds the same calendar from it.
CREATE TABLE calendars (
    name       TEXT PRIMARY KEY,
    doc        TEXT NOT NULL,
    audit_head TEXT NOT NULL DEFAULT ''
);
