package sqlstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// Migration 017 gives a rung whose cycle and rung name are not its key's
// (converted from a document without them) the ones of its key, counting
// characters, not bytes, and leaves alone a rung whose key does not start
// with its timer's ID and a slash or holds no cycle as Key() writes it.
func TestMigration017TakesCycleAndRungFromTheKey(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := openAtVersion(t, dialect, 16)
			type rung struct {
				Key, TimerID string
				Cycle        int
				Rung         string
			}
			rows := []rung{
				{"é/ü/3/wärn/1", "é/ü", 0, ""},     // fixed: slashes and non-ASCII letters
				{"m/1/breach", "m", 0, ""},         // fixed
				{"ok/2/breach", "ok", 2, "breach"}, // agrees already
				{"z/1", "z", 0, ""},                // no rung after the cycle
				{"x/01/b", "x", 0, ""},             // not a cycle Key() writes
				{"w/-0/b", "w", 0, ""},             // nor this
				{"other/1/b", "y", 0, ""},          // not the timer's key
			}
			for i, r := range rows {
				_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO rungs (key, timer_id, at, subject, cycle, rung, rung_offset, rule)
					VALUES (?, ?, ?, 'm017', ?, ?, 0, '')`), r.Key, r.TimerID, i, r.Cycle, r.Rung)
				require.NoError(t, err)
			}

			require.NoError(t, s.Migrate(ctx))

			want := map[string]rung{
				"é/ü/3/wärn/1": {"é/ü/3/wärn/1", "é/ü", 3, "wärn/1"},
				"m/1/breach":   {"m/1/breach", "m", 1, "breach"},
			}
			for _, r := range rows {
				var got rung
				require.NoError(t, s.db.QueryRowContext(ctx, s.q(`SELECT key, timer_id, cycle, rung FROM rungs WHERE key = ?`), r.Key).
					Scan(&got.Key, &got.TimerID, &got.Cycle, &got.Rung))
				if w, ok := want[r.Key]; ok {
					r = w
				}
				require.Equal(t, r, got)
			}
		})
	}
}
