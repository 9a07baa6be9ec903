package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Migration 016 (SQLite) indexes rungs as PostgreSQL's 014 does: a claim
// whose handler succeeded is acknowledged (out of rungs_due), a pending
// one is not, and a pending claim pending since before its rung was due
// has its pending_since as at (its At as rung_at), so that
// Unacknowledged, which reads rungs_due by at, finds it. The sweep's indexes are rungs_due and rungs_key.
func TestMigration016IndexesRungsAsPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAtVersion(t, "sqlite", 15)
	const hour = int64(time.Hour)
	base := time.Date(2025, time.March, 17, 10, 0, 0, 0, time.UTC).UnixNano()
	for _, r := range []struct {
		key                   string
		at                    int64
		claimed               bool
		firedAt, pendingSince any
	}{
		{"open/1/breach", base, false, nil, nil},
		{"pending/1/breach", base, true, base + hour, base + hour},
		{"handled/1/breach", base, true, base + hour, nil},
		{"early/1/breach", base + 24*hour, true, base, base},          // ClaimFiring, a day early
		{"earlyok/1/breach", base + 24*hour, true, base, nil},         // the same, handled
		{"nofired/1/breach", base + 24*hour, true, nil, base},         // early, no fired_at stored
		{"deferred/1/breach", base, true, base + hour, base + 3*hour}, // its handler failed
	} {
		_, err := s.db.ExecContext(ctx, `INSERT INTO rungs (at, key, timer_id, claimed, fired_at, pending_since,
			subject, cycle, rung, rung_offset, rule, at_zone, due, due_zone)
			VALUES (?, ?, ?, ?, ?, ?, 'm016', 1, 'breach', 0, 'Rules130 p.5', 0, ?, 0)`,
			r.at, r.key, r.key[:len(r.key)-len("/1/breach")], r.claimed, r.firedAt, r.pendingSince, base)
		require.NoError(t, err)
	}

	require.NoError(t, s.Migrate(ctx))

	type row struct {
		Key    string
		At     int64
		RungAt *int64
		Acked  bool
	}
	var got []row
	rows, err := s.db.QueryContext(ctx, `SELECT key, at, rung_at, acked FROM rungs ORDER BY key`)
	require.NoError(t, err)
	for rows.Next() {
		var r row
		require.NoError(t, rows.Scan(&r.Key, &r.At, &r.RungAt, &r.Acked))
		got = append(got, r)
	}
	require.NoError(t, rows.Err())
	dayLater := base + 24*hour
	require.Equal(t, []row{
		{"deferred/1/breach", base, nil, false},
		{"early/1/breach", base, &dayLater, false},
		{"earlyok/1/breach", dayLater, nil, true}, // acknowledged: not moved
		{"handled/1/breach", base, nil, true},
		{"nofired/1/breach", base, &dayLater, false},
		{"open/1/breach", base, nil, false},
		{"pending/1/breach", base, nil, false},
	}, got)

	var indexes []string
	rows, err = s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rungs' ORDER BY name`)
	require.NoError(t, err)
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		indexes = append(indexes, name)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"rungs_due", "rungs_key"}, indexes)

	keys := func(fs []deadlines.Firing, err error) []string {
		t.Helper()
		require.NoError(t, err)
		out := make([]string, 0, len(fs))
		for _, f := range fs {
			out = append(out, f.Key())
		}
		return out
	}
	far := time.Unix(0, base+48*hour)
	require.Equal(t, []string{"early/1/breach", "nofired/1/breach"}, keys(s.Unacknowledged(ctx, time.Unix(0, base+1), 10)))
	require.Equal(t, []string{"early/1/breach", "nofired/1/breach", "pending/1/breach", "deferred/1/breach"},
		keys(s.Unacknowledged(ctx, far, 10)), "by pending_since")
	require.Equal(t, []string{"open/1/breach"}, keys(s.DueFirings(ctx, far, 10)))
	require.Equal(t, []string{"open/1/breach"}, keys(s.ClaimDue(ctx, far, 10)))
	early, err := s.Firings(ctx, "early")
	require.NoError(t, err)
	require.Len(t, early, 1)
	require.Equal(t, dayLater, early[0].At.UnixNano(), "the At of a claim made early")
	require.NoError(t, s.AckFirings(ctx, "early/1/breach", "nofired/1/breach", "pending/1/breach", "deferred/1/breach", "open/1/breach"))
	require.Empty(t, keys(s.Unacknowledged(ctx, far, 10)))
}
