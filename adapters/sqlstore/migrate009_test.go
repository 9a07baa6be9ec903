package sqlstore

import (
	"context"
	"fmt"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Migration 009 (sweep keys) rebuilds (SQLite) or re-keys (PostgreSQL) schedule and
// claims: the rows stored before it are all there after it, and queries
// by their new keys find them.
func TestMigration009KeepsScheduleAndClaims(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			// Schema 7 (before the sweep keys), applied by hand and recorded as Migrate records it.
			s := openAtVersion(t, dialect, 7)
			for _, r := range [][]any{{"a/1/breach", "a", 30, `{"timer_id":"a"}`}, {"b/1/warning-1", "b", 10, `{"timer_id":"b"}`}} {
				_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO schedule (key, timer_id, at, firing) VALUES (?, ?, ?, ?)`), r...)
				require.NoError(t, err)
			}
			_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO claims (key, timer_id, at, firing) VALUES (?, ?, ?, ?)`), "c/1/breach", "c", 5, `{"timer_id":"c"}`)
			require.NoError(t, err)

			require.NoError(t, s.Migrate(ctx))
			v, err := s.Version(ctx)
			require.NoError(t, err)
			require.GreaterOrEqual(t, v, 8)

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
			require.Equal(t, []string{"b/1/warning-1", "a/1/breach"}, keys)
			var n int
			require.NoError(t, s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM claims WHERE timer_id = ? AND key = ? AND fired_at IS NULL`), "c", "c/1/breach").Scan(&n))
			require.Equal(t, 1, n)
			// The claims are still unique per key.
			won, err := s.ClaimFiring(ctx, deadlines.Firing{TimerID: "c", Cycle: 1, Rung: deadlines.Rung{Name: "breach"}, At: time.Unix(0, 6)})
			require.NoError(t, err)
			require.False(t, won)
		})
	}
}

// fsGlob returns the embedded migration numbered v in dir.
func fsGlob(dir string, v int) (string, error) {
	entries, err := migrations.ReadDir(dir)
	if err != nil {
		return "", err
	}
	prefix := fmt.Sprintf("%03d_", v)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			return path.Join(dir, e.Name()), nil
		}
	}
	return "", os.ErrNotExist
}
