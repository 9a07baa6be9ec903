package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// DeskStore is the desk.Store port (the Monitoring information system of
// Rules130 p.13) plus the deadlines.SweepStore that must see the timers
// embedded in its deliveries.
type DeskStore interface {
	desk.Store
	deadlines.SweepStore
}

// deskBundle is one isolated world: fresh stores whose catalogue has two
// provider bodies and two services, a Feed over the store, and a clock at
// the suite's epoch (Monday 17 March 2025, 10:00 in Almaty).
type deskBundle struct {
	ctx    context.Context
	cal    *deadlines.Calendar
	clock  *deadlinestest.Clock
	store  DeskStore
	feed   *desk.Feed
	outbox OutboxStore // nil when the adapter keeps none
}

const (
	deskAlice = "900101300017"
	deskBob   = "900101300027"
)

// deskTerm is 5 working days: received on 17 Mar 2025, due on 27 Mar
// (Nauryz days off are 21–25 Mar).
var deskTerm = deadlines.Term{Kind: deadlines.WorkingDays, N: 5}

func setupDesk(t testing.TB, h Harness) *deskBundle {
	t.Helper()
	ctx := context.Background()
	c := kz.Calendar()
	stores := h.NewStores(ctx, t)
	if stores.Desk == nil {
		t.Skip("the adapter keeps no deliveries (Stores.Desk is nil)")
	}
	b := &deskBundle{ctx: ctx, cal: c, clock: deadlinestest.NewClock(epoch(c)), store: stores.Desk, outbox: stores.Outbox}
	for _, body := range []onboarding.Body{
		newBody(t, bodyOpts{ID: "ministry", Serial: 40}),
		newBody(t, bodyOpts{ID: "akimat", Serial: 60, Kind: onboarding.KindLocalExecutive, Level: onboarding.LevelRegion, Region: "Mangystau", Zone: "Asia/Aqtau"}),
	} {
		require.NoError(t, stores.Onboarding.CreateBody(ctx, body))
	}
	require.NoError(t, stores.Onboarding.CreateService(ctx, newService(serviceOpts{ID: "birth", Providers: []string{"ministry", "akimat"}})))
	require.NoError(t, stores.Onboarding.CreateService(ctx, newService(serviceOpts{ID: "address", Providers: []string{"akimat"}})))
	var err error
	b.feed, err = desk.NewFeed(desk.FeedConfig{Store: b.store, Catalogue: stores.Onboarding, Calendar: c, Clock: b.clock})
	require.NoError(t, err)
	return b
}

// receive records the receipt of application number by the ministry, for
// recipient, at the clock's now.
func (b *deskBundle) receive(t testing.TB, number, recipient string) *desk.Delivery {
	t.Helper()
	return b.receiveBy(t, number, recipient, "birth", "ministry")
}

func (b *deskBundle) receiveBy(t testing.TB, number, recipient, service, provider string) *desk.Delivery {
	t.Helper()
	d, err := b.feed.Receive(b.ctx, desk.Receipt{Application: number, ServiceID: service, ProviderID: provider,
		Recipient: recipient, At: b.clock.Now(), Term: deskTerm, Actor: "clerk"})
	require.NoError(t, err)
	return d
}

func (b *deskBundle) record(t testing.TB, id string, s desk.Stage, provider string) *desk.Delivery {
	t.Helper()
	d, err := b.feed.Record(b.ctx, id, desk.StageInput{Stage: s, At: b.clock.Now(), ProviderID: provider, Actor: "clerk"})
	require.NoError(t, err)
	return d
}

func deliveryIDs(ds []*desk.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func runDesk(t *testing.T, h Harness) {
	t.Run("DeliveryRoundTrip", func(t *testing.T) {
		t.Parallel()
		b := setupDesk(t, h)
		want := b.receive(t, "A-1", deskAlice)
		got, err := b.store.GetDelivery(b.ctx, "A-1")
		require.NoError(t, err)
		require.Equal(t, canonicalJSON(t, want), canonicalJSON(t, got))
		b.clock.Advance(time.Hour)
		b.record(t, "A-1", desk.StageInProgress, "ministry")
		b.clock.Advance(time.Hour)
		want = b.record(t, "A-1", desk.StageResultReady, "ministry")
		got, err = b.store.GetDelivery(b.ctx, "A-1")
		require.NoError(t, err)
		require.Equal(t, canonicalJSON(t, want), canonicalJSON(t, got))
		require.Equal(t, desk.StageResultReady, got.Stage())
		require.Equal(t, deadlines.TimerStopped, got.Timer.Status(b.cal, b.clock.Now()).State, "the term is met")
		require.Equal(t, b.cal.Date(2025, time.March, 27).Unix(), got.Timer.Deadline(b.cal).Due.Unix(), "the store keeps the timer the feed made")
	})
	t.Run("NotFoundAndConflict", func(t *testing.T) {
		t.Parallel()
		b := setupDesk(t, h)
		_, err := b.store.GetDelivery(b.ctx, "nope")
		require.ErrorIs(t, err, desk.ErrNotFound)
		called := false
		err = b.store.UpdateDelivery(b.ctx, "nope", func(*desk.Delivery) error { called = true; return nil })
		require.ErrorIs(t, err, desk.ErrNotFound)
		require.False(t, called)
		d := b.receive(t, "A-1", deskAlice)
		require.ErrorIs(t, b.store.CreateDelivery(b.ctx, d), desk.ErrConflict)
	})
	t.Run("Copies", func(t *testing.T) {
		t.Parallel()
		b := setupDesk(t, h)
		d := b.receive(t, "A-1", deskAlice)
		want := canonicalJSON(t, d)
		got, err := b.store.GetDelivery(b.ctx, "A-1")
		require.NoError(t, err)
		got.Stages[0].Note = "changed"
		got.Timer.Ledger[0].Reason = "changed"
		got.Timer.Schedule[0].Subject = "changed"
		got.Stages = append(got.Stages, desk.StageRecord{Stage: desk.StageIssued})
		again, err := b.store.GetDelivery(b.ctx, "A-1")
		require.NoError(t, err)
		require.Equal(t, want, canonicalJSON(t, again), "a returned delivery shares no memory with the store")
		list, err := b.store.ListDeliveries(b.ctx, desk.DeliveryFilter{Recipient: deskAlice})
		require.NoError(t, err)
		list[0].Stages[0].Note = "changed"
		again, err = b.store.GetDelivery(b.ctx, "A-1")
		require.NoError(t, err)
		require.Equal(t, want, canonicalJSON(t, again), "listed deliveries are copies")
		require.Equal(t, want, canonicalJSON(t, d), "nor with what the feed returned")
	})
	t.Run("UpdateRollsBackOnError", func(t *testing.T) {
		t.Parallel()
		b := setupDesk(t, h)
		d := b.receive(t, "A-1", deskAlice)
		want := canonicalJSON(t, d)
		boom := errors.New("boom")
		err := b.store.UpdateDelivery(b.ctx, "A-1", func(x *desk.Delivery) error {
			x.Stages = append(x.Stages, desk.StageRecord{Stage: desk.StageIssued, At: b.clock.Now()})
			x.Escalations = append(x.Escalations, desk.Escalation{Key: "forged", At: b.clock.Now()})
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := b.store.GetDelivery(b.ctx, "A-1")
		require.NoError(t, err)
		require.Equal(t, want, canonicalJSON(t, got))
		n, err := b.store.CountEscalations(b.ctx, desk.EscalationFilter{})
		require.NoError(t, err)
		require.Zero(t, n, "an escalation of a rolled-back update is not counted")
		// A domain error from the feed is the same: nothing changed.
		_, err = b.feed.Record(b.ctx, "A-1", desk.StageInput{Stage: desk.StageIssued, At: b.clock.Now(), ProviderID: "akimat", Actor: "clerk"})
		require.ErrorIs(t, err, desk.ErrInvalid)
		got, err = b.store.GetDelivery(b.ctx, "A-1")
		require.NoError(t, err)
		require.Equal(t, want, canonicalJSON(t, got))
	})
	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		t.Parallel()
		b := setupDesk(t, h)
		b.receive(t, "A-1", deskAlice)
		const n = 32
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				err := b.store.UpdateDelivery(b.ctx, "A-1", func(x *desk.Delivery) error {
					x.Stages = append(x.Stages, desk.StageRecord{Stage: desk.StageInProgress, At: b.clock.Now(), Note: strconv.Itoa(len(x.Stages)) + "/" + strconv.Itoa(i)})
					return nil
				})
				require.NoError(t, err)
			})
		}
		wg.Wait()
		got, err := b.store.GetDelivery(b.ctx, "A-1")
		require.NoError(t, err)
		require.Len(t, got.Stages, 1+n, "every one of the %d updates must be kept", n)
		for i, s := range got.Stages[1:] {
			require.Regexp(t, "^"+strconv.Itoa(i+1)+"/", s.Note, "updates were serialized")
		}
	})
	t.Run("ListDeliveries", func(t *testing.T) {
		t.Parallel()
		b := setupDesk(t, h)
		b.receive(t, "A-2", deskAlice)
		b.receive(t, "A-1", deskAlice) // same instant: by ID
		b.receive(t, "B-1", deskBob)
		b.clock.Advance(time.Minute)
		b.receiveBy(t, "A-3", deskAlice, "address", "akimat")
		// Components of one composite application share its number.
		for i, c := range []string{"registration", "allowance"} {
			d := &desk.Delivery{ID: "APP-1/" + c + "/1", Application: "APP-1", Component: c, Round: 1, ServiceID: "birth",
				ProviderID: "ministry", Recipient: deskBob, Zone: "Asia/Almaty", ReceivedAt: b.clock.Now().Add(time.Duration(i) * time.Second),
				Stages: []desk.StageRecord{{Stage: desk.StageReceived, At: b.clock.Now(), Provider: "ministry", Rule: deadlines.Cite(deadlines.Rules472, 5), Source: "chain"}}}
			require.NoError(t, b.store.CreateDelivery(b.ctx, d))
		}
		for _, tt := range []struct {
			name string
			f    desk.DeliveryFilter
			want []string
		}{
			{"by recipient, oldest first", desk.DeliveryFilter{Recipient: deskAlice}, []string{"A-1", "A-2", "A-3"}},
			{"never another recipient's", desk.DeliveryFilter{Recipient: deskBob}, []string{"B-1", "APP-1/registration/1", "APP-1/allowance/1"}},
			{"by application", desk.DeliveryFilter{Application: "APP-1"}, []string{"APP-1/registration/1", "APP-1/allowance/1"}},
			{"by recipient and provider", desk.DeliveryFilter{Recipient: deskAlice, ProviderID: "akimat"}, []string{"A-3"}},
			{"a single application", desk.DeliveryFilter{Application: "A-2"}, []string{"A-2"}},
			{"nobody", desk.DeliveryFilter{Recipient: "900101300037"}, []string{}},
			{"all", desk.DeliveryFilter{}, []string{"A-1", "A-2", "B-1", "A-3", "APP-1/registration/1", "APP-1/allowance/1"}},
		} {
			got, err := b.store.ListDeliveries(b.ctx, tt.f)
			require.NoError(t, err, tt.name)
			require.Equal(t, tt.want, deliveryIDs(got), tt.name)
			for _, d := range got {
				require.True(t, tt.f.Match(d), tt.name)
			}
		}
	})
	t.Run("EmbeddedTimersAreSwept", func(t *testing.T) {
		t.Parallel()
		b := setupDesk(t, h)
		b.receive(t, "A-1", deskAlice)
		b.receive(t, "A-2", deskAlice)
		far := b.cal.Date(2025, time.May, 1)
		due, err := b.store.DueFirings(b.ctx, far, 100)
		require.NoError(t, err)
		require.Equal(t, []string{"desk/A-1/1/stage-lag", "desk/A-2/1/stage-lag"}, firingKeys(due))
		require.True(t, due[0].At.Equal(b.cal.Date(2025, time.March, 28)), "at the end of the due date, 27 Mar")
		require.Equal(t, 1, claimRace(t, b.store, due[0], 16), "one claim wins")
		// A result ready in time leaves nothing to fire for it.
		b.record(t, "A-2", desk.StageResultReady, "ministry")
		due, err = b.store.DueFirings(b.ctx, far, 100)
		require.NoError(t, err)
		require.Empty(t, firingKeys(due))
	})
	t.Run("EscalationsCountedOnce", func(t *testing.T) {
		t.Parallel()
		b := setupDesk(t, h)
		b.receive(t, "A-1", deskAlice)
		b.receiveBy(t, "A-2", deskBob, "address", "akimat")
		b.clock.Set(b.cal.Date(2025, time.April, 2))
		b.receive(t, "A-3", deskBob) // due 9 Apr
		due, err := b.store.DueFirings(b.ctx, b.cal.Date(2025, time.May, 1), 100)
		require.NoError(t, err)
		require.Len(t, due, 3)
		var wg sync.WaitGroup
		for _, f := range due {
			f.FiredAt = f.At
			for range 8 {
				wg.Go(func() { require.NoError(t, b.feed.HandleFiring(b.ctx, f)) })
			}
		}
		wg.Wait()
		got, err := b.store.GetDelivery(b.ctx, "A-1")
		require.NoError(t, err)
		require.Len(t, got.Escalations, 1, "recorded once however often it is handled")
		require.Equal(t, desk.StageReceived, got.Escalations[0].Stage)
		if b.outbox != nil {
			// Each escalation is one outbox message (Rules130 p.13), however
			// often the rung was handled and the delivery saved again.
			b.record(t, "A-1", desk.StageInProgress, "ministry")
			msgs, err := b.outbox.LeaseOutbox(b.ctx, deadlines.SystemClock{}.Now().Add(time.Minute), time.Minute, 100)
			require.NoError(t, err)
			var keys []string
			for _, m := range msgs {
				if m.Topic != "desk_deliveries.escalation" {
					continue
				}
				keys = append(keys, m.Key)
				var payload struct {
					Aggregate string
					Event     desk.Escalation
				}
				require.NoError(t, json.Unmarshal(m.Payload, &payload), string(m.Payload))
				require.Equal(t, m.Key, payload.Aggregate+"/escalation/"+payload.Event.Key, "keyed by the firing it records")
				require.Equal(t, desk.StageLag.Rule, payload.Event.Rule)
			}
			slices.Sort(keys)
			require.Equal(t, []string{
				"desk_deliveries/A-1/escalation/desk/A-1/1/stage-lag",
				"desk_deliveries/A-2/escalation/desk/A-2/1/stage-lag",
				"desk_deliveries/A-3/escalation/desk/A-3/1/stage-lag",
			}, keys)
		}
		march := desk.EscalationFilter{From: b.cal.Date(2025, time.March, 1), To: b.cal.Date(2025, time.April, 1)}
		for _, tt := range []struct {
			name string
			f    desk.EscalationFilter
			want int
		}{
			{"all", desk.EscalationFilter{}, 3},
			{"in March (due 27 and 28 Mar)", march, 2},
			{"from April", desk.EscalationFilter{From: b.cal.Date(2025, time.April, 1)}, 1},
			{"by provider", desk.EscalationFilter{ProviderID: "akimat"}, 1},
			{"by service in March", desk.EscalationFilter{From: march.From, To: march.To, ServiceID: "birth"}, 1},
			{"nothing", desk.EscalationFilter{ProviderID: "nobody"}, 0},
		} {
			n, err := b.store.CountEscalations(b.ctx, tt.f)
			require.NoError(t, err, tt.name)
			require.Equal(t, tt.want, n, tt.name)
		}
	})
}

func benchDesk(b *testing.B, h Harness) {
	b.Run("ListDeliveriesByRecipient", func(b *testing.B) {
		bb := setupDesk(b, h)
		const recipients = 100
		iins := make([]string, 0, recipients)
		for serial := 0; len(iins) < recipients; serial++ {
			if s := iinFor(serial); s != "" {
				iins = append(iins, s)
			}
		}
		for i := range 1000 {
			bb.receive(b, fmt.Sprintf("N-%05d", i), iins[i%recipients])
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			ds, err := bb.store.ListDeliveries(bb.ctx, desk.DeliveryFilter{Recipient: iins[i%recipients]})
			if err != nil || len(ds) != 10 {
				b.Fatal(len(ds), err)
			}
			i++
		}
	})
}

// iinFor returns a valid IIN of a person born on 1 Jan 1990 with the
// serial, or "" when no check digit fits.
func iinFor(serial int) string {
	prefix := fmt.Sprintf("9001013%04d", serial)
	for d := 0; d <= 9; d++ {
		if s := prefix + strconv.Itoa(d); kzid.ValidateIIN(s) == nil {
			return s
		}
	}
	return ""
}
