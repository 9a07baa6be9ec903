package memory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/adapters/storetest"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
)

// harness makes audited stores (the default), or unaudited ones
// (memory.WithoutAudit), which have no audit log or outbox to test.
type harness struct{ unaudited bool }

func (h harness) NewStores(_ context.Context, tb testing.TB) storetest.Stores {
	if h.unaudited {
		m := memory.New(memory.WithoutAudit())
		return storetest.Stores{Calendars: m, Timers: m, Onboarding: m, Chain: m, Reports: m, Desk: m, Appeals: m}
	}
	m := memory.New()
	tampered := false
	// Whatever a test did, unless it tampered, the audit chains still verify.
	tb.Cleanup(func() {
		if !tampered {
			require.NoError(tb, m.VerifyAudit(context.Background()))
		}
	})
	return storetest.Stores{Calendars: m, Timers: m, Onboarding: m, Chain: m, Reports: m, Desk: m, Appeals: m, Audit: m, Outbox: m,
		TamperAudit: func(_ context.Context, aggregate string, seq int, how storetest.Tampering) error {
			tampered = true
			return memory.TamperAudit(m, aggregate, seq, how)
		}}
}

func (harness) Capabilities() storetest.Capabilities { return storetest.Capabilities{} }

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, harness{})
}

func BenchmarkConformance(b *testing.B) { storetest.RunBenchmarks(b, harness{}) }

// The same suite without the audit log and the outbox: what they cost.
func TestConformanceUnaudited(t *testing.T) {
	t.Parallel()
	storetest.Run(t, harness{unaudited: true})
}

func BenchmarkConformanceUnaudited(b *testing.B) {
	storetest.RunBenchmarks(b, harness{unaudited: true})
}

// The memory store updates an onboarding in place under its lock; a
// closure that panics must leave it as it was, and the lock released.
func TestUpdateOnboardingPanicChangesNothing(t *testing.T) {
	t.Parallel()
	ctx, c := context.Background(), kz.Calendar()
	start := c.Date(2025, time.March, 17).Add(10 * time.Hour)
	p5 := deadlines.Cite(deadlines.Rules130, 5)
	tm, err := deadlines.NewTimer(c, "o-1/information", "information", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, start, deadlines.Breach(p5))
	require.NoError(t, err)
	m := memory.New()
	require.NoError(t, m.CreateOnboarding(ctx, &onboarding.Onboarding{
		ID: "o-1", ServiceID: "s-1", BodyID: "b-1", Zone: "Asia/Almaty", State: onboarding.StatePersonAppointed,
		Persons: []onboarding.PersonRecord{{Person: onboarding.Person{FullName: "Responsible Person"}, From: start}},
		Timers:  []deadlines.Timer{*tm},
		History: []onboarding.Event{{Seq: 1, Type: "onboarding.started", At: start}},
	}))
	snapshot := func() string {
		t.Helper()
		o, err := m.GetOnboarding(ctx, "o-1")
		require.NoError(t, err)
		j, err := json.Marshal(o)
		require.NoError(t, err)
		return string(j)
	}
	want := snapshot()
	due, err := m.DueFirings(ctx, start.AddDate(1, 0, 0), 10)
	require.NoError(t, err)
	require.Len(t, due, 1)

	require.PanicsWithValue(t, "boom", func() {
		_ = m.UpdateOnboarding(ctx, "o-1", func(o *onboarding.Onboarding) error {
			o.State = onboarding.StateProtocolSigned
			o.Persons[0].To = start.Add(time.Hour)
			require.NoError(t, o.Timers[0].Stop(c, start.Add(time.Hour), p5, "should not stick"))
			o.History = append(o.History, onboarding.Event{Seq: 2, Type: "should_not_stick"})
			panic("boom")
		})
	})
	require.Equal(t, want, snapshot(), "a panicking closure changes nothing")
	again, err := m.DueFirings(ctx, start.AddDate(1, 0, 0), 10)
	require.NoError(t, err)
	require.Equal(t, due, again, "nor the schedule")
	require.NoError(t, m.UpdateOnboarding(ctx, "o-1", func(o *onboarding.Onboarding) error {
		o.History = append(o.History, onboarding.Event{Seq: 2, Type: "touched"})
		return nil
	}), "the lock was released")
}

// The undo record keeps the slices of an onboarding through its lifecycle
// on the stack; longer ones are saved on the heap, and restored as well.
func TestUpdateOnboardingUndoesLongSlices(t *testing.T) {
	t.Parallel()
	ctx, c := context.Background(), kz.Calendar()
	start := c.Date(2025, time.March, 17).Add(10 * time.Hour)
	p5 := deadlines.Cite(deadlines.Rules130, 5)
	for _, n := range []int{1, 2, 3, 6, 7, 12} {
		o := &onboarding.Onboarding{ID: "o-1", ServiceID: "s-1", BodyID: "b-1", Zone: "Asia/Almaty"}
		for i := range n {
			tm, err := deadlines.NewTimer(c, fmt.Sprintf("o-1/step-%d", i), "step", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, start)
			require.NoError(t, err)
			o.Timers = append(o.Timers, *tm)
			o.Information = append(o.Information, onboarding.InformationVersion{Version: i + 1, SubmittedAt: start})
			o.Persons = append(o.Persons, onboarding.PersonRecord{Person: onboarding.Person{FullName: fmt.Sprintf("Person %d", i)}, From: start})
		}
		m := memory.New()
		require.NoError(t, m.CreateOnboarding(ctx, o))
		before, err := m.GetOnboarding(ctx, "o-1")
		require.NoError(t, err)
		want, err := json.Marshal(before)
		require.NoError(t, err)

		boom := errors.New("boom")
		require.ErrorIs(t, m.UpdateOnboarding(ctx, "o-1", func(o *onboarding.Onboarding) error {
			for i := range n {
				require.NoError(t, o.Timers[i].Stop(c, start.Add(time.Hour), p5, "should not stick"))
				o.Information[i].EnteredBy = "nobody"
				o.Persons[i].To = start.Add(time.Hour)
			}
			return boom
		}), boom)
		after, err := m.GetOnboarding(ctx, "o-1")
		require.NoError(t, err)
		got, err := json.Marshal(after)
		require.NoError(t, err)
		require.JSONEq(t, string(want), string(got), "%d of each: a failed closure changes nothing", n)
	}
}
