package chain_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/deadlines"
)

// randomDefinition returns a random DAG of n components: component i
// requires up to three earlier ones and needs their "out_j" fields.
func randomDefinition(rng *rand.Rand, id string, n int) *chain.Definition {
	b := chain.NewBuilder(id, names(id))
	for i := range n {
		c := chain.Component{
			ID: fmt.Sprintf("c%02d", i), ServiceID: "birth-registration", ProviderID: "registry-office",
			Names:    names(fmt.Sprintf("component %d", i)),
			Term:     deadlines.Term{Kind: deadlines.WorkingDays, N: 1 + rng.IntN(10), Rule: deadlines.Cite(deadlines.Rules472, 5)},
			Grounds:  []chain.Ground{{Code: "g", Names: names("ground")}},
			Result:   chain.Result{Form: "certificate", Channels: []chain.Channel{chain.Electronic}},
			Produces: []string{fmt.Sprintf("out_%d", i)},
			Appeal:   chain.Appeal{Route: "court", Term: deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: deadlines.Cite(deadlines.Rules472, 12)}},
		}
		if i > 0 {
			for _, j := range rng.Perm(i)[:rng.IntN(min(i, 3)+1)] {
				c.Requires = append(c.Requires, chain.Prerequisite{Component: fmt.Sprintf("c%02d", j), Fields: []string{fmt.Sprintf("out_%d", j)}})
			}
		}
		b.Add(c)
	}
	d, err := b.Definition()
	if err != nil {
		panic(err)
	}
	return d
}

// TestPropertyRandomDAGs drives random applications of random composites
// to their end with random results, refusals and failed deliveries, and
// checks after every step that no component was routed before its
// prerequisites had results, and at the end that every component is
// completed, refused or stopped, and a stopped one has a refused ancestor.
func TestPropertyRandomDAGs(t *testing.T) {
	t.Parallel()
	for seed := range uint64(150) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 472))
			b := setup(t)
			d := randomDefinition(rng, fmt.Sprintf("random-%d", seed), 2+rng.IntN(14))
			require.NoError(t, b.router.RegisterDefinition(b.ctx, d))
			prereqs := func(id string) []string {
				c, _ := d.Component(id)
				var out []string
				for _, p := range c.Requires {
					out = append(out, p.Component)
				}
				return out
			}
			check := func(a *chain.Application) {
				t.Helper()
				for _, cs := range a.Components {
					if cs.Status == chain.StatusWaiting || cs.Status == chain.StatusStopped {
						continue
					}
					for _, p := range prereqs(cs.ID) {
						require.Equal(t, chain.StatusCompleted, a.Component(p).Status, "%s is %s before its prerequisite %s has a result", cs.ID, cs.Status, p)
					}
				}
			}
			a := b.must(t)(b.router.Submit(b.ctx, chain.Submission{DefinitionID: d.ID, Recipient: b.parent, Document: []byte("d"), Signature: chaintest.Sign(b.parent), Actor: "portal"}))
			check(a)
			for steps := 0; ; steps++ {
				require.Less(t, steps, 1000, "no progress")
				if rng.IntN(5) == 0 {
					b.dispatcher.FailNext(rng.IntN(3))
				}
				if a.PendingDispatch() {
					_, err := b.router.Redeliver(b.ctx)
					require.NoError(t, err)
					a, err = b.store.GetApplication(b.ctx, a.ID)
					require.NoError(t, err)
					check(a)
					continue
				}
				var open []string
				for _, cs := range a.Components {
					if cs.Status == chain.StatusInProgress {
						open = append(open, cs.ID)
					}
				}
				if len(open) == 0 {
					break
				}
				id := open[rng.IntN(len(open))]
				var (
					rc  chain.Receipt
					err error
				)
				if rng.IntN(4) == 0 {
					rc, err = b.router.Refuse(b.ctx, a.ID, id, chain.Refusal{Ground: "g", Reason: "random", At: b.clock.Now(), Actor: "p"})
				} else {
					c, _ := d.Component(id)
					rc, err = b.router.Complete(b.ctx, a.ID, id, chain.Issued{Channel: chain.Electronic, Reference: "r", At: b.clock.Now(), Actor: "p", Fields: map[string]string{c.Produces[0]: "v"}})
				}
				require.NoError(t, err)
				before := a
				a = b.get(t, a.ID)
				check(a)
				checkReceipt(t, rc, before, a)
			}
			require.True(t, a.Done())
			routed := 0
			for _, cs := range a.Components {
				if cs.Status == chain.StatusStopped {
					require.Equal(t, chain.StatusRefused, a.Component(cs.StoppedBy).Status, "%s stopped by %s", cs.ID, cs.StoppedBy)
					require.True(t, isAncestor(d, cs.StoppedBy, cs.ID), "%s is not an ancestor of %s", cs.StoppedBy, cs.ID)
					require.Zero(t, cs.Delivery, "a stopped component was never sent")
					continue
				}
				routed++
			}
			require.Equal(t, routed, b.dispatcher.Unique(), "one idempotency key per routed component")
		})
	}
}

// checkReceipt asserts that a command's receipt tells what happened
// between the application before and after it.
func checkReceipt(t *testing.T, rc chain.Receipt, before, after *chain.Application) {
	t.Helper()
	require.Equal(t, after.ID, rc.ApplicationID)
	require.Equal(t, after.Component(rc.Component).Status, rc.Status, "the receipt's status of %s", rc.Component)
	require.Equal(t, after.Done(), rc.Done)
	require.Equal(t, after.PendingDispatch(), rc.PendingDispatch)
	var routed []string
	for _, cs := range after.Components {
		if was := before.Component(cs.ID); was.Status == chain.StatusWaiting && cs.Status != chain.StatusWaiting && cs.Status != chain.StatusStopped {
			routed = append(routed, cs.ID)
		}
	}
	require.Equal(t, routed, rc.Routed, "the receipt names the components the command routed")
}

func isAncestor(d *chain.Definition, anc, id string) bool {
	c, _ := d.Component(id)
	for _, p := range c.Requires {
		if p.Component == anc || isAncestor(d, anc, p.Component) {
			return true
		}
	}
	return false
}

// TestConcurrentSiblingResultsLoseNothing records the results of sibling
// components at the same time, and the same result many times over.
func TestConcurrentSiblingResultsLoseNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const apps = 16
	ids := make([]string, apps)
	for i := range ids {
		a := b.submitBirth(t)
		b.registerBirth(t, a.ID, b.clock.Now())
		ids[i] = a.ID
	}
	var wg sync.WaitGroup
	errs := make(chan error, apps*8)
	for _, id := range ids {
		for range 4 { // each result four times over, concurrently
			wg.Go(func() {
				_, err := b.router.Complete(context.Background(), id, "birth-allowance", chain.Issued{Channel: chain.Electronic, Reference: "D", At: b.clock.Now(), Actor: "labour"})
				errs <- err
			})
			wg.Go(func() {
				_, err := b.router.Complete(context.Background(), id, "kindergarten-queue", chain.Issued{Channel: chain.Electronic, Reference: "Q", At: b.clock.Now(), Actor: "edu"})
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for _, id := range ids {
		a, err := b.store.GetApplication(b.ctx, id)
		require.NoError(t, err)
		require.True(t, a.Done())
		completed := slices.DeleteFunc(slices.Clone(a.History), func(e chain.Event) bool { return e.Type != "completed" })
		require.Len(t, completed, 3, "each result recorded once")
	}
}

func TestEscalationOfAMissedTermIsRecordedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t) // registration due 19 Mar
	sweeper, err := deadlines.NewSweeper(b.store, b.cal, b.clock, b.router.HandleFiring)
	require.NoError(t, err)
	b.now(t, "2025-03-20 09:00")
	for range 3 {
		_, err := sweeper.Sweep(b.ctx)
		require.NoError(t, err)
	}
	a, err = b.store.GetApplication(b.ctx, a.ID)
	require.NoError(t, err)
	var got []string
	for _, e := range a.History {
		if e.Type == "escalation" {
			got = append(got, e.Component+" "+e.Rule.String()+" "+e.Note[:7])
		}
	}
	require.Equal(t, []string{"birth-registration Rules472 p.5 warning", "birth-registration Rules472 p.5 breach:"}, got)
	u, err := b.router.ForUCC(b.ctx, a.ID, "en")
	require.NoError(t, err)
	require.True(t, u.Components[0].Overdue)
	// A firing replayed by hand is still recorded once.
	f, err := b.store.Firings(b.ctx, a.Component("birth-registration").Timer.ID)
	require.NoError(t, err)
	require.NotEmpty(t, f)
	require.NoError(t, b.router.HandleFiring(b.ctx, f[0]))
	again, err := b.store.GetApplication(b.ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, again.History, len(a.History))
}
