package sqlstore

import (
	"context"
	"fmt"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// The desk's deliveries (Rules130 p.13) live in desk_deliveries (schema 4):
// JSON documents beside the columns a lookup by recipient or application
// uses, with an index on each in answer order. Their timers are indexed in
// schedule like every other timer. Each escalation in a delivery is also a
// row of desk_escalations under its firing's key (INSERT … ON CONFLICT DO
// NOTHING, in the transaction that saves the delivery), which is what
// CountEscalations counts; and, in the same transaction, an outbox event
// (escalationEvents).

var _ desk.Store = (*Store)(nil)

var deliveryDoc = doc[desk.Delivery]{
	kind: "delivery", table: "desk_deliveries", where: "id = ?",
	cols: func(d *desk.Delivery) []col {
		return []col{
			{"id", d.ID}, {"application", d.Application}, {"recipient", d.Recipient},
			{"provider_id", d.ProviderID}, {"service_id", d.ServiceID}, {"received_at", d.ReceivedAt.UnixNano()},
		}
	},
	timers: func(d *desk.Delivery) []*deadlines.Timer {
		if d.Timer.ID == "" {
			return nil
		}
		return []*deadlines.Timer{&d.Timer}
	},
	history: func(d *desk.Delivery) (int, change) {
		if len(d.Stages) == 0 {
			return 0, change{}
		}
		st := d.Stages[len(d.Stages)-1]
		return len(d.Stages), change{typ: st.Stage.String(), actor: st.Actor, rule: st.Rule.String()}
	},
	events: escalationEvents,
}

// escalationEvents are the delivery's stage-lag escalations (Rules130
// p.13) for the outbox, topic desk_deliveries.escalation, each keyed by
// its firing's key ("<delivery>/escalation/<timer/cycle/rung>"): every
// save offers them all and the outbox's unique key keeps each once,
// whatever their order. Migration 020 marks those stored before as
// delivered.
func escalationEvents(d *desk.Delivery, _ int) []event {
	out := make([]event, len(d.Escalations))
	for i, e := range d.Escalations {
		out[i] = event{typ: "escalation", id: "escalation/" + e.Key, value: e}
	}
	return out
}

// indexEscalations records the delivery's escalations, each once.
func (s *Store) indexEscalations(ctx context.Context, t *txn, d *desk.Delivery) error {
	for _, e := range d.Escalations {
		err := t.exec(ctx, func(err error) error { return fmt.Errorf("sqlstore: escalation %s: %w", e.Key, err) },
			`INSERT INTO desk_escalations (key, delivery_id, provider_id, service_id, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			e.Key, d.ID, d.ProviderID, d.ServiceID, e.At.UnixNano())
		if err != nil {
			return err
		}
	}
	return nil
}

// CreateDelivery implements desk.Store.
func (s *Store) CreateDelivery(ctx context.Context, d *desk.Delivery) error {
	return s.inTxn(ctx, func(tx *txn) error {
		if err := deliveryDoc.createIn(ctx, s, tx, d.ID, d); err != nil {
			return err
		}
		return s.indexEscalations(ctx, tx, d)
	})
}

// GetDelivery implements desk.Store.
func (s *Store) GetDelivery(ctx context.Context, id string) (*desk.Delivery, error) {
	return deliveryDoc.get(ctx, s, id, id)
}

// UpdateDelivery implements desk.Store: the row is locked (FOR UPDATE on
// PostgreSQL, an immediate transaction on SQLite) while fn runs.
func (s *Store) UpdateDelivery(ctx context.Context, id string, fn func(*desk.Delivery) error) error {
	return deliveryDoc.update(ctx, s, id, []any{id}, func(tx *txn, d *desk.Delivery) error {
		if err := fn(d); err != nil {
			return err
		}
		if d.ID != id {
			return fmt.Errorf("sqlstore: delivery %q: the update changed its id: %w", id, desk.ErrInvalid)
		}
		return s.indexEscalations(ctx, tx, d)
	})
}

// ListDeliveries implements desk.Store, from the recipient or application
// index.
func (s *Store) ListDeliveries(ctx context.Context, f desk.DeliveryFilter) ([]*desk.Delivery, error) {
	query := `SELECT doc FROM desk_deliveries WHERE 1 = 1`
	var args []any
	if f.Recipient != "" {
		query += ` AND recipient = ?`
		args = append(args, f.Recipient)
	}
	if f.Application != "" {
		query += ` AND application = ?`
		args = append(args, f.Application)
	}
	if f.ProviderID != "" {
		query += ` AND provider_id = ?`
		args = append(args, f.ProviderID)
	}
	return listDocs[desk.Delivery](ctx, s, "deliveries", query+` ORDER BY received_at, id`, args...)
}

// CountEscalations implements desk.Store.
func (s *Store) CountEscalations(ctx context.Context, f desk.EscalationFilter) (int, error) {
	query := `SELECT COUNT(*) FROM desk_escalations WHERE 1 = 1`
	var args []any
	if !f.From.IsZero() {
		query += ` AND at >= ?`
		args = append(args, f.From.UnixNano())
	}
	if !f.To.IsZero() {
		query += ` AND at < ?`
		args = append(args, f.To.UnixNano())
	}
	if f.ProviderID != "" {
		query += ` AND provider_id = ?`
		args = append(args, f.ProviderID)
	}
	if f.ServiceID != "" {
		query += ` AND service_id = ?`
		args = append(args, f.ServiceID)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(query), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlstore: counting escalations: %w", err)
	}
	return n, nil
}
