package chain_test

import (
	"context"
	"strconv"
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
)

// testBundle is one isolated world: a memory store whose catalogue has the
// demo providers and services, both demo composites registered, fakes for
// the ports and a clock at Monday 17 March 2025, 10:00 in Almaty (Nauryz
// days off are 21–25 March 2025).
type testBundle struct {
	ctx        context.Context
	cal        *deadlines.Calendar
	clock      *deadlinestest.Clock
	store      *memory.Store
	verifier   *chaintest.Verifier
	data       *availability.Static
	dispatcher *chaintest.Dispatcher
	router     *chain.Router
	parent     string // the recipient's IIN
}

func names(en string) deadlines.Names {
	return deadlines.Names{KK: en + " (kk)", RU: en + " (ru)", EN: en}
}

// catalogue registers the demo composites' providers and services.
func catalogue(t testing.TB, ctx context.Context, s *memory.Store) {
	t.Helper()
	for _, b := range demo.Bodies() {
		require.NoError(t, s.CreateBody(ctx, b))
	}
	for _, v := range demo.Services() {
		require.NoError(t, s.CreateService(ctx, v))
	}
}

func loadDefinition(t testing.TB, file string) *chain.Definition {
	t.Helper()
	raw, err := demo.JSON(file)
	require.NoError(t, err)
	d, err := chain.ParseDefinition(raw)
	require.NoError(t, err)
	return d
}

func setup(t testing.TB, opts ...memory.Option) *testBundle {
	t.Helper()
	c := kz.Calendar()
	b := &testBundle{
		ctx: context.Background(), cal: c, store: memory.New(opts...),
		clock:    deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, c.Location())),
		verifier: &chaintest.Verifier{}, data: &availability.Static{}, dispatcher: &chaintest.Dispatcher{},
		parent: deadlinestest.IIN("900101", 1),
	}
	catalogue(t, b.ctx, b.store)
	b.router = newRouter(t, b, b.dispatcher)
	for _, f := range []string{"birth-of-a-child.json", "marriage.json"} {
		require.NoError(t, b.router.RegisterDefinition(b.ctx, loadDefinition(t, f)))
	}
	return b
}

// newRouter returns a router over the bundle's store, fakes and clock that
// delivers through d.
func newRouter(t testing.TB, b *testBundle, d chain.Dispatcher) *chain.Router {
	t.Helper()
	var n atomic.Int64
	r, err := chain.NewRouter(chain.Config{
		Store: b.store, Catalogue: b.store, Verifier: b.verifier, Data: b.data, Dispatcher: d,
		Calendar: b.cal, Clock: b.clock, NewID: func() string { return "app-" + strconv.FormatInt(n.Add(1), 10) },
	})
	require.NoError(t, err)
	return r
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

// submitBirth files the "Birth of a child" application signed by the
// parent at the clock's now and returns it as stored.
func (b *testBundle) submitBirth(t testing.TB, facts ...string) *chain.Application {
	t.Helper()
	rc, err := b.router.Submit(b.ctx, chain.Submission{
		DefinitionID: "birth-of-a-child", Recipient: b.parent,
		Document: []byte(`{"child":"Aisulu","born":"2025-03-15"}`), Signature: chaintest.Sign(b.parent),
		Facts: facts, Data: map[string]string{"parent_iin": b.parent}, Actor: "portal",
	})
	require.NoError(t, err)
	return b.get(t, rc.ApplicationID)
}

// registerBirth completes the birth registration with the child's IIN and
// returns the application as stored.
func (b *testBundle) registerBirth(t testing.TB, appID string, at time.Time) *chain.Application {
	t.Helper()
	rc, err := b.router.Complete(b.ctx, appID, "birth-registration", chain.Issued{
		Channel: chain.Electronic, Reference: "AB-0001", At: at, Actor: "registrar",
		Fields: map[string]string{"child_iin": "250315600012", "birth_record_number": "0001"},
	})
	require.NoError(t, err)
	return b.get(t, rc.ApplicationID)
}

// get returns the application as stored, through Router.Get.
func (b *testBundle) get(t testing.TB, appID string) *chain.Application {
	t.Helper()
	a, err := b.router.Get(b.ctx, appID)
	require.NoError(t, err)
	return a
}

// must returns the application a command's receipt names, as stored after
// the command, and fails the test on the command's error.
func (b *testBundle) must(t testing.TB) func(chain.Receipt, error) *chain.Application {
	t.Helper()
	return func(rc chain.Receipt, err error) *chain.Application {
		t.Helper()
		require.NoError(t, err)
		return b.get(t, rc.ApplicationID)
	}
}

func statuses(a *chain.Application) map[string]chain.Status {
	out := map[string]chain.Status{}
	for _, c := range a.Components {
		out[c.ID] = c.Status
	}
	return out
}

func date(t *testing.T, tm time.Time) string {
	t.Helper()
	return tm.Format(time.DateOnly)
}
