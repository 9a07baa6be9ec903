-- qyzmet schema 7: desk deliveries (004) keep an audit head like every
-- other aggregate (003).
ALTER TABLE desk_deliveries ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';
