package chain

import (
	"context"

	"github.com/qyzmet/qyzmet/onboarding"
)

// ApplicationFilter selects applications; empty fields match all.
type ApplicationFilter struct {
	Recipient    string // IIN or BIN
	DefinitionID string
	// PendingDispatch keeps only applications with a delivery to a provider
	// not yet acknowledged (see Router.Redeliver).
	PendingDispatch bool
}

// Match reports whether a matches f. Adapters may use it to filter.
func (f ApplicationFilter) Match(a *Application) bool {
	return (f.Recipient == "" || a.Recipient == f.Recipient) &&
		(f.DefinitionID == "" || a.DefinitionID == f.DefinitionID) &&
		(!f.PendingDispatch || a.PendingDispatch())
}

// Store keeps composite-service definitions and applications. Stores index
// the Schedule of every timer of an application they save (see
// deadlines.SweepStore), so escalations fire without a separate write.
// Implementations must be safe for concurrent use and must copy values on
// the way in and out: a caller never shares memory with the store.
type Store interface {
	// CreateDefinition stores a new definition. An existing ID returns an
	// error wrapping ErrConflict. Definitions are never changed: a new
	// version of a composite service is a new ID.
	CreateDefinition(ctx context.Context, d *Definition) error
	// GetDefinition returns a copy or an error wrapping ErrNotFound.
	GetDefinition(ctx context.Context, id string) (*Definition, error)
	// ListDefinitions returns copies of every definition, by ID.
	ListDefinitions(ctx context.Context) ([]*Definition, error)

	// CreateApplication stores a new application. An existing ID returns
	// an error wrapping ErrConflict.
	CreateApplication(ctx context.Context, a *Application) error
	// GetApplication returns a copy or an error wrapping ErrNotFound.
	GetApplication(ctx context.Context, id string) (*Application, error)
	// UpdateApplication loads the application, calls fn and saves the
	// result atomically; concurrent updates of one application are
	// serialized, so none is lost. An unknown id returns an error wrapping
	// ErrNotFound. When fn returns an error nothing is saved and the error
	// is returned unchanged (wrapped).
	UpdateApplication(ctx context.Context, id string, fn func(*Application) error) error
	// ListApplications returns copies of the applications matching f,
	// ordered by submission time, then ID.
	ListApplications(ctx context.Context, f ApplicationFilter) ([]*Application, error)
}

// Catalogue is where the router finds state services and provider bodies:
// the onboarding catalogue (Rules130 p.2), so onboarding.Store satisfies it.
type Catalogue interface {
	// GetBody returns the body or an error wrapping ErrNotFound.
	GetBody(ctx context.Context, id string) (onboarding.Body, error)
	// GetService returns the state service or an error wrapping ErrNotFound.
	GetService(ctx context.Context, id string) (onboarding.StateService, error)
}
