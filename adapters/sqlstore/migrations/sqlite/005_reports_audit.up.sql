-- qyzmet schema 5: the reports tables (002) keep an audit head like every
-- other aggregate (003).
ALTER TABLE appeals ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
ALTER TABLE monthly_reports ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
ALTER TABLE reconciliations ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
