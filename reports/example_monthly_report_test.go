package reports_test

import (
	"context"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

// The UCC records two appeals in March 2025, opens the month's reporting
// duties and renders the ministry's Appendix 2 in English. The report is
// due by the 5th of April, a Saturday, so by Monday 7 April (Rules130
// p.14). The ministry's is sent on time; the quality authority's is not,
// and the sweeper escalates it once.
func Example_monthlyReport() {
	ctx := context.Background()
	cal := kz.Calendar()
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, cal.Location())
		if err != nil {
			panic(err)
		}
		return t
	}
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	store := memory.New()
	clock := deadlinestest.NewClock(at("2025-04-01 09:00"))
	svc, err := reports.NewService(store, cal, clock)
	must(err)
	names := func(en string) deadlines.Names { return deadlines.Names{KK: en, RU: en, EN: en} }
	must(store.CreateBody(ctx, onboarding.Body{ID: "quality", Kind: onboarding.KindQualityAuthority, BIN: "050140000203", Name: names("Quality authority"), Region: "Astana", Zone: "Asia/Almaty"}))
	must(store.CreateBody(ctx, onboarding.Body{ID: "ministry", Kind: onboarding.KindCentral, BIN: "050140000401", Name: names("Ministry of Justice"), Region: "Astana", Zone: "Asia/Almaty"}))
	must(store.CreateService(ctx, onboarding.StateService{ID: "birth", RegisterNumber: "00101001", Name: names("Birth registration"), Providers: []string{"ministry"}}))

	for i, when := range []string{"2025-03-03 10:15", "2025-03-28 17:40"} {
		_, err := svc.RecordAppeal(ctx, reports.Appeal{ReceivedAt: at(when), ForumResponsible: "A. Nurlanov", Region: "Astana",
			ApplicantName: fmt.Sprintf("Applicant %d", i+1), ApplicantIIN: "850101300005", Nature: reports.StandardViolation,
			Content: "certificate late", RequestNo: fmt.Sprintf("REQ-%d", i+1), BodyID: "ministry", ServiceID: "birth"}, "ucc-operator")
		must(err)
	}
	march := reports.Period{Year: 2025, Month: time.March}
	m, err := svc.OpenMonth(ctx, march, "ucc-analyst")
	must(err)
	for _, d := range m.Deliveries {
		fmt.Printf("owed to %s (%s), due %s\n", d.Recipient.ID, d.Scope, d.Timer.Deadline(cal).Due.Format(time.DateOnly))
	}

	clock.Set(at("2025-04-02 11:00"))
	var csv strings.Builder
	_, err = svc.Generate(ctx, march, "ministry", reports.NewCSVWriter(&csv, "en"), "ucc-analyst")
	must(err)
	fmt.Print(strings.TrimPrefix(csv.String(), reports.BOM))
	clock.Set(at("2025-04-02 12:00"))
	m, err = svc.Send(ctx, march, "ministry", at("2025-04-02 11:30"), "ucc-analyst")
	must(err)
	fmt.Println("ministry:", m.Delivery("ministry").State)

	sweeper, err := deadlines.NewSweeper(store, cal, clock, svc.HandleFiring)
	must(err)
	clock.Set(at("2025-04-08 09:00"))
	fired, err := sweeper.Sweep(ctx)
	must(err)
	for _, f := range fired {
		fmt.Printf("%s %s (%s)\n", f.TimerID, f.Rung.Name, f.Rung.Rule)
	}

	// Output:
	// owed to quality (full), due 2025-04-07
	// owed to ministry (body), due 2025-04-07
	// No.,Date and time the complaint or application was received,Full name of the person responsible for the forum,Region,Applicant's full name,Nature of the appeal: violation of the service standard,Nature of the appeal: actions (inaction) of employees,Content of the complaint or application,Measure taken: request No.,State body,State service
	// 1,2025-03-03 10:15,A. Nurlanov,Astana,Applicant 1,1,,certificate late,REQ-1,Ministry of Justice,Birth registration
	// 2,2025-03-28 17:40,A. Nurlanov,Astana,Applicant 2,1,,certificate late,REQ-2,Ministry of Justice,Birth registration
	//
	// Summary,,Total,Nature of the appeal: violation of the service standard,Nature of the appeal: actions (inaction) of employees,,,,,,
	// Total,All appeals,2,2,0,,,,,,
	// Region,Astana,2,2,0,,,,,,
	// State body,Ministry of Justice,2,2,0,,,,,,
	// State service,Birth registration,2,2,0,,,,,,
	// ministry: sent
	// report/2025-03/quality warning-1 (Rules130 p.14)
	// report/2025-03/quality breach (Rules130 p.14)
}
