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

// BenchmarkCopiesOfBirthOfAChild measures only the deep copies one run of
// BenchmarkRouteBirthOfAChild cannot do without: the application the store
// takes on the way in and the four answers (Submit and three Complete
// calls), each a Clone of the application as it then stands. The store
// keeps its copy, so this keeps one too: the collector then marks a heap
// that grows as the route benchmark's does. It is the floor under the
// route benchmark while callers never share memory with the store.
func BenchmarkCopiesOfBirthOfAChild(b *testing.B) {
	bb := setup(b)
	at := bb.clock.Now()
	regFields := map[string]string{"child_iin": "250315600019", "birth_record_number": "0001"}
	a, err := bb.router.Submit(bb.ctx, chain.Submission{DefinitionID: "birth-of-a-child", Recipient: bb.parent, Document: []byte(`{"child":"Aisulu"}`), Signature: chaintest.Sign(bb.parent), Actor: "portal"})
	if err != nil {
		b.Fatal(err)
	}
	created, err := bb.store.GetApplication(bb.ctx, a.ID)
	if err != nil {
		b.Fatal(err)
	}
	answers := []*chain.Application{a}
	for _, c := range []struct {
		id  string
		res chain.Issued
	}{
		{"birth-registration", chain.Issued{Channel: chain.Electronic, Reference: "AB-1", At: at, Actor: "registrar", Fields: regFields}},
		{"birth-allowance", chain.Issued{Channel: chain.Electronic, Reference: "D-1", At: at, Actor: "labour"}},
		{"kindergarten-queue", chain.Issued{Channel: chain.Electronic, Reference: "Q-1", At: at, Actor: "edu"}},
	} {
		if a, err = bb.router.Complete(bb.ctx, a.ID, c.id, c.res); err != nil {
			b.Fatal(err)
		}
		answers = append(answers, a)
	}
	var kept []*chain.Application
	b.ReportAllocs()
	for b.Loop() {
		kept = append(kept, created.Clone())
		for _, x := range answers {
			_ = x.Clone()
		}
	}
	_ = kept
}
