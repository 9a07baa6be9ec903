-- qyzmet schema 4 (SQLite): the UCC desk (onboarding/desk). Deliveries of
-- state services with their stages (Rules130 p.13) are JSON documents; the
-- columns beside them are what the desk looks them up by. Instants are
-- Unix nanoseconds. (Schema numbers 2 and 3 belong to other packages.)

CREATE TABLE desk_deliveries (
    id          TEXT PRIMARY KEY,  -- the application number, or application/component/round
    application TEXT NOT NULL,     -- the number the recipient quotes
    recipient   TEXT NOT NULL,     -- IIN or BIN
    provider_id TEXT NOT NULL,
    service_id  TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    doc         TEXT NOT NULL
);
-- A desk lookup by IIN or by application number reads one index range, in
-- the order it answers.
CREATE INDEX desk_deliveries_recipient ON desk_deliveries (recipient, received_at, id);
CREATE INDEX desk_deliveries_application ON desk_deliveries (application, received_at, id);

-- Stage-lag escalations, each once by its firing's key, for the monthly
-- report's counts.
CREATE TABLE desk_escalations (
    key         TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    service_id  TEXT NOT NULL,
    at          BIGINT NOT NULL     -- when the rung fell due
);
CREATE INDEX desk_escalations_at ON desk_escalations (at);
CREATE INDEX desk_escalations_provider ON desk_escalations (provider_id, at);
