package chain_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
)

// TestApplicationJSONRoundTrip: SQL adapters keep applications as JSON, so
// an application with every part filled in must survive encoding.
func TestApplicationJSONRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.submitMarriage(t)
	at := b.now(t, "2025-03-17 12:00")
	_, err := b.router.Pay(b.ctx, a.ID, "marriage-registration", chain.Payment{Method: chain.NonCash, AmountTiyn: 786400, Receipt: "R-1", PaidAt: at}, "gateway")
	require.NoError(t, err)
	_, err = b.router.Complete(b.ctx, a.ID, "marriage-registration", chain.Issued{Channel: chain.Paper, Reference: "M-1", At: at, Actor: "registrar", Fields: map[string]string{"marriage_record_number": "M-1", "new_surname": "Sultanova"}})
	require.NoError(t, err)
	_, err = b.router.Appeal(b.ctx, a.ID, "marriage-registration", "wrong surname", b.now(t, "2025-03-18 09:00"), b.parent)
	require.NoError(t, err)
	a = b.must(t)(b.router.Refuse(b.ctx, a.ID, "identity-document", chain.Refusal{Ground: "false-documents", Reason: "photo", At: b.clock.Now(), Actor: "migration"}))

	raw, err := json.Marshal(a)
	require.NoError(t, err)
	var got chain.Application
	require.NoError(t, json.Unmarshal(raw, &got))
	again, err := json.Marshal(&got)
	require.NoError(t, err)
	require.JSONEq(t, string(raw), string(again))
	require.Equal(t, a.Component("marriage-registration").Timer.Deadline(b.cal), got.Component("marriage-registration").Timer.Deadline(b.cal))
	require.Equal(t, chain.StatusRefused, got.Component("identity-document").Status)
	require.Equal(t, chain.OutcomePending, got.Component("marriage-registration").Appeals[0].Outcome)
}
