// Package outbox delivers the events the stores write beside each state
// change (a transactional outbox): routed applications, escalations, p.12
// notices, report deliveries. A Relay leases due messages, publishes them,
// and marks them delivered, or schedules a retry with backoff and keeps
// the error visible. Delivery is at least once; each message carries an
// idempotency Key ("<aggregate>/<event seq>") so a consumer can drop
// repeats. Several relays (processes) may share one store: a lease hands
// each message to one relay at a time.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Message is one outbox row.
type Message struct {
	Key         string    `json:"key"`     // idempotency key
	Topic       string    `json:"topic"`   // "<table>.<event type>", e.g. "applications.routed"
	Payload     []byte    `json:"payload"` // JSON of the event and its aggregate
	Attempts    int       `json:"attempts"`
	NextAt      time.Time `json:"next_at"`
	LastError   string    `json:"last_error,omitempty"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
}

// Store is what a Relay needs of the store that wrote the messages.
type Store interface {
	// LeaseOutbox leases up to limit undelivered messages due at now and
	// not leased by another relay, until now+lease, counting an attempt
	// for each, oldest first.
	LeaseOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Message, error)
	// AckOutbox marks a message delivered.
	AckOutbox(ctx context.Context, key string, at time.Time) error
	// RetryOutbox releases a message for another attempt at next,
	// recording why this one failed.
	RetryOutbox(ctx context.Context, key string, next time.Time, reason string) error
}

// Publisher sends a message to its consumers. It must treat a repeated
// Key as the same message.
type Publisher interface {
	Publish(ctx context.Context, m Message) error
}

// PublisherFunc adapts a function to a Publisher.
type PublisherFunc func(ctx context.Context, m Message) error

// Publish calls f.
func (f PublisherFunc) Publish(ctx context.Context, m Message) error { return f(ctx, m) }

// Relay moves messages from a Store to a Publisher.
type Relay struct {
	store   Store
	pub     Publisher
	clock   deadlines.Clock
	lease   time.Duration
	batch   int
	backoff func(attempts int) time.Duration
}

// Option configures a Relay.
type Option func(*Relay)

// WithLease sets how long a leased message is reserved (default 30 s).
func WithLease(d time.Duration) Option { return func(r *Relay) { r.lease = d } }

// WithBatch sets how many messages one Run leases (default 100).
func WithBatch(n int) Option { return func(r *Relay) { r.batch = n } }

// WithBackoff sets the wait before attempt n+1 after n failed attempts
// (default: 1 s doubling to at most 1 h).
func WithBackoff(f func(attempts int) time.Duration) Option { return func(r *Relay) { r.backoff = f } }

// NewRelay returns a relay; store, publisher and clock are required.
func NewRelay(store Store, pub Publisher, clock deadlines.Clock, opts ...Option) (*Relay, error) {
	if store == nil || pub == nil || clock == nil {
		return nil, fmt.Errorf("outbox: %w: store, publisher and clock are required", deadlines.ErrInvalid)
	}
	r := &Relay{store: store, pub: pub, clock: clock, lease: 30 * time.Second, batch: 100,
		backoff: func(n int) time.Duration { return min(time.Second<<min(n-1, 12), time.Hour) }}
	for _, o := range opts {
		o(r)
	}
	return r, nil
}

// Result is what one Run did.
type Result struct {
	Delivered, Failed int
}

// Run leases one batch and publishes it. A publishing failure is not an
// error of Run: the message is rescheduled and counted in Failed.
func (r *Relay) Run(ctx context.Context) (Result, error) {
	now := r.clock.Now()
	msgs, err := r.store.LeaseOutbox(ctx, now, r.lease, r.batch)
	if err != nil {
		return Result{}, fmt.Errorf("outbox: lease: %w", err)
	}
	var res Result
	var errs []error
	for _, m := range msgs {
		if perr := r.pub.Publish(ctx, m); perr != nil {
			res.Failed++
			if err := r.store.RetryOutbox(ctx, m.Key, r.clock.Now().Add(r.backoff(m.Attempts)), perr.Error()); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if err := r.store.AckOutbox(ctx, m.Key, r.clock.Now()); err != nil {
			errs = append(errs, err)
			continue
		}
		res.Delivered++
	}
	return res, errors.Join(errs...)
}
