package sqlstore

import (
	"context"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
)

var _ chain.Store = (*Store)(nil)

var (
	definitionDoc = doc[chain.Definition]{kind: "definition", table: "definitions", where: "id = ?",
		cols: func(d *chain.Definition) []col { return []col{{"id", d.ID}} }}
	applicationDoc = doc[chain.Application]{
		kind: "application", table: "applications", where: "id = ?",
		cols: func(a *chain.Application) []col {
			return []col{
				{"id", a.ID}, {"definition_id", a.DefinitionID}, {"recipient", a.Recipient},
				{"submitted_at", a.SubmittedAt.UnixNano()}, {"pending", a.PendingDispatch()},
			}
		},
		timers: func(a *chain.Application) []*deadlines.Timer { return a.Timers() },
		history: func(a *chain.Application) (int, change) {
			if len(a.History) == 0 {
				return 0, change{}
			}
			e := a.History[len(a.History)-1]
			return len(a.History), change{typ: e.Type, actor: e.Actor, rule: e.Rule.String()}
		},
		events: func(a *chain.Application, from int) []event {
			var out []event
			for i := from; i < len(a.History); i++ {
				out = append(out, event{typ: a.History[i].Type, seq: i + 1, value: a.History[i]})
			}
			return out
		},
	}
)

// CreateDefinition implements chain.Store.
func (s *Store) CreateDefinition(ctx context.Context, d *chain.Definition) error {
	return definitionDoc.create(ctx, s, d.ID, d)
}

// GetDefinition implements chain.Store.
func (s *Store) GetDefinition(ctx context.Context, id string) (*chain.Definition, error) {
	return definitionDoc.get(ctx, s, id, id)
}

// ListDefinitions implements chain.Store.
func (s *Store) ListDefinitions(ctx context.Context) ([]*chain.Definition, error) {
	return listDocs[chain.Definition](ctx, s, "definitions", `SELECT doc FROM definitions ORDER BY id`)
}

// CreateApplication implements chain.Store.
func (s *Store) CreateApplication(ctx context.Context, a *chain.Application) error {
	return applicationDoc.create(ctx, s, a.ID, a)
}

// GetApplication implements chain.Store.
func (s *Store) GetApplication(ctx context.Context, id string) (*chain.Application, error) {
	return applicationDoc.get(ctx, s, id, id)
}

// UpdateApplication implements chain.Store.
func (s *Store) UpdateApplication(ctx context.Context, id string, fn func(*chain.Application) error) error {
	return applicationDoc.update(ctx, s, id, []any{id}, func(_ *txn, a *chain.Application) error { return fn(a) })
}

// ListApplications implements chain.Store.
func (s *Store) ListApplications(ctx context.Context, f chain.ApplicationFilter) ([]*chain.Application, error) {
	query := `SELECT doc FROM applications WHERE 1 = 1`
	var args []any
	if f.Recipient != "" {
		query += ` AND recipient = ?`
		args = append(args, f.Recipient)
	}
	if f.DefinitionID != "" {
		query += ` AND definition_id = ?`
		args = append(args, f.DefinitionID)
	}
	if f.PendingDispatch {
		query += ` AND pending`
	}
	return listDocs[chain.Application](ctx, s, "applications", query+` ORDER BY submitted_at, id`, args...)
}
