package desk_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/availability"
	"github.com/qyzmet/qyzmet/adapters/memory"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/chain/demo"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// testBundle is one isolated world: a memory store whose catalogue has the
// demo bodies and services, an onboarding service, a feed, a router whose
// store publishes component stages into the feed, a desk over all of them,
// and a clock at Monday 12 May 2025, 10:00 in Almaty (no day off until
// June).
type testBundle struct {
	ctx        context.Context
	cal        *deadlines.Calendar
	clock      *deadlinestest.Clock
	store      *memory.Store
	onboarding *onboarding.Service
	feed       *desk.Feed
	router     *chain.Router
	desk       *desk.Desk
	dispatcher *chaintest.Dispatcher
	alice, bob string // recipients' IINs
	// enteredBy is the UCC employee who enters information into the UCC
	// database as it is provided (Rules130 p.5); "" leaves it unentered.
	enteredBy string

	mu          sync.Mutex
	publishErrs []error
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	c := kz.Calendar()
	b := &testBundle{ctx: context.Background(), cal: c, store: memory.New(), alice: deadlinestest.IIN("900101", 1), bob: deadlinestest.IIN("900101", 2),
		dispatcher: &chaintest.Dispatcher{}, enteredBy: "ucc-employee"}
	b.clock = deadlinestest.NewClock(b.at(t, "2025-05-12 10:00"))
	var n atomic.Int64
	var err error
	b.onboarding, err = onboarding.NewService(b.store, c, b.clock, onboarding.WithIDs(func() string { return "ob-" + strconv.FormatInt(n.Add(1), 10) }))
	require.NoError(t, err)
	for _, body := range demo.Bodies() {
		require.NoError(t, b.store.CreateBody(b.ctx, body))
	}
	for _, svc := range demo.Services() {
		require.NoError(t, b.store.CreateService(b.ctx, svc))
	}
	b.feed, err = desk.NewFeed(desk.FeedConfig{Store: b.store, Catalogue: b.store, Calendar: c, Clock: b.clock})
	require.NoError(t, err)
	var apps atomic.Int64
	b.router, err = chain.NewRouter(chain.Config{
		Store: &desk.PublishingStore{Store: b.store, Feed: b.feed, OnError: func(id string, err error) {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.publishErrs = append(b.publishErrs, fmt.Errorf("%s: %w", id, err))
		}},
		Catalogue: b.store, Verifier: &chaintest.Verifier{}, Data: &availability.Static{}, Dispatcher: b.dispatcher,
		Calendar: c, Clock: b.clock, NewID: func() string { return "APP-" + strconv.FormatInt(apps.Add(1), 10) },
	})
	require.NoError(t, err)
	defs, err := demo.Definitions()
	require.NoError(t, err)
	for _, d := range defs {
		require.NoError(t, b.router.RegisterDefinition(b.ctx, d))
	}
	b.desk, err = desk.New(desk.Config{Deliveries: b.store, Catalogue: b.store, Composites: b.router, Calendar: c, Clock: b.clock})
	require.NoError(t, err)
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		require.Empty(t, b.publishErrs, "every component stage was published")
	})
	return b
}

// at parses "2006-01-02 15:04" in Asia/Almaty.
func (b *testBundle) at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, b.cal.Location())
	require.NoError(t, err)
	return v
}

// now moves the clock to s and returns it.
func (b *testBundle) now(t testing.TB, s string) time.Time {
	t.Helper()
	b.clock.Set(b.at(t, s))
	return b.clock.Now()
}

// fiveDays is the term of the single deliveries of the tests: received on
// Mon 12 May 2025, due Mon 19 May.
var fiveDays = deadlines.Term{Kind: deadlines.WorkingDays, N: 5}

// receipt is a valid receipt of the birth registration by the registry
// office, for alice, at the clock's now.
func (b *testBundle) receipt(number string) desk.Receipt {
	return desk.Receipt{Application: number, ServiceID: "birth-registration", ProviderID: "registry-office",
		Recipient: b.alice, At: b.clock.Now(), Term: fiveDays, Actor: "registrar"}
}

func (b *testBundle) receive(t testing.TB, r desk.Receipt) *desk.Delivery {
	t.Helper()
	d, err := b.feed.Receive(b.ctx, r)
	require.NoError(t, err)
	return d
}

// stage records a stage of a delivery by its provider at the clock's now.
func (b *testBundle) stage(t testing.TB, id string, s desk.Stage) *desk.Delivery {
	t.Helper()
	d, err := b.feed.Get(b.ctx, id)
	require.NoError(t, err)
	d, err = b.feed.Record(b.ctx, id, desk.StageInput{Stage: s, At: b.clock.Now(), ProviderID: d.ProviderID, Actor: "clerk"})
	require.NoError(t, err)
	return d
}

// onboard takes a service with a body through onboarding (Rules130
// p.3–p.9) from the Register entry on `from`, a step a day, up to and
// including state, then puts the clock back.
func (b *testBundle) onboard(t testing.TB, serviceID, bodyID string, from time.Time, state onboarding.State, info onboarding.Information) *onboarding.Onboarding {
	t.Helper()
	back := b.clock.Now()
	defer b.clock.Set(back)
	step := func(days int) time.Time {
		b.clock.Set(b.cal.DayStart(from).AddDate(0, 0, days).Add(10 * time.Hour))
		return b.clock.Now()
	}
	step(0)
	o, err := b.onboarding.Start(b.ctx, onboarding.StartInput{ServiceID: serviceID, BodyID: bodyID, RegisteredOn: from, StandardApprovedOn: from, Actor: "ucc"})
	require.NoError(t, err)
	steps := []struct {
		to onboarding.State
		do func(at time.Time) (*onboarding.Onboarding, error)
	}{
		{onboarding.StateRequestSent, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.onboarding.SendRequest(b.ctx, o.ID, at, "ucc")
		}},
		{onboarding.StateRequestReceived, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.onboarding.ConfirmReceipt(b.ctx, o.ID, at, bodyID)
		}},
		{onboarding.StatePersonAppointed, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.onboarding.Appoint(b.ctx, o.ID, at, onboarding.Person{FullName: "Aigerim Sadykova", Position: "chief expert", Phone: "+7 717 274 0000", Email: "a.sadykova@gov.kz"}, bodyID)
		}},
		{onboarding.StateInformationProvided, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.onboarding.ProvideInformation(b.ctx, o.ID, at, info, b.enteredBy, "a.sadykova")
		}},
		{onboarding.StateTrained, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.onboarding.RecordTraining(b.ctx, o.ID, onboarding.Training{At: at, Trainer: "a.sadykova", Trainees: []string{"ucc-employee"}}, "ucc")
		}},
		{onboarding.StateProtocolSigned, func(at time.Time) (*onboarding.Onboarding, error) {
			return b.onboarding.SignProtocol(b.ctx, o.ID, onboarding.Protocol{Number: "P-" + serviceID, SignedAt: at,
				UCC: onboarding.Signatory{FullName: "UCC Director", Position: "director"}, Body: onboarding.Signatory{FullName: "Vice Minister", Position: "vice minister"}}, "ucc")
		}},
	}
	for i, s := range steps {
		if s.to > state {
			break
		}
		o, err = s.do(step(i + 1))
		require.NoError(t, err, "to %s", s.to)
	}
	require.Equal(t, state, o.State)
	return o
}

// birthInformation is what the registry office tells about the birth
// registration (Rules130 p.5).
func birthInformation() onboarding.Information {
	return onboarding.Information{
		Description: "Registers the birth of a child and gives the child an IIN.", Documents: []string{"application", "medical certificate of birth"},
		Fee: "free", Term: "1 working day", Result: "birth certificate", Channels: []string{"egov.kz", "public service center"},
		Standard: onboarding.Requisites{Number: "112", Date: deadlines.CivilDate{Year: 2020, Month: 5, Day: 28}},
	}
}

// submitBirth files the "Birth of a child" application of recipient at the
// clock's now; the registry office receives it at once (Rules472 p.7). It
// returns the application as stored.
func (b *testBundle) submitBirth(t testing.TB, recipient string) *chain.Application {
	t.Helper()
	rc, err := b.router.Submit(b.ctx, chain.Submission{
		DefinitionID: "birth-of-a-child", Recipient: recipient,
		Document: []byte(`{"child":"Aisulu","born":"2025-05-10"}`), Signature: chaintest.Sign(recipient),
		Data: map[string]string{"parent_iin": recipient}, Actor: "portal",
	})
	require.NoError(t, err)
	a, err := b.router.Get(b.ctx, rc.ApplicationID)
	require.NoError(t, err)
	return a
}

// registerBirth issues the birth registration with the child's IIN at the
// clock's now and returns the application as stored.
func (b *testBundle) registerBirth(t testing.TB, appID string) *chain.Application {
	t.Helper()
	rc, err := b.router.Complete(b.ctx, appID, "birth-registration", chain.Issued{
		Channel: chain.Electronic, Reference: "AB-0001", At: b.clock.Now(), Actor: "registrar",
		Fields: map[string]string{"child_iin": "250510600012", "birth_record_number": "0001"},
	})
	require.NoError(t, err)
	a, err := b.router.Get(b.ctx, rc.ApplicationID)
	require.NoError(t, err)
	return a
}

// requireRuleError asserts err is a *deadlines.RuleError of the sentinel,
// rule and field.
func requireRuleError(t testing.TB, err error, sentinel error, rule deadlines.Citation, field string) {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	var re *deadlines.RuleError
	require.ErrorAs(t, err, &re)
	require.Equal(t, rule, re.Rule, err.Error())
	require.Equal(t, field, re.Field, err.Error())
}

var (
	p3   = deadlines.Cite(deadlines.Rules130, 3)
	p5   = deadlines.Cite(deadlines.Rules130, 5)
	p6   = deadlines.Cite(deadlines.Rules130, 6)
	p9   = deadlines.Cite(deadlines.Rules130, 9)
	p13  = deadlines.Cite(deadlines.Rules130, 13)
	c472 = func(p int) deadlines.Citation { return deadlines.Cite(deadlines.Rules472, p) }
)

func stages(d *desk.Delivery) []desk.Stage {
	out := make([]desk.Stage, len(d.Stages))
	for i, r := range d.Stages {
		out[i] = r.Stage
	}
	return out
}

func day(t time.Time) string { return t.Format(time.DateOnly) }
