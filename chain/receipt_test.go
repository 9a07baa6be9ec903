package chain_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
)

// Commands answer receipts that say what the transition did; queries show
// the application.
func TestRules472_P8_ReceiptsTellWhatACommandRouted(t *testing.T) {
	t.Parallel()
	birth := func(b *testBundle) chain.Submission {
		return chain.Submission{DefinitionID: "birth-of-a-child", Recipient: b.parent, Document: []byte("d"), Signature: chaintest.Sign(b.parent), Actor: "portal"}
	}
	registration := chain.Issued{Channel: chain.Electronic, Reference: "AB-1", Actor: "registrar", Fields: map[string]string{"child_iin": "250315600012", "birth_record_number": "1"}}
	tests := []struct {
		name string
		// run takes the bundle and returns the last command's receipt.
		run  func(t *testing.T, b *testBundle) (chain.Receipt, error)
		want chain.Receipt // ApplicationID is filled in
	}{
		{
			name: "submit routes the roots",
			run:  func(t *testing.T, b *testBundle) (chain.Receipt, error) { return b.router.Submit(b.ctx, birth(b)) },
			want: chain.Receipt{Routed: []string{"birth-registration"}},
		},
		{
			name: "a provider that does not acknowledge leaves the delivery pending",
			run: func(t *testing.T, b *testBundle) (chain.Receipt, error) {
				b.dispatcher.FailNext(1)
				return b.router.Submit(b.ctx, birth(b))
			},
			want: chain.Receipt{Routed: []string{"birth-registration"}, PendingDispatch: true},
		},
		{
			name: "a prerequisite's result routes its dependants",
			run: func(t *testing.T, b *testBundle) (chain.Receipt, error) {
				a := b.submitBirth(t)
				res := registration
				res.At = b.clock.Now()
				return b.router.Complete(b.ctx, a.ID, "birth-registration", res)
			},
			want: chain.Receipt{Component: "birth-registration", Status: chain.StatusCompleted, Routed: []string{"birth-allowance", "kindergarten-queue"}},
		},
		{
			name: "the last result is done",
			run: func(t *testing.T, b *testBundle) (chain.Receipt, error) {
				a := b.submitBirth(t)
				b.registerBirth(t, a.ID, b.clock.Now())
				b.must(t)(b.router.Complete(b.ctx, a.ID, "birth-allowance", chain.Issued{Channel: chain.Electronic, Reference: "D-1", At: b.clock.Now(), Actor: "labour"}))
				return b.router.Complete(b.ctx, a.ID, "kindergarten-queue", chain.Issued{Channel: chain.Electronic, Reference: "Q-1", At: b.clock.Now(), Actor: "edu"})
			},
			want: chain.Receipt{Component: "kindergarten-queue", Status: chain.StatusCompleted, Done: true},
		},
		{
			name: "a refusal stops the dependants and routes nothing",
			run: func(t *testing.T, b *testBundle) (chain.Receipt, error) {
				a := b.submitBirth(t)
				return b.router.Refuse(b.ctx, a.ID, "birth-registration", chain.Refusal{Ground: "no-medical-certificate", Reason: "x", At: b.clock.Now(), Actor: "registrar"})
			},
			want: chain.Receipt{Component: "birth-registration", Status: chain.StatusRefused, Done: true},
		},
		{
			name: "an appeal of a refusal reopens nothing until decided",
			run: func(t *testing.T, b *testBundle) (chain.Receipt, error) {
				a := b.submitBirth(t)
				b.must(t)(b.router.Refuse(b.ctx, a.ID, "birth-registration", chain.Refusal{Ground: "no-medical-certificate", Reason: "x", At: b.clock.Now(), Actor: "registrar"}))
				return b.router.Appeal(b.ctx, a.ID, "birth-registration", "it is there", b.clock.Now(), b.parent)
			},
			want: chain.Receipt{Component: "birth-registration", Status: chain.StatusRefused, Done: true},
		},
		{
			name: "a satisfied appeal reopens the component, received again at the decision",
			run: func(t *testing.T, b *testBundle) (chain.Receipt, error) {
				a := b.submitBirth(t)
				b.must(t)(b.router.Refuse(b.ctx, a.ID, "birth-registration", chain.Refusal{Ground: "no-medical-certificate", Reason: "x", At: b.clock.Now(), Actor: "registrar"}))
				b.must(t)(b.router.Appeal(b.ctx, a.ID, "birth-registration", "it is there", b.clock.Now(), b.parent))
				return b.router.DecideAppeal(b.ctx, a.ID, "birth-registration", 1, chain.OutcomeSatisfied, b.clock.Now(), "it was", "minjust")
			},
			want: chain.Receipt{Component: "birth-registration", Status: chain.StatusInProgress},
		},
		{
			name: "a payment",
			run: func(t *testing.T, b *testBundle) (chain.Receipt, error) {
				a := b.submitMarriage(t)
				return b.router.Pay(b.ctx, a.ID, "marriage-registration", chain.Payment{Method: chain.NonCash, AmountTiyn: 786400, Receipt: "R-1", PaidAt: b.clock.Now()}, "gateway")
			},
			want: chain.Receipt{Component: "marriage-registration", Status: chain.StatusInProgress},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			rc, err := tc.run(t, b)
			require.NoError(t, err)
			require.NotEmpty(t, rc.ApplicationID)
			want := tc.want
			want.ApplicationID = rc.ApplicationID
			require.Equal(t, want, rc)

			// The receipt agrees with the application the queries show.
			a := b.get(t, rc.ApplicationID)
			require.Equal(t, a.Done(), rc.Done)
			require.Equal(t, a.PendingDispatch(), rc.PendingDispatch)
			if rc.Component != "" {
				require.Equal(t, a.Component(rc.Component).Status, rc.Status)
			}
			// It shares no memory with the store.
			if len(rc.Routed) > 0 {
				rc.Routed[0] = "changed"
				require.Equal(t, a, b.get(t, rc.ApplicationID))
			}
		})
	}

	t.Run("a rejected command answers the zero receipt", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		a := b.submitBirth(t)
		rc, err := b.router.Complete(b.ctx, a.ID, "birth-allowance", chain.Issued{Channel: chain.Electronic, Reference: "D-1", At: b.clock.Now(), Actor: "labour"})
		requireRule(t, err, chain.ErrConflict, 4, "status")
		require.Zero(t, rc)
		rc, err = b.router.Submit(b.ctx, chain.Submission{DefinitionID: "birth-of-a-child", Recipient: "1", Actor: "portal"})
		require.ErrorIs(t, err, chain.ErrInvalid)
		require.Zero(t, rc)
	})
}

func TestRouterGetReturnsACopy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitBirth(t)
	got, err := b.router.Get(b.ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, a, got)
	got.Components[0].Status = chain.StatusRefused
	got.Data["parent_iin"] = "changed"
	require.Equal(t, a, b.get(t, a.ID), "changing the copy changes nothing stored")

	_, err = b.router.Get(b.ctx, "no-such")
	require.ErrorIs(t, err, chain.ErrNotFound)
}
