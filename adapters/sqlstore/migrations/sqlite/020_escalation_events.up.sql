-- qyzmet schema 20: a desk escalation (Rules130 p.13) is an outbox event
-- keyed "desk_deliveries/<delivery>/escalation/<firing key>", offered
-- with every save of its delivery. Those recorded before are marked
-- delivered, so that the first save after an upgrade does not publish
-- escalations months old. The payload says why it has no event.
INSERT INTO outbox (key, topic, payload, next_at, delivered_at)
SELECT 'desk_deliveries/' || delivery_id || '/escalation/' || key,
       'desk_deliveries.escalation',
       json_object('aggregate', 'desk_deliveries/' || delivery_id, 'recorded_before_migration', 20),
       at, at
FROM desk_escalations
WHERE TRUE
ON CONFLICT DO NOTHING;
