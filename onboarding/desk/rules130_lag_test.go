package desk_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// sweeper fires the rungs due at the clock's now across the store: the
// desk's stage-lag rungs and chain's component terms.
func (b *testBundle) sweeper(t testing.TB) *deadlines.Sweeper {
	t.Helper()
	s, err := deadlines.NewSweeper(b.store, b.cal, b.clock, func(ctx context.Context, f deadlines.Firing) error {
		if strings.HasPrefix(f.TimerID, "desk/") {
			return b.feed.HandleFiring(ctx, f)
		}
		return b.router.HandleFiring(ctx, f)
	})
	require.NoError(t, err)
	return s
}

func escalated(t *testing.T, b *testBundle, id string) []string {
	t.Helper()
	d, err := b.feed.Get(b.ctx, id)
	require.NoError(t, err)
	out := []string{}
	for _, e := range d.Escalations {
		out = append(out, e.Key+" at "+e.Stage.String())
	}
	return out
}

func TestRules130_P13_AStageThatDoesNotMovePastItsTermEscalatesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.receive(t, b.receipt("KZ-1")) // Mon 12 May, due Mon 19 May
	b.receive(t, b.receipt("KZ-2"))
	b.receive(t, b.receipt("KZ-3"))
	app := b.submitBirth(t, b.alice) // the registration: 2 working days, due Wed 14 May

	b.now(t, "2025-05-13 10:00")
	b.stage(t, "KZ-1", desk.StageInProgress)
	b.stage(t, "KZ-2", desk.StageResultReady) // in time: nothing to escalate
	b.now(t, "2025-05-15 09:00")
	fired, err := b.sweeper(t).Sweep(b.ctx)
	require.NoError(t, err)
	var keys []string
	for _, f := range fired {
		keys = append(keys, f.Key())
	}
	require.Contains(t, keys, "desk/"+app.ID+"/birth-registration/1/1/stage-lag", "the component's stage did not move past its term")
	require.Equal(t, []string{"desk/" + app.ID + "/birth-registration/1/1/stage-lag at received"}, escalated(t, b, app.ID+"/birth-registration/1"))

	b.now(t, "2025-05-20 09:00")
	b.stage(t, "KZ-3", desk.StageResultReady) // a day late: it still escalates
	b.now(t, "2025-05-20 10:00")
	var wg sync.WaitGroup
	for range 4 { // sweepers on several instances fire each rung once
		wg.Go(func() {
			_, err := b.sweeper(t).Sweep(b.ctx)
			require.NoError(t, err)
		})
	}
	wg.Wait()
	require.Equal(t, []string{"desk/KZ-1/1/stage-lag at in_progress"}, escalated(t, b, "KZ-1"))
	require.Empty(t, escalated(t, b, "KZ-2"))
	require.Equal(t, []string{"desk/KZ-3/1/stage-lag at received"}, escalated(t, b, "KZ-3"), "the stage when the term ended")
	fired, err = b.sweeper(t).Sweep(b.ctx)
	require.NoError(t, err)
	require.Empty(t, fired, "exactly once")

	// The escalation shows on the desk...
	a, err := b.desk.ByApplication(b.ctx, "KZ-1", "en")
	require.NoError(t, err)
	d := a.Deliveries[0]
	require.True(t, d.Overdue)
	require.Len(t, d.Escalations, 1)
	require.Equal(t, "stage-lag", d.Escalations[0].Rung)
	require.Equal(t, p13, d.Escalations[0].Rule)
	require.Equal(t, "2025-05-19", day(d.Escalations[0].Due))
	require.Equal(t, "Application KZ-1, Registration of a child's birth: in progress since 2025-05-13 (Registry office); due 2025-05-19, overdue, the delay was escalated.", d.Tell)
	// ...and counts for the monthly report, by month, provider and service.
	may := desk.EscalationFilter{From: b.at(t, "2025-05-01 00:00"), To: b.at(t, "2025-06-01 00:00")}
	for _, tt := range []struct {
		name string
		f    desk.EscalationFilter
		want int
	}{
		{"May", may, 3}, // KZ-1, KZ-3 and the composite's registration (its dependants wait for it)
		{"April", desk.EscalationFilter{From: b.at(t, "2025-04-01 00:00"), To: may.From}, 0},
		{"the registry office in May", desk.EscalationFilter{From: may.From, To: may.To, ProviderID: "registry-office"}, 3},
		{"the birth registration", desk.EscalationFilter{ServiceID: "birth-registration"}, 3},
		{"another provider", desk.EscalationFilter{ProviderID: "labour-ministry"}, 0},
	} {
		n, err := b.desk.CountStageLags(b.ctx, tt.f)
		require.NoError(t, err)
		require.Equal(t, tt.want, n, tt.name)
	}

	t.Run("chain's own escalation is kept apart", func(t *testing.T) {
		t.Parallel()
		got, err := b.store.GetApplication(b.ctx, app.ID)
		require.NoError(t, err)
		n := 0
		for _, e := range got.History {
			if e.Type == "escalation" {
				n++
			}
		}
		require.Positive(t, n, "the router recorded its component terms' rungs")
	})
}

func TestRules130_P13_StageLagRungsAreConfigurable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	warn := deadlines.Warning(1, p13)
	feed, err := desk.NewFeed(desk.FeedConfig{Store: b.store, Catalogue: b.store, Calendar: b.cal, Clock: b.clock, Rungs: []deadlines.Rung{warn, desk.StageLag}})
	require.NoError(t, err)
	b.feed = feed
	b.receive(t, b.receipt("KZ-1"))
	b.now(t, "2025-05-16 10:00") // the warning: 00:00 of the working day before the due date
	_, err = b.sweeper(t).Sweep(b.ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"desk/KZ-1/1/warning-1 at received"}, escalated(t, b, "KZ-1"))

	_, err = desk.NewFeed(desk.FeedConfig{Store: b.store, Catalogue: b.store, Calendar: b.cal, Clock: b.clock, Rungs: []deadlines.Rung{warn, warn}})
	requireRuleError(t, err, desk.ErrInvalid, p13, "rungs")
	_, err = desk.NewFeed(desk.FeedConfig{})
	require.ErrorIs(t, err, desk.ErrInvalid)
	require.ErrorIs(t, b.feed.HandleFiring(b.ctx, deadlines.Firing{TimerID: "chain/x/y/1"}), desk.ErrInvalid, "not a desk timer")
}
