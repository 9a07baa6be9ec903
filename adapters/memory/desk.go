package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/qyzmet/qyzmet/onboarding/desk"
)

var _ desk.Store = (*Store)(nil)

// deskIndex is what the store keeps beside the deliveries: their IDs by
// recipient and by application, and every escalation once by its key.
type deskIndex struct {
	byRecipient   map[string][]string
	byApplication map[string][]string
	escalations   map[string]escalationRow
}

type escalationRow struct {
	delivery *desk.Delivery // the delivery as saved when the escalation was first seen
	e        desk.Escalation
}

func newDeskIndex() deskIndex {
	return deskIndex{byRecipient: map[string][]string{}, byApplication: map[string][]string{}, escalations: map[string]escalationRow{}}
}

// saveDelivery stores d (owned by the store from now on) and indexes it
// against old (nil for a new delivery). The caller holds s.mu.
func (s *Store) saveDelivery(old, d *desk.Delivery) {
	s.deliveries[d.ID] = d
	if old == nil || old.Recipient != d.Recipient {
		if old != nil {
			s.desk.byRecipient[old.Recipient] = remove(s.desk.byRecipient[old.Recipient], d.ID)
		}
		s.desk.byRecipient[d.Recipient] = append(s.desk.byRecipient[d.Recipient], d.ID)
	}
	if old == nil || old.Application != d.Application {
		if old != nil {
			s.desk.byApplication[old.Application] = remove(s.desk.byApplication[old.Application], d.ID)
		}
		s.desk.byApplication[d.Application] = append(s.desk.byApplication[d.Application], d.ID)
	}
	for _, e := range d.Escalations {
		if _, ok := s.desk.escalations[e.Key]; !ok {
			s.desk.escalations[e.Key] = escalationRow{delivery: d, e: e}
		}
	}
	if d.Timer.ID != "" {
		s.indexTimers(&d.Timer)
	}
}

// deliveryChange is the newest stage a delivery recorded from index
// before on, or nil.
func deliveryChange(d *desk.Delivery, before int) *change {
	if len(d.Stages) <= before {
		return nil
	}
	st := d.Stages[len(d.Stages)-1]
	return &change{typ: st.Stage.String(), actor: st.Actor, rule: st.Rule.String()}
}

// escalationEvents are the delivery's stage-lag escalations (Rules130
// p.13) for the outbox, as sqlstore writes them: each keyed by its
// firing's key, kept once by the outbox's key whatever their order.
func escalationEvents(d *desk.Delivery) []event {
	out := make([]event, len(d.Escalations))
	for i, e := range d.Escalations {
		out[i] = event{typ: "escalation", id: "escalation/" + e.Key, value: e}
	}
	return out
}

func remove(ids []string, id string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(x string) bool { return x == id })
}

// CreateDelivery implements desk.Store.
func (s *Store) CreateDelivery(_ context.Context, d *desk.Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.deliveries[d.ID]; ok {
		return conflict("delivery", d.ID)
	}
	c := d.Clone()
	if !s.journal.off {
		if err := s.journal.audit("desk_deliveries", d.ID, c, true, deliveryChange(c, 0), escalationEvents(c)); err != nil {
			return err
		}
	}
	s.saveDelivery(nil, c)
	return nil
}

// GetDelivery implements desk.Store.
func (s *Store) GetDelivery(_ context.Context, id string) (*desk.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.deliveries[id]
	if !ok {
		return nil, notFound("delivery", id)
	}
	return d.Clone(), nil
}

// UpdateDelivery implements desk.Store.
func (s *Store) UpdateDelivery(_ context.Context, id string, fn func(*desk.Delivery) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.deliveries[id]
	if !ok {
		return notFound("delivery", id)
	}
	work := d.Clone()
	if err := fn(work); err != nil {
		return err
	}
	if work.ID != id {
		return fmt.Errorf("memory: delivery %q: the update changed its id: %w", id, desk.ErrInvalid)
	}
	if !s.journal.off {
		if err := s.journal.audit("desk_deliveries", id, work, false, deliveryChange(work, len(d.Stages)), escalationEvents(work)); err != nil {
			return err
		}
	}
	s.saveDelivery(d, work.Clone())
	return nil
}

// ListDeliveries implements desk.Store.
func (s *Store) ListDeliveries(_ context.Context, f desk.DeliveryFilter) ([]*desk.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*desk.Delivery
	add := func(d *desk.Delivery) {
		if f.Match(d) {
			out = append(out, d.Clone())
		}
	}
	switch {
	case f.Recipient != "":
		for _, id := range s.desk.byRecipient[f.Recipient] {
			add(s.deliveries[id])
		}
	case f.Application != "":
		for _, id := range s.desk.byApplication[f.Application] {
			add(s.deliveries[id])
		}
	default:
		for _, d := range s.deliveries {
			add(d)
		}
	}
	slices.SortFunc(out, func(a, b *desk.Delivery) int {
		return cmp.Or(a.ReceivedAt.Compare(b.ReceivedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// CountEscalations implements desk.Store.
func (s *Store) CountEscalations(_ context.Context, f desk.EscalationFilter) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, row := range s.desk.escalations {
		if f.Match(row.delivery, row.e) {
			n++
		}
	}
	return n, nil
}
