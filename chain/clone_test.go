package chain_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/deadlines"
)

// richApplication returns an application with every part Clone copies: a
// result with fields, a refusal, an appeal with its own timer, facts, data
// and a signed document.
func richApplication(t *testing.T) *chain.Application {
	t.Helper()
	b := setup(t)
	a := b.submitBirth(t)
	a = b.registerBirth(t, a.ID, b.now(t, "2025-03-18 11:00"))
	a = b.must(t)(b.router.Refuse(b.ctx, a.ID, "birth-allowance", chain.Refusal{Ground: "not-eligible", Reason: "no record", At: b.now(t, "2025-03-19 10:00"), Actor: "labour"}))
	a = b.must(t)(b.router.Appeal(b.ctx, a.ID, "birth-allowance", "I am eligible", b.now(t, "2025-03-20 09:00"), b.parent))
	a.Facts = []string{"filed_late"}
	return a
}

func snapshot(t *testing.T, a *chain.Application) string {
	t.Helper()
	raw, err := json.Marshal(a)
	require.NoError(t, err)
	return string(raw)
}

func TestApplicationCloneIsDeep(t *testing.T) {
	t.Parallel()
	a := richApplication(t)
	want := snapshot(t, a)
	c := a.Clone()
	require.Equal(t, a, c, "a clone equals the original, nil and empty slices alike")

	allowance := c.Component("birth-allowance")
	require.NotNil(t, allowance.Refusal)
	require.Len(t, allowance.Appeals, 1)
	reg := c.Component("birth-registration")
	require.NotNil(t, reg.Result)
	require.NotEmpty(t, reg.Result.Fields)
	queue := c.Component("kindergarten-queue")
	require.NotEmpty(t, queue.Timer.Schedule)

	// Change every part of the clone in place.
	c.Facts[0] = "changed"
	c.Data["child_iin"] = "changed"
	c.Signed.Document[0] = 'X'
	c.Signed.Signature[0] = 'X'
	c.History[0].Note = "changed"
	for i := range c.Components {
		s := &c.Components[i]
		s.Status = chain.StatusStopped
		s.Timer.Ledger[0].Reason = "changed"
		if len(s.Timer.Rungs) > 0 {
			s.Timer.Rungs[0].Name = "changed"
		}
		if len(s.Timer.Schedule) > 0 {
			s.Timer.Schedule[0].Subject = "changed"
		}
	}
	reg.Result.Reference = "changed"
	reg.Result.Fields["child_iin"] = "changed"
	allowance.Refusal.Reason = "changed"
	allowance.Appeals[0].Reason = "changed"
	allowance.Appeals[0].Timer.Ledger[0].Reason = "changed"
	allowance.Appeals[0].Timer.Rungs[0].Name = "changed"
	require.Equal(t, want, snapshot(t, a), "nothing reached the original")
}

func TestApplicationCloneAppendsDoNotReachNeighbours(t *testing.T) {
	t.Parallel()
	a := richApplication(t)
	c := a.Clone()
	want := snapshot(t, c)
	// Timers' slices of one clone may share an array; appending to one
	// must reallocate rather than overwrite the next timer's elements.
	for i := range c.Components {
		s := &c.Components[i]
		s.Timer.Ledger = append(s.Timer.Ledger, deadlines.Entry{Reason: "appended"})
		s.Timer.Rungs = append(s.Timer.Rungs, deadlines.Rung{Name: "appended"})
		s.Timer.Schedule = append(s.Timer.Schedule, deadlines.Firing{Subject: "appended"})
		s.Timer.Ledger = s.Timer.Ledger[:len(s.Timer.Ledger)-1]
		s.Timer.Rungs = s.Timer.Rungs[:len(s.Timer.Rungs)-1]
		s.Timer.Schedule = s.Timer.Schedule[:len(s.Timer.Schedule)-1]
	}
	c.Signed.Document = append(c.Signed.Document, '!')
	c.Signed.Document = c.Signed.Document[:len(c.Signed.Document)-1]
	require.Equal(t, want, snapshot(t, c), "no append reached a neighbour")
}

func TestApplicationCloneKeepsNilAndEmpty(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		app  chain.Application
	}{
		{"zero", chain.Application{}},
		{"empty slices and maps", chain.Application{
			Facts: []string{}, Data: map[string]string{}, History: []chain.Event{},
			Signed:     chain.Signed{Document: []byte{}, Signature: []byte{}},
			Components: []chain.ComponentState{{ID: "x", Appeals: []chain.AppealCase{}, Timer: deadlines.Timer{Rungs: []deadlines.Rung{}, Ledger: []deadlines.Entry{}}}},
		}},
		{"signature only", chain.Application{Signed: chain.Signed{Signature: []byte("sig")}}},
		{"document only", chain.Application{Signed: chain.Signed{Document: []byte("doc")}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := tc.app.Clone()
			require.Equal(t, &tc.app, c)
			require.Equal(t, tc.app.Facts == nil, c.Facts == nil)
			require.Equal(t, tc.app.Data == nil, c.Data == nil)
			require.Equal(t, tc.app.Signed.Document == nil, c.Signed.Document == nil)
			require.Equal(t, tc.app.Signed.Signature == nil, c.Signed.Signature == nil)
			for i := range c.Components {
				require.Equal(t, tc.app.Components[i].Appeals == nil, c.Components[i].Appeals == nil)
				require.Equal(t, tc.app.Components[i].Timer.Rungs == nil, c.Components[i].Timer.Rungs == nil)
				require.Equal(t, tc.app.Components[i].Timer.Schedule == nil, c.Components[i].Timer.Schedule == nil)
			}
		})
	}
}

// Submit builds the application in scratch memory it reuses, around the
// caller's own data: neither the store nor a provider's delivery may keep
// any of the caller's memory or of that scratch.
func TestSubmitKeepsNoMemoryOfTheCaller(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := chain.Submission{
		DefinitionID: "birth-of-a-child", Recipient: b.parent,
		Document: []byte(`{"child":"Aisulu"}`), Signature: chaintest.Sign(b.parent),
		Facts: []string{"filed_late"}, Data: map[string]string{"parent_iin": b.parent}, Actor: "portal",
	}
	a := b.must(t)(b.router.Submit(b.ctx, in))
	stored, err := b.store.GetApplication(b.ctx, a.ID)
	require.NoError(t, err)
	want, wantDispatch := snapshot(t, stored), b.dispatcher.Deliveries()
	require.Len(t, wantDispatch, 1)
	wantDispatchJSON, err := json.Marshal(wantDispatch)
	require.NoError(t, err)

	in.Document[0], in.Signature[0], in.Facts[0], in.Data["parent_iin"] = 'X', 'X', "changed", "changed"
	// Another submission reuses the scratch.
	_, err = b.router.Submit(b.ctx, chain.Submission{
		DefinitionID: "marriage", Recipient: b.parent, Document: []byte(`{"spouse":"Arman"}`),
		Signature: chaintest.Sign(b.parent), Data: map[string]string{"other": "x"}, Actor: "psc",
	})
	require.NoError(t, err)

	stored, err = b.store.GetApplication(b.ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, want, snapshot(t, stored), "the store kept none of the caller's memory")
	got, err := json.Marshal(b.dispatcher.Deliveries()[:1])
	require.NoError(t, err)
	require.JSONEq(t, string(wantDispatchJSON), string(got), "nor did the delivery")
}
