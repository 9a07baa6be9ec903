package onboarding_test

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
)

// testBundle is one isolated world: a memory store with the participants
// registered, a service and a clock standing at the scenario's start.
type testBundle struct {
	ctx      context.Context
	cal      *deadlines.Calendar // Asia/Almaty
	clock    *deadlinestest.Clock
	store    *memory.Store
	svc      *onboarding.Service
	ucc      onboarding.Body
	quality  onboarding.Body
	ministry onboarding.Body // central state body, Asia/Almaty
	akimat   onboarding.Body // regional akimat, Asia/Aqtau
	service  onboarding.StateService
}

func setup(t testing.TB, opts ...onboarding.Option) *testBundle {
	t.Helper()
	return setupStore(t, memory.New(), opts...)
}

// setupStore is setup on the given (empty) store.
func setupStore(t testing.TB, store *memory.Store, opts ...onboarding.Option) *testBundle {
	t.Helper()
	b := &testBundle{ctx: context.Background(), cal: kz.Calendar(), store: store}
	b.clock = deadlinestest.NewClock(b.at(t, "2025-03-17 12:00"))
	var n atomic.Int64
	opts = append([]onboarding.Option{onboarding.WithIDs(func() string { return "id-" + strconv.FormatInt(n.Add(1), 10) })}, opts...)
	svc, err := onboarding.NewService(b.store, b.cal, b.clock, opts...)
	require.NoError(t, err)
	b.svc = svc
	names := func(en string) deadlines.Names { return deadlines.Names{KK: en + " (kk)", RU: en + " (ru)", EN: en} }
	b.ucc = onboarding.Body{ID: "ucc", Kind: onboarding.KindUCC, BIN: deadlinestest.BIN(1), Name: names("UCC"), Region: "Astana", Zone: "Asia/Almaty"}
	b.quality = onboarding.Body{ID: "quality", Kind: onboarding.KindQualityAuthority, BIN: deadlinestest.BIN(20), Name: names("Quality authority"), Region: "Astana", Zone: "Asia/Almaty"}
	b.ministry = onboarding.Body{ID: "ministry", Kind: onboarding.KindCentral, BIN: deadlinestest.BIN(40), Name: names("Ministry of Justice"), Region: "Astana", Zone: "Asia/Almaty"}
	b.akimat = onboarding.Body{ID: "akimat-mangystau", Kind: onboarding.KindLocalExecutive, Level: onboarding.LevelRegion, BIN: deadlinestest.BIN(60), Name: names("Akimat of Mangystau region"), Region: "Mangystau", Zone: "Asia/Aqtau"}
	for _, body := range []onboarding.Body{b.ucc, b.quality, b.ministry, b.akimat} {
		require.NoError(t, b.svc.RegisterBody(b.ctx, body))
	}
	b.service = onboarding.StateService{
		ID: "birth-registration", RegisterNumber: "00101001", Name: deadlines.Names{KK: "Баланың тууын тіркеу", RU: "Регистрация рождения ребенка", EN: "Registration of a child's birth"},
		Standard:   onboarding.Requisites{Number: "112", Date: deadlines.CivilDate{Year: 2015, Month: 4, Day: 17}},
		Regulation: onboarding.Requisites{Number: "95", Date: deadlines.CivilDate{Year: 2015, Month: 5, Day: 20}},
		Providers:  []string{"ministry", "akimat-mangystau"}, InternetResource: "https://egov.kz",
	}
	require.NoError(t, b.svc.RegisterService(b.ctx, b.service))
	return b
}

// at parses "2006-01-02" or "2006-01-02 15:04" in Asia/Almaty.
func (b *testBundle) at(t testing.TB, s string) time.Time {
	t.Helper()
	layout := time.DateOnly
	if len(s) > len(time.DateOnly) {
		layout = "2006-01-02 15:04"
	}
	v, err := time.ParseInLocation(layout, s, b.cal.Location())
	require.NoError(t, err)
	return v
}

// now moves the clock to s and returns it.
func (b *testBundle) now(t testing.TB, s string) time.Time {
	t.Helper()
	b.clock.Set(b.at(t, s))
	return b.clock.Now()
}

func person(n int) onboarding.Person {
	return onboarding.Person{
		FullName: fmt.Sprintf("Responsible Person %d", n), Position: "chief expert",
		Phone: "+7 (717) 274-00-0" + strconv.Itoa(n%10), Email: fmt.Sprintf("person%d@minjust.gov.kz", n),
	}
}

func information(desc string) onboarding.Information {
	return onboarding.Information{
		Description: desc, Documents: []string{"application", "medical certificate of birth"},
		Fee: "free", Term: "1 working day", Result: "birth certificate", Channels: []string{"egov.kz", "public service center"},
		Standard: onboarding.Requisites{Number: "112", Date: deadlines.CivilDate{Year: 2015, Month: 4, Day: 17}},
	}
}

// The scenario's dates (Asia/Almaty). Nauryz days off are 21–25 Mar 2025.
const (
	scRegistered = "2025-03-14"
	scApproved   = "2025-03-17"
	scSent       = "2025-03-18 10:00" // p.4 due 20 Mar
	scReceived   = "2025-03-19 10:00" // p.5 appointment due 27 Mar (20, 26, 27)
	scAppointed  = "2025-03-27 09:00" // p.5 information due 3 Apr (28, 31, 1, 2, 3)
	scInformed   = "2025-04-03 15:00" // p.8 training due 17 Apr
	scQuestions  = "2025-04-07 11:00"
	scTrained    = "2025-04-15 10:00"
	scSigned     = "2025-04-16 16:00" // p.9 live from 24 Apr
)

// start opens the scenario's onboarding with the ministry at 17 Mar 12:00.
func (b *testBundle) start(t testing.TB) *onboarding.Onboarding {
	t.Helper()
	b.now(t, "2025-03-17 12:00")
	o, err := b.svc.Start(b.ctx, onboarding.StartInput{
		ServiceID: b.service.ID, BodyID: b.ministry.ID,
		RegisteredOn: b.at(t, scRegistered), StandardApprovedOn: b.at(t, scApproved), Actor: "ucc-operator",
	})
	require.NoError(t, err)
	return o
}

// advance takes o through the scenario, in time, up to and including state.
func (b *testBundle) advance(t testing.TB, o *onboarding.Onboarding, state onboarding.State) *onboarding.Onboarding {
	t.Helper()
	steps := []struct {
		to   onboarding.State
		when string
		do   func(at time.Time) (*onboarding.Onboarding, error)
	}{
		{onboarding.StateRequestSent, scSent, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.svc.SendRequest(b.ctx, o.ID, at, "ucc-operator")
		}},
		{onboarding.StateRequestReceived, scReceived, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.svc.ConfirmReceipt(b.ctx, o.ID, at, "ministry-clerk")
		}},
		{onboarding.StatePersonAppointed, scAppointed, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.svc.Appoint(b.ctx, o.ID, at, person(1), "ministry-clerk")
		}},
		{onboarding.StateInformationProvided, scInformed, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.svc.ProvideInformation(b.ctx, o.ID, at, information("registers a birth"), "ucc-employee", "person1")
		}},
		{onboarding.StateTrained, scTrained, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.svc.RecordTraining(b.ctx, o.ID, onboarding.Training{At: at, Trainer: "person1", Trainees: []string{"ucc-employee"}}, "ucc-operator")
		}},
		{onboarding.StateProtocolSigned, scSigned, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.svc.SignProtocol(b.ctx, o.ID, onboarding.Protocol{Number: "P-1", SignedAt: at,
				UCC: onboarding.Signatory{FullName: "UCC Director", Position: "director"}, Body: onboarding.Signatory{FullName: "Vice Minister", Position: "vice minister"}}, "ucc-operator")
		}},
	}
	for _, s := range steps {
		if o.State >= s.to {
			continue
		}
		if o.State > state || s.to > state {
			break
		}
		at := b.now(t, s.when)
		next, err := s.do(at)
		require.NoError(t, err, "to %s", s.to)
		o = next
	}
	require.Equal(t, state, o.State)
	return o
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// requireRuleError asserts err is a *deadlines.RuleError of the sentinel,
// rule and field.
func requireRuleError(t testing.TB, err error, sentinel error, point int, field string) {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	var re *deadlines.RuleError
	require.ErrorAs(t, err, &re)
	require.Equal(t, deadlines.Cite(deadlines.Rules130, point), re.Rule, err.Error())
	require.Equal(t, field, re.Field, err.Error())
}
