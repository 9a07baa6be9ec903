package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Migration 011 (claim in place) carries schedule and claims over: on
// SQLite into rungs, under the schedule and claims views; the rungs
// scheduled before it are claimed after it, once, and the claims keep
// fired_at and pending_since (a pending one is handed out again).
func TestMigration011KeepsScheduleAndClaims(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := openAtVersion(t, dialect, 10)
			doc := func(timer string, at int64) string {
				raw, err := json.Marshal(deadlines.Firing{TimerID: timer, Cycle: 1, Rung: deadlines.Breach(deadlines.Cite(deadlines.Rules130, 5)), At: time.Unix(0, at).UTC()})
				require.NoError(t, err)
				return string(raw)
			}
			for _, r := range []struct {
				timer string
				at    int64
			}{{"a", 30}, {"b", 10}, {"d", 20}} {
				_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO schedule (key, timer_id, at, firing) VALUES (?, ?, ?, ?)`), r.timer+"/1/breach", r.timer, r.at, doc(r.timer, r.at))
				require.NoError(t, err)
			}
			// c was fired by ClaimDue (fired_at) and handled; e by ClaimFiring, still pending.
			_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO claims (key, timer_id, at, firing, fired_at, pending_since) VALUES (?, ?, ?, ?, ?, NULL), (?, ?, ?, ?, NULL, ?)`),
				"c/1/breach", "c", 5, doc("c", 5), 7, "e/1/breach", "e", 15, doc("e", 15), 16)
			require.NoError(t, err)

			require.NoError(t, s.Migrate(ctx))
			v, err := s.Version(ctx)
			require.NoError(t, err)
			require.GreaterOrEqual(t, v, 11)

			var keys []string
			rows, err := s.db.QueryContext(ctx, `SELECT key FROM schedule ORDER BY at, key`)
			require.NoError(t, err)
			for rows.Next() {
				var k string
				require.NoError(t, rows.Scan(&k))
				keys = append(keys, k)
			}
			require.NoError(t, rows.Err())
			rows.Close()
			require.Equal(t, []string{"b/1/breach", "d/1/breach", "a/1/breach"}, keys)

			fs, err := s.Firings(ctx, "c")
			require.NoError(t, err)
			require.Len(t, fs, 1)
			require.Equal(t, int64(7), fs[0].FiredAt.UnixNano(), "fired_at is kept")
			pending, err := s.Unacknowledged(ctx, time.Unix(0, 100), 10)
			require.NoError(t, err)
			require.Len(t, pending, 1)
			require.Equal(t, "e/1/breach", pending[0].Key(), "pending_since is kept")

			for _, f := range []deadlines.Firing{fs[0], pending[0]} {
				won, err := s.ClaimFiring(ctx, f)
				require.NoError(t, err)
				require.False(t, won, "%s is still claimed", f.Key())
			}
			got, err := s.ClaimDue(ctx, time.Unix(0, 25), 10)
			require.NoError(t, err)
			require.Len(t, got, 2)
			require.Equal(t, "b/1/breach", got[0].Key())
			require.Equal(t, "d/1/breach", got[1].Key())
			again, err := s.ClaimDue(ctx, time.Unix(0, 25), 10)
			require.NoError(t, err)
			require.Empty(t, again)
			require.NoError(t, s.AckFirings(ctx, "b/1/breach", "d/1/breach", "e/1/breach")) // handled
			backlog, err := s.SweepBacklog(ctx, time.Unix(0, 100))
			require.NoError(t, err)
			require.Equal(t, 1, backlog, "a is left")
			open, err := s.OpenTimers(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, open)
		})
	}
}

// A key both scheduled and claimed before migration 011 (which the store
// never leaves, but a database edited by hand might) is claimed after it.
func TestMigration011ClaimedWins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAtVersion(t, "sqlite", 10)
	_, err := s.db.ExecContext(ctx, `INSERT INTO schedule (key, timer_id, at, firing) VALUES ('a/1/breach', 'a', 3, '{"timer_id":"a"}')`)
	require.NoError(t, err)
	_, err = s.db.ExecContext(ctx, `INSERT INTO claims (key, timer_id, at, firing, pending_since) VALUES ('a/1/breach', 'a', 3, '{"timer_id":"a","cycle":1}', 9)`)
	require.NoError(t, err)
	require.NoError(t, s.Migrate(ctx))
	due, err := s.DueFirings(ctx, time.Unix(0, 10), 10)
	require.NoError(t, err)
	require.Empty(t, due)
	var n int
	require.NoError(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rungs WHERE claimed AND pending_since = 9`).Scan(&n))
	require.Equal(t, 1, n)
}

// openAtVersion opens a fresh database (a new schema on PostgreSQL) with
// the migrations up to version applied by hand and recorded as Migrate
// records them.
func openAtVersion(t *testing.T, dialect string, version int) *Store {
	t.Helper()
	ctx := context.Background()
	var dsn string
	if dialect == "sqlite" {
		dsn = "sqlite://" + filepath.Join(t.TempDir(), "m.db")
	} else {
		base := os.Getenv("QYZMET_TEST_POSTGRES")
		if base == "" {
			t.Skip("QYZMET_TEST_POSTGRES is not set")
		}
		schema := "t_" + strings.ToLower(rand.Text()[:16])
		admin, err := sql.Open("pgx", base)
		require.NoError(t, err)
		t.Cleanup(func() { admin.Close() })
		_, err = admin.ExecContext(ctx, "CREATE SCHEMA "+schema)
		require.NoError(t, err)
		t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
		u, err := url.Parse(base)
		require.NoError(t, err)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	s, err := Open(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	_, err = s.db.ExecContext(ctx, `CREATE TABLE qyzmet_schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`)
	require.NoError(t, err)
	for v := 1; v <= version; v++ {
		matches, err := fsGlob(path.Join("migrations", dialect), v)
		require.NoError(t, err)
		body, err := migrations.ReadFile(matches)
		require.NoError(t, err)
		_, err = s.db.ExecContext(ctx, string(body))
		require.NoError(t, err, matches)
		_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO qyzmet_schema_version (version, name) VALUES (?, ?)`), v, path.Base(matches))
		require.NoError(t, err)
	}
	return s
}
