package memory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// application returns an application of n components, each with n appeals
// and a running timer, and n data fields: n past the undo record's stack
// arrays makes it spill to the heap.
func application(t *testing.T, n int) *chain.Application {
	t.Helper()
	c := kz.Calendar()
	start := c.Date(2025, time.March, 17).Add(10 * time.Hour)
	p5 := deadlines.Cite(deadlines.Rules472, 5)
	a := &chain.Application{ID: "a-1", DefinitionID: "d-1", Recipient: "900101300017", Data: map[string]string{}, SubmittedAt: start}
	for i := range n {
		a.Data[fmt.Sprintf("field-%d", i)] = "value"
		tm, err := deadlines.NewTimer(c, fmt.Sprintf("chain/a-1/c-%d/1", i), "component", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, start)
		require.NoError(t, err)
		cs := chain.ComponentState{ID: fmt.Sprintf("c-%d", i), Status: chain.StatusInProgress, Round: 1, Timer: *tm}
		for j := range n {
			cs.Appeals = append(cs.Appeals, chain.AppealCase{Seq: j + 1, Against: chain.StatusRefused, Reason: "reason", Timer: *tm})
		}
		a.Components = append(a.Components, cs)
	}
	a.History = []chain.Event{{Seq: 1, Type: "submitted", At: start}}
	return a
}

func applicationJSON(t *testing.T, m *memory.Store, id string) string {
	t.Helper()
	a, err := m.GetApplication(context.Background(), id)
	require.NoError(t, err)
	raw, err := json.Marshal(a)
	require.NoError(t, err)
	return string(raw)
}

// spoil changes every part of a the undo record saves.
func spoil(t *testing.T, a *chain.Application) {
	t.Helper()
	c := kz.Calendar()
	a.Recipient = "changed"
	a.History = append(a.History, chain.Event{Seq: len(a.History) + 1, Type: "should_not_stick"})
	for k := range a.Data {
		a.Data[k] = "changed"
	}
	a.Data["added"] = "changed"
	for i := range a.Components {
		cs := &a.Components[i]
		cs.Status = chain.StatusRefused
		require.NoError(t, cs.Timer.Stop(c, a.SubmittedAt.Add(time.Hour), deadlines.Cite(deadlines.Rules472, 10), "should not stick"))
		for j := range cs.Appeals {
			cs.Appeals[j].Outcome = chain.OutcomeSatisfied
		}
		cs.Appeals = append(cs.Appeals, chain.AppealCase{Seq: 99})
	}
	a.Components = append(a.Components, chain.ComponentState{ID: "forged"})
}

// The memory store updates an application in place under its lock, with
// its undo record on the stack up to a size and on the heap past it: a
// closure that fails or panics must leave the application as it was (and
// the lock released) at any size.
func TestUpdateApplicationFailureChangesNothing(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	for _, n := range []int{1, 3, 4, 5, 8, 9, 17} {
		for _, panics := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d components, panics %v", n, panics), func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				m := memory.New()
				require.NoError(t, m.CreateApplication(ctx, application(t, n)))
				want := applicationJSON(t, m, "a-1")
				due, err := m.DueFirings(ctx, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
				require.NoError(t, err)
				require.NotEmpty(t, due)
				update := func() error {
					return m.UpdateApplication(ctx, "a-1", func(a *chain.Application) error {
						spoil(t, a)
						if panics {
							panic(boom)
						}
						return boom
					})
				}
				if panics {
					require.PanicsWithValue(t, boom, func() { _ = update() })
				} else {
					require.ErrorIs(t, update(), boom)
				}
				require.Equal(t, want, applicationJSON(t, m, "a-1"), "a failed closure changes nothing")
				again, err := m.DueFirings(ctx, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
				require.NoError(t, err)
				require.Equal(t, due, again, "nor the schedule")
				require.NoError(t, m.UpdateApplication(ctx, "a-1", func(a *chain.Application) error {
					a.History = append(a.History, chain.Event{Seq: len(a.History) + 1, Type: "touched"})
					return nil
				}), "the lock was released")
			})
		}
	}
}
