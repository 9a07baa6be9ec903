package onboarding_test

import (
	"fmt"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

func TestRules130_P2_ParticipantsAndTheirLabels(t *testing.T) {
	t.Parallel()
	kinds := []onboarding.BodyKind{onboarding.KindUCC, onboarding.KindInformatization, onboarding.KindQualityAuthority,
		onboarding.KindCentral, onboarding.KindPublicServiceCenter, onboarding.KindLocalExecutive, onboarding.KindOtherProvider}
	for _, k := range kinds {
		l := k.Label()
		require.True(t, l.KK != "" && l.RU != "" && l.EN != "", "kind %d needs kk/ru/en labels", k)
	}
	for l := onboarding.LevelRegion; l <= onboarding.LevelTownVillage; l++ {
		require.NotEmpty(t, l.Label().KK, "level %d", l)
	}
	for s := onboarding.StateAwaitingRequest; s <= onboarding.StateProtocolSigned; s++ {
		require.True(t, s.Label().KK != "" && s.Label().RU != "" && s.Label().EN != "", "state %d", s)
	}

	b := setup(t)
	good := onboarding.Body{ID: "akimat-aqtobe", Kind: onboarding.KindLocalExecutive, Level: onboarding.LevelDistrict, BIN: deadlinestest.BIN(300),
		Name: deadlines.Names{KK: "Ақтөбе", RU: "Актобе", EN: "Aqtobe"}, Region: "Aqtobe", Zone: "Asia/Aqtobe"}
	tests := []struct {
		name   string
		mutate func(*onboarding.Body)
		fields []string
	}{
		{"a local executive body needs its level", func(x *onboarding.Body) { x.Level = 0 }, []string{"level"}},
		{"only local executive bodies have a level", func(x *onboarding.Body) { x.Kind = onboarding.KindCentral }, []string{"level"}},
		{"unknown kind", func(x *onboarding.Body) { x.Kind, x.Level = 99, 0 }, []string{"kind"}},
		{"every problem at once", func(x *onboarding.Body) {
			x.ID, x.BIN, x.Name, x.Region, x.Zone = "case/3", "050140000655", deadlines.Names{EN: "x"}, "", "Mars/Base"
		}, []string{"id", "bin", "name", "region", "zone"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := good
			body.ID = fmt.Sprintf("case-%d", i)
			tt.mutate(&body)
			err := b.svc.RegisterBody(b.ctx, body)
			require.ErrorIs(t, err, onboarding.ErrInvalid)
			for _, f := range tt.fields {
				require.Contains(t, err.Error(), "Rules130 p.2: "+f+": ")
			}
			_, err = b.store.GetBody(b.ctx, body.ID)
			require.ErrorIs(t, err, onboarding.ErrNotFound, "nothing stored")
		})
	}
	require.NoError(t, b.svc.RegisterBody(b.ctx, good))
	dupBIN := good
	dupBIN.ID = "another"
	require.ErrorIs(t, b.svc.RegisterBody(b.ctx, dupBIN), onboarding.ErrConflict)

	// Only providers provide services.
	svc := b.service
	svc.ID, svc.RegisterNumber, svc.Providers = "other", "00202002", []string{"quality"}
	requireRuleError(t, b.svc.RegisterService(b.ctx, svc), onboarding.ErrInvalid, 3, "providers")
	svc.Providers = []string{"nobody"}
	requireRuleError(t, b.svc.RegisterService(b.ctx, svc), onboarding.ErrNotFound, 3, "providers")
}

func TestRules130_P3_AcceptanceStartsAfterRegisterAndStandardAndOnlyLiveServicesAreConsulted(t *testing.T) {
	t.Parallel()
	t.Run("both preconditions are required", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.svc.Start(b.ctx, onboarding.StartInput{ServiceID: b.service.ID, BodyID: b.ministry.ID})
		require.ErrorIs(t, err, onboarding.ErrInvalid)
		for _, f := range []string{"registered_on", "standard_approved_on", "actor"} {
			require.Contains(t, err.Error(), "Rules130 p.3: "+f+": ")
		}
		list, err := b.store.ListOnboardings(b.ctx, onboarding.OnboardingFilter{})
		require.NoError(t, err)
		require.Empty(t, list, "nothing stored")
	})
	t.Run("not before the dates", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.svc.Start(b.ctx, onboarding.StartInput{ServiceID: b.service.ID, BodyID: b.ministry.ID,
			RegisteredOn: b.at(t, "2025-03-14"), StandardApprovedOn: b.at(t, "2025-03-18"), Actor: "ucc-operator"})
		requireRuleError(t, err, onboarding.ErrInvalid, 3, "standard_approved_on")
	})
	t.Run("the body must provide the service", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.svc.Start(b.ctx, onboarding.StartInput{ServiceID: b.service.ID, BodyID: b.ucc.ID,
			RegisteredOn: b.at(t, scRegistered), StandardApprovedOn: b.at(t, scApproved), Actor: "ucc-operator"})
		requireRuleError(t, err, onboarding.ErrInvalid, 3, "body_id")
		_, err = b.svc.Start(b.ctx, onboarding.StartInput{ServiceID: "unknown", BodyID: b.ministry.ID,
			RegisteredOn: b.at(t, scRegistered), StandardApprovedOn: b.at(t, scApproved), Actor: "ucc-operator"})
		requireRuleError(t, err, onboarding.ErrNotFound, 3, "service_id")
	})
	t.Run("one onboarding per service and body", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.start(t)
		_, err := b.svc.Start(b.ctx, onboarding.StartInput{ServiceID: b.service.ID, BodyID: b.ministry.ID,
			RegisteredOn: b.at(t, scRegistered), StandardApprovedOn: b.at(t, scApproved), Actor: "ucc-operator"})
		require.ErrorIs(t, err, onboarding.ErrConflict)
	})
	t.Run("the UCC consults only on live services", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.start(t)
		for _, state := range []onboarding.State{onboarding.StateRequestSent, onboarding.StateInformationProvided, onboarding.StateTrained} {
			o = b.advance(t, o, state)
			require.False(t, o.ConsultableOn(b.clock.Now()), "not live when %s", state)
		}
		o = b.advance(t, o, onboarding.StateProtocolSigned)
		live := b.at(t, "2025-04-24")
		require.False(t, o.ConsultableOn(live.Add(-time.Second)))
		require.True(t, o.ConsultableOn(live))

		b.now(t, "2025-04-23 18:00")
		list, err := b.svc.Consultable(b.ctx, b.clock.Now())
		require.NoError(t, err)
		require.Empty(t, list, "the protocol is signed but the service is not live yet")
		list, err = b.svc.Consultable(b.ctx, live.Add(9*time.Hour))
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, b.service.ID, list[0].Service.ID)
		require.Equal(t, 1, list[0].Information.Version)
		require.Equal(t, "registers a birth", list[0].Information.Information.Description)
	})
}

func TestRules130_P4_RequestDueWithinThreeWorkingDays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, registered, approved, due string
	}{
		{"from the later date, the standard", "2025-03-14", "2025-03-17", "2025-03-20"},     // 18, 19, 20
		{"from the later date, the Register", "2025-04-10", "2025-04-01", "2025-04-15"},     // 11, 14, 15
		{"across Nauryz", "2025-03-01", "2025-03-20", "2025-03-28"},                         // 21–25 off: 26, 27, 28
		{"an event on a Saturday holiday", "2025-03-01", "2025-03-22", "2025-03-28"},        // 26, 27, 28
		{"across New Year and a decree transfer", "2024-12-30", "2024-12-30", "2025-01-06"}, // 31 Dec; 1–4 Jan off; Sun 5 Jan works; 6 Jan
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.now(t, "2025-04-30 12:00")
			o, err := b.svc.Start(b.ctx, onboarding.StartInput{ServiceID: b.service.ID, BodyID: b.ministry.ID,
				RegisteredOn: b.at(t, tt.registered), StandardApprovedOn: b.at(t, tt.approved), Actor: "ucc-operator"})
			require.NoError(t, err)
			require.Equal(t, onboarding.StateAwaitingRequest, o.State)
			d := o.Timer(onboarding.StepRequest).Deadline(b.cal)
			require.Equal(t, tt.due, day(d.Due))
			require.Equal(t, deadlines.Cite(deadlines.Rules130, 4), d.Rule)
		})
	}
	t.Run("sent on the due date is met, the day after is breached", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			sent     string
			breached bool
		}{{"2025-03-20 17:59", false}, {"2025-03-21 09:00", true}} {
			b := setup(t)
			o := b.start(t)
			o, err := b.svc.SendRequest(b.ctx, o.ID, b.now(t, tc.sent), "ucc-operator")
			require.NoError(t, err)
			st := o.Timer(onboarding.StepRequest).Status(b.cal, b.clock.Now())
			require.Equal(t, deadlines.TimerStopped, st.State)
			require.Equal(t, tc.breached, st.Breached, tc.sent)
			require.Equal(t, onboarding.StateRequestSent, o.State)
			require.Equal(t, "request.sent", o.History[len(o.History)-1].Type)
			require.Equal(t, deadlines.Cite(deadlines.Rules130, 4), o.History[len(o.History)-1].Rule)
			require.Equal(t, "ucc-operator", o.History[len(o.History)-1].Actor)
		}
	})
	t.Run("a repeated request is a conflict and changes nothing", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StateRequestSent)
		_, err := b.svc.SendRequest(b.ctx, o.ID, b.clock.Now(), "ucc-operator")
		requireRuleError(t, err, onboarding.ErrConflict, 4, "state")
		got, err := b.svc.Get(b.ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, o, got)
	})
	t.Run("a request before the preconditions or in the future is invalid", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.start(t)
		_, err := b.svc.SendRequest(b.ctx, o.ID, b.at(t, "2025-03-16 10:00"), "ucc-operator")
		requireRuleError(t, err, onboarding.ErrInvalid, 4, "sent_at")
		_, err = b.svc.SendRequest(b.ctx, o.ID, b.at(t, "2025-03-18 10:00"), "ucc-operator")
		requireRuleError(t, err, onboarding.ErrInvalid, 4, "sent_at")
		_, err = b.svc.SendRequest(b.ctx, o.ID, b.clock.Now(), "")
		requireRuleError(t, err, onboarding.ErrInvalid, 4, "actor")
		_, err = b.svc.SendRequest(b.ctx, "missing", b.clock.Now(), "ucc-operator")
		require.ErrorIs(t, err, onboarding.ErrNotFound)
	})
}

func TestRules130_P5_PersonWithinThreeAndInformationWithinFiveWorkingDays(t *testing.T) {
	t.Parallel()
	t.Run("terms from receipt and from appointment", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StateRequestReceived)
		d := o.Timer(onboarding.StepAppointment).Deadline(b.cal)
		require.Equal(t, "2025-03-27", day(d.Due), "received 19 Mar: 20, (21–25 Nauryz), 26, 27")
		require.Equal(t, deadlines.Cite(deadlines.Rules130, 5), d.Rule)

		o = b.advance(t, o, onboarding.StatePersonAppointed)
		require.Equal(t, person(1), *o.Person())
		require.False(t, o.Timer(onboarding.StepAppointment).Status(b.cal, b.clock.Now()).Breached)
		require.Equal(t, "2025-04-03", day(o.Timer(onboarding.StepInformation).Deadline(b.cal).Due), "appointed 27 Mar: 28, 31, 1, 2, 3 Apr")

		o = b.advance(t, o, onboarding.StateInformationProvided)
		v := o.CurrentInformation()
		require.NotNil(t, v, "entered into the UCC database by the UCC employee")
		require.Equal(t, 1, v.Version)
		require.Equal(t, "ucc-employee", v.EnteredBy)
		require.Equal(t, "person1", v.SubmittedBy)
	})
	t.Run("a late appointment breaches the term", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StateRequestReceived)
		o, err := b.svc.Appoint(b.ctx, o.ID, b.now(t, "2025-03-28 09:00"), person(1), "ministry-clerk")
		require.NoError(t, err)
		st := o.Timer(onboarding.StepAppointment).Status(b.cal, b.clock.Now())
		require.True(t, st.Breached)
		require.Equal(t, b.at(t, "2025-03-28"), st.BreachedAt)
	})
	t.Run("information entered later", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StatePersonAppointed)
		o, err := b.svc.ProvideInformation(b.ctx, o.ID, b.now(t, scInformed), information("v1"), "", "person1")
		require.NoError(t, err)
		require.Nil(t, o.CurrentInformation(), "not in the UCC database yet")
		o, err = b.svc.EnterInformation(b.ctx, o.ID, 1, "ucc-employee")
		require.NoError(t, err)
		require.Equal(t, 1, o.CurrentInformation().Version)
		_, err = b.svc.EnterInformation(b.ctx, o.ID, 1, "ucc-employee")
		requireRuleError(t, err, onboarding.ErrConflict, 5, "version")
		_, err = b.svc.EnterInformation(b.ctx, o.ID, 7, "ucc-employee")
		requireRuleError(t, err, onboarding.ErrNotFound, 5, "version")
	})
	t.Run("out of order, bad person and bad information change nothing", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StateRequestSent)
		_, err := b.svc.Appoint(b.ctx, o.ID, b.clock.Now(), person(1), "ministry-clerk")
		requireRuleError(t, err, onboarding.ErrConflict, 5, "state")
		_, err = b.svc.ProvideInformation(b.ctx, o.ID, b.clock.Now(), information("x"), "", "person1")
		requireRuleError(t, err, onboarding.ErrConflict, 5, "state")

		bad := onboarding.Person{FullName: " ", Phone: "12", Email: "Person <p@x.kz>"}
		_, err = b.svc.Appoint(b.ctx, o.ID, b.clock.Now(), bad, "ministry-clerk")
		require.ErrorIs(t, err, onboarding.ErrInvalid)
		for _, f := range []string{"person.full_name", "person.position", "person.phone", "person.email"} {
			require.Contains(t, err.Error(), "Rules130 p.5: "+f+": ")
		}
		_, err = b.svc.ProvideInformation(b.ctx, o.ID, b.clock.Now(), onboarding.Information{}, "", "person1")
		for _, f := range []string{"information.description", "information.term", "information.result", "information.standard"} {
			require.Contains(t, err.Error(), "Rules130 p.5: "+f+": ")
		}
		got, err := b.svc.Get(b.ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, o, got)
	})
}

func TestRules130_P6_UpdatesWithinFiveWorkingDaysOfTheChangeAreVersioned(t *testing.T) {
	t.Parallel()
	t.Run("a noted change is due in 5 working days and versioned", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StateInformationProvided)
		b.now(t, "2025-05-02 12:00")
		o, err := b.svc.NoteChange(b.ctx, o.ID, b.at(t, "2025-05-02 09:00"), "order No. 112 amended", "ucc-operator")
		require.NoError(t, err)
		// Friday 2 May: 5, 6, (7 Defender Day), 8, (9 Victory Day), 12, 13.
		require.Equal(t, "2025-05-13", day(o.Timer("update-1").Deadline(b.cal).Due))
		_, err = b.svc.NoteChange(b.ctx, o.ID, b.clock.Now(), "again", "ucc-operator")
		requireRuleError(t, err, onboarding.ErrConflict, 6, "changed_on")

		next := information("registers a birth")
		next.Fee = "0.5 MCI"
		o, err = b.svc.UpdateInformation(b.ctx, o.ID, time.Time{}, b.now(t, "2025-05-13 17:00"), next, "", "person1")
		require.NoError(t, err)
		st := o.Timer("update-1").Status(b.cal, b.clock.Now())
		require.Equal(t, deadlines.TimerStopped, st.State)
		require.False(t, st.Breached)
		v := o.Information[1]
		require.Equal(t, 2, v.Version)
		require.Equal(t, []string{"fee"}, v.Changed)
		require.Equal(t, b.at(t, "2025-05-02 09:00"), v.ChangedOn)
		require.Equal(t, 1, o.CurrentInformation().Version, "the UCC still consults on version 1 until version 2 is entered")
		o, err = b.svc.EnterInformation(b.ctx, o.ID, 2, "ucc-employee")
		require.NoError(t, err)
		require.Equal(t, "0.5 MCI", o.CurrentInformation().Information.Fee)
	})
	t.Run("an update arriving late is a breach", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StateInformationProvided)
		next := information("registers a birth, also online")
		o, err := b.svc.UpdateInformation(b.ctx, o.ID, b.at(t, "2025-04-07 09:00"), b.now(t, "2025-04-15 10:00"), next, "ucc-employee", "person1")
		require.NoError(t, err)
		st := o.Timer("update-1").Status(b.cal, b.clock.Now())
		require.Equal(t, "2025-04-14", day(st.Deadline.Due), "7 Apr: 8, 9, 10, 11, 14")
		require.True(t, st.Breached)
		require.Equal(t, []string{"description"}, o.Information[1].Changed)
		require.Equal(t, 2, o.CurrentInformation().Version)
	})
	t.Run("bad updates change nothing", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StatePersonAppointed)
		_, err := b.svc.UpdateInformation(b.ctx, o.ID, b.clock.Now(), b.clock.Now(), information("x"), "", "person1")
		requireRuleError(t, err, onboarding.ErrConflict, 6, "state")
		o = b.advance(t, o, onboarding.StateInformationProvided)
		_, err = b.svc.UpdateInformation(b.ctx, o.ID, b.clock.Now(), b.clock.Now(), information("registers a birth"), "", "person1")
		requireRuleError(t, err, onboarding.ErrInvalid, 6, "information")
		_, err = b.svc.UpdateInformation(b.ctx, o.ID, b.clock.Now(), b.clock.Now().Add(-time.Hour), information("y"), "", "person1")
		requireRuleError(t, err, onboarding.ErrInvalid, 6, "submitted_at")
		got, err := b.svc.Get(b.ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, o, got)
	})
}

func TestRules130_P7_ReplacementNotifiedWithinFiveWorkingDays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, notified string
		breached       bool
	}{
		{"notified in time", "2025-04-08 17:00", false}, // replaced 1 Apr: 2, 3, 4, 7, 8
		{"notified late", "2025-04-09 09:00", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			o := b.advance(t, b.start(t), onboarding.StateInformationProvided)
			o, err := b.svc.ReplacePerson(b.ctx, o.ID, b.at(t, "2025-04-01 09:00"), b.now(t, tt.notified), person(2), "ministry-clerk")
			require.NoError(t, err)
			st := o.Timer("replacement-1").Status(b.cal, b.clock.Now())
			require.Equal(t, "2025-04-08", day(st.Deadline.Due))
			require.Equal(t, deadlines.Cite(deadlines.Rules130, 7), st.Deadline.Rule)
			require.Equal(t, tt.breached, st.Breached)
			require.Equal(t, person(2), *o.Person())
			require.Len(t, o.Persons, 2)
			require.Equal(t, b.at(t, "2025-04-01 09:00"), o.Persons[0].To, "the history keeps the first person's tenure")
			require.Equal(t, b.clock.Now(), o.Persons[1].NotifiedAt)
		})
	}
	t.Run("no replacement before an appointment, nor of the same person", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StateRequestReceived)
		_, err := b.svc.ReplacePerson(b.ctx, o.ID, b.clock.Now(), b.clock.Now(), person(2), "ministry-clerk")
		requireRuleError(t, err, onboarding.ErrConflict, 7, "state")
		o = b.advance(t, o, onboarding.StatePersonAppointed)
		_, err = b.svc.ReplacePerson(b.ctx, o.ID, b.clock.Now(), b.clock.Now(), person(1), "ministry-clerk")
		requireRuleError(t, err, onboarding.ErrInvalid, 7, "person")
		_, err = b.svc.ReplacePerson(b.ctx, o.ID, b.clock.Now(), b.clock.Now().Add(-time.Minute), person(2), "ministry-clerk")
		requireRuleError(t, err, onboarding.ErrInvalid, 7, "notified_at")
	})
}

func TestRules130_P8_QuestionsBeforeTrainingWithinTenWorkingDaysAndAProtocolSignedByBothSides(t *testing.T) {
	t.Parallel()
	t.Run("the full step", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StateInformationProvided)
		d := o.Timer(onboarding.StepTraining).Deadline(b.cal)
		require.Equal(t, "2025-04-17", day(d.Due), "information 3 Apr: 4, 7, 8, 9, 10, 11, 14, 15, 16, 17")
		require.Equal(t, deadlines.Cite(deadlines.Rules130, 8), d.Rule)

		o, err := b.svc.SendQuestions(b.ctx, o.ID, b.now(t, scQuestions), []string{"Which documents for a birth abroad?"}, "ucc-employee")
		require.NoError(t, err)
		require.Equal(t, "person1@minjust.gov.kz", o.Questions[0].To, "questions go to the responsible person's e-mail")

		o = b.advance(t, o, onboarding.StateTrained)
		require.False(t, o.Timer(onboarding.StepTraining).Status(b.cal, b.clock.Now()).Breached)
		_, err = b.svc.SendQuestions(b.ctx, o.ID, b.clock.Now(), []string{"too late"}, "ucc-employee")
		requireRuleError(t, err, onboarding.ErrConflict, 8, "state")

		_, err = b.svc.SignProtocol(b.ctx, o.ID, onboarding.Protocol{Number: "P-1", SignedAt: b.clock.Now(),
			UCC: onboarding.Signatory{FullName: "UCC Director", Position: "director"}}, "ucc-operator")
		requireRuleError(t, err, onboarding.ErrInvalid, 8, "body")
		o = b.advance(t, o, onboarding.StateProtocolSigned)
		require.Equal(t, "Vice Minister", o.Protocol.Body.FullName)
	})
	t.Run("training late, or out of order", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		o := b.advance(t, b.start(t), onboarding.StatePersonAppointed)
		_, err := b.svc.RecordTraining(b.ctx, o.ID, onboarding.Training{At: b.clock.Now(), Trainer: "person1", Trainees: []string{"e"}}, "ucc-operator")
		requireRuleError(t, err, onboarding.ErrConflict, 8, "state")
		_, err = b.svc.SignProtocol(b.ctx, o.ID, onboarding.Protocol{Number: "P", SignedAt: b.clock.Now(),
			UCC: onboarding.Signatory{FullName: "a", Position: "b"}, Body: onboarding.Signatory{FullName: "c", Position: "d"}}, "ucc-operator")
		requireRuleError(t, err, onboarding.ErrConflict, 8, "state")
		_, err = b.svc.RecordTraining(b.ctx, o.ID, onboarding.Training{At: b.clock.Now()}, "ucc-operator")
		require.ErrorIs(t, err, onboarding.ErrInvalid)
		require.Contains(t, err.Error(), "trainer: ")
		require.Contains(t, err.Error(), "trainees: ")

		o = b.advance(t, o, onboarding.StateInformationProvided)
		o, err = b.svc.RecordTraining(b.ctx, o.ID, onboarding.Training{At: b.now(t, "2025-04-18 10:00"), Trainer: "person1", Trainees: []string{"e"}}, "ucc-operator")
		require.NoError(t, err)
		require.True(t, o.Timer(onboarding.StepTraining).Status(b.cal, b.clock.Now()).Breached)
	})
}

func TestRules130_P9_ConsultationGoesLiveFiveWorkingDaysAfterTheProtocol(t *testing.T) {
	t.Parallel()
	c := setup(t).cal
	tests := []struct{ signed, live string }{
		{"2025-04-16 16:00", "2025-04-24"}, // 17, 18, 21, 22, 23 pass in full
		{"2025-03-14 10:00", "2025-03-27"}, // 17, 18, 19, 20, (21–25 Nauryz) 26 pass
		{"2024-12-27 10:00", "2025-01-09"}, // 30, 31, (1–4 off) Sun 5, 6, (7 Christmas) 8 pass
		{"2025-03-22 10:00", "2025-04-02"}, // signed on a holiday Saturday: 26, 27, 28, 31, 1 pass
	}
	for _, tt := range tests {
		t.Run(tt.signed, func(t *testing.T) {
			t.Parallel()
			signed, err := time.ParseInLocation("2006-01-02 15:04", tt.signed, c.Location())
			require.NoError(t, err)
			d, err := onboarding.TermGoLive.Due(c, signed)
			require.NoError(t, err)
			require.Equal(t, tt.live, day(d.Due))
		})
	}
	b := setup(t)
	o := b.advance(t, b.start(t), onboarding.StateProtocolSigned)
	require.Equal(t, b.at(t, "2025-04-24"), o.LiveFrom)
	last := o.History[len(o.History)-1]
	require.Equal(t, "consultation.scheduled", last.Type)
	require.Equal(t, deadlines.Cite(deadlines.Rules130, 9), last.Rule)
	require.Contains(t, last.Note, "2025-04-24")
}

func TestDeadlinesBoard(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.advance(t, b.start(t), onboarding.StateRequestReceived) // appointment due 27 Mar
	b.now(t, "2025-03-19 12:00")
	other, err := b.svc.Start(b.ctx, onboarding.StartInput{ServiceID: b.service.ID, BodyID: b.akimat.ID,
		RegisteredOn: b.at(t, "2025-03-10"), StandardApprovedOn: b.at(t, "2025-03-11"), Actor: "ucc-operator"}) // request due 14 Mar: overdue
	require.NoError(t, err)

	b.now(t, "2025-03-26 12:00")
	all, err := b.svc.Deadlines(b.ctx, onboarding.DeadlineFilter{DueWithin: -1})
	require.NoError(t, err)
	require.Len(t, all, 2)
	require.Equal(t, other.ID, all[0].OnboardingID, "overdue first")
	require.True(t, all[0].Status.Breached)
	require.Equal(t, onboarding.StepAppointment, all[1].Step)
	require.Equal(t, 1, all[1].Status.RemainingWorkdays)

	overdue, err := b.svc.Deadlines(b.ctx, onboarding.DeadlineFilter{})
	require.NoError(t, err)
	require.Len(t, overdue, 1)
	require.Equal(t, b.akimat.ID, overdue[0].BodyID)

	soon, err := b.svc.Deadlines(b.ctx, onboarding.DeadlineFilter{BodyID: b.ministry.ID, DueWithin: 1})
	require.NoError(t, err)
	require.Len(t, soon, 1)
	require.Equal(t, a.ID, soon[0].OnboardingID)
	none, err := b.svc.Deadlines(b.ctx, onboarding.DeadlineFilter{ServiceID: "other", DueWithin: -1})
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestStepDeadlinesCountInTheBodysZone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// 31 May 2023 18:30 UTC is 23:30 on Wednesday in Aqtau (UTC+5) but
	// already Thursday 1 June in Almaty (UTC+6, before 1 March 2024).
	registered := time.Date(2023, 5, 31, 18, 30, 0, 0, time.UTC)
	b.clock.Set(time.Date(2023, 6, 10, 0, 0, 0, 0, time.UTC))
	o, err := b.svc.Start(b.ctx, onboarding.StartInput{ServiceID: b.service.ID, BodyID: b.akimat.ID,
		RegisteredOn: registered, StandardApprovedOn: registered, Actor: "ucc-operator"})
	require.NoError(t, err)
	d := o.Timer(onboarding.StepRequest).Deadline(b.cal)
	require.Equal(t, "2023-06-05", day(d.Due), "from Wednesday 31 May: 1, 2, 5 June")
	require.Equal(t, "Asia/Aqtau", d.Due.Location().String())
}

func TestRules130_P5_AMissedAppointmentEscalatesOnceWithItsCitation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.advance(t, b.start(t), onboarding.StateRequestReceived) // appointment due 27 Mar
	sweeper, err := deadlines.NewSweeper(b.store, b.cal, b.clock, b.svc.HandleFiring)
	require.NoError(t, err)
	sweep := func(now string) []string {
		b.now(t, now)
		fired, err := sweeper.Sweep(b.ctx)
		require.NoError(t, err)
		var keys []string
		for _, f := range fired {
			keys = append(keys, f.Rung.Name+" "+f.Rung.Rule.String())
		}
		return keys
	}
	require.Empty(t, sweep("2025-03-25 23:00"))
	require.Equal(t, []string{"warning-1 Rules130 p.5"}, sweep("2025-03-26 00:00"), "one working day before the due date")
	require.Equal(t, []string{"breach Rules130 p.5"}, sweep("2025-03-28 00:00"), "24:00 of the due date")
	require.Empty(t, sweep("2025-04-30 00:00"))

	got, err := b.svc.Get(b.ctx, o.ID)
	require.NoError(t, err)
	var escalations []string
	for _, e := range got.History {
		if e.Type == "escalation" {
			escalations = append(escalations, e.Rule.String()+" "+e.Note)
		}
	}
	require.Equal(t, []string{
		"Rules130 p.5 warning-1: onboarding " + o.ID + ": appointment, due 2025-03-27",
		"Rules130 p.5 breach: onboarding " + o.ID + ": appointment, due 2025-03-27",
	}, escalations)
}
