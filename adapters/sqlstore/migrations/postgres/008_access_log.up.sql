-- qyzmet schema 8: denied access attempts of the demo server. Each
-- principal is one audited aggregate ("access_log/<principal>"); every
-- denial appends a chained entry to the audit log (003) and moves the row's
-- audit head, so a deleted or edited denial is caught by VerifyAudit.
CREATE TABLE access_log (
    principal  TEXT PRIMARY KEY,
    audit_head TEXT NOT NULL DEFAULT ''
);
