package onboarding_test

import (
	"context"
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
)

// Onboarding a state service to the UCC, from the Register to the day the
// UCC starts informing citizens (Rules130 p.3–p.9). Every step has its term
// and rule.
func Example_onboardService() {
	ctx := context.Background()
	cal := kz.Calendar()
	at := func(s string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", s, cal.Location())
		return t
	}
	clock := deadlinestest.NewClock(at("2025-03-17 12:00"))
	svc, _ := onboarding.NewService(memory.New(), cal, clock, onboarding.WithIDs(func() string { return "ob-1" }))

	_ = svc.RegisterBody(ctx, onboarding.Body{ID: "minjust", Kind: onboarding.KindCentral, BIN: "050140000656",
		Name: deadlines.Names{KK: "Әділет министрлігі", RU: "Министерство юстиции", EN: "Ministry of Justice"}, Region: "Astana", Zone: "Asia/Almaty"})
	_ = svc.RegisterService(ctx, onboarding.StateService{ID: "birth", RegisterNumber: "00101001",
		Name: deadlines.Names{KK: "Баланың тууын тіркеу", RU: "Регистрация рождения ребенка", EN: "Birth registration"}, Providers: []string{"minjust"}})

	o, _ := svc.Start(ctx, onboarding.StartInput{ServiceID: "birth", BodyID: "minjust",
		RegisteredOn: at("2025-03-14 00:00"), StandardApprovedOn: at("2025-03-17 00:00"), Actor: "ucc"})
	show := func(step string) {
		d := o.Timer(step).Deadline(cal)
		fmt.Printf("%-12s %-13s due %s\n", step, d.Rule, d.Due.Format(time.DateOnly))
	}
	show(onboarding.StepRequest)

	step := func(when string, do func(time.Time) (*onboarding.Onboarding, error)) {
		clock.Set(at(when))
		next, err := do(clock.Now())
		if err != nil {
			fmt.Println(err)
			return
		}
		o = next
	}
	step("2025-03-18 10:00", func(t time.Time) (*onboarding.Onboarding, error) { return svc.SendRequest(ctx, o.ID, t, "ucc") })
	step("2025-03-19 10:00", func(t time.Time) (*onboarding.Onboarding, error) { return svc.ConfirmReceipt(ctx, o.ID, t, "minjust") })
	show(onboarding.StepAppointment)
	step("2025-03-27 09:00", func(t time.Time) (*onboarding.Onboarding, error) {
		return svc.Appoint(ctx, o.ID, t, onboarding.Person{FullName: "Aigerim Sadykova", Position: "chief expert", Phone: "+7 717 274 0000", Email: "a.sadykova@minjust.gov.kz"}, "minjust")
	})
	show(onboarding.StepInformation)
	step("2025-04-03 15:00", func(t time.Time) (*onboarding.Onboarding, error) {
		return svc.ProvideInformation(ctx, o.ID, t, onboarding.Information{Description: "registers a birth", Term: "1 working day",
			Result: "birth certificate", Standard: onboarding.Requisites{Number: "112"}}, "ucc-employee", "a.sadykova")
	})
	show(onboarding.StepTraining)
	step("2025-04-15 10:00", func(t time.Time) (*onboarding.Onboarding, error) {
		return svc.RecordTraining(ctx, o.ID, onboarding.Training{At: t, Trainer: "a.sadykova", Trainees: []string{"ucc-employee"}}, "ucc")
	})
	step("2025-04-16 16:00", func(t time.Time) (*onboarding.Onboarding, error) {
		return svc.SignProtocol(ctx, o.ID, onboarding.Protocol{Number: "17", SignedAt: t,
			UCC: onboarding.Signatory{FullName: "UCC Director", Position: "director"}, Body: onboarding.Signatory{FullName: "Vice Minister", Position: "vice minister"}}, "ucc")
	})
	fmt.Println("state:", o.State, "| live from", o.LiveFrom.Format(time.DateOnly), "(Rules130 p.9)")
	fmt.Println("consultable on 23 Apr:", o.ConsultableOn(at("2025-04-23 12:00")), "| on 24 Apr:", o.ConsultableOn(at("2025-04-24 09:00")))

	_, err := svc.SendRequest(ctx, o.ID, clock.Now(), "ucc")
	fmt.Println(err)
	// Output:
	// request      Rules130 p.4  due 2025-03-20
	// appointment  Rules130 p.5  due 2025-03-27
	// information  Rules130 p.5  due 2025-04-03
	// training     Rules130 p.8  due 2025-04-17
	// state: Protocol signed | live from 2025-04-24 (Rules130 p.9)
	// consultable on 23 Apr: false | on 24 Apr: true
	// onboarding ob-1: Rules130 p.4: state: conflict: sending the Appendix 1 request is not allowed when the onboarding is "Protocol signed"
}
