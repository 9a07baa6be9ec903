// Package sqlstoretest helps tests run against PostgreSQL: each test gets
// a schema of its own, dropped when it ends.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// Env names the variable that points the tests at a PostgreSQL server,
// e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const Env = "QYZMET_TEST_POSTGRES"

// Schema creates a new schema named prefix_<random> on the server at base
// (a postgres:// URL), drops it with everything in it when tb ends, and
// returns base with search_path set to it.
func Schema(tb testing.TB, base, prefix string) string {
	tb.Helper()
	schema := prefix + "_" + strings.ToLower(rand.Text()[:12])
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
