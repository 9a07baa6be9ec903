package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// Migration 014 (PostgreSQL) turns the firing documents of schedule and
// claims into rungs' columns: see testFiringColumns.
func TestMigration014TurnsFiringDocumentsIntoColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAtVersion(t, "postgres", 13)
	testFiringColumns(t, s, time.Microsecond, func(f deadlines.Firing, doc string, claimed bool, firedAt, pendingSince any) {
		query := `INSERT INTO schedule (key, timer_id, at, firing) VALUES ($1, $2, $3, $4)`
		args := []any{f.Key(), f.TimerID, f.At.UnixNano(), doc}
		if claimed {
			query = `INSERT INTO claims (key, timer_id, at, firing, fired_at, pending_since) VALUES ($1, $2, $3, $4, $5, $6)`
			args = append(args, firedAt, pendingSince)
		}
		_, err := s.db.ExecContext(ctx, query, args...)
		require.NoError(t, err)
	})
}

// testFiringColumns checks a migration (PostgreSQL's 014, SQLite's 015)
// that turns the firing documents of s, a store at the version before it,
// into rungs' columns: DueFirings, Unacknowledged and Firings return the
// firings as the documents had them (equal instants in the same UTC
// offsets; a claim's FiredAt from the document to precision), a claim
// ClaimFiring made before the rung was due is still pending, a
// document's missing fields are zero, and re-saving a timer does not
// schedule its claimed rungs again. insert stores a rung's document at
// that version: claimed or not, its fired_at and pending_since.
func testFiringColumns(t *testing.T, s *Store, precision time.Duration, insert func(f deadlines.Firing, doc string, claimed bool, firedAt, pendingSince any)) {
	t.Helper()
	ctx := context.Background()
	c := kz.Calendar() // +05:00
	rule := deadlines.Cite(deadlines.Rules130, 5)
	start := time.Date(2025, time.March, 17, 10, 0, 0, 0, c.Location())
	timer := func(id string) *deadlines.Timer {
		tm, err := deadlines.NewTimer(c, id, "firing columns "+id, deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule},
			start, deadlines.Warning(1, rule), deadlines.Breach(rule))
		require.NoError(t, err)
		require.Len(t, tm.Schedule, 2)
		raw, err := json.Marshal(tm)
		require.NoError(t, err)
		_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO timers (id, doc) VALUES (?, ?)`), id, string(raw))
		require.NoError(t, err)
		return tm
	}
	doc := func(f deadlines.Firing) string {
		raw, err := json.Marshal(f)
		require.NoError(t, err)
		return string(raw)
	}
	schedule := func(f deadlines.Firing) { insert(f, doc(f), false, nil, nil) }
	claim := func(f deadlines.Firing, firedAt, pendingSince any) { insert(f, doc(f), true, firedAt, pendingSince) }

	// a: scheduled. b: its warning claimed by ClaimDue and pending, its
	// breach claimed by ClaimDue and acknowledged. z (UTC): claimed by
	// ClaimFiring an hour before it was due (FiredAt in the document
	// only), pending. m: a document without fields (its cycle and rung
	// name are its key's since migration 017).
	a, b := timer("a"), timer("b")
	for _, f := range a.Schedule {
		schedule(f)
	}
	warn, breach := b.Schedule[0], b.Schedule[1]
	claim(warn, warn.At.Add(time.Minute).UnixNano(), warn.At.Add(time.Minute).UnixNano())
	claim(breach, breach.At.Add(time.Second).UnixNano(), nil)
	zAt := time.Date(2025, time.March, 20, 12, 0, 0, 123456789, time.UTC)
	z := deadlines.Firing{TimerID: "z", Subject: "standalone", Cycle: 2, Rung: deadlines.Warning(3, deadlines.Cite(deadlines.Rules472, 12)),
		At: zAt, Due: time.Date(2025, time.March, 25, 0, 0, 0, 0, time.UTC), FiredAt: zAt.Add(-time.Hour).Truncate(precision)}
	claim(z, nil, z.FiredAt.UnixNano())
	m := deadlines.Firing{TimerID: "m", Rung: deadlines.Rung{Name: "breach"}, Cycle: 1, At: time.Unix(0, 1)}
	insert(m, `{"timer_id":"m"}`, false, nil, nil)

	require.NoError(t, s.Migrate(ctx))
	mDue := deadlines.Firing{TimerID: "m", Cycle: 1, Rung: deadlines.Rung{Name: "breach"}} // At: the document's, zero

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
	requireFirings([]deadlines.Firing{mDue, a.Schedule[0], a.Schedule[1]}, due)

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
		return tm.Extend(c, start.Add(time.Hour), deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule}, "after the migration")
	}))
	fs, err = s.Firings(ctx, "b")
	require.NoError(t, err)
	requireFirings([]deadlines.Firing{warn, breach}, fs)
	due, err = s.DueFirings(ctx, far, 10)
	require.NoError(t, err)
	requireFirings([]deadlines.Firing{mDue, a.Schedule[0], a.Schedule[1]}, due)
	claimed, err := s.ClaimDue(ctx, far, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 3, "a's rungs and m, not b's again")
	for _, f := range claimed { // acknowledged by their keys, m's too
		require.NoError(t, s.AckFirings(ctx, f.Key()))
	}
	pending, err = s.Unacknowledged(ctx, far.AddDate(1, 0, 0), 10)
	require.NoError(t, err)
	requireFirings([]deadlines.Firing{z, warn}, pending)
	won, err := s.ClaimFiring(ctx, z)
	require.NoError(t, err)
	require.False(t, won, "z is still claimed")
}

// Migration 014 (PostgreSQL claims in place) carries schedule and claims
// into rungs: a handled claim is acknowledged (out of rungs_due), a
// pending one is handed out again, also one claimed before it was due (its
// at becomes its pending_since, so Unacknowledged, which reads rungs_due
// up to before, finds it), and a key both scheduled and claimed is
// claimed.
func TestMigration014ClaimsInPlace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openAtVersion(t, "postgres", 13)
	doc := func(timer string, at int64) string {
		raw, err := json.Marshal(deadlines.Firing{TimerID: timer, Cycle: 1, Rung: deadlines.Breach(deadlines.Cite(deadlines.Rules130, 5)), At: time.Unix(0, at).UTC()})
		require.NoError(t, err)
		return string(raw)
	}
	insert := func(table, cols string, rows ...[]any) {
		for _, r := range rows {
			_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO `+table+` (`+cols+`) VALUES (?`+strings.Repeat(`, ?`, len(r)-1)+`)`), r...)
			require.NoError(t, err)
		}
	}
	insert("schedule", "key, timer_id, at, firing",
		[]any{"a/1/breach", "a", int64(30), doc("a", 30)},
		[]any{"both/1/breach", "both", int64(10), doc("both", 10)})
	insert("claims", "key, timer_id, at, firing, fired_at, pending_since",
		[]any{"done/1/breach", "done", int64(5), doc("done", 5), int64(7), nil},          // handled
		[]any{"late/1/breach", "late", int64(15), doc("late", 15), int64(16), int64(16)}, // pending
		[]any{"early/1/breach", "early", int64(90), doc("early", 90), nil, int64(20)},    // claimed before due, pending
		[]any{"both/1/breach", "both", int64(10), doc("both", 10), int64(12), nil})       // handled, also scheduled

	require.NoError(t, s.Migrate(ctx))

	due, err := s.DueFirings(ctx, time.Unix(0, 100), 10)
	require.NoError(t, err)
	require.Equal(t, []string{"a/1/breach"}, firingKeys(due))
	pending, err := s.Unacknowledged(ctx, time.Unix(0, 50), 10)
	require.NoError(t, err)
	require.Equal(t, []string{"late/1/breach", "early/1/breach"}, firingKeys(pending), "by pending_since")
	require.True(t, time.Unix(0, 90).Equal(pending[1].At), "the firing keeps its At")
	var open []string
	rows, err := s.db.QueryContext(ctx, `SELECT key FROM rungs WHERE NOT acked ORDER BY at, key`)
	require.NoError(t, err)
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		open = append(open, k)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"late/1/breach", "early/1/breach", "a/1/breach"}, open, "handled claims are acknowledged")
	both, err := s.Firings(ctx, "both")
	require.NoError(t, err)
	require.Len(t, both, 1)
	won, err := s.ClaimFiring(ctx, both[0])
	require.NoError(t, err)
	require.False(t, won, "claimed once")
}

func firingKeys(fs []deadlines.Firing) []string {
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.Key()
	}
	return keys
}
