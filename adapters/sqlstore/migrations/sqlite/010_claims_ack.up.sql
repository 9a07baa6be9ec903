-- qyzmet schema 10: a claim is pending until the sweeper's handler has
-- escalated it (deadlines.Acknowledger). A process killed between the
-- claim and the handler, or a failing handler, leaves it pending, and a
-- later sweep hands it to the handler again. pending_since is when it was
-- claimed (the clock's Unix nanoseconds); NULL once handled. Claims made
-- before this migration count as handled.
ALTER TABLE claims ADD COLUMN pending_since BIGINT;
CREATE INDEX claims_pending ON claims (pending_since) WHERE pending_since IS NOT NULL;
