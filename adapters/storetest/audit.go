package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/onboarding/desk"
	"github.com/qyzmet/qyzmet/reports"
)

// AuditStore is an adapter's tamper-evident audit log (package
// adapters/audit). Every state change of an aggregate, its creation
// included, appends one entry in the same transaction as the change: the
// newest event's type, actor and citation (or "created"/"changed" by
// "system" when the change recorded no event), when it was stored, and
// the digests of the aggregate before and after, chained to the
// aggregate's previous entry with audit.Next. A change that is rolled back
// leaves no entry. The time is the adapter's wall clock (the suite checks
// that it falls within the test).
//
// Aggregates are named "<table>/<key>": "onboardings/<id>",
// "applications/<id>", "timers/<id>", "requests/<id>",
// "ledgers/<body>/<period>", "quality_trainings/<id>",
// "monthly_reports/<period>", "reconciliations/<id>", "appeals/<id>",
// "desk_deliveries/<id>", "bodies/<id>", "services/<id>",
// "definitions/<id>".
type AuditStore interface {
	// AuditTrail returns an aggregate's entries in sequence order; none for
	// an aggregate never stored.
	AuditTrail(ctx context.Context, aggregate string) ([]audit.Entry, error)
	// VerifyAudit checks every aggregate's chain against the head the store
	// keeps with the aggregate. It returns nil, or a *audit.TamperError
	// (errors.Is audit.ErrTampered) naming each edited, deleted or
	// reordered entry.
	VerifyAudit(ctx context.Context) error
	// AuditHeads returns every aggregate's head (an anchor, to keep
	// outside the store), in aggregate order.
	AuditHeads(ctx context.Context) ([]audit.Head, error)
	// VerifyAuditAnchored is VerifyAudit that also reports, with
	// audit.VerifyAnchored, every anchored aggregate deleted with its
	// whole chain or whose chain was rewritten since the anchor.
	VerifyAuditAnchored(ctx context.Context, anchor []audit.Head) error
}

// Tampering is what Stores.TamperAudit does to one stored entry.
type Tampering int

// Tamperings.
const (
	// EditEntry changes the entry's Actor and leaves its Hash.
	EditEntry Tampering = iota + 1
	// DeleteEntry removes the entry.
	DeleteEntry
	// ReorderEntry moves the entry to the end of the storage order.
	ReorderEntry
	// DeleteAggregate removes the aggregate and its whole trail (seq is
	// ignored): no chain can show it, an anchor must.
	DeleteAggregate
	// RewriteChain changes the entry's Actor and recomputes the hashes
	// of it and every later entry, and the aggregate's head, as someone
	// who can write the whole database could: no chain can show it, an
	// anchor must.
	RewriteChain
)

func (k Tampering) String() string {
	switch k {
	case EditEntry:
		return "edit"
	case DeleteEntry:
		return "delete"
	case ReorderEntry:
		return "reorder"
	case DeleteAggregate:
		return "delete aggregate"
	case RewriteChain:
		return "rewrite chain"
	}
	return "tampering(?)"
}

// auditBundle is one isolated world: fresh stores with the onboarding
// bundle's catalogue, and their audit log.
type auditBundle struct {
	*onboardingBundle
	stores Stores
	audit  AuditStore
	began  time.Time // the wall clock before the first change: stores stamp entries with theirs
}

func setupAudit(t testing.TB, h Harness) *auditBundle {
	t.Helper()
	stores := h.NewStores(context.Background(), t)
	if stores.Audit == nil || stores.Onboarding == nil {
		t.Skip("the adapter keeps no audit log (Stores.Audit or Stores.Onboarding is nil)")
	}
	began := deadlines.SystemClock{}.Now().Add(-time.Second)
	return &auditBundle{onboardingBundle: onboardingWith(t, stores.Onboarding), stores: stores, audit: stores.Audit, began: began}
}

func (b *auditBundle) trail(t testing.TB, aggregate string) []audit.Entry {
	t.Helper()
	es, err := b.audit.AuditTrail(b.ctx, aggregate)
	require.NoError(t, err)
	return es
}

// requireChained checks what every trail must be: numbered from 1, each
// entry chained to the one before and starting where it ended, stamped
// in order within the test, and sealed by its hash.
func (b *auditBundle) requireChained(t testing.TB, trail []audit.Entry) {
	t.Helper()
	require.NotEmpty(t, trail)
	for i, e := range trail {
		require.Equal(t, i+1, e.Seq, "%s: numbered in order", e.Aggregate)
		require.NotEmpty(t, e.Actor, "%s #%d: an actor", e.Aggregate, e.Seq)
		require.NotEmpty(t, e.After, "%s #%d: the digest after", e.Aggregate, e.Seq)
		require.False(t, e.At.Before(b.began) || e.At.After(deadlines.SystemClock{}.Now().Add(time.Second)), "%s #%d: stored at %s, during the test", e.Aggregate, e.Seq, e.At)
		prev := (*audit.Entry)(nil)
		if i == 0 {
			require.Empty(t, e.Before, "%s: created from nothing", e.Aggregate)
		} else {
			prev = &trail[i-1]
			require.Equal(t, prev.After, e.Before, "%s #%d: starts where #%d ended", e.Aggregate, e.Seq, prev.Seq)
			require.False(t, e.At.Before(prev.At), "%s #%d: stamped in order", e.Aggregate, e.Seq)
		}
		require.Equal(t, audit.Next(prev, e).Hash, e.Hash, "%s #%d: chained and sealed", e.Aggregate, e.Seq)
	}
}

func runAudit(t *testing.T, h Harness) {
	t.Run("OnboardingLifecycleLeavesAnEntryPerChange", func(t *testing.T) {
		t.Parallel()
		b := setupAudit(t, h)
		o := b.start(t, b.service.ID, b.ministry.ID)
		o = b.advance(t, o, onboarding.StateProtocolSigned)
		agg := "onboardings/" + o.ID
		trail := b.trail(t, agg)
		b.requireChained(t, trail)
		require.Len(t, trail, 1+len(b.lifecycle()), "one entry for the start and one per transition")

		// Each entry names the newest event of its change, with that
		// event's actor and citation, in the history's order.
		h := o.History
		j := 0
		for _, e := range trail {
			for j < len(h) && h[j].Type != e.Type {
				j++
			}
			require.Less(t, j, len(h), "%s #%d %q is an event of the history, in order", agg, e.Seq, e.Type)
			require.Equal(t, h[j].Actor, e.Actor, "%s #%d", agg, e.Seq)
			require.Equal(t, h[j].Rule.String(), e.Rule, "%s #%d", agg, e.Seq)
			require.NotEmpty(t, e.Rule, "%s #%d: every onboarding change cites its rule", agg, e.Seq)
		}
		require.Equal(t, h[len(h)-1].Type, trail[len(trail)-1].Type)

		// The newest digest is the aggregate as it reads back.
		got, err := b.store.GetOnboarding(b.ctx, o.ID)
		require.NoError(t, err)
		raw, err := json.Marshal(got)
		require.NoError(t, err)
		require.Equal(t, audit.Digest(raw), trail[len(trail)-1].After, "the newest entry's digest is the stored aggregate's")

		// A rolled-back change leaves no entry.
		boom := errors.New("boom")
		require.ErrorIs(t, b.store.UpdateOnboarding(b.ctx, o.ID, func(o *onboarding.Onboarding) error {
			o.History = append(o.History, onboarding.Event{Seq: len(o.History) + 1, Type: "should.not.stick", Actor: "nobody"})
			return boom
		}), boom)
		require.Equal(t, trail, b.trail(t, agg), "a failed change is not audited")
		require.NoError(t, b.audit.VerifyAudit(b.ctx))
	})

	t.Run("EveryAggregateIsAudited", func(t *testing.T) {
		t.Parallel()
		b := setupAudit(t, h)
		p5, p14 := deadlines.Cite(deadlines.Rules130, 5), deadlines.Cite(deadlines.Rules130, 14)
		at := b.at(time.April, 1, 10)
		ev := func(n int, typ, actor string, rule deadlines.Citation) onboarding.Event {
			return onboarding.Event{Seq: n, Type: typ, Actor: actor, Rule: rule, At: at, Recorded: at}
		}
		cev := func(n int, typ, actor string, rule deadlines.Citation) chain.Event {
			return chain.Event{Seq: n, Type: typ, Actor: actor, Rule: rule, At: at, Recorded: at}
		}
		stage := func(s desk.Stage, actor string, rule deadlines.Citation) desk.StageRecord {
			return desk.StageRecord{Stage: s, At: at, Provider: "ministry", Actor: actor, Rule: rule, Recorded: at}
		}
		// Each aggregate is created with one event, changed with a second,
		// and changed again with none; a failing change in between must
		// leave no trace.
		type want struct{ typ, actor, rule string }
		cases := []struct {
			name      string
			aggregate string
			present   bool
			create    func() error
			update    func(add bool, err error) error
			first     want
			second    want
		}{
			{
				name: "onboarding", aggregate: "onboardings/o-1", present: true,
				create: func() error {
					return b.store.CreateOnboarding(b.ctx, &onboarding.Onboarding{ID: "o-1", ServiceID: b.service.ID, BodyID: b.ministry.ID, Zone: "Asia/Almaty", State: onboarding.StateAwaitingRequest,
						History: []onboarding.Event{ev(1, "onboarding.started", "ucc-operator", p5)}})
				},
				update: func(add bool, err error) error {
					return b.store.UpdateOnboarding(b.ctx, "o-1", func(o *onboarding.Onboarding) error {
						if add {
							o.History = append(o.History, ev(len(o.History)+1, "request.sent", "ucc-employee", p14))
						}
						o.State = onboarding.StateRequestSent
						return err
					})
				},
				first: want{"onboarding.started", "ucc-operator", "Rules130 p.5"}, second: want{"request.sent", "ucc-employee", "Rules130 p.14"},
			},
			{
				name: "application", aggregate: "applications/app-1", present: b.stores.Chain != nil,
				create: func() error {
					return b.stores.Chain.CreateApplication(b.ctx, &chain.Application{ID: "app-1", DefinitionID: "composite", Recipient: "900101300017", SubmittedAt: at,
						History: []chain.Event{cev(1, "submitted", "portal", deadlines.Cite(deadlines.Rules472, 5))}})
				},
				update: func(add bool, err error) error {
					return b.stores.Chain.UpdateApplication(b.ctx, "app-1", func(a *chain.Application) error {
						if add {
							a.History = append(a.History, cev(len(a.History)+1, "routed", "router", deadlines.Cite(deadlines.Rules472, 8)))
						}
						a.Data = map[string]string{"n": "1"}
						return err
					})
				},
				first: want{"submitted", "portal", "Rules472 p.5"}, second: want{"routed", "router", "Rules472 p.8"},
			},
			{
				name: "monthly report", aggregate: "monthly_reports/2025-03", present: b.stores.Reports != nil,
				create: func() error {
					return b.stores.Reports.CreateMonthly(b.ctx, &reports.MonthlyReport{Period: reports.Period{Year: 2025, Month: time.March},
						History: []onboarding.Event{ev(1, "month.opened", "ucc-analyst", p14)}})
				},
				update: func(add bool, err error) error {
					return b.stores.Reports.UpdateMonthly(b.ctx, reports.Period{Year: 2025, Month: time.March}, func(m *reports.MonthlyReport) error {
						if add {
							m.History = append(m.History, ev(len(m.History)+1, "report.sent", "ucc-head", p14))
						}
						return err
					})
				},
				first: want{"month.opened", "ucc-analyst", "Rules130 p.14"}, second: want{"report.sent", "ucc-head", "Rules130 p.14"},
			},
			{
				name: "reconciliation", aggregate: "reconciliations/r-1", present: b.stores.Reports != nil,
				create: func() error {
					return b.stores.Reports.CreateReconciliation(b.ctx, &reports.Reconciliation{ID: "r-1", Period: reports.Period{Year: 2025, Month: time.March}, ReceivedAt: at,
						History: []onboarding.Event{ev(1, "reconciliation.opened", "ucc-analyst", deadlines.Cite(deadlines.Rules130, 16))}})
				},
				update: func(add bool, err error) error {
					return b.stores.Reports.UpdateReconciliation(b.ctx, "r-1", func(r *reports.Reconciliation) error {
						if add {
							r.History = append(r.History, ev(len(r.History)+1, "reconciliation.closed", "ucc-head", deadlines.Cite(deadlines.Rules130, 16)))
						}
						return err
					})
				},
				first: want{"reconciliation.opened", "ucc-analyst", "Rules130 p.16"}, second: want{"reconciliation.closed", "ucc-head", "Rules130 p.16"},
			},
			{
				name: "desk delivery", aggregate: "desk_deliveries/d-1", present: b.stores.Desk != nil,
				create: func() error {
					return b.stores.Desk.CreateDelivery(b.ctx, &desk.Delivery{ID: "d-1", Application: "d-1", ServiceID: b.service.ID, ProviderID: "ministry",
						Recipient: "900101300017", Zone: "Asia/Almaty", ReceivedAt: at, Stages: []desk.StageRecord{stage(desk.StageReceived, "clerk", p5)}})
				},
				update: func(add bool, err error) error {
					return b.stores.Desk.UpdateDelivery(b.ctx, "d-1", func(d *desk.Delivery) error {
						if add {
							d.Stages = append(d.Stages, stage(desk.StageInProgress, "officer", p14))
						}
						return err
					})
				},
				first:  want{desk.StageReceived.String(), "clerk", "Rules130 p.5"},
				second: want{desk.StageInProgress.String(), "officer", "Rules130 p.14"},
			},
		}
		boom := errors.New("boom")
		for _, tc := range cases {
			if !tc.present {
				continue
			}
			require.NoError(t, tc.create(), tc.name)
			require.ErrorIs(t, tc.update(true, boom), boom, tc.name)
			require.NoError(t, tc.update(true, nil), tc.name)
			require.NoError(t, tc.update(false, nil), tc.name)
			trail := b.trail(t, tc.aggregate)
			b.requireChained(t, trail)
			got := make([]want, len(trail))
			for i, e := range trail {
				got[i] = want{e.Type, e.Actor, e.Rule}
			}
			require.Equal(t, []want{tc.first, tc.second, {"changed", "system", ""}}, got, "%s: the failed change left no entry", tc.name)
		}

		// Aggregates without a history: created by "system"; a timer
		// cites the rule of its ledger; an appeal names who recorded it.
		created := []string{"bodies/ministry", "services/" + b.service.ID}
		if b.stores.Timers != nil {
			tm, err := deadlines.NewTimer(b.cal, "t-1", "information", deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: p5}, at)
			require.NoError(t, err)
			require.NoError(t, b.stores.Timers.CreateTimer(b.ctx, tm))
			require.NoError(t, b.stores.Timers.UpdateTimer(b.ctx, "t-1", func(tm *deadlines.Timer) error {
				return tm.Stop(b.cal, at.Add(time.Hour), p5, "provided")
			}))
			trail := b.trail(t, "timers/t-1")
			b.requireChained(t, trail)
			require.Len(t, trail, 2)
			require.Equal(t, "Rules130 p.5", trail[1].Rule, "a timer's change cites the rule of its ledger entry")
		}
		if b.stores.Appeals != nil {
			a := newAppeal("ap-1", at, "ministry")
			require.NoError(t, b.stores.Appeals.CreateAppeal(b.ctx, a))
			trail := b.trail(t, "appeals/ap-1")
			b.requireChained(t, trail)
			require.Len(t, trail, 1)
			require.Equal(t, "appeal.recorded", trail[0].Type)
			require.Equal(t, a.RecordedBy, trail[0].Actor, "an appeal's entry names who recorded it")
			require.Equal(t, "Rules130 p.14", trail[0].Rule)
		}
		for _, agg := range created {
			trail := b.trail(t, agg)
			b.requireChained(t, trail)
			require.Len(t, trail, 1, agg)
			require.Equal(t, "created", trail[0].Type, agg)
		}
		require.Empty(t, b.trail(t, "onboardings/never-stored"))
		require.NoError(t, b.audit.VerifyAudit(b.ctx))
	})

	t.Run("RequestAndLedgerAreAuditedTogether", func(t *testing.T) {
		t.Parallel()
		b := setupAudit(t, h)
		r := b.ask(t, "r-1", b.ministry.ID, b.at(time.March, 18, 10))
		key := onboarding.LedgerKey{BodyID: b.ministry.ID, Period: "2025-03"}
		answer := func(err error) error {
			return b.store.AnswerRequest(b.ctx, r.ID, key, func(r *onboarding.InfoRequest, l *onboarding.RefusalLedger) error {
				at := b.at(time.March, 19, 11)
				r.Answer = &onboarding.Answer{Kind: onboarding.Refused, At: at, By: "body-clerk", Text: "no", Recorded: at}
				l.Refusals = append(l.Refusals, onboarding.Refusal{RequestID: r.ID, At: at, Text: "no"})
				l.History = append(l.History, onboarding.Event{Seq: len(l.History) + 1, Type: "refusal.recorded", Actor: "body-clerk",
					Rule: deadlines.Cite(deadlines.Rules130, 12), At: at, Recorded: at})
				return err
			})
		}
		boom := errors.New("boom")
		require.ErrorIs(t, answer(boom), boom)
		require.Len(t, b.trail(t, "requests/r-1"), 1, "a failed answer is not audited")
		require.Empty(t, b.trail(t, "ledgers/"+key.String()), "nor the ledger it would have created")
		require.NoError(t, answer(nil))

		type want struct{ typ, actor, rule string }
		summary := func(trail []audit.Entry) []want {
			b.requireChained(t, trail)
			out := make([]want, len(trail))
			for i, e := range trail {
				out[i] = want{e.Type, e.Actor, e.Rule}
			}
			return out
		}
		require.Equal(t, []want{{"asked", "ucc-operator", "Rules130 p.10"}, {"answered: " + onboarding.Refused.String(), "body-clerk", "Rules130 p.11"}},
			summary(b.trail(t, "requests/r-1")))
		require.Equal(t, []want{{"created", "system", ""}, {"refusal.recorded", "body-clerk", "Rules130 p.12"}},
			summary(b.trail(t, "ledgers/"+key.String())), "the ledger is created empty, then changed, in the answer's transaction")
		require.NoError(t, b.audit.VerifyAudit(b.ctx))
	})

	t.Run("VerifyFindsTampering", func(t *testing.T) {
		t.Parallel()
		const n = 7 // the lifecycle's entries
		tests := []struct {
			name string
			seq  int
			how  Tampering
			kind audit.Kind
			at   int // the sequence number the problem names
		}{
			{"an edited entry", 3, EditEntry, audit.Edited, 3},
			{"the first entry deleted", 1, DeleteEntry, audit.Deleted, 1},
			{"a middle entry deleted", 4, DeleteEntry, audit.Deleted, 4},
			{"the newest entry deleted", n, DeleteEntry, audit.Deleted, n},
			{"a reordered entry", 2, ReorderEntry, audit.Reordered, 2},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				b := setupAudit(t, h)
				if b.stores.TamperAudit == nil {
					t.Skip("the harness cannot tamper with the audit log (Stores.TamperAudit is nil)")
				}
				o := b.advance(t, b.start(t, b.service.ID, b.ministry.ID), onboarding.StateProtocolSigned)
				agg := "onboardings/" + o.ID
				require.Len(t, b.trail(t, agg), n)
				require.NoError(t, b.audit.VerifyAudit(b.ctx), "honest data verifies")

				require.NoError(t, b.stores.TamperAudit(b.ctx, agg, tc.seq, tc.how))
				err := b.audit.VerifyAudit(b.ctx)
				require.ErrorIs(t, err, audit.ErrTampered)
				var te *audit.TamperError
				require.ErrorAs(t, err, &te)
				found := false
				for _, p := range te.Problems {
					require.Equal(t, agg, p.Aggregate, "only the tampered aggregate is blamed: %v", te)
					found = found || (p.Seq == tc.at && p.Kind == tc.kind)
				}
				require.True(t, found, "want %s #%d %s in %v", agg, tc.at, tc.kind, te)
			})
		}
	})
	t.Run("AnchorFindsDeletedAndRewrittenAggregates", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			how  Tampering
			seq  int // the entry rewritten from
			kind audit.Kind
		}{{DeleteAggregate, 0, audit.Deleted}, {RewriteChain, 1, audit.Edited}, {RewriteChain, 4, audit.Edited}} {
			t.Run(fmt.Sprintf("%s from #%d", tc.how, tc.seq), func(t *testing.T) {
				t.Parallel()
				b := setupAudit(t, h)
				if b.stores.TamperAudit == nil {
					t.Skip("the harness cannot tamper with the audit log (Stores.TamperAudit is nil)")
				}
				victim := b.advance(t, b.start(t, b.service.ID, b.ministry.ID), onboarding.StateProtocolSigned)
				other := b.start(t, b.service.ID, b.akimat.ID)
				anchor, err := b.audit.AuditHeads(b.ctx)
				require.NoError(t, err)
				agg := "onboardings/" + victim.ID
				i := slices.IndexFunc(anchor, func(hd audit.Head) bool { return hd.Aggregate == agg })
				require.GreaterOrEqual(t, i, 0, "every aggregate is anchored: %v", anchor)
				trail := b.trail(t, agg)
				require.Equal(t, audit.Head{Aggregate: agg, Seq: len(trail), Hash: trail[len(trail)-1].Hash}, anchor[i])
				require.True(t, slices.IsSortedFunc(anchor, func(a, b audit.Head) int { return strings.Compare(a.Aggregate, b.Aggregate) }))

				// Honest changes after the anchor extend the chains it holds.
				b.advance(t, other, onboarding.StateProtocolSigned)
				require.NoError(t, b.audit.VerifyAuditAnchored(b.ctx, anchor))

				require.NoError(t, b.stores.TamperAudit(b.ctx, agg, tc.seq, tc.how))
				require.NoError(t, b.audit.VerifyAudit(b.ctx), "the chains alone cannot see this: what the anchor is for")
				err = b.audit.VerifyAuditAnchored(b.ctx, anchor)
				require.ErrorIs(t, err, audit.ErrTampered)
				var te *audit.TamperError
				require.ErrorAs(t, err, &te)
				require.Equal(t, []audit.Problem{{Aggregate: agg, Seq: anchor[i].Seq, Kind: tc.kind}},
					withoutDetail(te.Problems), "exactly the anchored head of the victim")
			})
		}
	})
}

func withoutDetail(ps []audit.Problem) []audit.Problem {
	out := slices.Clone(ps)
	for i := range out {
		out[i].Detail = ""
	}
	return out
}
