package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/qyzmet/qyzmet/adapters/outbox"
	"github.com/qyzmet/qyzmet/deadlines"
)

var _ outbox.Store = (*Store)(nil)

// message is one outbox row.
type message struct {
	id          int64 // write order
	key, topic  string
	payload     []byte
	attempts    int
	nextAt      time.Time
	leasedUntil time.Time
	lastError   string
	deliveredAt time.Time
}

func (m *message) export() outbox.Message {
	return outbox.Message{Key: m.key, Topic: m.topic, Payload: slices.Clone(m.payload), Attempts: m.attempts,
		NextAt: m.nextAt, LastError: m.lastError, DeliveredAt: m.deliveredAt}
}

// outboxQueue keeps every message by key (a key is written once, as
// sqlstore's ON CONFLICT DO NOTHING does) and the undelivered ones in
// write order.
type outboxQueue struct {
	last    int64
	byKey   map[string]*message
	pending []*message
}

func newOutboxQueue() outboxQueue { return outboxQueue{byKey: map[string]*message{}} }

func (q *outboxQueue) add(m message) {
	if _, ok := q.byKey[m.key]; ok {
		return
	}
	q.last++
	m.id = q.last
	q.byKey[m.key] = &m
	q.pending = append(q.pending, &m)
}

// LeaseOutbox implements outbox.Store: under the lock, so concurrent
// relays take disjoint batches.
func (s *Store) LeaseOutbox(_ context.Context, now time.Time, lease time.Duration, limit int) ([]outbox.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.journal.off {
		return nil, errJournalOff
	}
	var due []*message
	for _, m := range s.journal.outbox.pending {
		if !m.nextAt.After(now) && !m.leasedUntil.After(now) {
			due = append(due, m)
		}
	}
	slices.SortFunc(due, func(a, b *message) int { return cmp.Or(a.nextAt.Compare(b.nextAt), cmp.Compare(a.id, b.id)) })
	due = due[:min(max(limit, 0), len(due))]
	out := make([]outbox.Message, len(due))
	for i, m := range due {
		m.leasedUntil = now.Add(lease)
		m.attempts++
		out[i] = m.export()
	}
	return out, nil
}

// AckOutbox implements outbox.Store.
func (s *Store) AckOutbox(_ context.Context, key string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := &s.journal.outbox
	m, err := s.outboxMessage(key)
	if err != nil {
		return err
	}
	// The key stays, so the event is never queued again; the payload,
	// never read again, goes.
	m.deliveredAt, m.leasedUntil, m.lastError, m.payload = at, time.Time{}, "", nil
	q.pending = slices.DeleteFunc(q.pending, func(p *message) bool { return p == m })
	return nil
}

// RetryOutbox implements outbox.Store.
func (s *Store) RetryOutbox(_ context.Context, key string, next time.Time, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.outboxMessage(key)
	if err != nil {
		return err
	}
	if !m.deliveredAt.IsZero() {
		return fmt.Errorf("memory: outbox message %q was delivered: %w", key, deadlines.ErrNotFound)
	}
	m.nextAt, m.leasedUntil, m.lastError = next, time.Time{}, reason
	return nil
}

// outboxMessage finds a message by key. The caller holds s.mu.
func (s *Store) outboxMessage(key string) (*message, error) {
	if s.journal.off {
		return nil, errJournalOff
	}
	m, ok := s.journal.outbox.byKey[key]
	if !ok {
		return nil, fmt.Errorf("memory: outbox message %q: %w", key, deadlines.ErrNotFound)
	}
	return m, nil
}

// OutboxStats says how many messages wait, the oldest one's due time (the
// relay's lag) and how many have failed at least once.
func (s *Store) OutboxStats(context.Context) (pending int, oldest time.Time, failing int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.journal.off {
		return 0, time.Time{}, 0, errJournalOff
	}
	for _, m := range s.journal.outbox.pending {
		pending++
		if oldest.IsZero() || m.nextAt.Before(oldest) {
			oldest = m.nextAt
		}
		if m.lastError != "" {
			failing++
		}
	}
	return pending, oldest, failing, nil
}
