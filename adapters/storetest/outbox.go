package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/outbox"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

// OutboxStore is an adapter's transactional outbox: the outbox.Store port
// a Relay leases from, plus its statistics. Each event an aggregate
// records in its history (onboardings, applications, ledgers, quality
// trainings, monthly reports, reconciliations) is written as one message
// in the transaction of the state change, and none is written when that
// rolls back. A message's Key is "<aggregate>/<event seq>" (aggregates
// named as in AuditStore), its Topic "<table>.<event type>", its Payload
// the JSON object {"aggregate": …, "event": …}, and its NextAt the time it
// was stored.
//
// Beyond the outbox.Store contract: a leased message is not leased again,
// by any caller, until its lease ends; AckOutbox and RetryOutbox of an
// unknown key, and RetryOutbox of a delivered message, return an error
// wrapping deadlines.ErrNotFound.
type OutboxStore interface {
	outbox.Store
	// OutboxStats returns how many messages are undelivered, the earliest
	// NextAt among them (zero when none: the relay's lag), and how many of
	// them have failed at least once.
	OutboxStats(ctx context.Context) (pending int, oldest time.Time, failing int, err error)
}

// outboxBundle is one isolated world: fresh stores with the onboarding
// bundle's catalogue, their outbox, and "now" for leasing: a minute after
// the wall clock, so every message the test writes is due.
type outboxBundle struct {
	*onboardingBundle
	stores Stores
	outbox OutboxStore
	now    time.Time
}

func setupOutbox(t testing.TB, h Harness) *outboxBundle {
	t.Helper()
	stores := h.NewStores(context.Background(), t)
	if stores.Outbox == nil || stores.Onboarding == nil {
		t.Skip("the adapter keeps no outbox (Stores.Outbox or Stores.Onboarding is nil)")
	}
	return &outboxBundle{onboardingBundle: onboardingWith(t, stores.Onboarding), stores: stores, outbox: stores.Outbox, now: deadlines.SystemClock{}.Now().Add(time.Minute)}
}

// createWithEvents stores an onboarding of the bundle's service whose
// history holds n events, "event.1" … "event.n": n messages.
func (b *outboxBundle) createWithEvents(t testing.TB, id, bodyID string, n int) {
	t.Helper()
	o := &onboarding.Onboarding{ID: id, ServiceID: b.service.ID, BodyID: bodyID, Zone: "Asia/Almaty", State: onboarding.StateAwaitingRequest}
	at := b.at(time.April, 1, 10)
	for i := range n {
		o.History = append(o.History, onboarding.Event{Seq: i + 1, Type: fmt.Sprintf("event.%d", i+1), Actor: "ucc-operator",
			Rule: deadlines.Cite(deadlines.Rules130, 5), At: at, Recorded: at})
	}
	require.NoError(t, b.store.CreateOnboarding(b.ctx, o))
}

func (b *outboxBundle) lease(t testing.TB, now time.Time, lease time.Duration, limit int) []outbox.Message {
	t.Helper()
	ms, err := b.outbox.LeaseOutbox(b.ctx, now, lease, limit)
	require.NoError(t, err)
	return ms
}

func (b *outboxBundle) stats(t testing.TB) (pending int, oldest time.Time, failing int) {
	t.Helper()
	pending, oldest, failing, err := b.outbox.OutboxStats(b.ctx)
	require.NoError(t, err)
	return pending, oldest, failing
}

func messageKeys(ms []outbox.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Key
	}
	return out
}

func runOutbox(t *testing.T, h Harness) {
	t.Run("EventsAreWrittenWithTheChangeAndNotOnRollback", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		pending, oldest, failing := b.stats(t)
		require.Zero(t, pending+failing)
		require.True(t, oldest.IsZero(), "no lag when nothing waits")

		b.createWithEvents(t, "o-1", b.ministry.ID, 2)
		add := func(typ string, err error) error {
			return b.store.UpdateOnboarding(b.ctx, "o-1", func(o *onboarding.Onboarding) error {
				o.History = append(o.History, onboarding.Event{Seq: len(o.History) + 1, Type: typ, Actor: "ucc-employee", Rule: deadlines.Cite(deadlines.Rules130, 14)})
				return err
			})
		}
		boom := errors.New("boom")
		require.ErrorIs(t, add("rolled.back", boom), boom)
		require.NoError(t, add("request.sent", nil))
		require.NoError(t, b.store.UpdateOnboarding(b.ctx, "o-1", func(o *onboarding.Onboarding) error {
			o.State = onboarding.StateRequestSent // a change that records no event
			return nil
		}))
		pending, oldest, failing = b.stats(t)
		require.Equal(t, 3, pending)
		require.Zero(t, failing)
		require.False(t, oldest.IsZero() || oldest.After(b.now), "the oldest message is due: %s", oldest)

		ms := b.lease(t, b.now, time.Minute, 100)
		require.Equal(t, []string{"onboardings/o-1/1", "onboardings/o-1/2", "onboardings/o-1/3"}, messageKeys(ms), "each event once, oldest first; none rolled back")
		for i, m := range ms {
			require.Equal(t, []string{"onboardings.event.1", "onboardings.event.2", "onboardings.request.sent"}[i], m.Topic)
			require.Equal(t, 1, m.Attempts, "leasing counts an attempt")
			require.Empty(t, m.LastError)
			var payload struct {
				Aggregate string           `json:"aggregate"`
				Event     onboarding.Event `json:"event"`
			}
			require.NoError(t, json.Unmarshal(m.Payload, &payload), "%s", m.Payload)
			require.Equal(t, "onboardings/o-1", payload.Aggregate)
			require.Equal(t, i+1, payload.Event.Seq)
			require.Equal(t, strings.TrimPrefix(m.Topic, "onboardings."), payload.Event.Type)
		}
		require.Empty(t, b.lease(t, b.now, time.Minute, 100), "leased messages are not leased again during their lease")
	})

	t.Run("LeaseIsExclusiveUnderConcurrency", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		const n, relays, batch = 60, 8, 7
		b.createWithEvents(t, "o-1", b.ministry.ID, n)
		var mu sync.Mutex
		count := map[string]int{}
		var wg sync.WaitGroup
		for range relays {
			wg.Go(func() {
				for range n { // bounded: a store that leases a message twice must fail, not hang
					ms, err := b.outbox.LeaseOutbox(b.ctx, b.now, time.Hour, batch)
					require.NoError(t, err)
					if len(ms) == 0 {
						return
					}
					require.LessOrEqual(t, len(ms), batch, "no more than the limit")
					mu.Lock()
					for _, m := range ms {
						count[m.Key]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		require.Len(t, count, n, "every message leased")
		for k, c := range count {
			require.Equal(t, 1, c, "%s leased %d times by %d concurrent relays", k, c, relays)
		}
		// A lease that ends without an ack or a retry (a relay that died)
		// makes the message due again, one more attempt counted.
		again := b.lease(t, b.now.Add(2*time.Hour), time.Minute, 2*n)
		require.Len(t, again, n)
		for _, m := range again {
			require.Equal(t, 2, m.Attempts, m.Key)
		}
	})

	t.Run("AckRemovesRetryHidesUntilItsTime", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		b.createWithEvents(t, "o-1", b.ministry.ID, 3)
		ms := b.lease(t, b.now, 30*time.Second, 10)
		require.Len(t, ms, 3)
		first, second, third := ms[0].Key, ms[1].Key, ms[2].Key

		require.NoError(t, b.outbox.AckOutbox(b.ctx, first, b.now))
		require.NoError(t, b.outbox.RetryOutbox(b.ctx, second, b.now.Add(10*time.Minute), "consumer down"))
		pending, oldest, failing := b.stats(t)
		require.Equal(t, 2, pending, "the acknowledged message no longer waits")
		require.Equal(t, 1, failing, "the failure is visible")
		require.True(t, oldest.Equal(ms[2].NextAt), "the oldest waiting message is the third: %s, want %s", oldest, ms[2].NextAt)

		// After the 30 s lease, only the third is due: the first is
		// delivered, the second waits for its retry.
		require.Equal(t, []string{third}, messageKeys(b.lease(t, b.now.Add(time.Minute), time.Minute, 10)))
		require.NoError(t, b.outbox.AckOutbox(b.ctx, third, b.now.Add(time.Minute)))
		require.Empty(t, b.lease(t, b.now.Add(9*time.Minute), time.Minute, 10), "hidden until its backoff ends")
		retried := b.lease(t, b.now.Add(11*time.Minute), time.Minute, 10)
		require.Equal(t, []string{second}, messageKeys(retried))
		require.Equal(t, 2, retried[0].Attempts)
		require.Equal(t, "consumer down", retried[0].LastError)

		require.ErrorIs(t, b.outbox.RetryOutbox(b.ctx, first, b.now.Add(time.Hour), "again"), deadlines.ErrNotFound, "a delivered message is not retried")
		require.ErrorIs(t, b.outbox.AckOutbox(b.ctx, "onboardings/o-1/99", b.now), deadlines.ErrNotFound)
		require.ErrorIs(t, b.outbox.RetryOutbox(b.ctx, "onboardings/o-1/99", b.now, "x"), deadlines.ErrNotFound)

		require.NoError(t, b.outbox.AckOutbox(b.ctx, second, b.now.Add(11*time.Minute)))
		pending, oldest, failing = b.stats(t)
		require.Zero(t, pending)
		require.Zero(t, failing, "a delivered message is no longer failing")
		require.True(t, oldest.IsZero())
		require.Empty(t, b.lease(t, b.now.Add(24*time.Hour), time.Minute, 10), "delivered messages are never leased again")
	})

	t.Run("RelayDeliversAnApplicationsEvents", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		if b.stores.Chain == nil {
			t.Skip("the adapter does not store applications (Stores.Chain is nil)")
		}
		cb := chainWith(t, b.stores)
		a := cb.submit(t, cb.recipient)
		cb.clock.Advance(time.Hour)
		a = cb.complete(t, a.ID, "registration")
		require.GreaterOrEqual(t, len(a.History), 3)

		// The publisher refuses one type of event; the others are
		// delivered once each, in the order they were recorded.
		failType := a.History[1].Type
		var want []string
		failed := 0
		for i, e := range a.History {
			if e.Type == failType {
				failed++
				continue
			}
			want = append(want, fmt.Sprintf("applications.%s applications/%s/%d", e.Type, a.ID, i+1))
		}
		clock := deadlinestest.NewClock(b.now)
		var mu sync.Mutex
		var got []string
		fail := true
		pub := outbox.PublisherFunc(func(_ context.Context, m outbox.Message) error {
			mu.Lock()
			defer mu.Unlock()
			if fail && m.Topic == "applications."+failType {
				return errors.New("consumer down")
			}
			got = append(got, m.Topic+" "+m.Key)
			return nil
		})
		r, err := outbox.NewRelay(b.outbox, pub, clock, outbox.WithBackoff(func(int) time.Duration { return time.Minute }))
		require.NoError(t, err)
		res, err := r.Run(b.ctx)
		require.NoError(t, err)
		require.Equal(t, outbox.Result{Delivered: len(want), Failed: failed}, res)
		require.Equal(t, want, got)
		pending, _, failing := b.stats(t)
		require.Equal(t, failed, pending)
		require.Equal(t, failed, failing)

		res, err = r.Run(b.ctx)
		require.NoError(t, err)
		require.Zero(t, res, "nothing is due before the backoff")
		fail = false
		clock.Advance(2 * time.Minute)
		res, err = r.Run(b.ctx)
		require.NoError(t, err)
		require.Equal(t, outbox.Result{Delivered: failed}, res)
		require.Len(t, got, len(a.History), "every event delivered once")
		pending, _, _ = b.stats(t)
		require.Zero(t, pending)
	})

	t.Run("RefusalNoticeIsWrittenWithItsLedgerAndNotOnRollback", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		const ledger = "ledgers/ministry/2025-04"
		key := onboarding.LedgerKey{BodyID: b.ministry.ID, Period: "2025-04"}
		ask := func(i int) string {
			r, err := b.svc.AskBody(b.ctx, b.ministry.ID, "", "clarify the fee", b.at(time.April, 1, 10).Add(time.Duration(i)*time.Minute), "ucc-operator")
			require.NoError(t, err)
			return r.ID
		}
		refusal := func(i int) onboarding.Answer {
			return onboarding.Answer{Kind: onboarding.Refused, At: b.at(time.April, 2, 10).Add(time.Duration(i) * time.Minute), By: "body-clerk", Text: "we will not say"}
		}
		first, second := ask(0), ask(1)

		// The first refusal of the period is counted: one message, with it.
		l, err := b.svc.Answer(b.ctx, first, refusal(0))
		require.NoError(t, err)
		require.Empty(t, l.Notices, "one refusal is below the threshold")
		requireEventMessages(t, b.fresh(t, "ledgers/"), ledger, l.History, 0)

		// The second reaches the threshold (p.12) and raises the notice, in
		// a transaction that then fails: neither its counting nor the notice
		// leaves a message.
		boom := errors.New("boom")
		fails := &failingAnswers{OnboardingStore: b.store, err: boom}
		failing, err := onboarding.NewService(fails, b.cal, b.clock)
		require.NoError(t, err)
		_, err = failing.Answer(b.ctx, second, refusal(1))
		require.ErrorIs(t, err, boom)
		require.Equal(t, []string{"refusal.counted", "refusal.counted", "notice.raised"}, fails.recorded, "the service recorded the notice before the failure")
		require.Empty(t, messageKeys(b.fresh(t, "ledgers/")), "a refusal rolled back writes no message")
		stored, err := b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		require.Len(t, stored.Refusals, 1, "nor changes the ledger")
		require.Empty(t, stored.Notices)
		require.Len(t, stored.History, 1)
		require.Empty(t, b.due(t), "nor schedules the notice")

		// Recorded again, it commits: its events, the notice's among them,
		// are written with the ledger.
		l, err = b.svc.Answer(b.ctx, second, refusal(1))
		require.NoError(t, err)
		require.Len(t, l.Notices, 1, "the threshold raised the notice")
		stored, err = b.store.GetLedger(b.ctx, key)
		require.NoError(t, err)
		require.Equal(t, []string{"refusal.counted", "refusal.counted", "notice.raised"}, eventTypes(stored.History))
		requireEventMessages(t, b.fresh(t, "ledgers/"), ledger, stored.History, 1)
		require.Equal(t, []string{"notice/ministry/2025-04/1/1/warning-1", "notice/ministry/2025-04/1/1/breach"}, b.due(t))
	})

	t.Run("SweptEscalationsAreWrittenOnce", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		o := b.start(t, b.service.ID, b.ministry.ID)
		aggregate := "onboardings/" + o.ID
		requireEventMessages(t, b.fresh(t, aggregate+"/"), aggregate, o.History, 0)

		// Two sweepers at once over the store, escalating through the
		// onboarding service, at an instant the clock moves.
		clock := deadlinestest.NewClock(b.at(time.March, 18, 23)) // before the request's warning
		sweep := func() []string {
			var mu sync.Mutex
			var claimed []string
			var wg sync.WaitGroup
			for range 2 {
				wg.Go(func() {
					s, err := deadlines.NewSweeper(b.store, b.cal, clock, b.svc.HandleFiring)
					require.NoError(t, err)
					fs, err := s.Sweep(b.ctx)
					require.NoError(t, err)
					mu.Lock()
					defer mu.Unlock()
					claimed = append(claimed, firingKeys(fs)...)
				})
			}
			wg.Wait()
			return claimed
		}
		require.Empty(t, sweep())
		require.Empty(t, messageKeys(b.fresh(t, aggregate+"/")), "nothing escalated before the warning")

		var escalations []onboarding.Event
		for _, step := range []struct {
			at   time.Time
			rung string
		}{{b.at(time.March, 19, 10), "warning-1"}, {b.at(time.March, 21, 10), "breach"}} {
			clock.Set(step.at)
			require.Equal(t, []string{o.ID + "/request/1/" + step.rung}, sweep(), "one sweeper claims the rung")
			got, err := b.store.GetOnboarding(b.ctx, o.ID)
			require.NoError(t, err)
			require.Len(t, got.History, len(o.History)+len(escalations)+1, "one escalation")
			e := got.History[len(got.History)-1]
			require.Equal(t, "escalation", e.Type)
			require.True(t, strings.HasPrefix(e.Note, step.rung+": "), e.Note)
			escalations = append(escalations, e)
			requireEventMessages(t, b.fresh(t, aggregate+"/"), aggregate, got.History, len(got.History)-1)
		}
		require.Empty(t, sweep(), "every rung is fired")
		require.Empty(t, messageKeys(b.fresh(t, "")), "no other message")
	})

	t.Run("MonthlyReportDeliveryIsWritten", func(t *testing.T) {
		t.Parallel()
		b := setupOutbox(t, h)
		if b.stores.Reports == nil {
			t.Skip("the adapter does not store reports (Stores.Reports is nil)")
		}
		march := reports.Period{Year: 2025, Month: time.March}
		const aggregate = "monthly_reports/2025-03"
		clock := deadlinestest.NewClock(b.cal.Date(2025, time.April, 2).Add(10 * time.Hour)) // March has ended
		svc, err := reports.NewService(b.stores.Reports, b.cal, clock)
		require.NoError(t, err)
		m, err := svc.OpenMonth(b.ctx, march, "ucc-analyst")
		require.NoError(t, err)
		require.NotNil(t, m.Delivery(b.ministry.ID), "the ministry is owed a report")
		requireEventMessages(t, b.fresh(t, "monthly_reports/"), aggregate, m.History, 0)

		// Each step of the ministry's delivery (p.14) writes its event with it.
		steps := []func() (*reports.MonthlyReport, error){
			func() (*reports.MonthlyReport, error) {
				return svc.Generate(b.ctx, march, b.ministry.ID, &discard{}, "ucc-analyst")
			},
			func() (*reports.MonthlyReport, error) {
				return svc.Send(b.ctx, march, b.ministry.ID, clock.Now(), "ucc-analyst")
			},
			func() (*reports.MonthlyReport, error) {
				return svc.Acknowledge(b.ctx, march, b.ministry.ID, clock.Now(), "ministry-clerk")
			},
		}
		for _, step := range steps {
			clock.Advance(time.Hour)
			before := len(m.History)
			m, err = step()
			require.NoError(t, err)
			require.Len(t, m.History, before+1)
			requireEventMessages(t, b.fresh(t, "monthly_reports/"), aggregate, m.History, before)
		}
		require.Equal(t, []string{"month.opened", "report.generated", "report.sent", "report.acknowledged"}, eventTypes(m.History))

		// A delivery refused, and a change rolled back, write nothing.
		_, err = svc.Send(b.ctx, march, b.ministry.ID, clock.Now(), "ucc-analyst")
		require.ErrorIs(t, err, reports.ErrConflict, "a report is sent once")
		boom := errors.New("boom")
		require.ErrorIs(t, b.stores.Reports.UpdateMonthly(b.ctx, march, func(m *reports.MonthlyReport) error {
			m.History = append(m.History, onboarding.Event{Seq: len(m.History) + 1, Type: "report.sent", Actor: "ucc-analyst", Rule: deadlines.Cite(deadlines.Rules130, 14)})
			return boom
		}), boom)
		require.Empty(t, messageKeys(b.fresh(t, "monthly_reports/")), "nothing written")
		stored, err := b.stores.Reports.GetMonthly(b.ctx, march)
		require.NoError(t, err)
		require.Equal(t, eventTypes(m.History), eventTypes(stored.History))
	})
}

// fresh leases, for an hour, the due messages not leased before and
// returns those whose key starts with prefix. "Due" is a minute after the
// wall clock at the call: the store stamps a message when it stores it.
func (b *outboxBundle) fresh(t testing.TB, prefix string) []outbox.Message {
	t.Helper()
	var out []outbox.Message
	for _, m := range b.lease(t, deadlines.SystemClock{}.Now().Add(time.Minute), time.Hour, 1000) {
		if strings.HasPrefix(m.Key, prefix) {
			out = append(out, m)
		}
	}
	return out
}

// requireEventMessages checks that ms are the messages of the events
// history[from:] of aggregate ("<table>/<id>"), one each, in any order:
// key "<aggregate>/<seq>", topic "<table>.<type>", the event as payload.
func requireEventMessages(t testing.TB, ms []outbox.Message, aggregate string, history []onboarding.Event, from int) {
	t.Helper()
	table, _, _ := strings.Cut(aggregate, "/")
	var want, got []string
	for i, e := range history[from:] {
		want = append(want, fmt.Sprintf("%s/%d %s.%s", aggregate, from+i+1, table, e.Type))
	}
	for _, m := range ms {
		got = append(got, m.Key+" "+m.Topic)
	}
	require.ElementsMatch(t, want, got, "one message per event of %s from %d", aggregate, from+1)
	for _, m := range ms {
		var payload struct {
			Aggregate string           `json:"aggregate"`
			Event     onboarding.Event `json:"event"`
		}
		require.NoError(t, json.Unmarshal(m.Payload, &payload), "%s", m.Payload)
		require.Equal(t, aggregate, payload.Aggregate, m.Key)
		require.GreaterOrEqual(t, payload.Event.Seq, 1, m.Key)
		require.LessOrEqual(t, payload.Event.Seq, len(history), m.Key)
		e := history[payload.Event.Seq-1]
		require.Equal(t, fmt.Sprintf("%s/%d", aggregate, e.Seq), m.Key)
		require.Equal(t, e.Type, payload.Event.Type, m.Key)
		require.Equal(t, e.Actor, payload.Event.Actor, m.Key)
		require.Equal(t, e.Note, payload.Event.Note, m.Key)
	}
}

func eventTypes(h []onboarding.Event) []string {
	out := make([]string, len(h))
	for i, e := range h {
		out[i] = e.Type
	}
	return out
}

// failingAnswers is an onboarding store whose AnswerRequest runs the
// service's closure, its changes and events recorded, and then fails: the
// transaction of an answer that rolls back.
type failingAnswers struct {
	OnboardingStore
	err      error
	recorded []string // the event types of the ledger the closure left
}

func (s *failingAnswers) AnswerRequest(ctx context.Context, id string, key onboarding.LedgerKey, fn func(*onboarding.InfoRequest, *onboarding.RefusalLedger) error) error {
	return s.OnboardingStore.AnswerRequest(ctx, id, key, func(r *onboarding.InfoRequest, l *onboarding.RefusalLedger) error {
		if err := fn(r, l); err != nil {
			return err
		}
		if l != nil {
			s.recorded = eventTypes(l.History)
		}
		return s.err
	})
}
