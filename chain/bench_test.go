package chain_test

import (
	"context"
	"testing"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
)

// BenchmarkRouteBirthOfAChild routes one 3-component application end to end
// on the memory adapter: submit (signature and data checks, routing to the
// registry office), the registration's result (enrichment, routing to the
// two dependants), and both dependants' results. Target: ≤ 20 µs.
func BenchmarkRouteBirthOfAChild(b *testing.B) {
	bb := setup(b)
	at := bb.clock.Now()
	doc, sig := []byte(`{"child":"Aisulu"}`), chaintest.Sign(bb.parent)
	regFields := map[string]string{"child_iin": "250315600019", "birth_record_number": "0001"}
	// A provider's queue that takes the delivery: the fake's log of every
	// delivery would measure the fake.
	bb.router = newRouter(b, bb, chain.DispatcherFunc(func(context.Context, chain.Dispatch) (chain.Ack, error) { return chain.Ack{}, nil }))
	b.ReportAllocs()
	for b.Loop() {
		a, err := bb.router.Submit(bb.ctx, chain.Submission{DefinitionID: "birth-of-a-child", Recipient: bb.parent, Document: doc, Signature: sig, Actor: "portal"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bb.router.Complete(bb.ctx, a.ID, "birth-registration", chain.Issued{Channel: chain.Electronic, Reference: "AB-1", At: at, Actor: "registrar", Fields: regFields}); err != nil {
			b.Fatal(err)
		}
		if _, err := bb.router.Complete(bb.ctx, a.ID, "birth-allowance", chain.Issued{Channel: chain.Electronic, Reference: "D-1", At: at, Actor: "labour"}); err != nil {
			b.Fatal(err)
		}
		a, err = bb.router.Complete(bb.ctx, a.ID, "kindergarten-queue", chain.Issued{Channel: chain.Electronic, Reference: "Q-1", At: at, Actor: "edu"})
		if err != nil || !a.Done() {
			b.Fatal(err, a.Done())
		}
	}
}
