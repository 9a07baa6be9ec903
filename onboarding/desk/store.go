package desk

import (
	"context"
	"time"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/onboarding"
)

// DeliveryFilter selects deliveries; empty fields match all.
type DeliveryFilter struct {
	Recipient   string // IIN or BIN
	Application string // the number the recipient quotes
	ProviderID  string
}

// Match reports whether d matches f. Adapters may use it to filter.
func (f DeliveryFilter) Match(d *Delivery) bool {
	return (f.Recipient == "" || d.Recipient == f.Recipient) &&
		(f.Application == "" || d.Application == f.Application) &&
		(f.ProviderID == "" || d.ProviderID == f.ProviderID)
}

// EscalationFilter selects stage-lag escalations by the instant their rung
// fell due, in [From, To) (a zero bound is open), and by the delivery's
// provider and service; empty fields match all.
type EscalationFilter struct {
	From, To   time.Time
	ProviderID string
	ServiceID  string
}

// Match reports whether escalation e of delivery d matches f. Adapters may
// use it to filter.
func (f EscalationFilter) Match(d *Delivery, e Escalation) bool {
	return (f.From.IsZero() || !e.At.Before(f.From)) && (f.To.IsZero() || e.At.Before(f.To)) &&
		(f.ProviderID == "" || d.ProviderID == f.ProviderID) && (f.ServiceID == "" || d.ServiceID == f.ServiceID)
}

// Store is the Monitoring information system as the desk uses it (Rules130
// p.13): the deliveries and their stages. Stores index the Schedule of the
// timer of every delivery they save (see deadlines.SweepStore), and the
// escalations in it for CountEscalations, in the same write.
// Implementations must be safe for concurrent use and must copy values on
// the way in and out: a caller never shares memory with the store.
type Store interface {
	// CreateDelivery stores a new delivery. An existing ID returns an error
	// wrapping ErrConflict.
	CreateDelivery(ctx context.Context, d *Delivery) error
	// GetDelivery returns a copy or an error wrapping ErrNotFound.
	GetDelivery(ctx context.Context, id string) (*Delivery, error)
	// UpdateDelivery loads the delivery, calls fn and saves the result
	// atomically; concurrent updates of one delivery are serialized, so
	// none is lost. An unknown id returns an error wrapping ErrNotFound and
	// does not call fn. When fn returns an error nothing is saved and the
	// error is returned (wrapped or not).
	UpdateDelivery(ctx context.Context, id string, fn func(*Delivery) error) error
	// ListDeliveries returns copies of the deliveries matching f, ordered by
	// ReceivedAt, then ID. A lookup by recipient or by application must not
	// scan every delivery: index them.
	ListDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error)
	// CountEscalations counts the escalations (Delivery.Escalations, each
	// once by its Key) matching f.
	CountEscalations(ctx context.Context, f EscalationFilter) (int, error)
}

// Catalogue is the onboarding side the desk reads: state services, bodies
// and onboardings (Rules130 p.2–p.9). onboarding.Store satisfies it.
type Catalogue interface {
	// GetBody returns the body or an error wrapping ErrNotFound.
	GetBody(ctx context.Context, id string) (onboarding.Body, error)
	// GetService returns the state service or an error wrapping ErrNotFound.
	GetService(ctx context.Context, id string) (onboarding.StateService, error)
	// ListBodies returns every body ordered by ID.
	ListBodies(ctx context.Context) ([]onboarding.Body, error)
	// ListServices returns every service ordered by ID.
	ListServices(ctx context.Context) ([]onboarding.StateService, error)
	// ListOnboardings returns copies of the onboardings matching f, by ID.
	ListOnboardings(ctx context.Context, f onboarding.OnboardingFilter) ([]*onboarding.Onboarding, error)
}

// Composites is how the desk reads composite applications (Rules472 p.9).
// *chain.Router satisfies it.
type Composites interface {
	// ForUCC returns the UCC's view of an application: every component in
	// order with its status, provider and overdue flags, or an error
	// wrapping ErrNotFound.
	ForUCC(ctx context.Context, appID, lang string) (*chain.UCCView, error)
	// RecipientApplications returns the recipient's applications, oldest
	// first, and only theirs.
	RecipientApplications(ctx context.Context, recipient, lang string) ([]*chain.RecipientView, error)
}
