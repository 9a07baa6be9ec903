package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
)

// onboardingBundle is one isolated world: fresh stores with two provider
// bodies and one state service registered through the domain, a service
// with predictable IDs, and a clock standing after every step the suite
// records (the Service rejects instants in the future).
type onboardingBundle struct {
	ctx      context.Context
	cal      *deadlines.Calendar // Asia/Almaty
	clock    *deadlinestest.Clock
	store    OnboardingStore
	svc      *onboarding.Service
	ministry onboarding.Body // central state body, Asia/Almaty
	akimat   onboarding.Body // regional akimat, Asia/Aqtau
	service  onboarding.StateService
	far      time.Time // after every rung of every timer the suite starts
}

func setupOnboarding(t testing.TB, h Harness) *onboardingBundle {
	t.Helper()
	return onboardingWith(t, h.NewStores(context.Background(), t).Onboarding)
}

// onboardingWith is setupOnboarding on stores already made.
func onboardingWith(t testing.TB, store OnboardingStore) *onboardingBundle {
	t.Helper()
	ctx := context.Background()
	c := kz.Calendar()
	b := &onboardingBundle{
		ctx: ctx, cal: c, store: store,
		clock: deadlinestest.NewClock(c.Date(2025, time.May, 1).Add(10 * time.Hour)),
		far:   c.Date(2026, time.January, 1),
	}
	var n atomic.Int64
	svc, err := onboarding.NewService(b.store, c, b.clock,
		onboarding.WithIDs(func() string { return fmt.Sprintf("id-%04d", n.Add(1)) }))
	require.NoError(t, err)
	b.svc = svc
	b.ministry = newBody(t, bodyOpts{ID: "ministry", Serial: 40})
	b.akimat = newBody(t, bodyOpts{ID: "akimat-mangystau", Serial: 60, Kind: onboarding.KindLocalExecutive,
		Level: onboarding.LevelRegion, Region: "Mangystau", Zone: "Asia/Aqtau"})
	for _, body := range []onboarding.Body{b.ministry, b.akimat} {
		require.NoError(t, b.svc.RegisterBody(ctx, body))
	}
	b.service = newService(serviceOpts{ID: "birth-registration", RegisterNumber: "00101001", Providers: []string{b.ministry.ID, b.akimat.ID}})
	require.NoError(t, b.svc.RegisterService(ctx, b.service))
	return b
}

func names(en string) deadlines.Names {
	return deadlines.Names{KK: en + " (kk)", RU: en + " (ru)", EN: en}
}

// bodyOpts configure newBody; zero fields take the defaults: a central
// state body in Astana, Asia/Almaty.
type bodyOpts struct {
	ID     string // required
	Serial int    // picks the BIN; distinct serials at least 10 apart give distinct BINs
	Kind   onboarding.BodyKind
	Level  onboarding.LocalLevel
	Region string
	Zone   string
}

func newBody(t testing.TB, o bodyOpts) onboarding.Body {
	t.Helper()
	if o.Kind == 0 {
		o.Kind = onboarding.KindCentral
	}
	if o.Region == "" {
		o.Region = "Astana"
	}
	if o.Zone == "" {
		o.Zone = "Asia/Almaty"
	}
	return onboarding.Body{ID: o.ID, Kind: o.Kind, Level: o.Level, BIN: deadlinestest.BIN(o.Serial), Name: names("Body " + o.ID), Region: o.Region, Zone: o.Zone}
}

// serviceOpts configure newService; zero fields take the defaults.
type serviceOpts struct {
	ID             string   // required
	RegisterNumber string   // default "reg-" + ID
	Providers      []string // default the ministry
}

func newService(o serviceOpts) onboarding.StateService {
	if o.RegisterNumber == "" {
		o.RegisterNumber = "reg-" + o.ID
	}
	if o.Providers == nil {
		o.Providers = []string{"ministry"}
	}
	return onboarding.StateService{
		ID: o.ID, RegisterNumber: o.RegisterNumber, Name: names("Service " + o.ID),
		Standard:         onboarding.Requisites{Number: "112", Date: deadlines.CivilDate{Year: 2015, Month: 4, Day: 17}, Title: "standard"},
		Regulation:       onboarding.Requisites{Number: "95", Date: deadlines.CivilDate{Year: 2015, Month: 5, Day: 20}, Title: "regulation"},
		ActChanges:       []string{"No. 7 of 2024-01-10"},
		InternetResource: "https://egov.kz",
		Providers:        slices.Clone(o.Providers),
	}
}

// at is a wall-clock instant in Asia/Almaty.
func (b *onboardingBundle) at(month time.Month, day, hour int) time.Time {
	return b.cal.Date(2025, month, day).Add(time.Duration(hour) * time.Hour)
}

// start opens the onboarding of a service with a body: in the Register on
// 14 Mar 2025, standard approved on 17 Mar, so the Appendix 1 request is
// due on 20 Mar.
func (b *onboardingBundle) start(t testing.TB, serviceID, bodyID string) *onboarding.Onboarding {
	t.Helper()
	o, err := b.svc.Start(b.ctx, onboarding.StartInput{
		ServiceID: serviceID, BodyID: bodyID, Actor: "ucc-operator",
		RegisteredOn: b.at(time.March, 14, 0), StandardApprovedOn: b.at(time.March, 17, 0),
	})
	require.NoError(t, err)
	return o
}

// lifecycleStep is one transition after Start: the state it leads to.
type lifecycleStep struct {
	to onboarding.State
	do func(id string) (*onboarding.Onboarding, error)
}

// lifecycle are the transitions after Start, each in time (Nauryz days
// off are 21–25 Mar 2025).
func (b *onboardingBundle) lifecycle() []lifecycleStep {
	return []lifecycleStep{
		{onboarding.StateRequestSent, func(id string) (*onboarding.Onboarding, error) {
			return b.svc.SendRequest(b.ctx, id, b.at(time.March, 18, 10), "ucc-operator")
		}},
		{onboarding.StateRequestReceived, func(id string) (*onboarding.Onboarding, error) {
			return b.svc.ConfirmReceipt(b.ctx, id, b.at(time.March, 19, 10), "body-clerk")
		}},
		{onboarding.StatePersonAppointed, func(id string) (*onboarding.Onboarding, error) {
			return b.svc.Appoint(b.ctx, id, b.at(time.March, 27, 9), onboarding.Person{
				FullName: "Responsible Person", Position: "chief expert", Phone: "+7 (717) 274-00-01", Email: "person@minjust.gov.kz",
			}, "body-clerk")
		}},
		{onboarding.StateInformationProvided, func(id string) (*onboarding.Onboarding, error) {
			return b.svc.ProvideInformation(b.ctx, id, b.at(time.April, 3, 15), onboarding.Information{
				Description: "registers a birth", Documents: []string{"application", "medical certificate of birth"},
				Fee: "free", Term: "1 working day", Result: "birth certificate", Channels: []string{"egov.kz", "public service center"},
				Standard: onboarding.Requisites{Number: "112", Date: deadlines.CivilDate{Year: 2015, Month: 4, Day: 17}},
			}, "ucc-employee", "person")
		}},
		{onboarding.StateTrained, func(id string) (*onboarding.Onboarding, error) {
			return b.svc.RecordTraining(b.ctx, id, onboarding.Training{At: b.at(time.April, 15, 10), Trainer: "person", Trainees: []string{"ucc-employee"}}, "ucc-operator")
		}},
		{onboarding.StateProtocolSigned, func(id string) (*onboarding.Onboarding, error) {
			return b.svc.SignProtocol(b.ctx, id, onboarding.Protocol{Number: "P-1", SignedAt: b.at(time.April, 16, 16),
				UCC:  onboarding.Signatory{FullName: "UCC Director", Position: "director"},
				Body: onboarding.Signatory{FullName: "Vice Minister", Position: "vice minister"}}, "ucc-operator")
		}},
	}
}

// advance takes o through the lifecycle up to and including state.
func (b *onboardingBundle) advance(t testing.TB, o *onboarding.Onboarding, state onboarding.State) *onboarding.Onboarding {
	t.Helper()
	for _, s := range b.lifecycle() {
		if o.State >= s.to || s.to > state {
			continue
		}
		next, err := s.do(o.ID)
		require.NoError(t, err, "to %s", s.to)
		o = next
	}
	require.Equal(t, state, o.State)
	return o
}

// ask stores a request to body sent at `at`, straight through the port.
func (b *onboardingBundle) ask(t testing.TB, id, bodyID string, at time.Time) *onboarding.InfoRequest {
	t.Helper()
	r := &onboarding.InfoRequest{ID: id, BodyID: bodyID, Subject: "clarify the fee", SentAt: at, SentBy: "ucc-operator"}
	require.NoError(t, b.store.CreateRequest(b.ctx, r))
	return r
}

func (b *onboardingBundle) due(t testing.TB) []string {
	t.Helper()
	due, err := b.store.DueFirings(b.ctx, b.far, 100)
	require.NoError(t, err)
	return firingKeys(due)
}

func requireSameTime(t testing.TB, want, got time.Time, field string) {
	t.Helper()
	require.True(t, want.Equal(got), "%s: want %s, got %s", field, want, got)
}

func requireSameTimer(t testing.TB, want, got *deadlines.Timer) {
	t.Helper()
	require.NotNil(t, got)
	require.Equal(t, want.ID, got.ID)
	require.Equal(t, want.Subject, got.Subject)
	require.Equal(t, want.Rungs, got.Rungs)
	require.Len(t, got.Ledger, len(want.Ledger), "timer %s", want.ID)
	for i := range want.Ledger {
		require.Equal(t, want.Ledger[i].Kind, got.Ledger[i].Kind, "timer %s entry %d", want.ID, i)
		requireSameTime(t, want.Ledger[i].At, got.Ledger[i].At, want.ID+" ledger")
	}
	require.Equal(t, firingKeys(want.Schedule), firingKeys(got.Schedule), "timer %s", want.ID)
}

// requireSameOnboarding compares what a store must keep of an onboarding;
// instants are compared as instants, whatever their location.
func requireSameOnboarding(t testing.TB, want, got *onboarding.Onboarding) {
	t.Helper()
	require.Equal(t, want.ID, got.ID)
	require.Equal(t, want.ServiceID, got.ServiceID)
	require.Equal(t, want.BodyID, got.BodyID)
	require.Equal(t, want.Zone, got.Zone)
	require.Equal(t, want.State, got.State)
	for _, f := range []struct {
		name      string
		want, got time.Time
	}{
		{"registered_on", want.RegisteredOn, got.RegisteredOn},
		{"standard_approved_on", want.StandardApprovedOn, got.StandardApprovedOn},
		{"request_sent_at", want.RequestSentAt, got.RequestSentAt},
		{"request_received_at", want.RequestReceivedAt, got.RequestReceivedAt},
		{"appointed_at", want.AppointedAt, got.AppointedAt},
		{"live_from", want.LiveFrom, got.LiveFrom},
	} {
		requireSameTime(t, f.want, f.got, f.name)
	}
	require.Len(t, got.Persons, len(want.Persons))
	for i := range want.Persons {
		require.Equal(t, want.Persons[i].Person, got.Persons[i].Person)
		requireSameTime(t, want.Persons[i].From, got.Persons[i].From, "persons.from")
	}
	require.Len(t, got.Information, len(want.Information))
	for i := range want.Information {
		require.Equal(t, want.Information[i].Version, got.Information[i].Version)
		require.Equal(t, want.Information[i].Information, got.Information[i].Information)
		require.Equal(t, want.Information[i].EnteredBy, got.Information[i].EnteredBy)
		requireSameTime(t, want.Information[i].SubmittedAt, got.Information[i].SubmittedAt, "information.submitted_at")
	}
	require.Equal(t, want.Training == nil, got.Training == nil, "training")
	if want.Training != nil {
		require.Equal(t, want.Training.Trainer, got.Training.Trainer)
		require.Equal(t, want.Training.Trainees, got.Training.Trainees)
		requireSameTime(t, want.Training.At, got.Training.At, "training.at")
	}
	require.Equal(t, want.Protocol == nil, got.Protocol == nil, "protocol")
	if want.Protocol != nil {
		require.Equal(t, want.Protocol.Number, got.Protocol.Number)
		require.Equal(t, want.Protocol.UCC, got.Protocol.UCC)
		require.Equal(t, want.Protocol.Body, got.Protocol.Body)
		requireSameTime(t, want.Protocol.SignedAt, got.Protocol.SignedAt, "protocol.signed_at")
	}
	require.Len(t, got.Timers, len(want.Timers))
	for i := range want.Timers {
		requireSameTimer(t, &want.Timers[i], &got.Timers[i])
	}
	require.Len(t, got.History, len(want.History))
	for i := range want.History {
		require.Equal(t, want.History[i].Seq, got.History[i].Seq)
		require.Equal(t, want.History[i].Type, got.History[i].Type)
	}
}

// snapshot renders everything an onboarding holds, to compare values in depth.
func snapshot(t testing.TB, o *onboarding.Onboarding) string {
	t.Helper()
	j, err := json.Marshal(o)
	require.NoError(t, err)
	return string(j)
}

func onboardingIDs(os []*onboarding.Onboarding) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.ID
	}
	return out
}

func runOnboarding(t *testing.T, h Harness) {
	t.Run("CatalogueBodies", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		created := []onboarding.Body{
			newBody(t, bodyOpts{ID: "b-3", Serial: 100}),
			newBody(t, bodyOpts{ID: "b-1", Serial: 110, Kind: onboarding.KindUCC}),
			newBody(t, bodyOpts{ID: "b-2", Serial: 120, Kind: onboarding.KindLocalExecutive, Level: onboarding.LevelTownVillage, Region: "Mangystau", Zone: "Asia/Aqtau"}),
		}
		for _, body := range created {
			require.NoError(t, body.Validate())
			require.NoError(t, b.store.CreateBody(b.ctx, body))
		}
		got, err := b.store.GetBody(b.ctx, "b-2")
		require.NoError(t, err)
		require.Equal(t, created[2], got)

		dupID := newBody(t, bodyOpts{ID: "b-1", Serial: 130})
		require.ErrorIs(t, b.store.CreateBody(b.ctx, dupID), onboarding.ErrConflict, "an existing ID")
		dupBIN := newBody(t, bodyOpts{ID: "b-4", Serial: 140})
		dupBIN.BIN = created[0].BIN
		require.ErrorIs(t, b.store.CreateBody(b.ctx, dupBIN), onboarding.ErrConflict, "an existing BIN")

		_, err = b.store.GetBody(b.ctx, "missing")
		require.ErrorIs(t, err, onboarding.ErrNotFound)
		_, err = b.store.GetBody(b.ctx, "b-4")
		require.ErrorIs(t, err, onboarding.ErrNotFound, "a conflicting body is not stored")

		all, err := b.store.ListBodies(b.ctx)
		require.NoError(t, err)
		ids := make([]string, len(all))
		for i, body := range all {
			ids[i] = body.ID
		}
		require.Equal(t, []string{"akimat-mangystau", "b-1", "b-2", "b-3", "ministry"}, ids, "ordered by ID")
		require.Equal(t, created[1], all[1])
		got, err = b.store.GetBody(b.ctx, "b-1")
		require.NoError(t, err)
		require.Equal(t, created[1].BIN, got.BIN, "the first body keeps its BIN")
	})
	t.Run("CatalogueServices", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		for _, id := range []string{"s-c", "s-a", "s-b"} {
			s := newService(serviceOpts{ID: id, Providers: []string{b.ministry.ID, b.akimat.ID}})
			require.NoError(t, b.store.CreateService(b.ctx, s))
		}
		want := newService(serviceOpts{ID: "s-a", Providers: []string{b.ministry.ID, b.akimat.ID}})
		got, err := b.store.GetService(b.ctx, "s-a")
		require.NoError(t, err)
		require.Equal(t, want, got)

		require.ErrorIs(t, b.store.CreateService(b.ctx, newService(serviceOpts{ID: "s-a", RegisterNumber: "fresh"})), onboarding.ErrConflict, "an existing ID")
		require.ErrorIs(t, b.store.CreateService(b.ctx, newService(serviceOpts{ID: "s-d", RegisterNumber: "reg-s-b"})), onboarding.ErrConflict, "an existing register number")
		_, err = b.store.GetService(b.ctx, "missing")
		require.ErrorIs(t, err, onboarding.ErrNotFound)
		_, err = b.store.GetService(b.ctx, "s-d")
		require.ErrorIs(t, err, onboarding.ErrNotFound, "a conflicting service is not stored")
		got, err = b.store.GetService(b.ctx, "s-a")
		require.NoError(t, err)
		require.Equal(t, "reg-s-a", got.RegisterNumber, "a conflict changes nothing")

		all, err := b.store.ListServices(b.ctx)
		require.NoError(t, err)
		ids := make([]string, len(all))
		for i, s := range all {
			ids[i] = s.ID
		}
		require.Equal(t, []string{"birth-registration", "s-a", "s-b", "s-c"}, ids, "ordered by ID")
		require.Equal(t, want, all[1])
	})
	t.Run("CatalogueCopiesValues", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		in := newService(serviceOpts{ID: "s-1", Providers: []string{b.ministry.ID, b.akimat.ID}})
		require.NoError(t, b.store.CreateService(b.ctx, in))
		in.Providers[0], in.ActChanges[0] = "changed-in", "changed-in"

		got, err := b.store.GetService(b.ctx, "s-1")
		require.NoError(t, err)
		require.Equal(t, []string{b.ministry.ID, b.akimat.ID}, got.Providers, "the store keeps its own copy of what it was given")
		got.Providers[0], got.ActChanges[0] = "changed-out", "changed-out"
		got.Providers = append(got.Providers, "appended")

		all, err := b.store.ListServices(b.ctx)
		require.NoError(t, err)
		all[1].Providers[1] = "changed-list"

		again, err := b.store.GetService(b.ctx, "s-1")
		require.NoError(t, err)
		require.Equal(t, []string{b.ministry.ID, b.akimat.ID}, again.Providers, "returned values are copies")
		require.Equal(t, []string{"No. 7 of 2024-01-10"}, again.ActChanges)
	})
	t.Run("OnboardingCreateGetRoundTrip", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		o := b.start(t, b.service.ID, b.ministry.ID)
		want := o.Clone()
		got, err := b.store.GetOnboarding(b.ctx, o.ID)
		require.NoError(t, err)
		requireSameOnboarding(t, want, got)
		require.Equal(t, onboarding.StateAwaitingRequest, got.State)
		require.Len(t, got.Timers, 1)
		require.Equal(t, []string{o.ID + "/request/1/warning-1", o.ID + "/request/1/breach"}, firingKeys(got.Timer(onboarding.StepRequest).Schedule))
		require.Len(t, got.History, 1)

		// The store copies on the way in and on the way out.
		o.State, o.History, o.Timers[0].Ledger = onboarding.StateProtocolSigned, nil, nil
		got.State, got.History, got.Timers[0].Schedule = onboarding.StateTrained, nil, nil
		again, err := b.store.GetOnboarding(b.ctx, want.ID)
		require.NoError(t, err)
		requireSameOnboarding(t, want, again)

		// Every transition saved through UpdateOnboarding reads back whole.
		want = b.advance(t, again, onboarding.StateProtocolSigned)
		got, err = b.store.GetOnboarding(b.ctx, want.ID)
		require.NoError(t, err)
		requireSameOnboarding(t, want, got)
		require.Len(t, got.Timers, 4, "request, appointment, information and training")
		require.Len(t, got.History, 8, "start, six steps and the go-live")
		requireSameTime(t, b.at(time.April, 24, 0), got.LiveFrom, "live_from")
	})
	t.Run("OnboardingNotFoundAndConflict", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		_, err := b.store.GetOnboarding(b.ctx, "missing")
		require.ErrorIs(t, err, onboarding.ErrNotFound)
		called := false
		err = b.store.UpdateOnboarding(b.ctx, "missing", func(*onboarding.Onboarding) error { called = true; return nil })
		require.ErrorIs(t, err, onboarding.ErrNotFound)
		require.False(t, called, "fn is not called for an unknown id")

		o := b.start(t, b.service.ID, b.ministry.ID)
		other := newService(serviceOpts{ID: "marriage-registration"})
		require.NoError(t, b.svc.RegisterService(b.ctx, other))

		sameID := o.Clone()
		sameID.ServiceID = other.ID
		require.ErrorIs(t, b.store.CreateOnboarding(b.ctx, sameID), onboarding.ErrConflict, "an existing ID")

		samePair := o.Clone()
		samePair.ID = "another-id"
		require.ErrorIs(t, b.store.CreateOnboarding(b.ctx, samePair), onboarding.ErrConflict, "the same service with the same body")
		_, err = b.svc.Start(b.ctx, onboarding.StartInput{
			ServiceID: b.service.ID, BodyID: b.ministry.ID, Actor: "ucc-operator",
			RegisteredOn: b.at(time.March, 14, 0), StandardApprovedOn: b.at(time.March, 17, 0),
		})
		require.ErrorIs(t, err, onboarding.ErrConflict, "the service cannot start it twice either")

		all, err := b.store.ListOnboardings(b.ctx, onboarding.OnboardingFilter{})
		require.NoError(t, err)
		require.Equal(t, []string{o.ID}, onboardingIDs(all), "no conflicting onboarding is stored")
		require.Equal(t, b.service.ID, all[0].ServiceID)
		require.Equal(t, []string{o.ID + "/request/1/warning-1", o.ID + "/request/1/breach"}, b.due(t), "nor are its timers")
	})
	t.Run("ListOnboardingsFilters", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		other := newService(serviceOpts{ID: "marriage-registration"})
		require.NoError(t, b.svc.RegisterService(b.ctx, other))
		birthMinistry := b.start(t, b.service.ID, b.ministry.ID)
		birthAkimat := b.start(t, b.service.ID, b.akimat.ID)
		marriageMinistry := b.start(t, other.ID, b.ministry.ID)
		require.Equal(t, "Asia/Aqtau", birthAkimat.Zone)

		for _, tc := range []struct {
			name   string
			filter onboarding.OnboardingFilter
			want   []string
		}{
			{"All", onboarding.OnboardingFilter{}, []string{birthMinistry.ID, birthAkimat.ID, marriageMinistry.ID}},
			{"Body", onboarding.OnboardingFilter{BodyID: b.ministry.ID}, []string{birthMinistry.ID, marriageMinistry.ID}},
			{"Service", onboarding.OnboardingFilter{ServiceID: b.service.ID}, []string{birthMinistry.ID, birthAkimat.ID}},
			{"Both", onboarding.OnboardingFilter{BodyID: b.akimat.ID, ServiceID: b.service.ID}, []string{birthAkimat.ID}},
			{"NoMatch", onboarding.OnboardingFilter{BodyID: b.akimat.ID, ServiceID: other.ID}, []string{}},
			{"UnknownBody", onboarding.OnboardingFilter{BodyID: "missing"}, []string{}},
		} {
			got, err := b.store.ListOnboardings(b.ctx, tc.filter)
			require.NoError(t, err, tc.name)
			require.Equal(t, tc.want, onboardingIDs(got), tc.name)
		}
		got, err := b.store.ListOnboardings(b.ctx, onboarding.OnboardingFilter{BodyID: b.akimat.ID})
		require.NoError(t, err)
		requireSameOnboarding(t, birthAkimat, got[0])
		got[0].State = onboarding.StateTrained
		again, err := b.store.GetOnboarding(b.ctx, birthAkimat.ID)
		require.NoError(t, err)
		require.Equal(t, onboarding.StateAwaitingRequest, again.State, "listed values are copies")
	})
	t.Run("ClosureErrorChangesNothing", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		want := b.advance(t, b.start(t, b.service.ID, b.ministry.ID), onboarding.StateRequestReceived)
		dueBefore := b.due(t)
		require.Equal(t, []string{want.ID + "/appointment/1/warning-1", want.ID + "/appointment/1/breach"}, dueBefore)

		boom := errors.New("boom")
		err := b.store.UpdateOnboarding(b.ctx, want.ID, func(o *onboarding.Onboarding) error {
			o.State = onboarding.StateProtocolSigned
			o.History = append(o.History, onboarding.Event{Seq: len(o.History) + 1, Type: "storetest.should_not_stick", At: b.clock.Now()})
			require.NoError(t, o.Timer(onboarding.StepAppointment).Stop(b.cal, b.at(time.March, 20, 10), deadlines.Cite(deadlines.Rules130, 5), "should not stick"))
			o.Persons = append(o.Persons, onboarding.PersonRecord{Person: onboarding.Person{FullName: "Nobody"}})
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := b.store.GetOnboarding(b.ctx, want.ID)
		require.NoError(t, err)
		requireSameOnboarding(t, want, got)
		require.Equal(t, onboarding.StateRequestReceived, got.State, "a failed closure must not be saved")
		require.Len(t, got.History, len(want.History))
		require.Empty(t, got.Persons)
		require.Equal(t, dueBefore, b.due(t), "nor may it unschedule the onboarding's rungs")
	})
	t.Run("ClosureErrorUndoesInPlaceChanges", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		o := b.advance(t, b.start(t, b.service.ID, b.ministry.ID), onboarding.StateInformationProvided)
		stored, err := b.store.GetOnboarding(b.ctx, o.ID)
		require.NoError(t, err)
		want, dueBefore := snapshot(t, stored), b.due(t)

		// Every kind of change a closure can make: fields, elements of the
		// timers, versions and persons, and appends to every list.
		boom := errors.New("boom")
		err = b.store.UpdateOnboarding(b.ctx, o.ID, func(o *onboarding.Onboarding) error {
			o.State, o.LiveFrom = onboarding.StateProtocolSigned, b.at(time.April, 30, 0)
			o.Training = &onboarding.Training{At: b.at(time.April, 10, 10), Trainer: "nobody"}
			require.NoError(t, o.Timer(onboarding.StepTraining).Stop(b.cal, b.at(time.April, 10, 10), deadlines.Cite(deadlines.Rules130, 8), "should not stick"))
			require.NoError(t, o.Timer(onboarding.StepRequest).Restart(b.cal, b.at(time.April, 10, 10), onboarding.TermRequest, "should not stick"))
			o.Information[0].EnteredBy, o.Information[0].Information.Fee = "nobody", "should not stick"
			o.Persons[0].To, o.Persons[0].Person.FullName = b.at(time.April, 10, 10), "Nobody"
			o.Persons = append(o.Persons, onboarding.PersonRecord{Person: onboarding.Person{FullName: "Nobody"}})
			o.Questions = append(o.Questions, onboarding.Questions{Items: []string{"should not stick"}})
			o.History = append(o.History, onboarding.Event{Seq: len(o.History) + 1, Type: "storetest.should_not_stick"})
			o.Timers = append(o.Timers, deadlines.Timer{ID: o.ID + "/should-not-stick"})
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := b.store.GetOnboarding(b.ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, want, snapshot(t, got), "a failed closure changes nothing")
		require.Equal(t, dueBefore, b.due(t), "nor the schedule")

		// The next update starts from the stored value.
		o = b.advance(t, got, onboarding.StateProtocolSigned)
		require.Len(t, o.History, len(stored.History)+3, "training, protocol and go-live")
		require.Equal(t, "person", o.Training.Trainer)
		require.Len(t, o.Persons, 1)
		require.Empty(t, o.Questions)
		require.Len(t, o.Timers, 4)
	})
	t.Run("UpdatesLeaveHandedOutValuesAlone", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		created := b.start(t, b.service.ID, b.ministry.ID)
		read, err := b.store.GetOnboarding(b.ctx, created.ID)
		require.NoError(t, err)
		stepped := b.advance(t, read.Clone(), onboarding.StatePersonAppointed)
		listed, err := b.store.ListOnboardings(b.ctx, onboarding.OnboardingFilter{})
		require.NoError(t, err)
		require.Len(t, listed, 1)
		handed := []*onboarding.Onboarding{created, read, stepped, listed[0]}
		want := make([]string, len(handed))
		for i, o := range handed {
			want[i] = snapshot(t, o)
		}

		// Later updates append to every list and edit timers, versions and
		// persons.
		o := b.advance(t, stepped.Clone(), onboarding.StateProtocolSigned)
		_, err = b.svc.ReplacePerson(b.ctx, o.ID, b.at(time.April, 22, 10), b.at(time.April, 23, 10), onboarding.Person{
			FullName: "Second Person", Position: "chief expert", Phone: "+7 (717) 274-00-02", Email: "second@minjust.gov.kz",
		}, "body-clerk")
		require.NoError(t, err)
		_, err = b.svc.NoteChange(b.ctx, o.ID, b.at(time.April, 24, 10), "the fee changed", "ucc-operator")
		require.NoError(t, err)
		info := o.Information[0].Information
		info.Fee = "2 MCI"
		_, err = b.svc.UpdateInformation(b.ctx, o.ID, time.Time{}, b.at(time.April, 25, 10), info, "", "person")
		require.NoError(t, err)
		last, err := b.svc.EnterInformation(b.ctx, o.ID, 2, "ucc-employee")
		require.NoError(t, err)
		require.Len(t, last.Persons, 2)
		require.Len(t, last.Information, 2)
		require.Len(t, last.Timers, 6, "four steps, a replacement and an update")

		for i, o := range handed {
			require.Equal(t, want[i], snapshot(t, o), "value %d handed out before the updates", i)
		}
	})
	t.Run("ChangingHandedOutValuesLeavesStoreAlone", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		// The training timer is running: its ledger and the history still
		// grow in the store.
		o := b.advance(t, b.start(t, b.service.ID, b.ministry.ID), onboarding.StateInformationProvided)
		read, err := b.store.GetOnboarding(b.ctx, o.ID)
		require.NoError(t, err)
		listed, err := b.store.ListOnboardings(b.ctx, onboarding.OnboardingFilter{})
		require.NoError(t, err)
		want := snapshot(t, read)

		copies := []*onboarding.Onboarding{o, read, listed[0]}
		changed := make([]string, len(copies))
		for i, c := range copies {
			c.State = onboarding.StateAwaitingRequest
			require.NoError(t, c.Timer(onboarding.StepTraining).Stop(b.cal, b.at(time.April, 10, 10), deadlines.Cite(deadlines.Rules130, 8), "the copy's own"))
			require.NoError(t, c.Timer(onboarding.StepRequest).Restart(b.cal, b.at(time.April, 10, 10), onboarding.TermRequest, "the copy's own"))
			c.Information[0].EnteredBy = "nobody"
			c.Persons[0].To = b.at(time.April, 10, 10)
			c.History = append(c.History, onboarding.Event{Seq: len(c.History) + 1, Type: "storetest.copy"})
			c.Timers = append(c.Timers, deadlines.Timer{ID: c.ID + "/copy"})
			changed[i] = snapshot(t, c)
		}
		got, err := b.store.GetOnboarding(b.ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, want, snapshot(t, got), "changing a handed-out value changes nothing stored")

		// Nor do the store's next updates reach the changed copies.
		trained := b.advance(t, got, onboarding.StateTrained)
		require.Len(t, trained.History, len(got.History)+1)
		require.Equal(t, "training held", trained.Timer(onboarding.StepTraining).Ledger[1].Reason)
		for i, c := range copies {
			require.Equal(t, changed[i], snapshot(t, c), "copy %d after the store's update", i)
		}
	})
	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		o := b.start(t, b.service.ID, b.ministry.ID)
		const n = 32
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				err := b.store.UpdateOnboarding(b.ctx, o.ID, func(w *onboarding.Onboarding) error {
					// Hold the aggregate a moment, as a round trip to a database
					// would: an adapter that does not serialize updates loses some.
					time.Sleep(time.Millisecond)
					w.History = append(w.History, onboarding.Event{
						Seq: len(w.History) + 1, Type: "storetest.touched", Actor: "writer-" + strconv.Itoa(i),
						At: b.clock.Now(), Recorded: b.clock.Now(),
					})
					return nil
				})
				require.NoError(t, err)
			})
		}
		wg.Wait()
		got, err := b.store.GetOnboarding(b.ctx, o.ID)
		require.NoError(t, err)
		require.Len(t, got.History, len(o.History)+n, "every one of the %d updates must be kept", n)
		actors := map[string]bool{}
		for i, e := range got.History {
			require.Equal(t, i+1, e.Seq, "each update saw the one before it")
			actors[e.Actor] = true
		}
		require.Len(t, actors, n+1, "the starter and each writer once")
	})
	t.Run("EmbeddedTimersIndexed", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		o := b.start(t, b.service.ID, b.ministry.ID)
		request := o.Timer(onboarding.StepRequest)
		due, err := b.store.DueFirings(b.ctx, b.far, 10)
		require.NoError(t, err)
		require.Equal(t, firingKeys(request.Schedule), firingKeys(due), "Start's request timer is indexed")
		require.Equal(t, []string{o.ID + "/request/1/warning-1", o.ID + "/request/1/breach"}, firingKeys(due))
		for i := range due {
			requireSameTime(t, request.Schedule[i].At, due[i].At, due[i].Key())
			require.Equal(t, request.Schedule[i].Rung, due[i].Rung)
		}
		requireSameTime(t, b.at(time.March, 19, 0), due[0].At, "the warning: 00:00 of the working day before the 20 Mar due date")
		none, err := b.store.DueFirings(b.ctx, b.at(time.March, 18, 23), 10)
		require.NoError(t, err)
		require.Empty(t, none, "nothing is due before the warning")

		_, err = b.svc.SendRequest(b.ctx, o.ID, b.at(time.March, 18, 10), "ucc-operator")
		require.NoError(t, err)
		require.Empty(t, b.due(t), "a step done in time unschedules its rungs")

		o, err = b.svc.ConfirmReceipt(b.ctx, o.ID, b.at(time.March, 19, 10), "body-clerk")
		require.NoError(t, err)
		require.Equal(t, firingKeys(o.Timer(onboarding.StepAppointment).Schedule), b.due(t), "the next step's timer is indexed on update")
	})
	t.Run("ClaimEmbeddedFiringOnce", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		o := b.start(t, b.service.ID, b.ministry.ID)
		f := o.Timer(onboarding.StepRequest).Schedule[0]
		f.FiredAt = b.clock.Now()
		require.Equal(t, 1, claimRace(t, b.store, f, 16), "exactly one concurrent claim wins")
		require.Equal(t, []string{o.ID + "/request/1/breach"}, b.due(t))

		// A claimed rung is no longer due, even after its onboarding is saved again.
		require.NoError(t, b.store.UpdateOnboarding(b.ctx, o.ID, func(*onboarding.Onboarding) error { return nil }))
		require.Equal(t, []string{o.ID + "/request/1/breach"}, b.due(t))
		ok, err := b.store.ClaimFiring(b.ctx, f)
		require.NoError(t, err)
		require.False(t, ok, "a rung is claimed once")
	})
	t.Run("AnswerRequestAtomic", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		sent := b.at(time.March, 18, 10)
		r := b.ask(t, "r-1", b.ministry.ID, sent)
		require.ErrorIs(t, b.store.CreateRequest(b.ctx, r), onboarding.ErrConflict)
		_, err := b.store.GetRequest(b.ctx, "missing")
		require.ErrorIs(t, err, onboarding.ErrNotFound)
		got, err := b.store.GetRequest(b.ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, r.Subject, got.Subject)
		require.Nil(t, got.Answer)

		key := onboarding.LedgerKey{BodyID: b.ministry.ID, Period: "2025-03"}
		answered := b.at(time.March, 19, 11)
		refuse := func(r *onboarding.InfoRequest, l *onboarding.RefusalLedger) {
			r.Answer = &onboarding.Answer{Kind: onboarding.Refused, At: answered, By: "body-clerk", Text: "no", Recorded: b.clock.Now()}
			l.Refusals = append(l.Refusals, onboarding.Refusal{RequestID: r.ID, At: answered, Text: "no"})
		}
		boom := errors.New("boom")
		err = b.store.AnswerRequest(b.ctx, r.ID, key, func(r *onboarding.InfoRequest, l *onboarding.RefusalLedger) error {
			require.NotNil(t, l, "a key loads its ledger, created empty if absent")
			require.Empty(t, l.Refusals)
			refuse(r, l)
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err = b.store.GetRequest(b.ctx, r.ID)
		require.NoError(t, err)
		require.Nil(t, got.Answer, "a failed closure saves no answer")
		_, err = b.store.GetLedger(b.ctx, key)
		require.ErrorIs(t, err, onboarding.ErrNotFound, "nor a ledger")

		err = b.store.AnswerRequest(b.ctx, r.ID, key, func(r *onboarding.InfoRequest, l *onboarding.RefusalLedger) error {
			require.NotNil(t, l)
			require.Empty(t, l.Refusals)
			refuse(r, l)
			return nil
		})
		require.NoError(t, err)
		got, err = b.store.GetRequest(b.ctx, r.ID)
		require.NoError(t, err)
		require.NotNil(t, got.Answer)
		require.Equal(t, onboarding.Refused, got.Answer.Kind)
		require.Equal(t, "no", got.Answer.Text)
		requireSameTime(t, answered, got.Answer.At, "answer.at")
		l, err := b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		require.Equal(t, key, l.Key)
		require.Len(t, l.Refusals, 1)
		require.Equal(t, r.ID, l.Refusals[0].RequestID)

		// The next call on the key sees the saved ledger.
		r2 := b.ask(t, "r-2", b.ministry.ID, sent)
		err = b.store.AnswerRequest(b.ctx, r2.ID, key, func(_ *onboarding.InfoRequest, l *onboarding.RefusalLedger) error {
			require.Len(t, l.Refusals, 1)
			return boom
		})
		require.ErrorIs(t, err, boom)

		// A zero key: fn gets no ledger and none is stored.
		err = b.store.AnswerRequest(b.ctx, r2.ID, onboarding.LedgerKey{}, func(r *onboarding.InfoRequest, l *onboarding.RefusalLedger) error {
			require.Nil(t, l, "a zero key passes a nil ledger")
			r.Answer = &onboarding.Answer{Kind: onboarding.Provided, At: answered, By: "body-clerk", Text: "the fee is nil", Recorded: b.clock.Now()}
			return nil
		})
		require.NoError(t, err)
		got, err = b.store.GetRequest(b.ctx, r2.ID)
		require.NoError(t, err)
		require.NotNil(t, got.Answer)
		require.Equal(t, onboarding.Provided, got.Answer.Kind)
		all, err := b.store.ListLedgers(b.ctx, "")
		require.NoError(t, err)
		require.Len(t, all, 1)

		called := false
		err = b.store.AnswerRequest(b.ctx, "missing", key, func(*onboarding.InfoRequest, *onboarding.RefusalLedger) error { called = true; return nil })
		require.ErrorIs(t, err, onboarding.ErrNotFound)
		require.False(t, called, "fn is not called for an unknown request")
		l, err = b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		require.Len(t, l.Refusals, 1)
	})
	t.Run("ConcurrentRefusalsRaiseOneNotice", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		const n = 32
		var wg sync.WaitGroup
		ids := make(chan string, n)
		for i := range n {
			wg.Go(func() {
				r, err := b.svc.AskBody(b.ctx, b.ministry.ID, "", "clarify the fee", b.at(time.April, 1, 10).Add(time.Duration(i)*time.Minute), "ucc-operator")
				require.NoError(t, err)
				ids <- r.ID
				_, err = b.svc.Answer(b.ctx, r.ID, onboarding.Answer{
					Kind: onboarding.Refused, At: b.at(time.April, 2, 10).Add(time.Duration(i) * time.Minute), By: "body-clerk", Text: "we will not say",
				})
				require.NoError(t, err)
			})
		}
		wg.Wait()
		close(ids)
		var want []string
		for id := range ids {
			want = append(want, id)
		}

		ledgers, err := b.store.ListLedgers(b.ctx, b.ministry.ID)
		require.NoError(t, err)
		require.Len(t, ledgers, 1, "one ledger for the body's month")
		l, err := b.store.GetLedger(b.ctx, onboarding.LedgerKey{BodyID: b.ministry.ID, Period: "2025-04"})
		require.NoError(t, err)
		require.Len(t, l.Refusals, n, "every refusal is counted")
		require.Len(t, l.Notices, 1, "exactly one notice to the quality authority")
		require.ElementsMatch(t, want, l.Notices[0].RequestIDs, "the notice reports every refusal")
		require.Equal(t, firingKeys(l.Notices[0].Timer.Schedule), b.due(t), "the notice's timer is indexed")
		require.Equal(t, []string{"notice/ministry/2025-04/1/1/warning-1", "notice/ministry/2025-04/1/1/breach"}, b.due(t))
		for _, id := range want {
			r, err := b.store.GetRequest(b.ctx, id)
			require.NoError(t, err)
			require.NotNil(t, r.Answer, "request %s is answered", id)
		}
	})
	t.Run("ClaimNoticeRungOnce", func(t *testing.T) {
		t.Parallel()
		stores := h.NewStores(context.Background(), t)
		b := onboardingWith(t, stores.Onboarding)
		refuse := func(i int) *onboarding.RefusalLedger {
			r, err := b.svc.AskBody(b.ctx, b.ministry.ID, "", "clarify the fee", b.at(time.April, 1, 10).Add(time.Duration(i)*time.Minute), "ucc-operator")
			require.NoError(t, err)
			l, err := b.svc.Answer(b.ctx, r.ID, onboarding.Answer{
				Kind: onboarding.Refused, At: b.at(time.April, 2, 10).Add(time.Duration(i) * time.Minute), By: "body-clerk", Text: "we will not say",
			})
			require.NoError(t, err)
			return l
		}
		refuse(0)
		l := refuse(1)
		require.Len(t, l.Notices, 1, "the second refusal raises the p.12 notice")
		notice := l.Notices[0].Timer
		require.Equal(t, "notice/ministry/2025-04/1", notice.ID)
		f := notice.Schedule[0]
		require.Equal(t, "notice/ministry/2025-04/1/1/warning-1", f.Key())
		f.FiredAt = b.clock.Now()

		claims := func() []deadlines.Firing {
			t.Helper()
			if stores.Timers == nil {
				return nil
			}
			got, err := stores.Timers.Firings(b.ctx, notice.ID)
			require.NoError(t, err)
			return got
		}
		require.Empty(t, claims())
		require.Equal(t, 1, claimRace(t, b.store, f, 16), "exactly one concurrent claim of the notice's rung wins")
		require.Equal(t, []string{"notice/ministry/2025-04/1/1/breach"}, b.due(t), "the claimed rung is no longer due")
		if stores.Timers != nil {
			got := claims()
			require.Equal(t, []string{f.Key()}, firingKeys(got), "one firing stored")
			require.Equal(t, f.Rung, got[0].Rung)
		}

		// A third refusal joins the unsent notice and saves the ledger
		// again: the claimed rung stays claimed, once.
		l = refuse(2)
		require.Len(t, l.Notices, 1)
		require.Len(t, l.Notices[0].RequestIDs, 3)
		require.Equal(t, []string{"notice/ministry/2025-04/1/1/breach"}, b.due(t))
		ok, err := b.store.ClaimFiring(b.ctx, f)
		require.NoError(t, err)
		require.False(t, ok, "a rung is claimed once")
		if stores.Timers != nil {
			require.Equal(t, []string{f.Key()}, firingKeys(claims()), "still one firing")
		}
	})
	t.Run("RepeatedRefusalCountedOnce", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		r, err := b.svc.AskBody(b.ctx, b.ministry.ID, "", "clarify the fee", b.at(time.April, 1, 10), "ucc-operator")
		require.NoError(t, err)
		a := onboarding.Answer{Kind: onboarding.Refused, At: b.at(time.April, 2, 10), By: "body-clerk", Text: "we will not say"}
		const n = 8
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				_, err := b.svc.Answer(b.ctx, r.ID, a)
				require.NoError(t, err)
			})
		}
		wg.Wait()
		l, err := b.store.GetLedger(b.ctx, onboarding.LedgerKey{BodyID: b.ministry.ID, Period: "2025-04"})
		require.NoError(t, err)
		require.Len(t, l.Refusals, 1, "the same refusal is counted once")
		require.Empty(t, l.Notices, "one refusal is below the threshold")
		require.Len(t, l.History, 1)
	})
	t.Run("LedgersNotFoundAndList", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		called := false
		err := b.store.UpdateLedger(b.ctx, onboarding.LedgerKey{BodyID: b.ministry.ID, Period: "2025-03"}, func(*onboarding.RefusalLedger) error { called = true; return nil })
		require.ErrorIs(t, err, onboarding.ErrNotFound)
		require.False(t, called, "fn is not called for an unknown key")

		keys := []onboarding.LedgerKey{
			{BodyID: b.ministry.ID, Period: "2025-04"},
			{BodyID: b.akimat.ID, Period: "2025-03"},
			{BodyID: b.ministry.ID, Period: "2025-02"},
			{BodyID: b.ministry.ID, Period: "2025-03"},
		}
		for i, key := range keys {
			r := b.ask(t, "r-"+strconv.Itoa(i), key.BodyID, b.at(time.February, 3, 10))
			require.NoError(t, b.store.AnswerRequest(b.ctx, r.ID, key, func(r *onboarding.InfoRequest, l *onboarding.RefusalLedger) error {
				at := b.at(time.February, 4, 10)
				r.Answer = &onboarding.Answer{Kind: onboarding.Refused, At: at, By: "body-clerk", Text: "no"}
				l.Key = key
				l.Refusals = append(l.Refusals, onboarding.Refusal{RequestID: r.ID, At: at, Text: "no"})
				return nil
			}))
		}
		periods := func(ls []*onboarding.RefusalLedger) []string {
			out := make([]string, len(ls))
			for i, l := range ls {
				out[i] = l.Key.BodyID + "/" + l.Key.Period
			}
			return out
		}
		got, err := b.store.ListLedgers(b.ctx, b.ministry.ID)
		require.NoError(t, err)
		require.Equal(t, []string{"ministry/2025-02", "ministry/2025-03", "ministry/2025-04"}, periods(got), "a body's ledgers by period")
		got, err = b.store.ListLedgers(b.ctx, b.akimat.ID)
		require.NoError(t, err)
		require.Equal(t, []string{"akimat-mangystau/2025-03"}, periods(got))
		got, err = b.store.ListLedgers(b.ctx, "missing")
		require.NoError(t, err)
		require.Empty(t, got)
		got, err = b.store.ListLedgers(b.ctx, "")
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"ministry/2025-02", "ministry/2025-03", "ministry/2025-04", "akimat-mangystau/2025-03"}, periods(got), "every body's")

		key := keys[3]
		require.NoError(t, b.store.UpdateLedger(b.ctx, key, func(l *onboarding.RefusalLedger) error {
			l.History = append(l.History, onboarding.Event{Seq: 1, Type: "storetest.touched", At: b.clock.Now()})
			return nil
		}))
		boom := errors.New("boom")
		require.ErrorIs(t, b.store.UpdateLedger(b.ctx, key, func(l *onboarding.RefusalLedger) error {
			l.Refusals = nil
			l.History = append(l.History, onboarding.Event{Seq: 2, Type: "storetest.should_not_stick"})
			return boom
		}), boom)
		l, err := b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		require.Equal(t, key, l.Key)
		require.Len(t, l.Refusals, 1)
		require.Len(t, l.History, 1, "the update is kept, the failed one is not")
		require.Equal(t, "storetest.touched", l.History[0].Type)
	})
	t.Run("QualityTrainings", func(t *testing.T) {
		t.Parallel()
		b := setupOnboarding(t, h)
		_, err := b.store.GetQualityTraining(b.ctx, "missing")
		require.ErrorIs(t, err, onboarding.ErrNotFound)
		called := false
		err = b.store.UpdateQualityTraining(b.ctx, "missing", func(*onboarding.QualityTraining) error { called = true; return nil })
		require.ErrorIs(t, err, onboarding.ErrNotFound)
		require.False(t, called, "fn is not called for an unknown id")

		q, err := b.svc.RequestQualityTraining(b.ctx, "QA-17", "information exchange", b.at(time.April, 1, 9), "ucc-operator")
		require.NoError(t, err)
		require.ErrorIs(t, b.store.CreateQualityTraining(b.ctx, q), onboarding.ErrConflict)
		got, err := b.store.GetQualityTraining(b.ctx, q.ID)
		require.NoError(t, err)
		require.Equal(t, q.ID, got.ID)
		require.Equal(t, q.RequestRef, got.RequestRef)
		require.Equal(t, q.Topic, got.Topic)
		requireSameTime(t, q.RequestedAt, got.RequestedAt, "requested_at")
		requireSameTimer(t, q.Timer, got.Timer)
		require.Len(t, got.History, 1)
		require.False(t, got.Held())
		require.Equal(t, []string{"qtraining/" + q.ID + "/1/warning-1", "qtraining/" + q.ID + "/1/breach"}, b.due(t), "its timer's rungs are indexed")

		held, err := b.svc.HoldQualityTraining(b.ctx, q.ID, b.at(time.April, 8, 14), []string{"ucc-trainer"}, []string{"qa-analyst"}, "staff trained", "ucc-operator")
		require.NoError(t, err)
		got, err = b.store.GetQualityTraining(b.ctx, q.ID)
		require.NoError(t, err)
		require.True(t, got.Held())
		requireSameTime(t, held.HeldAt, got.HeldAt, "held_at")
		require.Equal(t, []string{"ucc-trainer"}, got.Trainers)
		require.Equal(t, []string{"qa-analyst"}, got.Participants)
		require.Equal(t, "staff trained", got.Outcome)
		requireSameTimer(t, held.Timer, got.Timer)
		require.Len(t, got.History, 2)
		require.Empty(t, b.due(t), "a training held in time unschedules its rungs")

		boom := errors.New("boom")
		require.ErrorIs(t, b.store.UpdateQualityTraining(b.ctx, q.ID, func(q *onboarding.QualityTraining) error {
			q.Outcome, q.Trainers = "should not stick", nil
			return boom
		}), boom)
		got, err = b.store.GetQualityTraining(b.ctx, q.ID)
		require.NoError(t, err)
		require.Equal(t, "staff trained", got.Outcome, "a failed closure must not be saved")
		require.Equal(t, []string{"ucc-trainer"}, got.Trainers)
	})
}

func benchOnboarding(b *testing.B, h Harness) {
	b.Run("UpdateOnboarding", func(b *testing.B) {
		bb := setupOnboarding(b, h)
		o := bb.advance(b, bb.start(b, bb.service.ID, bb.ministry.ID), onboarding.StateInformationProvided)
		b.ReportAllocs()
		for b.Loop() {
			if err := bb.store.UpdateOnboarding(bb.ctx, o.ID, func(*onboarding.Onboarding) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Lifecycle", func(b *testing.B) {
		bb := setupOnboarding(b, h)
		steps := bb.lifecycle()
		const transitions = 7 // Start and the six steps after it
		if len(steps)+1 != transitions {
			b.Fatalf("the lifecycle has %d transitions, want %d", len(steps)+1, transitions)
		}
		b.ReportAllocs()
		ops := 0
		for b.Loop() {
			svc := newService(serviceOpts{ID: fmt.Sprintf("bench-%07d", ops)})
			ops++
			if err := bb.svc.RegisterService(bb.ctx, svc); err != nil {
				b.Fatal(err)
			}
			o, err := bb.svc.Start(bb.ctx, onboarding.StartInput{
				ServiceID: svc.ID, BodyID: bb.ministry.ID, Actor: "ucc-operator",
				RegisteredOn: bb.at(time.March, 14, 0), StandardApprovedOn: bb.at(time.March, 17, 0),
			})
			if err != nil {
				b.Fatal(err)
			}
			for _, s := range steps {
				if o, err = s.do(o.ID); err != nil {
					b.Fatalf("to %s: %v", s.to, err)
				}
			}
			if o.State != onboarding.StateProtocolSigned {
				b.Fatalf("ended %s", o.State)
			}
		}
		b.ReportMetric(float64(ops*transitions)/b.Elapsed().Seconds(), "transitions/s")
	})
}
