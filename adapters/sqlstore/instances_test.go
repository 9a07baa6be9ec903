package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
