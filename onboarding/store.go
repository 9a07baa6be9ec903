package onboarding

import (
	"context"
)

// Catalogue stores bodies and state services.
type Catalogue interface {
	// CreateBody stores a new body. An existing ID or BIN returns an error
	// wrapping ErrConflict.
	CreateBody(ctx context.Context, b Body) error
	// GetBody returns the body or an error wrapping ErrNotFound.
	GetBody(ctx context.Context, id string) (Body, error)
	// ListBodies returns every body ordered by ID.
	ListBodies(ctx context.Context) ([]Body, error)
	// CreateService stores a new state service. An existing ID or register
	// number returns an error wrapping ErrConflict.
	CreateService(ctx context.Context, s StateService) error
	// GetService returns the service or an error wrapping ErrNotFound.
	GetService(ctx context.Context, id string) (StateService, error)
	// ListServices returns every service ordered by ID.
	ListServices(ctx context.Context) ([]StateService, error)
}

// OnboardingFilter selects onboardings; empty fields match all.
type OnboardingFilter struct {
	BodyID    string
	ServiceID string
}

// Onboardings stores onboarding aggregates. Stores index the Schedule of
// every timer in an aggregate they save (see deadlines.SweepStore).
type Onboardings interface {
	// CreateOnboarding stores a new onboarding. An existing ID, or an
	// existing onboarding of the same service with the same body, returns
	// an error wrapping ErrConflict.
	CreateOnboarding(ctx context.Context, o *Onboarding) error
	// GetOnboarding returns a copy or an error wrapping ErrNotFound.
	GetOnboarding(ctx context.Context, id string) (*Onboarding, error)
	// UpdateOnboarding loads the onboarding, calls fn and saves the result
	// atomically; concurrent updates of one onboarding are serialized, so
	// none is lost. An unknown id returns an error wrapping ErrNotFound.
	// When fn returns an error nothing is saved and the error is returned.
	// fn must not keep the onboarding after it returns (a store may hand
	// fn the value it keeps); copy what it needs with Clone.
	UpdateOnboarding(ctx context.Context, id string, fn func(*Onboarding) error) error
	// ListOnboardings returns copies of the onboardings matching f, by ID.
	ListOnboardings(ctx context.Context, f OnboardingFilter) ([]*Onboarding, error)
}

// Requests stores information requests and the refusal ledgers of p.12.
type Requests interface {
	// CreateRequest stores a new request; an existing ID returns an error
	// wrapping ErrConflict.
	CreateRequest(ctx context.Context, r *InfoRequest) error
	// GetRequest returns a copy or an error wrapping ErrNotFound.
	GetRequest(ctx context.Context, id string) (*InfoRequest, error)
	// AnswerRequest loads the request and, when key is not zero, the ledger
	// of key (created empty, with its Key set, if absent), calls fn with both (the ledger is nil
	// for a zero key) and saves both atomically, so an answer and the
	// refusal it counts are never saved apart. Calls touching one ledger are
	// serialized. An unknown request returns an error wrapping ErrNotFound;
	// when fn returns an error nothing is saved.
	AnswerRequest(ctx context.Context, id string, key LedgerKey, fn func(*InfoRequest, *RefusalLedger) error) error
	// GetLedger returns a copy of the ledger or an error wrapping ErrNotFound.
	GetLedger(ctx context.Context, key LedgerKey) (*RefusalLedger, error)
	// UpdateLedger loads the ledger, calls fn and saves the result
	// atomically. An unknown key returns an error wrapping ErrNotFound.
	UpdateLedger(ctx context.Context, key LedgerKey, fn func(*RefusalLedger) error) error
	// ListLedgers returns copies of a body's ledgers ordered by period; an
	// empty bodyID lists every body's, ordered by body ID, then period.
	ListLedgers(ctx context.Context, bodyID string) ([]*RefusalLedger, error)
}

// QualityTrainings stores the p.15 training tasks.
type QualityTrainings interface {
	// CreateQualityTraining stores a new task; an existing ID returns an
	// error wrapping ErrConflict.
	CreateQualityTraining(ctx context.Context, q *QualityTraining) error
	// GetQualityTraining returns a copy or an error wrapping ErrNotFound.
	GetQualityTraining(ctx context.Context, id string) (*QualityTraining, error)
	// UpdateQualityTraining loads the task, calls fn and saves the result
	// atomically. An unknown id returns an error wrapping ErrNotFound.
	UpdateQualityTraining(ctx context.Context, id string, fn func(*QualityTraining) error) error
}

// Store is everything Service needs. Implementations must be safe for
// concurrent use and must copy values on the way in and out.
type Store interface {
	Catalogue
	Onboardings
	Requests
	QualityTrainings
}
