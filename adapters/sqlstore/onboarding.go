package sqlstore

import (
	"context"
	"errors"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

var _ onboarding.Store = (*Store)(nil)

var (
	bodyDoc = doc[onboarding.Body]{kind: "body", table: "bodies", where: "id = ?",
		cols: func(b *onboarding.Body) []col { return []col{{"id", b.ID}, {"bin", b.BIN}} }}
	serviceDoc = doc[onboarding.StateService]{kind: "service", table: "services", where: "id = ?",
		cols: func(v *onboarding.StateService) []col {
			return []col{{"id", v.ID}, {"register_number", v.RegisterNumber}}
		}}
	onboardingDoc = doc[onboarding.Onboarding]{kind: "onboarding", table: "onboardings", where: "id = ?", cached: true,
		cols: func(o *onboarding.Onboarding) []col {
			return []col{{"id", o.ID}, {"service_id", o.ServiceID}, {"body_id", o.BodyID}}
		},
		history: func(o *onboarding.Onboarding) (int, change) { return newest(o.History) },
		events:  func(o *onboarding.Onboarding, from int) []event { return eventsOf(o.History, from) },
		timers: func(o *onboarding.Onboarding) []*deadlines.Timer {
			out := make([]*deadlines.Timer, len(o.Timers))
			for i := range o.Timers {
				out[i] = &o.Timers[i]
			}
			return out
		},
	}
	requestDoc = doc[onboarding.InfoRequest]{kind: "request", table: "requests", where: "id = ?",
		cols: func(r *onboarding.InfoRequest) []col { return []col{{"id", r.ID}} },
		history: func(r *onboarding.InfoRequest) (int, change) {
			if r.Answer == nil {
				return 1, change{typ: "asked", actor: r.SentBy, rule: "Rules130 p.10"}
			}
			return 2, change{typ: "answered: " + r.Answer.Kind.String(), actor: r.Answer.By, rule: "Rules130 p.11"}
		}}
	ledgerDoc = doc[onboarding.RefusalLedger]{kind: "ledger", table: "ledgers", where: "body_id = ? AND period = ?",
		cols: func(l *onboarding.RefusalLedger) []col {
			return []col{{"body_id", l.Key.BodyID}, {"period", l.Key.Period}}
		},
		timers:  func(l *onboarding.RefusalLedger) []*deadlines.Timer { return l.Timers() },
		history: func(l *onboarding.RefusalLedger) (int, change) { return newest(l.History) },
		events:  func(l *onboarding.RefusalLedger, from int) []event { return eventsOf(l.History, from) },
	}
	trainingDoc = doc[onboarding.QualityTraining]{kind: "quality training", table: "quality_trainings", where: "id = ?",
		cols:    func(q *onboarding.QualityTraining) []col { return []col{{"id", q.ID}} },
		history: func(q *onboarding.QualityTraining) (int, change) { return newest(q.History) },
		events:  func(q *onboarding.QualityTraining, from int) []event { return eventsOf(q.History, from) },
		timers: func(q *onboarding.QualityTraining) []*deadlines.Timer {
			if q.Timer == nil {
				return nil
			}
			return []*deadlines.Timer{q.Timer}
		},
	}
)

// CreateBody implements onboarding.Catalogue.
func (s *Store) CreateBody(ctx context.Context, b onboarding.Body) error {
	return bodyDoc.create(ctx, s, b.ID, &b)
}

// GetBody implements onboarding.Catalogue.
func (s *Store) GetBody(ctx context.Context, id string) (onboarding.Body, error) {
	b, err := bodyDoc.get(ctx, s, id, id)
	if err != nil {
		return onboarding.Body{}, err
	}
	return *b, nil
}

// ListBodies implements onboarding.Catalogue.
func (s *Store) ListBodies(ctx context.Context) ([]onboarding.Body, error) {
	bs, err := listDocs[onboarding.Body](ctx, s, "bodies", `SELECT doc FROM bodies ORDER BY id`)
	return values(bs), err
}

// CreateService implements onboarding.Catalogue.
func (s *Store) CreateService(ctx context.Context, v onboarding.StateService) error {
	return serviceDoc.create(ctx, s, v.ID, &v)
}

// GetService implements onboarding.Catalogue.
func (s *Store) GetService(ctx context.Context, id string) (onboarding.StateService, error) {
	v, err := serviceDoc.get(ctx, s, id, id)
	if err != nil {
		return onboarding.StateService{}, err
	}
	return *v, nil
}

// ListServices implements onboarding.Catalogue.
func (s *Store) ListServices(ctx context.Context) ([]onboarding.StateService, error) {
	vs, err := listDocs[onboarding.StateService](ctx, s, "services", `SELECT doc FROM services ORDER BY id`)
	return values(vs), err
}

func values[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// CreateOnboarding implements onboarding.Onboardings.
func (s *Store) CreateOnboarding(ctx context.Context, o *onboarding.Onboarding) error {
	return onboardingDoc.create(ctx, s, o.ID, o)
}

// GetOnboarding implements onboarding.Onboardings.
func (s *Store) GetOnboarding(ctx context.Context, id string) (*onboarding.Onboarding, error) {
	return onboardingDoc.get(ctx, s, id, id)
}

// UpdateOnboarding implements onboarding.Onboardings.
func (s *Store) UpdateOnboarding(ctx context.Context, id string, fn func(*onboarding.Onboarding) error) error {
	return onboardingDoc.update(ctx, s, id, []any{id}, func(_ *txn, o *onboarding.Onboarding) error { return fn(o) })
}

// ListOnboardings implements onboarding.Onboardings.
func (s *Store) ListOnboardings(ctx context.Context, f onboarding.OnboardingFilter) ([]*onboarding.Onboarding, error) {
	query := `SELECT doc FROM onboardings WHERE 1 = 1`
	var args []any
	if f.BodyID != "" {
		query += ` AND body_id = ?`
		args = append(args, f.BodyID)
	}
	if f.ServiceID != "" {
		query += ` AND service_id = ?`
		args = append(args, f.ServiceID)
	}
	return listDocs[onboarding.Onboarding](ctx, s, "onboardings", query+` ORDER BY id`, args...)
}

// CreateRequest implements onboarding.Requests.
func (s *Store) CreateRequest(ctx context.Context, r *onboarding.InfoRequest) error {
	return requestDoc.create(ctx, s, r.ID, r)
}

// GetRequest implements onboarding.Requests.
func (s *Store) GetRequest(ctx context.Context, id string) (*onboarding.InfoRequest, error) {
	return requestDoc.get(ctx, s, id, id)
}

// AnswerRequest implements onboarding.Requests: the request and the
// ledger change in one transaction, the ledger's row created empty first
// when absent (and removed again by the rollback if fn fails).
func (s *Store) AnswerRequest(ctx context.Context, id string, key onboarding.LedgerKey, fn func(*onboarding.InfoRequest, *onboarding.RefusalLedger) error) error {
	if key == (onboarding.LedgerKey{}) {
		return requestDoc.update(ctx, s, id, []any{id}, func(_ *txn, r *onboarding.InfoRequest) error { return fn(r, nil) })
	}
	return requestDoc.update(ctx, s, id, []any{id}, func(tx *txn, r *onboarding.InfoRequest) error {
		// Create the ledger's row if absent; a concurrent creator's row
		// makes this a no-op, and the row lock below queues the two.
		if err := ledgerDoc.createIn(ctx, s, tx, key.String(), &onboarding.RefusalLedger{Key: key}); err != nil && !errors.Is(err, deadlines.ErrConflict) {
			return err
		}
		return ledgerDoc.updateIn(ctx, s, tx, key.String(), []any{key.BodyID, key.Period}, func(l *onboarding.RefusalLedger) error {
			if err := fn(r, l); err != nil {
				return err
			}
			l.Key = key
			return nil
		})
	})
}

// GetLedger implements onboarding.Requests.
func (s *Store) GetLedger(ctx context.Context, key onboarding.LedgerKey) (*onboarding.RefusalLedger, error) {
	return ledgerDoc.get(ctx, s, key.String(), key.BodyID, key.Period)
}

// UpdateLedger implements onboarding.Requests.
func (s *Store) UpdateLedger(ctx context.Context, key onboarding.LedgerKey, fn func(*onboarding.RefusalLedger) error) error {
	return ledgerDoc.update(ctx, s, key.String(), []any{key.BodyID, key.Period}, func(_ *txn, l *onboarding.RefusalLedger) error {
		if err := fn(l); err != nil {
			return err
		}
		l.Key = key
		return nil
	})
}

// ListLedgers implements onboarding.Requests.
func (s *Store) ListLedgers(ctx context.Context, bodyID string) ([]*onboarding.RefusalLedger, error) {
	query := `SELECT doc FROM ledgers`
	var args []any
	if bodyID != "" {
		query += ` WHERE body_id = ?`
		args = append(args, bodyID)
	}
	return listDocs[onboarding.RefusalLedger](ctx, s, "ledgers", query+` ORDER BY body_id, period`, args...)
}

// CreateQualityTraining implements onboarding.QualityTrainings.
func (s *Store) CreateQualityTraining(ctx context.Context, q *onboarding.QualityTraining) error {
	return trainingDoc.create(ctx, s, q.ID, q)
}

// GetQualityTraining implements onboarding.QualityTrainings.
func (s *Store) GetQualityTraining(ctx context.Context, id string) (*onboarding.QualityTraining, error) {
	return trainingDoc.get(ctx, s, id, id)
}

// UpdateQualityTraining implements onboarding.QualityTrainings.
func (s *Store) UpdateQualityTraining(ctx context.Context, id string, fn func(*onboarding.QualityTraining) error) error {
	return trainingDoc.update(ctx, s, id, []any{id}, func(_ *txn, q *onboarding.QualityTraining) error { return fn(q) })
}

// newest is the audit change of an onboarding history.
func newest(h []onboarding.Event) (int, change) {
	if len(h) == 0 {
		return 0, change{}
	}
	e := h[len(h)-1]
	return len(h), change{typ: e.Type, actor: e.Actor, rule: e.Rule.String()}
}

func eventsOf(h []onboarding.Event, from int) []event {
	var out []event
	for i := from; i < len(h); i++ {
		out = append(out, event{typ: h[i].Type, seq: i + 1, value: h[i]})
	}
	return out
}
