package desk_test

import (
	"context"
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// A call to the 1414 line: the citizen asks, in Kazakh typed on a Russian
// keyboard, about the birth registration, and where their application is.
// The service went live after its onboarding (Rules130 p.3–p.9); the
// registry office records the stages of the delivery (p.13).
func Example_desk() {
	ctx := context.Background()
	cal := kz.Calendar()
	at := func(s string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", s, cal.Location())
		return t
	}
	clock := deadlinestest.NewClock(at("2025-04-01 10:00"))
	store := memory.New()
	svc, _ := onboarding.NewService(store, cal, clock, onboarding.WithIDs(func() string { return "ob-1" }))
	_ = svc.RegisterBody(ctx, onboarding.Body{ID: "registry", Kind: onboarding.KindCentral, BIN: "050140000656",
		Name: deadlines.Names{KK: "АХАТ органы", RU: "Орган ЗАГС", EN: "Registry office"}, Region: "Astana", Zone: "Asia/Almaty"})
	_ = svc.RegisterService(ctx, onboarding.StateService{ID: "birth", RegisterNumber: "00101001",
		Name:      deadlines.Names{KK: "Баланың тууын тіркеу", RU: "Регистрация рождения ребенка", EN: "Registration of a child's birth"},
		Providers: []string{"registry"}})

	// Onboarding, a step a day (see the onboarding package's example).
	step := func(when string) time.Time { clock.Set(at(when)); return clock.Now() }
	o, _ := svc.Start(ctx, onboarding.StartInput{ServiceID: "birth", BodyID: "registry", RegisteredOn: at("2025-04-01 00:00"), StandardApprovedOn: at("2025-04-01 00:00"), Actor: "ucc"})
	_, _ = svc.SendRequest(ctx, o.ID, step("2025-04-02 10:00"), "ucc")
	_, _ = svc.ConfirmReceipt(ctx, o.ID, step("2025-04-03 10:00"), "registry")
	_, _ = svc.Appoint(ctx, o.ID, step("2025-04-04 10:00"), onboarding.Person{FullName: "Aigerim Sadykova", Position: "chief expert", Phone: "+7 717 274 0000", Email: "a.sadykova@gov.kz"}, "registry")
	_, _ = svc.ProvideInformation(ctx, o.ID, step("2025-04-07 10:00"), onboarding.Information{Description: "Registers a birth.", Documents: []string{"medical certificate of birth"},
		Fee: "free", Term: "1 working day", Result: "birth certificate", Standard: onboarding.Requisites{Number: "112"}}, "ucc-employee", "a.sadykova")
	_, _ = svc.RecordTraining(ctx, o.ID, onboarding.Training{At: step("2025-04-08 10:00"), Trainer: "a.sadykova", Trainees: []string{"ucc-employee"}}, "ucc")
	_, _ = svc.SignProtocol(ctx, o.ID, onboarding.Protocol{Number: "17", SignedAt: step("2025-04-09 10:00"),
		UCC: onboarding.Signatory{FullName: "UCC Director", Position: "director"}, Body: onboarding.Signatory{FullName: "Vice Minister", Position: "vice minister"}}, "ucc")

	// The registry office records the delivery's stages (Rules130 p.13).
	feed, _ := desk.NewFeed(desk.FeedConfig{Store: store, Catalogue: store, Calendar: cal, Clock: clock})
	const citizen = "900101300017"
	_, err := feed.Receive(ctx, desk.Receipt{Application: "KZ-77", ServiceID: "birth", ProviderID: "registry", Recipient: citizen,
		At: step("2025-05-12 10:00"), Term: deadlines.Term{Kind: deadlines.WorkingDays, N: 5}, Actor: "registrar"})
	if err != nil {
		fmt.Println(err)
	}
	_, _ = feed.Record(ctx, "KZ-77", desk.StageInput{Stage: desk.StageDocumentsRequested, At: step("2025-05-13 09:00"), ProviderID: "registry", Actor: "registrar"})
	_, err = feed.Record(ctx, "KZ-78", desk.StageInput{Stage: desk.StageInProgress, At: step("2025-05-13 10:00"), ProviderID: "registry", Actor: "registrar"})
	fmt.Println(err)

	// The operator's desk.
	d, _ := desk.New(desk.Config{Deliveries: store, Catalogue: store, Calendar: cal, Clock: clock})
	found, _ := d.Search(ctx, "тиркеу", "en")
	for _, a := range found {
		fmt.Println(a.Rules, a.Tell)
	}
	apps, _ := d.ByRecipient(ctx, citizen, "ru")
	for _, a := range apps {
		fmt.Println(a.Rules, a.Recipient, a.Tell)
	}
	// Output:
	// Rules130 p.13: id: not found: no receipt of KZ-78 is recorded: no stage before the receipt
	// [Rules130 p.3 Rules130 p.5] Registration of a child's birth (00101001). Registers a birth. Documents: medical certificate of birth. Fee: free. Term: 1 working day. Result: birth certificate. (information version 1, Registry office)
	// [Rules130 p.13] 900101****** Заявление KZ-77, Регистрация рождения ребенка: «Запрошены документы» с 2025-05-13 (Орган ЗАГС); срок — до 2025-05-19.
}
