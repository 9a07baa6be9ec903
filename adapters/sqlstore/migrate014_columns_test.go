package sqlstore

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// Migration 014 (PostgreSQL) turns the firing documents of schedule and
// claims into rungs' columns: DueFirings, Unacknowledged and Firings
// return the firings as the documents had them (equal instants in the
// same UTC offsets; a claim's FiredAt from the document to the
// microsecond), a claim ClaimFiring made before the rung was due is
// still pending, a document's missing fields are zero, and re-saving a
// timer does not schedule its claimed rungs again.
func TestMigration014TurnsFiringDocumentsIntoColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAtVersion(t, "postgres", 13)
	c := kz.Calendar() // +05:00
	rule := deadlines.Cite(deadlines.Rules130, 5)
	start := time.Date(2025, time.March, 17, 10, 0, 0, 0, c.Location())
	timer := func(id string) *deadlines.Timer {
		tm, err := deadlines.NewTimer(c, id, "migration 014 "+id, deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule},
			start, deadlines.Warning(1, rule), deadlines.Breach(rule))
		require.NoError(t, err)
		require.Len(t, tm.Schedule, 2)
		raw, err := json.Marshal(tm)
		require.NoError(t, err)
		_, err = s.db.ExecContext(ctx, `INSERT INTO timers (id, doc) VALUES ($1, $2)`, id, string(raw))
		require.NoError(t, err)
		return tm
	}
	doc := func(f deadlines.Firing) string {
		raw, err := json.Marshal(f)
		require.NoError(t, err)
		return string(raw)
	}
	schedule := func(f deadlines.Firing) {
		_, err := s.db.ExecContext(ctx, `INSERT INTO schedule (key, timer_id, at, firing) VALUES ($1, $2, $3, $4)`,
			f.Key(), f.TimerID, f.At.UnixNano(), doc(f))
		require.NoError(t, err)
	}
	claim := func(f deadlines.Firing, firedAt, pendingSince any) {
		_, err := s.db.ExecContext(ctx, `INSERT INTO claims (key, timer_id, at, firing, fired_at, pending_since) VALUES ($1, $2, $3, $4, $5, $6)`,
			f.Key(), f.TimerID, f.At.UnixNano(), doc(f), firedAt, pendingSince)
		require.NoError(t, err)
	}

	// a: scheduled. b: its warning claimed by ClaimDue and pending, its
	// breach claimed by ClaimDue and acknowledged. z (UTC): claimed by
	// ClaimFiring an hour before it was due (FiredAt in the document
	// only), pending. m: a document without fields.
	a, b := timer("a"), timer("b")
	for _, f := range a.Schedule {
		schedule(f)
	}
	warn, breach := b.Schedule[0], b.Schedule[1]
	claim(warn, warn.At.Add(time.Minute).UnixNano(), warn.At.Add(time.Minute).UnixNano())
	claim(breach, breach.At.Add(time.Second).UnixNano(), nil)
	zAt := time.Date(2025, time.March, 20, 12, 0, 0, 123456789, time.UTC)
	z := deadlines.Firing{TimerID: "z", Subject: "standalone", Cycle: 2, Rung: deadlines.Warning(3, deadlines.Cite(deadlines.Rules472, 12)),
		At: zAt, Due: time.Date(2025, time.March, 25, 0, 0, 0, 0, time.UTC), FiredAt: zAt.Add(-time.Hour).Truncate(time.Microsecond)}
	claim(z, nil, z.FiredAt.UnixNano())
	_, err := s.db.ExecContext(ctx, `INSERT INTO schedule (key, timer_id, at, firing) VALUES ('m/1/breach', 'm', 1, '{"timer_id":"m"}')`)
	require.NoError(t, err)

	require.NoError(t, s.Migrate(ctx))

	requireFirings := func(want, got []deadlines.Firing) {
		t.Helper()
		require.Len(t, got, len(want))
		for i, w := range want {
			g := got[i]
			require.Equal(t, w.Key(), g.Key())
			require.Equal(t, w.Subject, g.Subject, w.Key())
			require.Equal(t, w.Rung, g.Rung, w.Key())
			require.True(t, w.FiredAt.Equal(g.FiredAt), "%s: fired at %v, want %v", w.Key(), g.FiredAt, w.FiredAt)
			for _, p := range [][2]time.Time{{w.At, g.At}, {w.Due, g.Due}} {
				require.True(t, p[0].Equal(p[1]), "%s: %v, want %v", w.Key(), p[1], p[0])
				require.Equal(t, p[0].IsZero(), p[1].IsZero(), w.Key())
				_, wantOff := p[0].Zone()
				_, gotOff := p[1].Zone()
				require.Equal(t, wantOff, gotOff, "%s: the UTC offset of %v", w.Key(), p[0])
			}
		}
	}
	far := start.AddDate(1, 0, 0)
	due, err := s.DueFirings(ctx, far, 10)
	require.NoError(t, err)
	requireFirings([]deadlines.Firing{{TimerID: "m"}, a.Schedule[0], a.Schedule[1]}, due)

	pending, err := s.Unacknowledged(ctx, z.FiredAt.Add(time.Nanosecond), 10)
	require.NoError(t, err)
	requireFirings([]deadlines.Firing{z}, pending)
	pending, err = s.Unacknowledged(ctx, far, 10)
	require.NoError(t, err)
	warn.FiredAt = warn.At.Add(time.Minute)
	breach.FiredAt = breach.At.Add(time.Second)
	requireFirings([]deadlines.Firing{z, warn}, pending) // by pending_since

	fs, err := s.Firings(ctx, "b")
	require.NoError(t, err)
	requireFirings([]deadlines.Firing{warn, breach}, fs)
	fs, err = s.Firings(ctx, "z")
	require.NoError(t, err)
	requireFirings([]deadlines.Firing{z}, fs)

	// Re-saving b with its rungs moved a week on leaves its claims as they were.
	require.NoError(t, s.UpdateTimer(ctx, "b", func(tm *deadlines.Timer) error {
		return tm.Extend(c, start.Add(time.Hour), deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule}, "after 014")
	}))
	fs, err = s.Firings(ctx, "b")
	require.NoError(t, err)
	requireFirings([]deadlines.Firing{warn, breach}, fs)
	due, err = s.DueFirings(ctx, far, 10)
	require.NoError(t, err)
	requireFirings([]deadlines.Firing{{TimerID: "m"}, a.Schedule[0], a.Schedule[1]}, due)
	claimed, err := s.ClaimDue(ctx, far, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 3, "a's rungs and m, not b's again")
	won, err := s.ClaimFiring(ctx, z)
	require.NoError(t, err)
	require.False(t, won, "z is still claimed")
}
