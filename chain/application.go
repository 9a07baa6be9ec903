package chain

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Status is where a component service of an application stands.
type Status uint8

// Statuses. A component starts Waiting (or Routed, when it has no
// prerequisite), becomes Routed when the application is sent to its
// provider, InProgress on receipt (its term starts, p.5), and ends
// Completed, Refused or Stopped.
const (
	StatusWaiting    Status = iota + 1 // a prerequisite has no result yet (p.7)
	StatusRouted                       // sent to the provider, receipt not yet acknowledged (p.8)
	StatusInProgress                   // received by the provider; its term runs (p.5)
	StatusCompleted                    // the result is issued (p.4, p.11)
	StatusRefused                      // refused on a ground of its by-laws (p.10)
	StatusStopped                      // a prerequisite was refused, so it cannot be delivered (p.7, p.10)
)

var statusLabels = map[Status]deadlines.Names{
	StatusWaiting:    {KK: "Алдыңғы қызметтің нәтижесін күтуде", RU: "Ожидает результата предыдущей услуги", EN: "waiting for a prerequisite"},
	StatusRouted:     {KK: "Көрсетілетін қызметті берушіге жолданды", RU: "Направлено услугодателю", EN: "sent to the provider"},
	StatusInProgress: {KK: "Орындалуда", RU: "На исполнении", EN: "in progress"},
	StatusCompleted:  {KK: "Орындалды", RU: "Исполнено", EN: "completed"},
	StatusRefused:    {KK: "Бас тартылды", RU: "Отказано", EN: "refused"},
	StatusStopped:    {KK: "Тоқтатылды", RU: "Прекращено", EN: "stopped"},
}

// Label is the status in Kazakh, Russian and English (Rules472 p.9).
func (s Status) Label() deadlines.Names { return statusLabels[s] }

func (s Status) String() string {
	if l, ok := statusLabels[s]; ok {
		return l.EN
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Final reports whether nothing more happens to the component unless an
// appeal reopens it.
func (s Status) Final() bool { return s >= StatusCompleted }

// MarshalText writes the English label.
func (s Status) MarshalText() ([]byte, error) {
	if _, ok := statusLabels[s]; !ok {
		return nil, fmt.Errorf("chain: unknown status %d", s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads an English label.
func (s *Status) UnmarshalText(b []byte) error {
	for k, l := range statusLabels {
		if l.EN == string(b) {
			*s = k
			return nil
		}
	}
	return fmt.Errorf("chain: unknown status %q", b)
}

// Signed is the recipient's EDS-signed application: the original bytes and
// signature exactly as submitted, and what the verifier answered about
// them. It stays on the application so every provider can verify it again
// (Rules472 p.8).
type Signed struct {
	Document  []byte    `json:"document"`
	Signature []byte    `json:"signature"`
	Evidence  Evidence  `json:"evidence"`
	CheckedAt time.Time `json:"checked_at"`
}

// Delivery is the state of sending the application to a provider: at
// least once, under one idempotency key per round (Rules472 p.8).
type Delivery struct {
	Key       string    `json:"key"`
	Pending   bool      `json:"pending"` // not yet acknowledged by the provider
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	SentAt    time.Time `json:"sent_at,omitzero"`
	Reference string    `json:"reference,omitempty"` // the provider's registration number
}

// Payment is a paid component's payment (Rules472 p.6).
type Payment struct {
	Required   bool          `json:"required"`
	AmountTiyn int64         `json:"amount_tiyn,omitempty"`
	Method     PaymentMethod `json:"method,omitempty"`
	Receipt    string        `json:"receipt,omitempty"` // the receipt's number in the definition's receipt form
	PaidAt     time.Time     `json:"paid_at,omitzero"`
}

// Paid reports whether the payment is made (or none is required).
func (p Payment) Paid() bool { return !p.Required || !p.PaidAt.IsZero() }

// Issued is a component's result: a result of the composite service
// (Rules472 p.4) issued as its by-laws set (p.11) in a channel (p.13).
type Issued struct {
	Channel   Channel           `json:"channel"`
	Reference string            `json:"reference"` // e.g. the certificate's number
	Fields    map[string]string `json:"fields,omitempty"`
	At        time.Time         `json:"at"`
	Actor     string            `json:"actor"`
}

// Refusal is a provider's refusal on a ground of the component's by-laws
// (Rules472 p.10).
type Refusal struct {
	Ground string    `json:"ground"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
}

// Outcome is how an appeal ended.
type Outcome uint8

// Appeal outcomes.
const (
	OutcomePending   Outcome = iota // not decided yet
	OutcomeSatisfied                // the appeal succeeds: the component is reopened
	OutcomeDismissed                // the result or refusal stands
)

var outcomeNames = [...]string{"pending", "satisfied", "dismissed"}

func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// MarshalText writes the name.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads a name.
func (o *Outcome) UnmarshalText(b []byte) error {
	i := slices.Index(outcomeNames[:], string(b))
	if i < 0 {
		return fmt.Errorf("chain: unknown appeal outcome %q", b)
	}
	*o = Outcome(i)
	return nil
}

// AppealCase is a recipient's appeal of a component's result or refusal,
// heard by the definition's appeal route within its term (Rules472 p.12).
type AppealCase struct {
	Seq       int             `json:"seq"`
	Against   Status          `json:"against"` // StatusCompleted (the result) or StatusRefused (the refusal)
	Reason    string          `json:"reason"`
	FiledAt   time.Time       `json:"filed_at"`
	Route     string          `json:"route"`
	Timer     deadlines.Timer `json:"timer"`
	Outcome   Outcome         `json:"outcome"`
	DecidedAt time.Time       `json:"decided_at,omitzero"`
	Note      string          `json:"note,omitempty"`
}

// ComponentState is one component service of an application.
type ComponentState struct {
	ID         string          `json:"id"`
	ServiceID  string          `json:"service_id"`
	ProviderID string          `json:"provider_id"`
	Zone       string          `json:"zone"` // the provider's zone: its civil dates count the term
	Status     Status          `json:"status"`
	Round      int             `json:"round"`             // 1, +1 each time an appeal reopens it
	Delivery   Delivery        `json:"delivery,omitzero"` // zero until routed
	ReceivedAt time.Time       `json:"received_at,omitzero"`
	Timer      deadlines.Timer `json:"timer,omitzero"` // the term of the current round (p.5); zero until received
	Payment    Payment         `json:"payment"`
	Result     *Issued         `json:"result,omitempty"`
	Refusal    *Refusal        `json:"refusal,omitempty"`
	StoppedBy  string          `json:"stopped_by,omitempty"` // the refused prerequisite
	Appeals    []AppealCase    `json:"appeals,omitempty"`
}

// Event is one entry of an application's history, with the point it
// implements (Rules472 p.9: the UCC sees the full history).
type Event struct {
	Seq       int                `json:"seq"`
	Type      string             `json:"type"`
	Component string             `json:"component,omitempty"`
	Rule      deadlines.Citation `json:"rule"`
	Actor     string             `json:"actor"`
	At        time.Time          `json:"at"`       // when it happened
	Recorded  time.Time          `json:"recorded"` // the clock's now when qyzmet recorded it
	Note      string             `json:"note,omitempty"`
}

// Application is one recipient's application for a composite service and
// the state of each of its components.
type Application struct {
	ID           string   `json:"id"`
	DefinitionID string   `json:"definition_id"`
	Recipient    string   `json:"recipient"` // IIN or BIN
	Facts        []string `json:"facts,omitempty"`
	// Data is the application: what the recipient submitted, enriched with
	// each delivered result's declared fields (Rules472 p.7).
	Data        map[string]string `json:"data,omitempty"`
	Signed      Signed            `json:"signed"`
	SubmittedAt time.Time         `json:"submitted_at"`
	Components  []ComponentState  `json:"components"`
	History     []Event           `json:"history"`
}

// Clone returns a deep copy of a: it shares no memory with a, so either
// may be changed freely.
//
// A clone is what stores and the router's queries hand out, so it is built
// with few allocations: the timers' rungs, ledgers and schedules of all
// components and appeals each share one array (clipped per timer, so an
// append to one reallocates instead of reaching its neighbour), the
// results share one array, and the signed document and signature one
// buffer. Nil slices and maps stay nil, empty ones stay empty.
func (a *Application) Clone() *Application {
	c := *a
	c.Facts = slices.Clone(a.Facts)
	c.Data = maps.Clone(a.Data)
	c.Signed.Document, c.Signed.Signature = cloneBytes2(a.Signed.Document, a.Signed.Signature)
	c.History = slices.Clone(a.History)
	c.Components = slices.Clone(a.Components)
	var sz slabSizes
	nResults := 0
	for i := range a.Components {
		s := &a.Components[i]
		sz.add(&s.Timer)
		for j := range s.Appeals {
			sz.add(&s.Appeals[j].Timer)
		}
		if s.Result != nil {
			nResults++
		}
	}
	sl := sz.slabs()
	var results []Issued
	if nResults > 0 {
		results = make([]Issued, 0, nResults)
	}
	for i := range c.Components {
		s := &c.Components[i]
		sl.timer(&s.Timer)
		if s.Result != nil {
			results = append(results, *s.Result)
			r := &results[len(results)-1]
			r.Fields = maps.Clone(r.Fields)
			s.Result = r
		}
		if s.Refusal != nil {
			r := *s.Refusal
			s.Refusal = &r
		}
		if s.Appeals != nil {
			s.Appeals = slices.Clone(s.Appeals)
			for j := range s.Appeals {
				sl.timer(&s.Appeals[j].Timer)
			}
		}
	}
	return &c
}

// cloneBytes2 copies a and b into one new buffer.
func cloneBytes2(a, b []byte) ([]byte, []byte) {
	if len(a)+len(b) == 0 {
		return slices.Clone(a), slices.Clone(b)
	}
	buf := make([]byte, len(a)+len(b))
	n := copy(buf, a)
	copy(buf[n:], b)
	ca, cb := buf[:n:n], buf[n:]
	if a == nil {
		ca = nil
	}
	if b == nil {
		cb = nil
	}
	return ca, cb
}

// slabSizes counts the elements of the timers' slices a clone copies.
type slabSizes struct{ rungs, ledger, schedule int }

func (z *slabSizes) add(t *deadlines.Timer) {
	z.rungs += len(t.Rungs)
	z.ledger += len(t.Ledger)
	z.schedule += len(t.Schedule)
}

func (z slabSizes) slabs() timerSlabs {
	var s timerSlabs
	if z.rungs > 0 {
		s.rungs = make([]deadlines.Rung, 0, z.rungs)
	}
	if z.ledger > 0 {
		s.ledger = make([]deadlines.Entry, 0, z.ledger)
	}
	if z.schedule > 0 {
		s.schedule = make([]deadlines.Firing, 0, z.schedule)
	}
	return s
}

// timerSlabs are the arrays a clone's timers' slices are carved from.
type timerSlabs struct {
	rungs    []deadlines.Rung
	ledger   []deadlines.Entry
	schedule []deadlines.Firing
}

// timer points t's slices, which still share the original's arrays, at
// copies carved from the slabs.
func (s *timerSlabs) timer(t *deadlines.Timer) {
	t.Rungs = carve(&s.rungs, t.Rungs)
	t.Ledger = carve(&s.ledger, t.Ledger)
	t.Schedule = carve(&s.schedule, t.Schedule)
}

// carve appends src to *slab and returns the copy, clipped to its length;
// like slices.Clone it keeps a nil src nil and an empty one empty.
func carve[T any](slab *[]T, src []T) []T {
	if len(src) == 0 {
		return src[:0:0]
	}
	n := len(*slab)
	*slab = append(*slab, src...)
	return (*slab)[n : n+len(src) : n+len(src)]
}

// Component returns the state of component id, or nil.
func (a *Application) Component(id string) *ComponentState {
	for i := range a.Components {
		if a.Components[i].ID == id {
			return &a.Components[i]
		}
	}
	return nil
}

// PendingDispatch reports whether a delivery to a provider waits for its
// acknowledgement.
func (a *Application) PendingDispatch() bool {
	return slices.ContainsFunc(a.Components, func(s ComponentState) bool { return s.Delivery.Pending })
}

// Done reports whether every component is completed, refused or stopped.
func (a *Application) Done() bool {
	return !slices.ContainsFunc(a.Components, func(s ComponentState) bool { return !s.Status.Final() })
}

// Timers returns every timer of the application: components' terms and
// appeals'. Stores index their schedules.
func (a *Application) Timers() []*deadlines.Timer {
	var out []*deadlines.Timer
	for i := range a.Components {
		s := &a.Components[i]
		if s.Timer.ID != "" {
			out = append(out, &s.Timer)
		}
		for j := range s.Appeals {
			out = append(out, &s.Appeals[j].Timer)
		}
	}
	return out
}

// termFor is Component.TermFor over the application's facts.
func (a *Application) termFor(c Component) deadlines.Term {
	for _, cond := range c.Conditions {
		if slices.Contains(a.Facts, cond.When) {
			return cond.Term
		}
	}
	return c.Term
}

// step is what a transition needs besides the application: the clock's
// now, the actor, the definition (with its compiled plan) and the router
// that starts timers.
type step struct {
	now   time.Time
	actor string
	def   *Definition
	plan  *plan
	r     *Router
}

func (s step) cal(zone string) (*deadlines.Calendar, error) { return s.r.calIn(zone) }

func (s step) rungs(c deadlines.Citation) []deadlines.Rung { return s.r.rungsFor(c) }

func (a *Application) record(s step, typ, component string, r deadlines.Citation, at time.Time, note string) {
	a.History = append(a.History, Event{Seq: len(a.History) + 1, Type: typ, Component: component, Rule: r, Actor: s.actor, At: at, Recorded: s.now, Note: note})
}

// deliveryKey is the idempotency key of a component's delivery in a round.
func deliveryKey(appID, componentID string, round int) string {
	return appID + "/" + componentID + "/" + strconv.Itoa(round)
}

// timerIDAndSubject returns the ID of a component's term timer,
// "chain/<app>/<component>/<round>", and its subject, "application <app>:
// <component>", built as one string.
func timerIDAndSubject(appID, componentID string, round int) (id, subject string) {
	var r [20]byte
	rs := strconv.AppendInt(r[:0], int64(round), 10)
	var b strings.Builder
	b.Grow(len("chain/") + len(appID) + 1 + len(componentID) + 1 + len(rs) + len("application ") + len(appID) + len(": ") + len(componentID))
	b.WriteString("chain/")
	b.WriteString(appID)
	b.WriteByte('/')
	b.WriteString(componentID)
	b.WriteByte('/')
	b.Write(rs)
	n := b.Len()
	b.WriteString("application ")
	b.WriteString(appID)
	b.WriteString(": ")
	b.WriteString(componentID)
	both := b.String()
	return both[:n], both[n:]
}

// appealTimerID names an appeal's timer: "chain/<app>/<component>/appeal/<seq>".
func appealTimerID(appID, componentID string, seq int) string {
	return "chain/" + appID + "/" + componentID + "/appeal/" + strconv.Itoa(seq)
}

// route sends the application to a component's provider (p.7, p.8): the
// delivery is pending until the provider acknowledges it.
func (a *Application) route(s step, cs *ComponentState, at time.Time) {
	cs.Status = StatusRouted
	cs.Delivery = Delivery{Key: deliveryKey(a.ID, cs.ID, cs.Round), Pending: true}
	note, ok := s.plan.routed[cs.ProviderID]
	if !ok {
		note = "to " + cs.ProviderID
	}
	a.record(s, "routed", cs.ID, rule(8), at, note)
}

// receive records the provider's acknowledgement: the component's term
// starts on receipt (p.5) and a paid component awaits payment (p.6).
func (a *Application) receive(s step, cs *ComponentState, key string, ack Ack) error {
	if cs.Delivery.Key != key || !cs.Delivery.Pending {
		return nil // acknowledged already, or superseded: at-least-once
	}
	c, err := s.cal(cs.Zone)
	if err != nil {
		return err
	}
	comp, _ := s.def.Component(cs.ID)
	term := a.termFor(comp)
	id, subject := timerIDAndSubject(a.ID, cs.ID, cs.Round)
	t, err := deadlines.NewTimer(c, id, subject, term, ack.ReceivedAt, s.rungs(term.Rule)...)
	if err != nil {
		return err
	}
	cs.Delivery.Pending = false
	cs.Delivery.LastError = ""
	cs.Delivery.SentAt = s.now
	cs.Delivery.Reference = ack.Reference
	cs.ReceivedAt = ack.ReceivedAt
	cs.Timer = *t
	cs.Status = StatusInProgress
	if comp.Fee.Paid && cs.Round == 1 {
		cs.Payment = Payment{Required: true, AmountTiyn: comp.Fee.AmountTiyn}
	}
	a.record(s, "received", cs.ID, term.Rule, ack.ReceivedAt, s.plan.receivedNote(term, t.Deadline(c).Due))
	return nil
}

// routeReady routes every waiting component whose prerequisites all have
// results (p.7, p.8).
func (a *Application) routeReady(s step, at time.Time) {
	for i := range a.Components {
		cs := &a.Components[i]
		if cs.Status != StatusWaiting {
			continue
		}
		comp, _ := s.def.Component(cs.ID)
		ready := true
		for _, p := range comp.Requires {
			if pre := a.Component(p.Component); pre == nil || pre.Status != StatusCompleted {
				ready = false
				break
			}
		}
		if ready {
			a.route(s, cs, at)
		}
	}
}

// stopDependants stops every component that needs id's result, directly or
// not, and has not ended: a refusal stops those and no others (p.10).
func (a *Application) stopDependants(s step, id string, at time.Time) {
	queue := []string{id}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, d := range s.def.Dependants(cur) {
			cs := a.Component(d)
			if cs == nil || cs.Status.Final() {
				continue
			}
			cs.Status = StatusStopped
			cs.StoppedBy = id
			cs.Delivery.Pending = false
			a.record(s, "stopped", d, rule(10), at, "prerequisite "+id+" was refused")
			queue = append(queue, d)
		}
	}
}

// restoreStopped returns stopped components to waiting when no
// prerequisite of theirs, direct or not, is refused any more, and routes
// those that are ready (after an appeal reopens a refused component).
func (a *Application) restoreStopped(s step, at time.Time) {
	for _, id := range s.def.Order() {
		cs := a.Component(id)
		if cs.Status != StatusStopped {
			continue
		}
		if by := a.refusedAncestor(s.def, id); by != "" {
			cs.StoppedBy = by
			continue
		}
		cs.Status = StatusWaiting
		cs.StoppedBy = ""
		a.record(s, "restored", id, rule(12), at, "no refused prerequisite any more")
	}
	a.routeReady(s, at)
}

// refusedAncestor returns a refused or stopped-by-refusal prerequisite of
// id, or "".
func (a *Application) refusedAncestor(d *Definition, id string) string {
	comp, _ := d.Component(id)
	for _, p := range comp.Requires {
		pre := a.Component(p.Component)
		switch pre.Status {
		case StatusRefused:
			return pre.ID
		case StatusStopped:
			if by := a.refusedAncestor(d, pre.ID); by != "" {
				return by
			}
		}
	}
	return ""
}
