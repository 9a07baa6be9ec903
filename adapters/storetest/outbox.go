package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/outbox"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/onboarding"
)

// OutboxStore is an adapter's transactional outbox: the outbox.Store port
// a Relay leases from, plus its statistics. Each event an aggregate
// records in its history (onboardings, applications, ledgers, quality
// trainings, monthly reports, reconciliations) is written as one message
// in the transaction of the state change, and none is written when that
// rolls back. A message's Key is "<aggregate>/<event seq>" (aggregates
// named as in AuditStore), its Topic "<table>.<event type>", its Payload
// the JSON object {"aggregate": …, "event": …}, and its NextAt the time it
// was stored.
//
// Beyond the outbox.Store contract: a leased message is not leased again,
// by any caller, until its lease ends; AckOutbox and RetryOutbox of an
// unknown key, and RetryOutbox of a delivered message, return an error
// wrapping deadlines.ErrNotFound.
type OutboxStore interface {
	outbox.Store
	// OutboxStats returns how many messages are undelivered, the earliest
	// NextAt among them (zero when none: the relay's lag), and how many of
	// them have failed at least once.
	OutboxStats(ctx context.Context) (pending int, oldest time.Time, failing int, err error)
}

// outboxBundle is one isolated world: fresh stores with the onboarding
// bundle's catalogue, their outbox, and "now" for leasing: a minute after
// the wall clock, so every message the test writes is due.
type outboxBundle struct {
	*onboardingBundle
	stores Stores
	outbox OutboxStore
	now    time.Time
}

func setupOutbox(t testing.TB, h Harness) *outboxBundle {
	t.Helper()
	stores := h.NewStores(context.Background(), t)
	if stores.Outbox == nil || stores.Onboarding == nil {
		t.Skip("the adapter keeps no outbox (Stores.Outbox or Stores.Onboarding is nil)")
	}
	return &outboxBundle{onboardingBundle: onboardingWith(t, stores.Onboarding), stores: stores, outbox: stores.Outbox, now: deadlines.SystemClock{}.Now().Add(time.Minute)}
}

// createWithEvents stores an onboarding of the bundle's service whose
// history holds n events, "event.1" … "event.n": n messages.
func (b *outboxBundle) createWithEvents(t testing.TB, id, bodyID string, n int) {
	t.Helper()
	o := &onboarding.Onboarding{ID: id, ServiceID: b.service.ID, BodyID: bodyID, Zone: "Asia/Almaty", State: onboarding.StateAwaitingRequest}
	at := b.at(time.April, 1, 10)
	for i := range n {
		o.History = append(o.History, onboarding.Event{Seq: i + 1, Type: fmt.Sprintf("event.%d", i+1), Actor: "ucc-operator",
			Rule: deadlines.Cite(deadlines.Rules130, 5), At: at, Recorded: at})
	}
	require.NoError(t, b.store.CreateOnboarding(b.ctx, o))
}

func (b *outboxBundle) lease(t testing.TB, now time.Time, lease time.Duration, limit int) []outbox.Message {
	t.Helper()
	ms, err := b.outbox.LeaseOutbox(b.ctx, now, lease, limit)
	require.NoError(t, err)
	return ms
}

func (b *outboxBundle) stats(t testing.TB) (pending int, oldest time.Time, failing int) {
	t.Helper()
	pending, oldest, failing, err := b.outbox.OutboxStats(b.ctx)
	require.NoError(t, err)
	return pending, oldest, failing
}

func messageKeys(ms []outbox.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Key
	}
	return out
}

func runOutbox(t *testing.T, h Harness) {
	t.Run("EventsAreWrittenWithTheChangeAndNotOnRollback", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		pending, oldest, failing := b.stats(t)
		require.Zero(t, pending+failing)
		require.True(t, oldest.IsZero(), "no lag when nothing waits")

		b.createWithEvents(t, "o-1", b.ministry.ID, 2)
		add := func(typ string, err error) error {
			return b.store.UpdateOnboarding(b.ctx, "o-1", func(o *onboarding.Onboarding) error {
				o.History = append(o.History, onboarding.Event{Seq: len(o.History) + 1, Type: typ, Actor: "ucc-employee", Rule: deadlines.Cite(deadlines.Rules130, 14)})
				return err
			})
		}
		boom := errors.New("boom")
		require.ErrorIs(t, add("rolled.back", boom), boom)
		require.NoError(t, add("request.sent", nil))
		require.NoError(t, b.store.UpdateOnboarding(b.ctx, "o-1", func(o *onboarding.Onboarding) error {
			o.State = onboarding.StateRequestSent // a change that records no event
			return nil
		}))
		pending, oldest, failing = b.stats(t)
		require.Equal(t, 3, pending)
		require.Zero(t, failing)
		require.False(t, oldest.IsZero() || oldest.After(b.now), "the oldest message is due: %s", oldest)

		ms := b.lease(t, b.now, time.Minute, 100)
		require.Equal(t, []string{"onboardings/o-1/1", "onboardings/o-1/2", "onboardings/o-1/3"}, messageKeys(ms), "each event once, oldest first; none rolled back")
		for i, m := range ms {
			require.Equal(t, []string{"onboardings.event.1", "onboardings.event.2", "onboardings.request.sent"}[i], m.Topic)
			require.Equal(t, 1, m.Attempts, "leasing counts an attempt")
			require.Empty(t, m.LastError)
			var payload struct {
				Aggregate string           `json:"aggregate"`
				Event     onboarding.Event `json:"event"`
			}
			require.NoError(t, json.Unmarshal(m.Payload, &payload), "%s", m.Payload)
			require.Equal(t, "onboardings/o-1", payload.Aggregate)
			require.Equal(t, i+1, payload.Event.Seq)
			require.Equal(t, strings.TrimPrefix(m.Topic, "onboardings."), payload.Event.Type)
		}
		require.Empty(t, b.lease(t, b.now, time.Minute, 100), "leased messages are not leased again during their lease")
	})

	t.Run("LeaseIsExclusiveUnderConcurrency", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		const n, relays, batch = 60, 8, 7
		b.createWithEvents(t, "o-1", b.ministry.ID, n)
		var mu sync.Mutex
		count := map[string]int{}
		var wg sync.WaitGroup
		for range relays {
			wg.Go(func() {
				for range n { // bounded: a store that leases a message twice must fail, not hang
					ms, err := b.outbox.LeaseOutbox(b.ctx, b.now, time.Hour, batch)
					require.NoError(t, err)
					if len(ms) == 0 {
						return
					}
					require.LessOrEqual(t, len(ms), batch, "no more than the limit")
					mu.Lock()
					for _, m := range ms {
						count[m.Key]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		require.Len(t, count, n, "every message leased")
		for k, c := range count {
			require.Equal(t, 1, c, "%s leased %d times by %d concurrent relays", k, c, relays)
		}
		// A lease that ends without an ack or a retry (a relay that died)
		// makes the message due again, one more attempt counted.
		again := b.lease(t, b.now.Add(2*time.Hour), time.Minute, 2*n)
		require.Len(t, again, n)
		for _, m := range again {
			require.Equal(t, 2, m.Attempts, m.Key)
		}
	})

	t.Run("AckRemovesRetryHidesUntilItsTime", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		b.createWithEvents(t, "o-1", b.ministry.ID, 3)
		ms := b.lease(t, b.now, 30*time.Second, 10)
		require.Len(t, ms, 3)
		first, second, third := ms[0].Key, ms[1].Key, ms[2].Key

		require.NoError(t, b.outbox.AckOutbox(b.ctx, first, b.now))
		require.NoError(t, b.outbox.RetryOutbox(b.ctx, second, b.now.Add(10*time.Minute), "consumer down"))
		pending, oldest, failing := b.stats(t)
		require.Equal(t, 2, pending, "the acknowledged message no longer waits")
		require.Equal(t, 1, failing, "the failure is visible")
		require.True(t, oldest.Equal(ms[2].NextAt), "the oldest waiting message is the third: %s, want %s", oldest, ms[2].NextAt)

		// After the 30 s lease, only the third is due: the first is
		// delivered, the second waits for its retry.
		require.Equal(t, []string{third}, messageKeys(b.lease(t, b.now.Add(time.Minute), time.Minute, 10)))
		require.NoError(t, b.outbox.AckOutbox(b.ctx, third, b.now.Add(time.Minute)))
		require.Empty(t, b.lease(t, b.now.Add(9*time.Minute), time.Minute, 10), "hidden until its backoff ends")
		retried := b.lease(t, b.now.Add(11*time.Minute), time.Minute, 10)
		require.Equal(t, []string{second}, messageKeys(retried))
		require.Equal(t, 2, retried[0].Attempts)
		require.Equal(t, "consumer down", retried[0].LastError)

		require.ErrorIs(t, b.outbox.RetryOutbox(b.ctx, first, b.now.Add(time.Hour), "again"), deadlines.ErrNotFound, "a delivered message is not retried")
		require.ErrorIs(t, b.outbox.AckOutbox(b.ctx, "onboardings/o-1/99", b.now), deadlines.ErrNotFound)
		require.ErrorIs(t, b.outbox.RetryOutbox(b.ctx, "onboardings/o-1/99", b.now, "x"), deadlines.ErrNotFound)

		require.NoError(t, b.outbox.AckOutbox(b.ctx, second, b.now.Add(11*time.Minute)))
		pending, oldest, failing = b.stats(t)
		require.Zero(t, pending)
		require.Zero(t, failing, "a delivered message is no longer failing")
		require.True(t, oldest.IsZero())
		require.Empty(t, b.lease(t, b.now.Add(24*time.Hour), time.Minute, 10), "delivered messages are never leased again")
	})

	t.Run("RelayDeliversAnApplicationsEvents", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		if b.stores.Chain == nil {
			t.Skip("the adapter does not store applications (Stores.Chain is nil)")
		}
		cb := chainWith(t, b.stores)
		a := cb.submit(t, cb.recipient)
		cb.clock.Advance(time.Hour)
		a = cb.complete(t, a.ID, "registration")
		require.GreaterOrEqual(t, len(a.History), 3)

		// The publisher refuses one type of event; the others are
		// delivered once each, in the order they were recorded.
		failType := a.History[1].Type
		var want []string
		failed := 0
		for i, e := range a.History {
			if e.Type == failType {
				failed++
				continue
			}
			want = append(want, fmt.Sprintf("applications.%s applications/%s/%d", e.Type, a.ID, i+1))
		}
		clock := deadlinestest.NewClock(b.now)
		var mu sync.Mutex
		var got []string
		fail := true
		pub := outbox.PublisherFunc(func(_ context.Context, m outbox.Message) error {
			mu.Lock()
			defer mu.Unlock()
			if fail && m.Topic == "applications."+failType {
				return errors.New("consumer down")
			}
			got = append(got, m.Topic+" "+m.Key)
			return nil
		})
		r, err := outbox.NewRelay(b.outbox, pub, clock, outbox.WithBackoff(func(int) time.Duration { return time.Minute }))
		require.NoError(t, err)
		res, err := r.Run(b.ctx)
		require.NoError(t, err)
		require.Equal(t, outbox.Result{Delivered: len(want), Failed: failed}, res)
		require.Equal(t, want, got)
		pending, _, failing := b.stats(t)
		require.Equal(t, failed, pending)
		require.Equal(t, failed, failing)

		res, err = r.Run(b.ctx)
		require.NoError(t, err)
		require.Zero(t, res, "nothing is due before the backoff")
		fail = false
		clock.Advance(2 * time.Minute)
		res, err = r.Run(b.ctx)
		require.NoError(t, err)
		require.Equal(t, outbox.Result{Delivered: failed}, res)
		require.Len(t, got, len(a.History), "every event delivered once")
		pending, _, _ = b.stats(t)
		require.Zero(t, pending)
	})
}
