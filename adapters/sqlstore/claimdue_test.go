package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/adapters/storetest"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// ClaimDue claims the due rungs where they lie without re-encoding their
// firings: the instant they fired is kept in the fired_at column and read
// back by Firings.
func TestClaimDueKeepsFiredAt(t *testing.T) {
	forEachDialect(t, func(t *testing.T, ctx context.Context, s *sqlstore.Store) {
		for i := range 3 {
			createClaimTimer(t, ctx, s, fmt.Sprintf("t%d", i), claimStart.AddDate(0, 0, i))
		}
		all, err := s.DueFirings(ctx, claimStart.AddDate(0, 2, 0), 10)
		require.NoError(t, err)
		require.Len(t, all, 6)
		now := all[1].At // the first two rungs are due
		require.True(t, all[2].At.After(now))
		got, err := s.ClaimDue(ctx, now, 10)
		require.NoError(t, err)
		require.Len(t, got, 2)
		require.Equal(t, all[0].Key(), got[0].Key())
		require.Equal(t, all[1].Key(), got[1].Key())
		for _, f := range got {
			require.True(t, now.Equal(f.FiredAt))
			stored, err := s.Firings(ctx, f.TimerID)
			require.NoError(t, err)
			require.Len(t, stored, 1)
			require.Equal(t, f.Key(), stored[0].Key())
			require.True(t, f.At.Equal(stored[0].At))
			require.True(t, now.Equal(stored[0].FiredAt), "fired_at is read back")
			won, err := s.ClaimFiring(ctx, f)
			require.NoError(t, err)
			require.False(t, won, "a rung ClaimDue claimed is claimed")
		}
		again, err := s.ClaimDue(ctx, now, 10)
		require.NoError(t, err)
		require.Empty(t, again)
		due, err := s.DueFirings(ctx, now.AddDate(0, 1, 0), 10)
		require.NoError(t, err)
		require.Len(t, due, 4, "the four later rungs are left")
		// A claim made one by one keeps the document's FiredAt.
		f := due[0]
		f.FiredAt = now.Add(time.Minute)
		won, err := s.ClaimFiring(ctx, f)
		require.NoError(t, err)
		require.True(t, won)
		stored, err := s.Firings(ctx, f.TimerID)
		require.NoError(t, err)
		require.True(t, f.FiredAt.Equal(stored[len(stored)-1].FiredAt))
	})
}

// ClaimDue claims every due rung once, earliest first, when rungs claimed
// one by one lie between them and when a rung due long ago is scheduled
// after later ones were claimed (SQLite walks the table between the first
// and the last rung it claims), and a batch is short only at the end.
func TestClaimDueAroundClaimedRungs(t *testing.T) {
	forEachDialect(t, func(t *testing.T, ctx context.Context, s *sqlstore.Store) {
		start := claimStart
		create := func(id string, start time.Time) { createClaimTimer(t, ctx, s, id, start) }
		for i := range 20 {
			create(fmt.Sprintf("t%02d", i), start.Add(time.Duration(i)*time.Hour))
		}
		far := start.AddDate(1, 0, 0)
		all, err := s.DueFirings(ctx, far, 100)
		require.NoError(t, err)
		require.Len(t, all, 40)
		want := map[string]bool{}
		for i, f := range all {
			if i%3 == 1 || (i >= 10 && i < 18) { // claimed one by one when due, between the others
				f.FiredAt = f.At
				won, err := s.ClaimFiring(ctx, f)
				require.NoError(t, err)
				require.True(t, won)
				continue
			}
			want[f.Key()] = true
		}
		var got []deadlines.Firing
		shortBeforeMore := 0 // batches shorter than limit with more due after them
		claim := func(limit int) {
			wasShort := false
			for {
				batch, err := s.ClaimDue(ctx, far, limit)
				require.NoError(t, err)
				if len(batch) == 0 {
					return
				}
				if wasShort {
					shortBeforeMore++
				}
				require.LessOrEqual(t, len(batch), limit)
				wasShort = len(batch) < limit
				got = append(got, batch...)
			}
		}
		claim(2)
		// SQLite's walk from the 9th rung met the 8 claimed ones after it
		// and stopped at 2×2 rows; the batch was topped up from the start.
		require.Zero(t, shortBeforeMore, "a batch is short only at the end of the backlog")
		// A rung due long before the ones claimed, scheduled now.
		create("late", start.AddDate(0, -2, 0))
		want["late/1/warning-1"], want["late/1/breach"] = true, true
		claim(3)
		seen := map[string]bool{}
		for i, f := range got {
			require.False(t, seen[f.Key()], "%s claimed twice", f.Key())
			seen[f.Key()] = true
			require.True(t, want[f.Key()], "%s was not due unclaimed", f.Key())
			require.True(t, far.Equal(f.FiredAt))
			if i > 0 && !strings.HasPrefix(f.Key(), "late/") && !strings.HasPrefix(got[i-1].Key(), "late/") {
				require.False(t, f.At.Before(got[i-1].At), "earliest first")
			}
		}
		require.Len(t, seen, len(want))
		due, err := s.DueFirings(ctx, far, 10)
		require.NoError(t, err)
		require.Empty(t, due)
	})
}

// claimStart is when the claim tests' timers start: a Monday, 10:00.
var claimStart = kz.Calendar().Date(2025, time.March, 17).Add(10 * time.Hour)

// forEachDialect runs test on a fresh store of each dialect, in parallel.
func forEachDialect(t *testing.T, test func(t *testing.T, ctx context.Context, s *sqlstore.Store)) {
	t.Parallel()
	for name, h := range map[string]func(t *testing.T) storetest.Harness{
		"SQLite":   func(*testing.T) storetest.Harness { return sqliteHarness{} },
		"Postgres": func(t *testing.T) storetest.Harness { return postgres(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			test(t, ctx, h(t).NewStores(ctx, t).Timers.(*sqlstore.Store))
		})
	}
}

// createClaimTimer stores a 5-working-day timer with a warning and a
// breach rung (Rules130 p.5).
func createClaimTimer(t *testing.T, ctx context.Context, s *sqlstore.Store, id string, start time.Time) {
	t.Helper()
	rule := deadlines.Cite(deadlines.Rules130, 5)
	tm, err := deadlines.NewTimer(kz.Calendar(), id, "claim", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule},
		start, deadlines.Warning(1, rule), deadlines.Breach(rule))
	require.NoError(t, err)
	require.NoError(t, s.CreateTimer(ctx, tm))
}

// A batch claim starts after the last rung of the last full one, past the
// claims made before it. A rung due before that front (scheduled late) is
// still claimed before the backlog ends: the batch that reaches the end of
// the backlog from the front is topped up from the start, so no batch
// comes back short (which a caller may take for the end) before the one
// that claims it.
func TestClaimDueFindsLateRungsBehindTheFront(t *testing.T) {
	forEachDialect(t, func(t *testing.T, ctx context.Context, s *sqlstore.Store) {
		const timers, limit = 30, 3 // 60 rungs: 20 full batches
		for i := range timers {
			createClaimTimer(t, ctx, s, fmt.Sprintf("t%02d", i), claimStart.Add(time.Duration(i)*time.Hour))
		}
		far := claimStart.AddDate(1, 0, 0)
		seen := map[string]int{}
		claim := func() []deadlines.Firing {
			batch, err := s.ClaimDue(ctx, far, limit)
			require.NoError(t, err)
			for _, f := range batch {
				seen[f.Key()]++
			}
			return batch
		}
		for range 3 {
			require.Len(t, claim(), limit)
		}
		createClaimTimer(t, ctx, s, "late", claimStart.AddDate(0, -2, 0))
		for {
			batch := claim()
			if seen["late/1/warning-1"] == 1 && seen["late/1/breach"] == 1 {
				break
			}
			require.Len(t, batch, limit, "a short batch before the late rungs were claimed")
		}
		for len(claim()) > 0 {
		}
		require.Len(t, seen, 2*timers+2)
		for k, n := range seen {
			require.Equal(t, 1, n, "%s claimed once", k)
		}
	})
}

// On PostgreSQL rungs leaves room on each page for a batch claim's new row
// versions (a HOT update writes no index), and autovacuum visits it after
// 2 % of its rows changed: the dead due-index entries of acknowledged
// claims stay few (migrations 013 and 014).
func TestPostgresRungsLeaveRoomForClaimsAndVacuumSooner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := postgres(t).NewStores(ctx, t).Timers.(*sqlstore.Store)
	var opts []string
	rows, err := s.DB().QueryContext(ctx, `SELECT unnest(reloptions) FROM pg_class WHERE oid = 'rungs'::regclass`)
	require.NoError(t, err)
	for rows.Next() {
		var o string
		require.NoError(t, rows.Scan(&o))
		opts = append(opts, o)
	}
	require.NoError(t, rows.Err())
	require.ElementsMatch(t, []string{"fillfactor=45", "autovacuum_vacuum_scale_factor=0.02", "autovacuum_vacuum_threshold=1000"}, opts)
}

// A due rung whose stored rule does not parse, or whose key is not its
// timer/cycle/rung (the store reads the timer's ID and the cycle from the
// key), fails the batch claim after it committed: the batch's rungs stay
// claimed and pending (not claimed again by the next batch), for
// Unacknowledged to hand out again.
func TestClaimDueLeavesRungsPendingWhenADocumentDoesNotDecode(t *testing.T) {
	for _, c := range []struct{ name, spoil, want string }{
		{"rule", `UPDATE rungs SET rule = 'Rules999 p.x' WHERE key = 'bad/1/breach'`, "decoding a due rung"},
		{"key", `UPDATE rungs SET rung = 'renamed' WHERE key = 'bad/1/breach'`, "the key is not timer/cycle/rung"},
		{"key without the rung", `UPDATE rungs SET key = 'bad/1/' WHERE key = 'bad/1/breach'`, "the key is not timer/cycle/rung"},
	} {
		t.Run(c.name, func(t *testing.T) {
			forEachDialect(t, func(t *testing.T, ctx context.Context, s *sqlstore.Store) {
				createClaimTimer(t, ctx, s, "bad", claimStart)
				_, err := s.DB().ExecContext(ctx, c.spoil)
				require.NoError(t, err)
				far := claimStart.AddDate(1, 0, 0)
				_, err = s.ClaimDue(ctx, far, 10)
				require.ErrorContains(t, err, c.want)
				again, err := s.ClaimDue(ctx, far, 10)
				require.NoError(t, err)
				require.Empty(t, again, "claimed once")
				var pending int
				require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM claims WHERE pending_since IS NOT NULL`).Scan(&pending))
				require.Equal(t, 2, pending)
			})
		})
	}
}

// A timer's ID and a rung's name may hold slashes: the store reads the
// timer's ID and the cycle back from the key (timer/cycle/rung) by the
// rung's name, and every read gives the firing stored, whose Key() is
// its row's.
func TestFiringsWithSlashesInTheirNamesComeBackWhole(t *testing.T) {
	forEachDialect(t, func(t *testing.T, ctx context.Context, s *sqlstore.Store) {
		rule := deadlines.Cite(deadlines.Rules472, 12)
		tm, err := deadlines.NewTimer(kz.Calendar(), "org/7/app", "slashes", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule},
			claimStart, deadlines.Rung{Name: "warn/1", Offset: -1, Rule: rule}, deadlines.Rung{Name: "1/breach", Rule: rule})
		require.NoError(t, err)
		require.NoError(t, s.CreateTimer(ctx, tm))
		far := claimStart.AddDate(1, 0, 0)
		due, err := s.DueFirings(ctx, far, 10)
		require.NoError(t, err)
		utc := func(f deadlines.Firing) deadlines.Firing { // the store keeps UTC offsets, not zones
			f.At, f.Due = f.At.UTC(), f.Due.UTC()
			return f
		}
		require.Len(t, due, 2)
		for i, f := range due {
			require.Equal(t, utc(tm.Schedule[i]), utc(f))
		}
		claimed, err := s.ClaimDue(ctx, far, 10)
		require.NoError(t, err)
		fs, err := s.Firings(ctx, "org/7/app")
		require.NoError(t, err)
		pending, err := s.Unacknowledged(ctx, far.Add(time.Nanosecond), 10)
		require.NoError(t, err)
		slices.SortFunc(pending, func(a, b deadlines.Firing) int { return a.At.Compare(b.At) }) // by key, not At
		for _, got := range [][]deadlines.Firing{claimed, fs, pending} {
			require.Len(t, got, 2)
			for i, f := range got {
				require.True(t, f.FiredAt.Equal(far), f.Key())
				f.FiredAt = time.Time{}
				require.Equal(t, utc(tm.Schedule[i]), utc(f))
			}
		}
		require.NoError(t, s.AckFirings(ctx, fs[0].Key(), fs[1].Key()))
		left, err := s.Unacknowledged(ctx, far.Add(time.Nanosecond), 10)
		require.NoError(t, err)
		require.Empty(t, left, "acknowledged by Key()")
	})
}

// While a backlog drains (every batch full), a rung due before the front
// (scheduled late) waits at most sqlstore.FullSweepEvery batches: every
// FullSweepEvery-th batch looks from the start.
func TestClaimDueReachesLateRungsWhileTheBacklogDrains(t *testing.T) {
	forEachDialect(t, func(t *testing.T, ctx context.Context, s *sqlstore.Store) {
		insert := func(from, to int) {
			_, err := s.DB().ExecContext(ctx, fmt.Sprintf(`WITH RECURSIVE n(g) AS (SELECT %d UNION ALL SELECT g + 1 FROM n WHERE g < %d)
			INSERT INTO rungs (key, timer_id, at, subject, cycle, rung, rung_offset, rule, at_zone)
			SELECT 't' || g || '/1/breach', 't' || g, g, 'late', 1, 'breach', 0, 'Rules130 p.5', 0 FROM n`, from, to))
			require.NoError(t, err)
		}
		insert(10, 3*sqlstore.FullSweepEvery)
		now := time.Unix(0, 10*sqlstore.FullSweepEvery)
		claimed := map[string]bool{}
		claim := func() {
			batch, err := s.ClaimDue(ctx, now, 1)
			require.NoError(t, err)
			require.Len(t, batch, 1, "the backlog is not drained")
			require.False(t, claimed[batch[0].Key()], "%s claimed twice", batch[0].Key())
			claimed[batch[0].Key()] = true
		}
		for range 3 {
			claim()
		}
		insert(1, 1) // due before the front
		for batches := 0; !claimed["t1/1/breach"]; batches++ {
			require.Less(t, batches, sqlstore.FullSweepEvery, "t1 waits at most FullSweepEvery batches")
			claim()
		}
	})
}

// A rung claimed one by one before it is due is pending from its FiredAt
// on, and comes back with its own At, to the nanosecond and in its UTC
// offset (the row's at is the FiredAt, the At rung_at).
func TestClaimFiringBeforeItIsDueKeepsItsAt(t *testing.T) {
	forEachDialect(t, func(t *testing.T, ctx context.Context, s *sqlstore.Store) {
		createClaimTimer(t, ctx, s, "early", claimStart)
		due, err := s.DueFirings(ctx, claimStart.AddDate(1, 0, 0), 10)
		require.NoError(t, err)
		require.Len(t, due, 2)
		f := due[1]
		f.At = f.At.Add(123456789 * time.Nanosecond)
		f.FiredAt = f.At.Add(-24 * time.Hour)
		won, err := s.ClaimFiring(ctx, f)
		require.NoError(t, err)
		require.True(t, won)
		pending, err := s.Unacknowledged(ctx, f.FiredAt.Add(time.Nanosecond), 10)
		require.NoError(t, err)
		stored, err := s.Firings(ctx, "early")
		require.NoError(t, err)
		for _, got := range [][]deadlines.Firing{pending, stored} {
			require.Len(t, got, 1)
			require.Equal(t, f.Key(), got[0].Key())
			require.True(t, f.At.Equal(got[0].At), "At %v, want %v", got[0].At, f.At)
			_, want := f.At.Zone()
			_, off := got[0].At.Zone()
			require.Equal(t, want, off)
			require.True(t, f.FiredAt.Equal(got[0].FiredAt))
		}
	})
}

// A batch from the front that holds a rung that does not decode fails
// after it committed, and is not topped up from the start: a rung behind
// the front (scheduled late) is not claimed unseen by a call that returns
// nothing but an error; the next batch claims it.
func TestClaimDueDoesNotTopUpABatchThatFailed(t *testing.T) {
	forEachDialect(t, func(t *testing.T, ctx context.Context, s *sqlstore.Store) {
		const limit = 3
		for i := range 4 { // warnings w0..w3, then breaches b0..b3
			createClaimTimer(t, ctx, s, fmt.Sprintf("t%d", i), claimStart.Add(time.Duration(i)*time.Hour))
		}
		far := claimStart.AddDate(1, 0, 0)
		for range 2 { // w0 w1 w2, w3 b0 b1: the front is b1
			batch, err := s.ClaimDue(ctx, far, limit)
			require.NoError(t, err)
			require.Len(t, batch, limit)
		}
		_, err := s.DB().ExecContext(ctx, `UPDATE rungs SET rule = 'Rules999 p.x' WHERE key = 't3/1/breach'`)
		require.NoError(t, err)
		createClaimTimer(t, ctx, s, "late", claimStart.AddDate(0, -2, 0))
		_, err = s.ClaimDue(ctx, far, limit) // b2 b3, short: b3 does not decode
		require.ErrorContains(t, err, "decoding a due rung")
		due, err := s.DueFirings(ctx, far, 10)
		require.NoError(t, err)
		var open []string
		for _, f := range due {
			open = append(open, f.Key())
		}
		require.Equal(t, []string{"late/1/warning-1", "late/1/breach"}, open, "the late rungs are not claimed")
		batch, err := s.ClaimDue(ctx, far, limit)
		require.NoError(t, err)
		require.Len(t, batch, 2)
		require.Equal(t, "late/1/warning-1", batch[0].Key())
	})
}
