package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/adapters/storetest"
)

// sqliteHarness gives each test its own SQLite file.
type sqliteHarness struct{}

func (sqliteHarness) NewStores(ctx context.Context, tb testing.TB) storetest.Stores {
	tb.Helper()
	s, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(tb.TempDir(), "qyzmet.db"))
	require.NoError(tb, err)
	tb.Cleanup(func() { s.Close() })
	require.NoError(tb, s.Migrate(ctx))
	return conformanceStores(tb, s)
}

func (sqliteHarness) Capabilities() storetest.Capabilities {
	return storetest.Capabilities{Durable: true}
}

// postgresHarness gives each test its own schema in the database named by
// QYZMET_TEST_POSTGRES.
type postgresHarness struct{ dsn string }

func (h postgresHarness) NewStores(ctx context.Context, tb testing.TB) storetest.Stores {
	tb.Helper()
	schema := "t_" + strings.ToLower(rand.Text()[:16])
	admin, err := sql.Open("pgx", h.dsn)
	require.NoError(tb, err)
	defer admin.Close()
	_, err = admin.ExecContext(ctx, "CREATE SCHEMA "+schema)
	require.NoError(tb, err)
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", h.dsn)
		if err == nil {
			_, _ = db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(h.dsn)
	require.NoError(tb, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := sqlstore.Open(ctx, u.String())
	require.NoError(tb, err)
	tb.Cleanup(func() { s.Close() })
	require.NoError(tb, s.Migrate(ctx))
	return conformanceStores(tb, s)
}

func (postgresHarness) Capabilities() storetest.Capabilities {
	return storetest.Capabilities{Durable: true, MultiProcess: true}
}

// postgres returns the harness, or skips when QYZMET_TEST_POSTGRES is not
// set. CI sets it and checks the server, so the suite is never skipped
// there.
func postgres(tb testing.TB) postgresHarness {
	dsn := os.Getenv("QYZMET_TEST_POSTGRES")
	if dsn == "" {
		tb.Skip("QYZMET_TEST_POSTGRES is not set")
	}
	return postgresHarness{dsn: dsn}
}

func TestConformanceSQLite(t *testing.T) {
	t.Parallel()
	storetest.Run(t, sqliteHarness{})
}

func TestConformancePostgres(t *testing.T) {
	t.Parallel()
	storetest.Run(t, postgres(t))
}

func BenchmarkConformanceSQLite(b *testing.B) { storetest.RunBenchmarks(b, sqliteHarness{}) }

func BenchmarkConformancePostgres(b *testing.B) { storetest.RunBenchmarks(b, postgres(b)) }

func TestOpenRejectsUnknownSchemes(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"mysql://localhost/x", "sqlite://", "::"} {
		_, err := sqlstore.Open(context.Background(), dsn)
		require.Error(t, err, dsn)
	}
	_, err := sqlstore.Open(context.Background(), "sqlite://"+filepath.Join(t.TempDir(), "x.db"), sqlstore.WithSQLiteSynchronous("SOMETIMES"))
	require.Error(t, err)
}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	file := "sqlite://" + filepath.Join(t.TempDir(), "m.db")
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := sqlstore.Open(ctx, file)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			errs <- s.Migrate(ctx)
		}()
	}
	for range 4 {
		require.NoError(t, <-errs)
	}
	s, err := sqlstore.Open(ctx, file)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Migrate(ctx))
	v, err := s.Version(ctx)
	require.NoError(t, err)
	require.Equal(t, sqlstore.LatestVersion(), v)
	require.GreaterOrEqual(t, v, 3)
}
