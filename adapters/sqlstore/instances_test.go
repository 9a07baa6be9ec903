package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"hash/fnv"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/outbox"
	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// sharedSchema returns n stores, each with its own connection pool, on one
// fresh PostgreSQL schema: n instances of a service sharing a database.
func sharedSchema(t *testing.T, h postgresHarness, n int) []*sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	schema := "i_" + strings.ToLower(rand.Text()[:16])
	admin, err := sql.Open("pgx", h.dsn)
	require.NoError(t, err)
	defer admin.Close()
	_, err = admin.ExecContext(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		db, err := sql.Open("pgx", h.dsn)
		if err == nil {
			_, _ = db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(h.dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return openShared(t, u.String(), n)
}

// openShared opens n stores on dsn, each with its own pool, which migrate
// the database at once.
func openShared(t *testing.T, dsn string, n int) []*sqlstore.Store {
	t.Helper()
	ctx := context.Background()
	stores := make([]*sqlstore.Store, n)
	var wg sync.WaitGroup
	for i := range stores {
		s, err := sqlstore.Open(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		stores[i] = s
		wg.Go(func() { require.NoError(t, s.Migrate(ctx), "instances migrate at once") })
	}
	wg.Wait()
	return stores
}

// TestManyInstancesFireEachRungOnce runs four sweepers, each on its own
// pool, against one PostgreSQL database with 200 overdue timers: every rung
// fires exactly once.
func TestManyInstancesFireEachRungOnce(t *testing.T) {
	t.Parallel()
	stores := sharedSchema(t, postgres(t), 4)
	ctx := context.Background()
	cal := kz.Calendar()
	start := cal.Date(2025, time.March, 3).Add(10 * time.Hour)
	rule := deadlines.Cite(deadlines.Rules130, 5)
	const timers = 200
	for i := range timers {
		tm, err := deadlines.NewTimer(cal, fmt.Sprintf("t%03d", i), "instances", deadlines.Term{Kind: deadlines.WorkingDays, N: 2, Rule: rule}, start,
			deadlines.Warning(1, rule), deadlines.Breach(rule))
		require.NoError(t, err)
		require.NoError(t, stores[i%len(stores)].CreateTimer(ctx, tm))
	}
	clock := deadlinestest.NewClock(cal.Date(2025, time.April, 1))
	var fired sync.Map
	var count, dup atomic.Int64
	var wg sync.WaitGroup
	for _, s := range stores {
		sw, err := deadlines.NewSweeper(s, cal, clock, func(_ context.Context, f deadlines.Firing) error {
			count.Add(1)
			if _, loaded := fired.LoadOrStore(f.Key(), true); loaded {
				dup.Add(1)
			}
			return nil
		})
		require.NoError(t, err)
		wg.Go(func() {
			for range 5 {
				_, err := sw.Sweep(ctx)
				require.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.Zero(t, dup.Load(), "no rung fired twice")
	require.EqualValues(t, 2*timers, count.Load(), "every rung fired")
	due, err := stores[0].DueFirings(ctx, clock.Now(), 10)
	require.NoError(t, err)
	require.Empty(t, due)
}

// sharedFile returns n stores, each with its own connection pool, on one
// fresh SQLite file: n processes embedding the store on one database.
func sharedFile(t *testing.T, n int) []*sqlstore.Store {
	t.Helper()
	return openShared(t, "sqlite://"+filepath.Join(t.TempDir(), "shared.db"), n)
}

// Stores sharing a database, each with its own sweep front, claiming small
// batches at once until each finds none: every due rung is claimed exactly
// once (on SQLite they meet on the file's lock, on PostgreSQL on row locks).
func TestManyStoresClaimEachRungOnceInSmallBatches(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(t *testing.T) []*sqlstore.Store{
		"SQLite":   func(t *testing.T) []*sqlstore.Store { return sharedFile(t, 3) },
		"Postgres": func(t *testing.T) []*sqlstore.Store { return sharedSchema(t, postgres(t), 3) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stores := open(t)
			ctx := context.Background()
			const timers = 60 // 120 rungs
			for i := range timers {
				createClaimTimer(t, ctx, stores[i%len(stores)], fmt.Sprintf("t%02d", i), claimStart.Add(time.Duration(i)*time.Minute))
			}
			far := claimStart.AddDate(1, 0, 0)
			var mu sync.Mutex
			claimed := map[string]int{}
			var wg sync.WaitGroup
			for _, s := range stores {
				wg.Go(func() {
					for {
						batch, err := s.ClaimDue(ctx, far, 7)
						if !assert.NoError(t, err) || len(batch) == 0 {
							return
						}
						mu.Lock()
						for _, f := range batch {
							claimed[f.Key()]++
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			require.Len(t, claimed, 2*timers, "every rung claimed")
			for k, n := range claimed {
				require.Equal(t, 1, n, "%s claimed once", k)
			}
		})
	}
}

// publishFails says whether the flaky publisher fails attempt n of the
// message with key: deterministically, for about a third of attempts.
func publishFails(key string, n int) bool {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s#%d", key, n)
	return h.Sum32()%3 == 0
}

// TestManyRelaysRetryFailuresAndDeliverEachMessageOnce is
// TestManyRelaysDeliverEachMessageOnce with a publisher that fails about a
// third of its attempts: four relays, each on its own pool, run in rounds
// on one PostgreSQL database holding 300 messages, and between rounds the
// clock moves past the backoff (but never past a lease), until none is
// pending. Each message is published successfully exactly once, on its
// first attempt that does not fail; every failed attempt was retried; the
// outbox ends with nothing pending or failing.
func TestManyRelaysRetryFailuresAndDeliverEachMessageOnce(t *testing.T) {
	t.Parallel()
	stores := sharedSchema(t, postgres(t), 4)
	ctx := context.Background()
	const messages = 300
	db := stores[0].DB()
	for i := range messages {
		_, err := db.ExecContext(ctx, `INSERT INTO outbox (key, topic, payload, next_at) VALUES ($1, 'test.event', '{}', 0)`, fmt.Sprintf("m/%03d", i))
		require.NoError(t, err)
	}
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, time.UTC))
	const step = time.Second // the clock's move between rounds
	backoff := func(n int) time.Duration { return min(time.Duration(n)*100*time.Millisecond, step) }
	var mu sync.Mutex
	attempts := map[string][]int{} // key → the attempt numbers published
	published := map[string]int{}  // key → successful publishes
	var failures atomic.Int64
	relays := make([]*outbox.Relay, len(stores))
	for i, s := range stores {
		r, err := outbox.NewRelay(s, outbox.PublisherFunc(func(_ context.Context, m outbox.Message) error {
			mu.Lock()
			defer mu.Unlock()
			attempts[m.Key] = append(attempts[m.Key], m.Attempts)
			if publishFails(m.Key, m.Attempts) {
				failures.Add(1)
				return fmt.Errorf("publishing %s: attempt %d fails", m.Key, m.Attempts)
			}
			published[m.Key]++
			return nil
		}), clock, outbox.WithBatch(20), outbox.WithLease(time.Minute), outbox.WithBackoff(backoff))
		require.NoError(t, err)
		relays[i] = r
	}
	var delivered, failed atomic.Int64
	rounds := 0
	for ; rounds < 100; rounds++ {
		var wg sync.WaitGroup
		for _, r := range relays {
			wg.Go(func() {
				res, err := r.Run(ctx)
				assert.NoError(t, err)
				delivered.Add(int64(res.Delivered))
				failed.Add(int64(res.Failed))
			})
		}
		wg.Wait()
		pending, _, _, err := stores[0].OutboxStats(ctx)
		require.NoError(t, err)
		if pending == 0 {
			break
		}
		clock.Advance(step)
	}
	require.Less(t, rounds, 100, "every message delivered")
	require.Len(t, published, messages, "every message published")
	for k, n := range published {
		require.Equal(t, 1, n, "%s published successfully %d times", k, n)
	}
	require.Positive(t, failures.Load(), "some attempts failed")
	require.EqualValues(t, messages, delivered.Load())
	require.Equal(t, failures.Load(), failed.Load(), "the relays counted every failure")
	retried := 0
	for k, as := range attempts {
		// Attempts 1, 2, … in turn, each failed one retried, up to the
		// first that does not fail.
		want := []int{1}
		for publishFails(k, len(want)) {
			want = append(want, len(want)+1)
		}
		require.Equal(t, want, as, "attempts of %s", k)
		if len(as) > 1 {
			retried++
		}
	}
	require.Positive(t, retried, "some messages needed a retry")
	t.Logf("%d rounds, %d failed attempts, %d messages retried", rounds+1, failures.Load(), retried)

	pending, _, failing, err := stores[1].OutboxStats(ctx)
	require.NoError(t, err)
	require.Zero(t, pending, "nothing pending")
	require.Zero(t, failing, "nothing failing")
	rows, err := db.QueryContext(ctx, `SELECT key, attempts, last_error, delivered_at IS NOT NULL FROM outbox`)
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var key, lastError string
		var tries int
		var done bool
		require.NoError(t, rows.Scan(&key, &tries, &lastError, &done))
		require.True(t, done, key)
		require.Empty(t, lastError, key)
		require.Equal(t, len(attempts[key]), tries, "the store counted %s's attempts", key)
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, messages, n)
}
