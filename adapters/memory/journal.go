package memory

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// Option configures New.
type Option func(*Store)

// WithClock sets the clock that stamps audit entries and outbox messages
// (default deadlines.SystemClock: the adapter, like a database, records
// when it stored a change).
func WithClock(c deadlines.Clock) Option { return func(s *Store) { s.journal.clock = c } }

// WithoutAudit turns the audit log and the outbox off: state changes are
// neither audited nor published, VerifyAudit, AuditTrail and the outbox
// methods return an error wrapping errors.ErrUnsupported. It is for
// throughput benchmarks of the domain (onboarding's BenchmarkLifecycle
// compares both) and throwaway stores; keep the default everywhere else.
func WithoutAudit() Option { return func(s *Store) { s.journal.off = true } }

// errJournalOff is what the audit and outbox methods return WithoutAudit.
var errJournalOff = fmt.Errorf("memory: the audit log and the outbox are off (WithoutAudit): %w", errors.ErrUnsupported)

// journal is the audit log and the outbox, kept like sqlstore's tables:
// every state change appends an entry to its aggregate's trail, chained to
// the one before, and sets the aggregate's head; the events it recorded
// are queued in the outbox. Both happen under s.mu, in the critical
// section that changes the aggregate.
type journal struct {
	off    bool
	clock  deadlines.Clock
	trails map[string][]audit.Entry // aggregate → its entries in storage order
	heads  map[string]string        // aggregate → the hash of its newest entry (sqlstore's audit_head)
	outbox outboxQueue
}

func newJournal() journal {
	return journal{clock: deadlines.SystemClock{}, trails: map[string][]audit.Entry{}, heads: map[string]string{}, outbox: newOutboxQueue()}
}

// change is what an audit entry says of a state change.
type change struct{ typ, actor, rule string }

// event is one recorded event for the outbox.
type event struct {
	typ   string
	seq   int    // 1-based position in the aggregate's history
	id    string // instead of seq in the outbox key, for an event outside the history
	value any
}

// outboxKey is the event's idempotency key, as sqlstore's:
// "<aggregate>/<seq or id>".
func (e event) outboxKey(aggregate string) string {
	if e.id != "" {
		return aggregate + "/" + e.id
	}
	return aggregate + "/" + strconv.Itoa(e.seq)
}

// record is the audit entry and outbox messages of one state change.
type record struct {
	entry audit.Entry
	msgs  []message
}

// prepare builds the record of a change of the aggregate table/id to v:
// newest (the newest event the change recorded) names it, or, when nil,
// it is "created" or "changed" by "system"; events, the ones the change
// recorded, go to the outbox. It only encodes; commit stores. The caller
// holds s.mu.
func (j *journal) prepare(table, id string, v any, created bool, newest *change, events []event) (*record, error) {
	var prev *audit.Entry
	if t := j.trails[table+"/"+id]; !created && len(t) > 0 {
		prev = &t[len(t)-1]
	}
	return j.prepareAfter(prev, table, id, v, created, newest, events)
}

// prepareAfter is prepare with the aggregate's previous entry given (nil
// when created): one not committed yet.
func (j *journal) prepareAfter(prev *audit.Entry, table, id string, v any, created bool, newest *change, events []event) (*record, error) {
	if j.off {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("memory: encoding %s %q for its audit entry: %w", table, id, err)
	}
	agg := table + "/" + id
	c := change{typ: "changed", actor: "system"}
	if created {
		c.typ = "created"
	}
	if newest != nil {
		c = *newest
	}
	before := ""
	if prev != nil {
		// The aggregate only changes here, so its state before is the
		// state after the previous change.
		before = prev.After
	}
	now := j.clock.Now()
	r := &record{entry: audit.Next(prev, audit.Entry{
		Aggregate: agg, Type: c.typ, Actor: c.actor, Rule: c.rule, At: now, Before: before, After: audit.Digest(raw),
	})}
	for _, e := range events {
		payload, err := json.Marshal(struct {
			Aggregate string `json:"aggregate"`
			Event     any    `json:"event"`
		}{agg, e.value})
		if err != nil {
			return nil, fmt.Errorf("memory: encoding outbox event: %w", err)
		}
		r.msgs = append(r.msgs, message{key: e.outboxKey(agg), topic: table + "." + e.typ, payload: payload, nextAt: now})
	}
	return r, nil
}

// commit stores a prepared record. The caller holds s.mu.
func (j *journal) commit(r *record) {
	if r == nil {
		return
	}
	agg := r.entry.Aggregate
	j.trails[agg] = append(j.trails[agg], r.entry)
	j.heads[agg] = r.entry.Hash
	for _, m := range r.msgs {
		j.outbox.add(m)
	}
}

// audit prepares and commits in one step, for changes that are applied
// after it (or undone when it fails). The caller holds s.mu.
func (j *journal) audit(table, id string, v any, created bool, newest *change, events []event) error {
	r, err := j.prepare(table, id, v, created, newest, events)
	if err != nil {
		return err
	}
	j.commit(r)
	return nil
}

// onboardingChange is the change an onboarding history records from index
// before on: its newest event, or nil when it recorded none.
func onboardingChange(h []onboarding.Event, before int) *change {
	if len(h) <= before {
		return nil
	}
	e := h[len(h)-1]
	return &change{typ: e.Type, actor: e.Actor, rule: e.Rule.String()}
}

// onboardingEvents are the events of h from index from on.
func onboardingEvents(h []onboarding.Event, from int) []event {
	var out []event
	for i := from; i < len(h); i++ {
		out = append(out, event{typ: h[i].Type, seq: i + 1, value: h[i]})
	}
	return out
}

// AuditTrail returns an aggregate's audit entries ("applications/<id>",
// "onboardings/<id>", "ledgers/<body>/<period>", …) in sequence order, as
// sqlstore names them.
func (s *Store) AuditTrail(_ context.Context, aggregate string) ([]audit.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.journal.off {
		return nil, errJournalOff
	}
	out := slices.Clone(s.journal.trails[aggregate])
	slices.SortStableFunc(out, func(a, b audit.Entry) int { return a.Seq - b.Seq })
	return out, nil
}

// VerifyAudit checks every aggregate's audit chain against its head and
// returns a *audit.TamperError (errors.Is audit.ErrTampered) naming every
// edited, deleted or reordered entry, or nil.
func (s *Store) VerifyAudit(ctx context.Context) error {
	return s.VerifyAuditAnchored(ctx, nil)
}

// VerifyAuditAnchored is VerifyAudit that also checks an anchor taken with
// AuditHeads (audit.VerifyAnchored): an aggregate deleted with its whole
// chain, or a chain rewritten with its head, since then is reported too.
func (s *Store) VerifyAuditAnchored(_ context.Context, anchor []audit.Head) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := &s.journal
	if j.off {
		return errJournalOff
	}
	problems := audit.VerifyAnchored(anchor, j.trails)
	for agg, head := range j.heads {
		problems = append(problems, audit.Verify(agg, j.trails[agg], head)...)
	}
	for agg := range j.trails {
		if _, ok := j.heads[agg]; !ok {
			problems = append(problems, audit.Problem{Aggregate: agg, Kind: audit.Deleted, Detail: "entries of an aggregate that is gone"})
		}
	}
	if len(problems) == 0 {
		return nil
	}
	slices.SortFunc(problems, func(a, b audit.Problem) int {
		return cmp.Or(cmp.Compare(a.Aggregate, b.Aggregate), cmp.Compare(a.Seq, b.Seq))
	})
	return &audit.TamperError{Problems: problems}
}

// AuditHeads returns every aggregate's head, in aggregate order: an anchor
// to keep outside the store for VerifyAuditAnchored.
func (s *Store) AuditHeads(context.Context) ([]audit.Head, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := &s.journal
	if j.off {
		return nil, errJournalOff
	}
	out := make([]audit.Head, 0, len(j.heads))
	for agg, hash := range j.heads {
		hd := audit.Head{Aggregate: agg, Hash: hash}
		if i := slices.IndexFunc(j.trails[agg], func(e audit.Entry) bool { return e.Hash == hash }); i >= 0 {
			hd.Seq = j.trails[agg][i].Seq
		}
		out = append(out, hd)
	}
	slices.SortFunc(out, func(a, b audit.Head) int { return cmp.Compare(a.Aggregate, b.Aggregate) })
	return out, nil
}
