package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/outbox"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
)

// TestOutboxCarriesEveryEventOfTheTransition: the events an application
// records are in the outbox, in order, with idempotency keys, and a relay
// delivers each once; a failing publisher leaves the message visible and
// retried after its backoff.
func TestOutboxCarriesEveryEventOfTheTransition(t *testing.T) {
	t.Parallel()
	b := setupAudit(t)
	clock := deadlinestest.NewClock(time.Now().Add(time.Minute))
	var mu sync.Mutex
	var got []string
	failFor := "received"
	pub := outbox.PublisherFunc(func(_ context.Context, m outbox.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasSuffix(m.Topic, "."+failFor) {
			return errors.New("consumer down")
		}
		got = append(got, m.Topic+" "+m.Key[strings.LastIndex(m.Key, "/")+1:])
		return nil
	})
	r, err := outbox.NewRelay(b.store, pub, clock, outbox.WithBackoff(func(int) time.Duration { return time.Minute }))
	require.NoError(t, err)
	res, err := r.Run(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 3, res.Failed, "three receipts failed")
	require.Equal(t, []string{
		"applications.submitted 1", "applications.routed 2", "applications.completed 4",
		"applications.routed 5", "applications.routed 6",
	}, got)
	pending, _, failing, err := b.store.OutboxStats(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 3, pending)
	require.Equal(t, 3, failing, "the failures are visible")

	res, err = r.Run(b.ctx)
	require.NoError(t, err)
	require.Zero(t, res.Delivered+res.Failed, "nothing due before the backoff")
	failFor = "none"
	clock.Advance(2 * time.Minute)
	res, err = r.Run(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 3, res.Delivered)
	pending, _, _, err = b.store.OutboxStats(b.ctx)
	require.NoError(t, err)
	require.Zero(t, pending)
}

// TestManyRelaysDeliverEachMessageOnce runs four relays with their own
// pools against one PostgreSQL database holding 300 messages.
func TestManyRelaysDeliverEachMessageOnce(t *testing.T) {
	t.Parallel()
	stores := sharedSchema(t, postgres(t), 4)
	ctx := context.Background()
	// The messages themselves: what the state changes would have written.
	db := stores[0].DB()
	for i := range 300 {
		_, err := db.ExecContext(ctx, `INSERT INTO outbox (key, topic, payload, next_at) VALUES ($1, 'test.event', '{}', 0)`, fmt.Sprintf("m/%03d", i))
		require.NoError(t, err)
	}
	clock := deadlinestest.NewClock(time.Now())
	var mu sync.Mutex
	count := map[string]int{}
	var wg sync.WaitGroup
	for _, s := range stores {
		r, err := outbox.NewRelay(s, outbox.PublisherFunc(func(_ context.Context, m outbox.Message) error {
			mu.Lock()
			count[m.Key]++
			mu.Unlock()
			return nil
		}), clock, outbox.WithBatch(20))
		require.NoError(t, err)
		wg.Go(func() {
			for range 10 {
				_, err := r.Run(ctx)
				require.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.Len(t, count, 300, "every message delivered")
	for k, n := range count {
		require.Equal(t, 1, n, "%s delivered %d times", k, n)
	}
}
