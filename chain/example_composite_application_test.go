package chain_test

import (
	"context"
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/adapters/availability"
	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/chain/demo"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
)

// A parent files one signed application, "Birth of a child". It goes first
// to the registry office; the child's IIN from the birth certificate
// enriches it, and it is routed automatically to the allowance and the
// kindergarten queue, each with its own term (Rules472 p.5, p.7, p.8).
func Example_birthOfAChild() {
	ctx := context.Background()
	cal := kz.Calendar()
	clock := deadlines.ClockFunc(func() time.Time { return time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()) })
	store := memory.New()

	// The providers and services come from the onboarding catalogue.
	for _, b := range demo.Bodies() {
		must(store.CreateBody(ctx, b))
	}
	for _, s := range demo.Services() {
		must(store.CreateService(ctx, s))
	}

	dispatcher := &chaintest.Dispatcher{}
	router, err := chain.NewRouter(chain.Config{
		Store: store, Catalogue: store, Verifier: &chaintest.Verifier{}, Data: &availability.Static{},
		Dispatcher: dispatcher, Calendar: cal, Clock: clock, NewID: func() string { return "A-1" },
	})
	must(err)
	defs, err := demo.Definitions() // "Birth of a child" and "Marriage", from JSON
	must(err)
	for _, d := range defs {
		must(router.RegisterDefinition(ctx, d))
	}

	parent := "900101300017"
	// Commands answer a small receipt: what the transition did.
	rc, err := router.Submit(ctx, chain.Submission{
		DefinitionID: "birth-of-a-child", Recipient: parent,
		Document: []byte(`{"child":"Aisulu"}`), Signature: chaintest.Sign(parent),
		Data: map[string]string{"parent_iin": parent}, Actor: "egov.kz",
	})
	must(err)
	fmt.Printf("%s submitted, routed to %v\n", rc.ApplicationID, rc.Routed)
	rc, err = router.Complete(ctx, rc.ApplicationID, "birth-registration", chain.Issued{
		Channel: chain.Electronic, Reference: "AB-0001", At: clock.Now(), Actor: "registrar",
		Fields: map[string]string{"child_iin": "250315600012", "birth_record_number": "0001"},
	})
	must(err)
	fmt.Printf("%s %s, routed to %v, done: %t\n", rc.Component, rc.Status, rc.Routed, rc.Done)
	for _, d := range dispatcher.Deliveries() {
		fmt.Printf("sent to %s (key %s), child IIN %q\n", d.ProviderID, d.Key, d.Data["child_iin"])
	}

	// Queries show the application: terms count from each provider's
	// receipt in its own zone, over the Nauryz days off (21–25 March 2025).
	view, err := router.ForRecipient(ctx, parent, rc.ApplicationID, "en")
	must(err)
	for _, c := range view.Components {
		fmt.Printf("%d. %s: %s, due %s\n", c.Order, c.Name, c.StatusLabel, c.Due.Format(time.DateOnly))
	}
	// Output:
	// A-1 submitted, routed to [birth-registration]
	// birth-registration completed, routed to [birth-allowance kindergarten-queue], done: false
	// sent to registry-office (key A-1/birth-registration/1), child IIN ""
	// sent to labour-ministry (key A-1/birth-allowance/1), child IIN "250315600012"
	// sent to education-department (key A-1/kindergarten-queue/1), child IIN "250315600012"
	// 1. Registration of the birth, with the child's IIN: completed, due 2025-03-19
	// 2. One-time birth allowance: in progress, due 2025-03-31
	// 3. Kindergarten queue: in progress, due 2025-03-17
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
