package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/outbox"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
)

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
