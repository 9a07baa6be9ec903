package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/onboarding"
)

// ChainStore is the chain.Store port plus the deadlines.SweepStore that
// must see the timers embedded in its applications.
type ChainStore interface {
	chain.Store
	deadlines.SweepStore
}

// chainBundle is one isolated world: fresh stores whose catalogue has three
// providers, a three-component composite ("registration" → "allowance",
// "registration" → "queue") registered through a Router, and fakes for the
// router's other ports.
type chainBundle struct {
	ctx        context.Context
	cal        *deadlines.Calendar
	clock      *deadlinestest.Clock
	store      ChainStore
	catalogue  chain.Catalogue
	dispatcher *chaintest.Dispatcher
	router     *chain.Router
	def        *chain.Definition
	recipient  string
	written    *written // what the router writes goes through it, when set
}

// noMissingData says every datum is available.
type noMissingData struct{}

func (noMissingData) Missing(context.Context, string, []string) ([]string, error) { return nil, nil }

var (
	rule472p5  = deadlines.Cite(deadlines.Rules472, 5)
	rule472p12 = deadlines.Cite(deadlines.Rules472, 12)
)

func chainComponent(id, provider string, term int, requires ...string) chain.Component {
	c := chain.Component{
		ID: id, ServiceID: id, ProviderID: provider, Names: names(id),
		Term:     deadlines.Term{Kind: deadlines.WorkingDays, N: term, Rule: rule472p5},
		Grounds:  []chain.Ground{{Code: "not-eligible", Names: names("not eligible")}},
		Result:   chain.Result{Form: id + " certificate", Channels: []chain.Channel{chain.Electronic, chain.Paper}},
		Appeal:   chain.Appeal{Route: provider, Term: deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule472p12}},
		Produces: []string{id + "_number"},
	}
	for _, r := range requires {
		c.Requires = append(c.Requires, chain.Prerequisite{Component: r, Fields: []string{r + "_number"}})
	}
	return c
}

func setupChain(t testing.TB, h Harness) *chainBundle {
	t.Helper()
	return chainWith(t, h.NewStores(context.Background(), t))
}

// chainWith is setupChain on stores already made.
func chainWith(t testing.TB, stores Stores) *chainBundle {
	t.Helper()
	ctx := context.Background()
	c := kz.Calendar()
	b := &chainBundle{
		ctx: ctx, cal: c, clock: deadlinestest.NewClock(epoch(c)), store: stores.Chain, catalogue: stores.Onboarding,
		dispatcher: &chaintest.Dispatcher{}, recipient: "900101300017", written: newWritten(stores.Chain),
	}
	bodies := []onboarding.Body{
		newBody(t, bodyOpts{ID: "registry", Serial: 110}),
		newBody(t, bodyOpts{ID: "labour", Serial: 120}),
		newBody(t, bodyOpts{ID: "akimat", Serial: 130, Kind: onboarding.KindLocalExecutive, Level: onboarding.LevelRegion, Region: "Mangystau", Zone: "Asia/Aqtau"}),
	}
	for _, body := range bodies {
		require.NoError(t, stores.Onboarding.CreateBody(ctx, body))
	}
	for i, s := range [][2]string{{"registration", "registry"}, {"allowance", "labour"}, {"queue", "akimat"}} {
		svc := newService(serviceOpts{ID: s[0], RegisterNumber: fmt.Sprintf("0020%04d", i), Providers: []string{s[1]}})
		require.NoError(t, stores.Onboarding.CreateService(ctx, svc))
	}
	b.router = mustRouter(t, b, b.dispatcher)
	var err error
	b.def, err = chain.NewBuilder("composite", names("composite")).Add(
		chainComponent("registration", "registry", 2),
		chainComponent("allowance", "labour", 7, "registration"),
		chainComponent("queue", "akimat", 1, "registration"),
	).Definition()
	require.NoError(t, err)
	require.NoError(t, b.router.RegisterDefinition(ctx, b.def))
	return b
}

func (b *chainBundle) submit(t testing.TB, recipient string) *chain.Application {
	t.Helper()
	rc, err := b.router.Submit(b.ctx, chain.Submission{
		DefinitionID: b.def.ID, Recipient: recipient, Document: []byte(`{"form":"one application"}`),
		Signature: chaintest.Sign(recipient), Data: map[string]string{"address": "Aqtau, 14-1"}, Actor: "portal",
	})
	require.NoError(t, err)
	return b.written.last(rc.ApplicationID)
}

func (b *chainBundle) complete(t testing.TB, appID, component string) *chain.Application {
	t.Helper()
	rc, err := b.router.Complete(b.ctx, appID, component, chain.Issued{
		Channel: chain.Electronic, Reference: component + "-1", At: b.clock.Now(), Actor: "provider",
		Fields: map[string]string{component + "_number": "N-1"},
	})
	require.NoError(t, err)
	return b.written.last(rc.ApplicationID)
}

// requireSameApplication compares applications by their JSON with every
// instant in UTC: a store may return instants in another location.
func requireSameApplication(t testing.TB, want, got *chain.Application) {
	t.Helper()
	require.Equal(t, canonicalJSON(t, want), canonicalJSON(t, got))
}

func canonicalJSON(t testing.TB, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var tree any
	require.NoError(t, json.Unmarshal(raw, &tree))
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			if ts, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return ts.UTC().Format(time.RFC3339Nano)
			}
		}
		return v
	}
	out, err := json.MarshalIndent(walk(tree), "", " ")
	require.NoError(t, err)
	return string(out)
}

func appIDs(as []*chain.Application) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

func runChain(t *testing.T, h Harness) {
	t.Run("DefinitionRoundTripAndConflict", func(t *testing.T) {
		t.Parallel()
		b := setupChain(t, h)
		got, err := b.store.GetDefinition(b.ctx, b.def.ID)
		require.NoError(t, err)
		require.Equal(t, b.def, got)
		got.Components[0].Grounds[0].Code = "changed"
		got.Components[1].Requires[0].Fields[0] = "changed"
		again, err := b.store.GetDefinition(b.ctx, b.def.ID)
		require.NoError(t, err)
		require.Equal(t, b.def, again, "a returned definition shares no memory with the store")
		require.ErrorIs(t, b.store.CreateDefinition(b.ctx, b.def), chain.ErrConflict)
		_, err = b.store.GetDefinition(b.ctx, "nope")
		require.ErrorIs(t, err, chain.ErrNotFound)
		other := b.def.Clone()
		other.ID = "another"
		require.NoError(t, b.store.CreateDefinition(b.ctx, other))
		list, err := b.store.ListDefinitions(b.ctx)
		require.NoError(t, err)
		require.Len(t, list, 2)
		require.Equal(t, "another", list[0].ID)
		require.Equal(t, b.def, list[1])
		list[1].Components[0].Produces[0] = "changed"
		again, err = b.store.GetDefinition(b.ctx, b.def.ID)
		require.NoError(t, err)
		require.Equal(t, b.def, again, "listed definitions are copies")
	})
	t.Run("ApplicationRoundTrip", func(t *testing.T) {
		t.Parallel()
		b := setupChain(t, h)
		a := b.submit(t, b.recipient)
		got, err := b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		requireSameApplication(t, a, got)
		require.Equal(t, a.Signed.Document, got.Signed.Document, "the signed original, byte for byte")
		require.Equal(t, a.Signed.Signature, got.Signed.Signature)
		a = b.complete(t, a.ID, "registration")
		got, err = b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		requireSameApplication(t, a, got)
		require.Equal(t, "N-1", got.Data["registration_number"])
		// The timers kept by the store count as the ones the router made.
		loc, err := time.LoadLocation("Asia/Aqtau")
		require.NoError(t, err)
		want := a.Component("queue").Timer.Deadline(b.cal.In(loc))
		require.Equal(t, want.Due.Unix(), got.Component("queue").Timer.Deadline(b.cal).Due.Unix())
	})
	t.Run("ApplicationCreateConflictAndNotFound", func(t *testing.T) {
		t.Parallel()
		b := setupChain(t, h)
		a := b.submit(t, b.recipient)
		require.ErrorIs(t, b.store.CreateApplication(b.ctx, a), chain.ErrConflict)
		_, err := b.store.GetApplication(b.ctx, "nope")
		require.ErrorIs(t, err, chain.ErrNotFound)
		called := false
		err = b.store.UpdateApplication(b.ctx, "nope", func(*chain.Application) error { called = true; return nil })
		require.ErrorIs(t, err, chain.ErrNotFound)
		require.False(t, called)
	})
	t.Run("ApplicationCreateCopies", func(t *testing.T) {
		t.Parallel()
		b := setupChain(t, h)
		// The router reuses what it passed to CreateApplication for the
		// next submission, so a store must not keep any of it.
		a := b.submit(t, b.recipient)
		a.ID = "copied-in"
		a.History = append(make([]chain.Event, 0, len(a.History)+4), a.History...)
		require.NoError(t, b.store.CreateApplication(b.ctx, a))
		want := canonicalJSON(t, a)
		a.Components[0].Status = chain.StatusRefused
		a.Components[0].Timer.Ledger[0].Reason = "changed"
		a.Components[0].Delivery.Key = "changed"
		a.History[0].Note = "changed"
		a.History = append(a.History, chain.Event{Type: "forged"})
		a.Data["address"] = "changed"
		a.Signed.Document[0] = 'X'
		a.Signed.Signature[0] = 'X'
		got, err := b.store.GetApplication(b.ctx, "copied-in")
		require.NoError(t, err)
		require.Equal(t, want, canonicalJSON(t, got), "the stored application shares no memory with what was passed in")
	})
	t.Run("ApplicationCopies", func(t *testing.T) {
		t.Parallel()
		b := setupChain(t, h)
		a := b.submit(t, b.recipient)
		want := canonicalJSON(t, a)
		got, err := b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		got.Components[0].Status = chain.StatusRefused
		got.Components[0].Timer.Ledger[0].Reason = "changed"
		got.History[0].Note = "changed"
		got.Components[0].Delivery.Key = "changed"
		got.Data["address"] = "changed"
		got.Signed.Document[0] = 'X'
		got.History = append(got.History, chain.Event{Type: "forged"})
		again, err := b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, want, canonicalJSON(t, again), "a returned application shares no memory with the store")
	})
	t.Run("UpdateRollsBackOnError", func(t *testing.T) {
		t.Parallel()
		b := setupChain(t, h)
		a := b.submit(t, b.recipient)
		boom := errors.New("boom")
		err := b.store.UpdateApplication(b.ctx, a.ID, func(x *chain.Application) error {
			x.Components[0].Status = chain.StatusCompleted
			x.Data["address"] = "changed"
			x.History = append(x.History, chain.Event{Seq: len(x.History) + 1, Type: "changed"})
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		requireSameApplication(t, a, got)
		// A domain error from the router is the same: nothing changed.
		_, err = b.router.Complete(b.ctx, a.ID, "registration", chain.Issued{Channel: "fax", Reference: "x", At: b.clock.Now(), Actor: "p", Fields: map[string]string{"registration_number": "1"}})
		require.ErrorIs(t, err, chain.ErrInvalid)
		got, err = b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		requireSameApplication(t, a, got)
	})
	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		t.Parallel()
		b := setupChain(t, h)
		a := b.submit(t, b.recipient)
		const n = 32
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				err := b.store.UpdateApplication(b.ctx, a.ID, func(x *chain.Application) error {
					x.History = append(x.History, chain.Event{Seq: len(x.History) + 1, Type: "note", Note: strconv.Itoa(i)})
					return nil
				})
				require.NoError(t, err)
			})
		}
		wg.Wait()
		got, err := b.store.GetApplication(b.ctx, a.ID)
		require.NoError(t, err)
		require.Len(t, got.History, len(a.History)+n)
		for i, e := range got.History {
			require.Equal(t, i+1, e.Seq, "updates were serialized")
		}
	})
	t.Run("ConcurrentSiblingResults", func(t *testing.T) {
		t.Parallel()
		b := setupChain(t, h)
		var ids []string
		for range 8 {
			a := b.submit(t, b.recipient)
			b.complete(t, a.ID, "registration")
			ids = append(ids, a.ID)
		}
		var wg sync.WaitGroup
		for _, id := range ids {
			for _, c := range []string{"allowance", "queue", "allowance", "queue"} {
				wg.Go(func() { b.complete(t, id, c) })
			}
		}
		wg.Wait()
		for _, id := range ids {
			got, err := b.store.GetApplication(b.ctx, id)
			require.NoError(t, err)
			require.True(t, got.Done(), "both siblings' results kept")
			completed := 0
			for _, e := range got.History {
				if e.Type == "completed" {
					completed++
				}
			}
			require.Equal(t, 3, completed, "a repeated result is recorded once")
		}
	})
	t.Run("ListApplications", func(t *testing.T) {
		t.Parallel()
		b := setupChain(t, h)
		other := "900101300027"
		first := b.submit(t, b.recipient)
		b.clock.Advance(time.Minute)
		b.dispatcher.FailNext(1)
		second := b.submit(t, other)
		b.clock.Advance(time.Minute)
		third := b.submit(t, b.recipient)
		all, err := b.store.ListApplications(b.ctx, chain.ApplicationFilter{})
		require.NoError(t, err)
		require.Equal(t, []string{first.ID, second.ID, third.ID}, appIDs(all), "by submission time")
		mine, err := b.store.ListApplications(b.ctx, chain.ApplicationFilter{Recipient: b.recipient})
		require.NoError(t, err)
		require.Equal(t, []string{first.ID, third.ID}, appIDs(mine))
		pending, err := b.store.ListApplications(b.ctx, chain.ApplicationFilter{PendingDispatch: true})
		require.NoError(t, err)
		require.Equal(t, []string{second.ID}, appIDs(pending))
		none, err := b.store.ListApplications(b.ctx, chain.ApplicationFilter{DefinitionID: "other"})
		require.NoError(t, err)
		require.Empty(t, none)
		requireSameApplication(t, second, pending[0])
		all[0].Components[0].Status = chain.StatusRefused
		all[0].Data["address"] = "changed"
		got, err := b.store.GetApplication(b.ctx, first.ID)
		require.NoError(t, err)
		requireSameApplication(t, first, got)
	})
	t.Run("EmbeddedTimersAreSwept", func(t *testing.T) {
		t.Parallel()
		b := setupChain(t, h)
		a := b.submit(t, b.recipient) // registration: 2 working days, due Wed 19 Mar
		far := b.cal.Date(2025, time.April, 30)
		due, err := b.store.DueFirings(b.ctx, far, 100)
		require.NoError(t, err)
		require.Equal(t, []string{
			"chain/" + a.ID + "/registration/1/1/warning-1", "chain/" + a.ID + "/registration/1/1/breach",
		}, firingKeys(due))
		require.Equal(t, 1, claimRace(t, b.store, due[1], 16), "one claim wins")
		// Completing before the warning leaves nothing to fire for it.
		b.clock.Set(b.cal.Date(2025, time.March, 17).Add(15 * time.Hour))
		b.complete(t, a.ID, "registration")
		due, err = b.store.DueFirings(b.ctx, b.cal.Date(2025, time.March, 19), 100)
		require.NoError(t, err)
		for _, f := range due {
			require.NotContains(t, f.TimerID, "/registration/", "a stopped timer's future rungs are gone")
		}
	})
}

func benchChain(b *testing.B, h Harness) {
	b.Run("RouteComposite", func(b *testing.B) {
		bb := setupChain(b, h)
		bb.written = nil // the adapter alone
		bb.router = mustRouter(b, bb, chain.DispatcherFunc(func(context.Context, chain.Dispatch) (chain.Ack, error) { return chain.Ack{}, nil }))
		b.ReportAllocs()
		for b.Loop() {
			rc, err := bb.router.Submit(bb.ctx, chain.Submission{
				DefinitionID: bb.def.ID, Recipient: bb.recipient, Document: []byte(`{"form":"one application"}`),
				Signature: chaintest.Sign(bb.recipient), Data: map[string]string{"address": "Aqtau, 14-1"}, Actor: "portal",
			})
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range []string{"registration", "allowance", "queue"} {
				rc, err = bb.router.Complete(bb.ctx, rc.ApplicationID, c, chain.Issued{
					Channel: chain.Electronic, Reference: c + "-1", At: bb.clock.Now(), Actor: "provider",
					Fields: map[string]string{c + "_number": "N-1"},
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			if !rc.Done {
				b.Fatal("not done")
			}
		}
	})
}

// routerStore is what the bundle's routers write through.
func (b *chainBundle) routerStore() chain.Store {
	if b.written != nil {
		return b.written
	}
	return b.store
}

// mustRouter returns a router like the bundle's that delivers through d.
func mustRouter(tb testing.TB, b *chainBundle, d chain.Dispatcher) *chain.Router {
	tb.Helper()
	var n int
	var mu sync.Mutex
	r, err := chain.NewRouter(chain.Config{
		Store: b.routerStore(), Catalogue: b.catalogue, Verifier: &chaintest.Verifier{}, Data: noMissingData{},
		Dispatcher: d, Calendar: b.cal, Clock: b.clock,
		NewID: func() string { mu.Lock(); defer mu.Unlock(); n++; return fmt.Sprintf("app-%07d", n) },
	})
	require.NoError(tb, err)
	return r
}
