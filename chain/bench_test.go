package chain_test

import (
	"context"
	"testing"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
)

// BenchmarkRouteBirthOfAChild routes one 3-component application end to end
// on the memory adapter: submit (signature and data checks, routing to the
// registry office), the registration's result (enrichment, routing to the
// two dependants), and both dependants' results. The commands answer
// receipts, so no application is copied out. Target: ≤ 20 µs, measured
// "unaudited" (the memory adapter WithoutAudit: the engine's own cost);
// "audited" adds the memory adapter's audit log and outbox, on by default.
func BenchmarkRouteBirthOfAChild(b *testing.B) {
	b.Run("unaudited", func(b *testing.B) { benchRoute(b, setup(b, memory.WithoutAudit())) })
	b.Run("audited", func(b *testing.B) { benchRoute(b, setup(b)) })
}

func benchRoute(b *testing.B, bb *testBundle) {
	at := bb.clock.Now()
	doc, sig := []byte(`{"child":"Aisulu"}`), chaintest.Sign(bb.parent)
	regFields := map[string]string{"child_iin": "250315600012", "birth_record_number": "0001"}
	// A provider's queue that takes the delivery: the fake's log of every
	// delivery would measure the fake.
	bb.router = newRouter(b, bb, chain.DispatcherFunc(func(context.Context, chain.Dispatch) (chain.Ack, error) { return chain.Ack{}, nil }))
	b.ReportAllocs()
	for b.Loop() {
		rc, err := bb.router.Submit(bb.ctx, chain.Submission{DefinitionID: "birth-of-a-child", Recipient: bb.parent, Document: doc, Signature: sig, Actor: "portal"})
		if err != nil || len(rc.Routed) != 1 {
			b.Fatal(err, rc)
		}
		id := rc.ApplicationID
		if rc, err = bb.router.Complete(bb.ctx, id, "birth-registration", chain.Issued{Channel: chain.Electronic, Reference: "AB-1", At: at, Actor: "registrar", Fields: regFields}); err != nil || len(rc.Routed) != 2 {
			b.Fatal(err, rc)
		}
		if _, err := bb.router.Complete(bb.ctx, id, "birth-allowance", chain.Issued{Channel: chain.Electronic, Reference: "D-1", At: at, Actor: "labour"}); err != nil {
			b.Fatal(err)
		}
		rc, err = bb.router.Complete(bb.ctx, id, "kindergarten-queue", chain.Issued{Channel: chain.Electronic, Reference: "Q-1", At: at, Actor: "edu"})
		if err != nil || !rc.Done {
			b.Fatal(err, rc)
		}
	}
}

// BenchmarkCopiesOfBirthOfAChild measures only the deep copy one run of
// BenchmarkRouteBirthOfAChild cannot do without: the application the store
// takes on the way in. (The commands answer receipts, so the four answer
// copies the route once made are gone.) The store keeps its copy, so this
// keeps one too: the collector then marks a heap that grows as the route
// benchmark's does. It is the floor under the route benchmark while
// callers never share memory with the store.
func BenchmarkCopiesOfBirthOfAChild(b *testing.B) {
	bb := setup(b)
	rc, err := bb.router.Submit(bb.ctx, chain.Submission{DefinitionID: "birth-of-a-child", Recipient: bb.parent, Document: []byte(`{"child":"Aisulu"}`), Signature: chaintest.Sign(bb.parent), Actor: "portal"})
	if err != nil {
		b.Fatal(err)
	}
	created, err := bb.store.GetApplication(bb.ctx, rc.ApplicationID)
	if err != nil {
		b.Fatal(err)
	}
	var kept []*chain.Application
	b.ReportAllocs()
	for b.Loop() {
		kept = append(kept, created.Clone())
	}
	_ = kept
}
