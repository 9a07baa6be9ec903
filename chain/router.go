package chain

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

// Config is what a Router needs. Store, Catalogue, Verifier, Data,
// Dispatcher, Calendar and Clock are required.
type Config struct {
	Store      Store
	Catalogue  Catalogue         // state services and provider bodies (onboarding.Store satisfies it)
	Verifier   SignatureVerifier // checks the EDS signature (p.8)
	Data       DataAvailability  // confirms the data each component needs (p.3)
	Dispatcher Dispatcher        // delivers the application to providers (p.8)
	Calendar   *deadlines.Calendar
	Clock      deadlines.Clock
	// Rungs returns the escalation rungs of the timers the router starts
	// (default: a warning one working day before the due date, and the
	// breach).
	Rungs func(deadlines.Citation) []deadlines.Rung
	// NewID returns new application IDs (default crypto/rand.Text).
	NewID func() string
}

// Router is the "one application" use cases (Rules472 p.3–p.13): it
// accepts signed applications, routes them through the composite
// service's components, records results, refusals, payments and appeals,
// and shows their status. It validates input before touching the store,
// writes through the store's update closures, and is safe for concurrent
// use.
type Router struct {
	cfg   Config
	plans sync.Map // definition ID → *plan
	zones sync.Map // zone name → *deadlines.Calendar
	rungs sync.Map // citation → []deadlines.Rung
}

// NewRouter checks cfg and returns a Router.
func NewRouter(cfg Config) (*Router, error) {
	var errs []error
	missing := func(field string, nilValue bool) {
		if nilValue {
			errs = append(errs, deadlines.Invalid(deadlines.Citation{}, field, "required"))
		}
	}
	missing("store", cfg.Store == nil)
	missing("catalogue", cfg.Catalogue == nil)
	missing("verifier", cfg.Verifier == nil)
	missing("data", cfg.Data == nil)
	missing("dispatcher", cfg.Dispatcher == nil)
	missing("calendar", cfg.Calendar == nil)
	missing("clock", cfg.Clock == nil)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Rungs == nil {
		cfg.Rungs = func(r deadlines.Citation) []deadlines.Rung {
			return []deadlines.Rung{deadlines.Warning(1, r), deadlines.Breach(r)}
		}
	}
	if cfg.NewID == nil {
		cfg.NewID = rand.Text
	}
	return &Router{cfg: cfg}, nil
}

// plan is a registered definition with what routing needs precomputed.
// It is never changed after compile, so transitions share it.
type plan struct {
	def   *Definition
	zones map[string]string   // component → provider's zone
	needs map[string][]string // component → data needed from state systems (p.3)
	order []string
	// History notes that depend on the definition only.
	routed map[string]string         // provider → "to <provider>"
	terms  map[deadlines.Term]string // a component's term → "term <term>, due "
}

// receivedNote is the note of a receipt: "term <term>, due <date>".
func (p *plan) receivedNote(term deadlines.Term, due time.Time) string {
	prefix, ok := p.terms[term]
	if !ok {
		prefix = "term " + term.String() + ", due "
	}
	var buf [64]byte
	return string(due.AppendFormat(append(buf[:0], prefix...), time.DateOnly))
}

func (r *Router) rungsFor(c deadlines.Citation) []deadlines.Rung {
	if v, ok := r.rungs.Load(c); ok {
		return v.([]deadlines.Rung)
	}
	v, _ := r.rungs.LoadOrStore(c, r.cfg.Rungs(c))
	return v.([]deadlines.Rung)
}

func (r *Router) calIn(zone string) (*deadlines.Calendar, error) {
	if c, ok := r.zones.Load(zone); ok {
		return c.(*deadlines.Calendar), nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, deadlines.Invalid(rule(5), "zone", err.Error())
	}
	c := r.cfg.Calendar.In(loc)
	r.zones.Store(zone, c)
	return c, nil
}

// RegisterDefinition validates a composite service against the rules and
// the catalogue (every component's state service and provider body exist,
// and the body provides that service) and stores it (Rules472 p.2).
func (r *Router) RegisterDefinition(ctx context.Context, d *Definition) error {
	if d == nil {
		return deadlines.Invalid(rule(2), "definition", "required")
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if _, err := r.compile(ctx, d); err != nil {
		return err
	}
	if err := r.cfg.Store.CreateDefinition(ctx, d.Clone()); err != nil {
		return fmt.Errorf("chain: definition %s: %w", d.ID, err)
	}
	return nil
}

// compile checks d against the catalogue and precomputes its plan.
func (r *Router) compile(ctx context.Context, d *Definition) (*plan, error) {
	p := &plan{
		def: d, zones: map[string]string{}, needs: map[string][]string{}, order: d.Order(),
		routed: map[string]string{}, terms: map[deadlines.Term]string{},
	}
	var errs []error
	for i, c := range d.Components {
		p.routed[c.ProviderID] = "to " + c.ProviderID
		p.terms[c.Term] = "term " + c.Term.String() + ", due "
		for _, cond := range c.Conditions {
			p.terms[cond.Term] = "term " + cond.Term.String() + ", due "
		}
		f := fmt.Sprintf("components[%d]", i)
		svc, err := r.cfg.Catalogue.GetService(ctx, c.ServiceID)
		if err != nil {
			errs = append(errs, &deadlines.RuleError{Rule: rule(2), Field: f + ".service_id", Err: err})
		}
		body, err := r.cfg.Catalogue.GetBody(ctx, c.ProviderID)
		switch {
		case err != nil:
			errs = append(errs, &deadlines.RuleError{Rule: rule(2), Field: f + ".provider_id", Err: err})
		case !body.Kind.Provider():
			errs = append(errs, deadlines.Invalid(rule(2), f+".provider_id", fmt.Sprintf("%s is a %s, not a service provider", body.ID, body.Kind)))
		case svc.ID != "" && len(svc.Providers) > 0 && !slices.Contains(svc.Providers, body.ID):
			errs = append(errs, deadlines.Invalid(rule(2), f+".provider_id", fmt.Sprintf("%s does not provide %s", body.ID, svc.ID)))
		default:
			if _, err := r.calIn(body.Zone); err != nil {
				errs = append(errs, err)
			}
			p.zones[c.ID] = body.Zone
		}
		// Data a prerequisite produces reaches the component by enrichment
		// (p.7); only the rest must be in state systems at submission (p.3).
		produced := map[string]bool{}
		for _, a := range d.ancestors(c.ID) {
			pre, _ := d.Component(a)
			for _, f := range pre.Produces {
				produced[f] = true
			}
		}
		for _, need := range c.RequiredData {
			if !produced[need] {
				p.needs[c.ID] = append(p.needs[c.ID], need)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// plan returns the compiled definition, cached: definitions never change.
func (r *Router) plan(ctx context.Context, id string) (*plan, error) {
	if p, ok := r.plans.Load(id); ok {
		return p.(*plan), nil
	}
	d, err := r.cfg.Store.GetDefinition(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := r.compile(ctx, d)
	if err != nil {
		return nil, err
	}
	v, _ := r.plans.LoadOrStore(id, p)
	return v.(*plan), nil
}

// Definition returns a registered definition.
func (r *Router) Definition(ctx context.Context, id string) (*Definition, error) {
	p, err := r.plan(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("chain: definition %s: %w", id, err)
	}
	return p.def.Clone(), nil
}

// Submission is one recipient's application for a composite service.
type Submission struct {
	DefinitionID string
	Recipient    string // IIN or BIN, checksum-validated
	Document     []byte // the signed original, stored unchanged
	Signature    []byte // CMS (PKCS#7) SignedData over Document
	// Facts switch components to conditional terms, e.g. "filed_late"
	// (p.5); each must be a condition of some component.
	Facts []string
	Data  map[string]string // the application's form fields
	Actor string            // who submits: "portal", a PSC operator…
}

// MissingDataError says which data a component needs that state
// information systems do not have (Rules472 p.3). errors.Is matches both
// ErrDataUnavailable and ErrInvalid.
type MissingDataError struct {
	Component string
	Missing   []string
}

func (e *MissingDataError) Error() string {
	return fmt.Sprintf("component %s: data not available in state information systems: %s", e.Component, strings.Join(e.Missing, ", "))
}

// Is makes the error match ErrDataUnavailable and ErrInvalid.
func (e *MissingDataError) Is(target error) bool {
	return target == ErrDataUnavailable || target == ErrInvalid
}

// Submit accepts an application: it checks the recipient, verifies the EDS
// signature and stores it with the evidence (p.8), confirms every
// component's data are available (p.3), and routes the application to the
// providers of the root components first (p.7). Bad input, a bad
// signature or missing data returns a typed error and stores nothing. The
// receipt names the new application and the components routed; Get or
// the views show it.
func (r *Router) Submit(ctx context.Context, in Submission) (Receipt, error) {
	var errs []error
	if _, err := kzid.Validate(in.Recipient); err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: rule(2), Field: "recipient", Err: err})
	}
	if len(in.Document) == 0 {
		errs = append(errs, deadlines.Invalid(rule(8), "document", "the signed application is required"))
	}
	if len(in.Signature) == 0 {
		errs = append(errs, deadlines.Invalid(rule(8), "signature", "the application is certified by EDS: signature required"))
	}
	if strings.TrimSpace(in.Actor) == "" {
		errs = append(errs, deadlines.Invalid(rule(8), "actor", "who submits is required"))
	}
	errs = append(errs, identityNumbers(rule(3), "data.", in.Data)...)
	p, err := r.plan(ctx, in.DefinitionID)
	if err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: rule(2), Field: "definition_id", Err: err})
	} else {
		for _, f := range in.Facts {
			if !slices.ContainsFunc(p.def.Components, func(c Component) bool {
				return slices.ContainsFunc(c.Conditions, func(k Condition) bool { return k.When == f })
			}) {
				errs = append(errs, deadlines.Invalid(rule(5), "facts", fmt.Sprintf("no component has a term conditional on %q", f)))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Receipt{}, err
	}
	now := r.cfg.Clock.Now()
	ev, err := r.cfg.Verifier.Verify(ctx, in.Document, in.Signature)
	if err != nil {
		return Receipt{}, fmt.Errorf("chain: verifying the signature: %w", err)
	}
	switch {
	case !ev.Valid:
		return Receipt{}, deadlines.Invalid(rule(8), "signature", "not valid: "+ev.Reason)
	case ev.Revocation == RevocationRevoked:
		return Receipt{}, deadlines.Invalid(rule(8), "signature", "the signer's certificate is revoked")
	case in.Recipient != ev.SignerIIN && in.Recipient != ev.SignerBIN:
		return Receipt{}, deadlines.Invalid(rule(8), "signature", "signed by "+kzid.Mask(ev.SignerIIN)+", not by the recipient")
	}
	for _, c := range p.def.Components {
		needs := p.needs[c.ID]
		if len(needs) == 0 {
			continue
		}
		missing, err := r.cfg.Data.Missing(ctx, in.Recipient, needs)
		if err != nil {
			return Receipt{}, fmt.Errorf("chain: checking data availability: %w", err)
		}
		if len(missing) > 0 {
			errs = append(errs, &deadlines.RuleError{Rule: rule(3), Field: "components." + c.ID, Err: &MissingDataError{Component: c.ID, Missing: missing}})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Receipt{}, err
	}

	facts := slices.Clone(in.Facts)
	slices.Sort(facts)
	// The store copies the application on the way in (Store's contract),
	// so the components and history built here are scratch, reused by the
	// next Submit. Room for the events of a smooth run: submitted, and per
	// component routed, received and its result.
	sc := scratchApps.Get().(*scratchApp)
	defer sc.release()
	doc, sig := cloneBytes2(in.Document, in.Signature)
	a := &sc.app
	*a = Application{
		ID: r.cfg.NewID(), DefinitionID: p.def.ID, Recipient: in.Recipient,
		// The caller's data as they are: the store copies them, and so
		// does every dispatch.
		Facts: slices.Compact(facts), Data: in.Data,
		Signed:      Signed{Document: doc, Signature: sig, Evidence: ev, CheckedAt: now},
		SubmittedAt: now,
		Components:  sc.components(len(p.order)),
		History:     sc.history(1 + 3*len(p.order)),
	}
	s := step{now: now, actor: in.Actor, def: p.def, plan: p, r: r}
	a.record(s, "submitted", "", rule(8), now, "signed by "+kzid.Mask(in.Recipient)+", verified by "+ev.Verifier)
	for _, id := range p.order {
		c, _ := p.def.Component(id)
		a.Components = append(a.Components, ComponentState{ID: c.ID, ServiceID: c.ServiceID, ProviderID: c.ProviderID, Zone: p.zones[c.ID], Status: StatusWaiting, Round: 1})
	}
	a.routeReady(s, now) // the roots first (p.7)
	rc := Receipt{ApplicationID: a.ID, Routed: routedSince(a, 0)}
	if err := r.cfg.Store.CreateApplication(ctx, a); err != nil {
		return Receipt{}, fmt.Errorf("chain: application %s: %w", a.ID, err)
	}
	c := r.command()
	defer c.release()
	c.rc = rc
	c.pending = a.appendDispatches(c.dispatchBuf)
	return c.deliver(ctx, c.pending)
}

// scratchApp is Submit's application before the store copies it, with the
// arrays its components and history reuse.
type scratchApp struct {
	app    Application
	comps  []ComponentState
	events []Event
}

var scratchApps = sync.Pool{New: func() any { return new(scratchApp) }}

// components returns an empty slice with room for n components.
func (sc *scratchApp) components(n int) []ComponentState {
	if cap(sc.comps) < n {
		sc.comps = make([]ComponentState, 0, n)
	}
	return sc.comps[:0]
}

// history returns an empty slice whose capacity is exactly n, so a store
// may take its capacity as the expected length.
func (sc *scratchApp) history(n int) []Event {
	if cap(sc.events) < n {
		sc.events = make([]Event, 0, n)
	}
	return sc.events[:0:n]
}

// release forgets the application (the deliveries made from it share
// only its document, signature and strings, none of them scratch) and
// returns the arrays to the pool.
func (sc *scratchApp) release() {
	clear(sc.comps[:cap(sc.comps)])
	clear(sc.events[:cap(sc.events)])
	sc.app = Application{}
	scratchApps.Put(sc)
}

// errStalePlan asks update to load a definition outside the store's
// transaction and try again.
var errStalePlan = errors.New("chain: definition not loaded")

// update runs one transition on component of an application and delivers
// what it routed. The receipt is read inside the store's update: no
// application is copied out.
func (r *Router) update(ctx context.Context, id, component, actor string, rl deadlines.Citation, fn func(*Application, step) error) (Receipt, error) {
	if strings.TrimSpace(actor) == "" {
		return Receipt{}, deadlines.Invalid(rl, "actor", "who acts is required")
	}
	c := r.command()
	defer c.release()
	c.component, c.actor, c.fn = component, actor, fn
	for range 2 {
		err := r.cfg.Store.UpdateApplication(ctx, id, c.transition)
		if errors.Is(err, errStalePlan) {
			if _, err := r.plan(ctx, c.defID); err != nil {
				return Receipt{}, fmt.Errorf("chain: application %s: %w", id, err)
			}
			continue
		}
		if err != nil {
			return Receipt{}, fmt.Errorf("chain: application %s: %w", id, err)
		}
		if c.pending != nil {
			c.rc.ApplicationID = id
			return c.deliver(ctx, c.pending)
		}
		return c.rc, nil
	}
	return Receipt{}, fmt.Errorf("chain: application %s: %w", id, errStalePlan)
}

// command is the state of one command's store updates: what the closures
// the store calls read and report back. Commands are pooled with their
// closures bound once, so a command allocates neither closures nor state
// for them. A store calls a closure only during UpdateApplication (and
// may call it again, so each starts afresh).
type command struct {
	r         *Router
	component string
	actor     string
	fn        func(*Application, step) error
	rc        Receipt
	pending   []Dispatch
	defID     string
	results   []delivered
	// dispatchBuf is the array pending reuses: the dispatcher takes each
	// Dispatch by value.
	dispatchBuf []Dispatch
	// transition is c.apply and acks c.recordAcks, bound once.
	transition, acks func(*Application) error
}

// delivered is what the dispatcher answered for one delivery.
type delivered struct {
	key string
	ack Ack
	err error
}

var commands = sync.Pool{New: func() any {
	c := new(command)
	c.transition, c.acks = c.apply, c.recordAcks
	return c
}}

func (r *Router) command() *command {
	c := commands.Get().(*command)
	c.r = r
	return c
}

// release forgets the command (the receipt and the deliveries handed out
// are the caller's: their arrays are not reused) and pools it.
func (c *command) release() {
	clear(c.results[:cap(c.results)])
	c.results = c.results[:0]
	if c.pending != nil {
		c.dispatchBuf = c.pending
	}
	clear(c.dispatchBuf[:cap(c.dispatchBuf)])
	c.r, c.fn, c.pending = nil, nil, nil
	c.component, c.actor, c.defID = "", "", ""
	c.rc = Receipt{}
	commands.Put(c)
}

// apply runs the transition inside the store's update and reads the
// receipt: what it routed, and, when nothing is to be delivered, the rest.
func (c *command) apply(a *Application) error {
	r := c.r
	p, ok := r.plans.Load(a.DefinitionID)
	if !ok {
		c.defID = a.DefinitionID
		return errStalePlan
	}
	pl := p.(*plan)
	s := step{now: r.cfg.Clock.Now(), actor: c.actor, def: pl.def, plan: pl, r: r}
	n := len(a.History)
	if err := c.fn(a, s); err != nil {
		return err
	}
	c.rc = Receipt{Component: c.component, Routed: routedSince(a, n)}
	// What the transition routed is delivered next, and that update
	// completes the receipt.
	if c.pending = a.appendDispatches(c.dispatchBuf); c.pending == nil {
		c.rc.fill(a)
	}
	return nil
}

// dispatches returns the deliveries a waits to make, or nil. They share one
// copy of the application's data.
func (a *Application) dispatches() []Dispatch { return a.appendDispatches(nil) }

// appendDispatches appends to out[:0] the deliveries a waits to make and
// returns it, or nil when there are none.
func (a *Application) appendDispatches(out []Dispatch) []Dispatch {
	n := 0
	for i := range a.Components {
		if a.Components[i].Delivery.Pending {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out = slices.Grow(out[:0], n)
	data := maps.Clone(a.Data)
	for i := range a.Components {
		cs := &a.Components[i]
		if !cs.Delivery.Pending {
			continue
		}
		out = append(out, Dispatch{
			Key: cs.Delivery.Key, ApplicationID: a.ID, DefinitionID: a.DefinitionID,
			ComponentID: cs.ID, ServiceID: cs.ServiceID, ProviderID: cs.ProviderID, Recipient: a.Recipient,
			Data: data, Document: a.Signed.Document, Signature: a.Signed.Signature,
		})
	}
	return out
}

// deliver sends the pending deliveries of an application to their
// providers and records the acknowledgements in one update (see
// command.deliver). It completes rc, which names the application.
func (r *Router) deliver(ctx context.Context, rc Receipt, ds []Dispatch) (Receipt, error) {
	c := r.command()
	defer c.release()
	c.rc = rc
	return c.deliver(ctx, ds)
}

// deliver sends ds to their providers and records the acknowledgements in
// one update. A failed delivery stays pending with its error and attempt
// count; Redeliver tries again with the same key. It completes c.rc (which
// names the application) from the application as stored afterwards. The
// transition that routed the deliveries is stored already, so when the
// acknowledgements cannot be recorded the deliveries are simply repeated
// later (at least once) and the receipt is read from the application as
// it is.
func (c *command) deliver(ctx context.Context, ds []Dispatch) (Receipt, error) {
	r, appID := c.r, c.rc.ApplicationID
	c.results = c.results[:0]
	for _, d := range ds {
		ack, err := r.cfg.Dispatcher.Dispatch(ctx, d)
		c.results = append(c.results, delivered{key: d.Key, ack: ack, err: err})
	}
	err := r.cfg.Store.UpdateApplication(ctx, appID, c.acks)
	if err == nil {
		return c.rc, nil
	}
	a, gerr := r.cfg.Store.GetApplication(ctx, appID)
	if gerr != nil {
		return Receipt{}, fmt.Errorf("chain: application %s is stored, but reading it back failed: %w", appID, errors.Join(err, gerr))
	}
	c.rc.fill(a)
	return c.rc, nil
}

// recordAcks records the dispatcher's answers inside the store's update.
func (c *command) recordAcks(cur *Application) error {
	r := c.r
	p, ok := r.plans.Load(cur.DefinitionID)
	if !ok {
		return errStalePlan
	}
	pl := p.(*plan)
	s := step{now: r.cfg.Clock.Now(), actor: "dispatcher", def: pl.def, plan: pl, r: r}
	for _, res := range c.results {
		cs := cur.componentByKey(res.key)
		if cs == nil || !cs.Delivery.Pending {
			continue
		}
		if res.err != nil {
			cs.Delivery.Attempts++
			cs.Delivery.LastError = res.err.Error()
			continue
		}
		ack := res.ack
		if ack.ReceivedAt.IsZero() || ack.ReceivedAt.After(s.now) {
			ack.ReceivedAt = s.now
		}
		cs.Delivery.Attempts++
		if err := cur.receive(s, cs, res.key, ack); err != nil {
			return err
		}
	}
	c.rc.fill(cur)
	return nil
}

func (a *Application) componentByKey(key string) *ComponentState {
	for i := range a.Components {
		if a.Components[i].Delivery.Key == key {
			return &a.Components[i]
		}
	}
	return nil
}

// Redeliver sends again every delivery not yet acknowledged (after a
// provider was down, or a crash between sending and recording), with the
// same idempotency keys. It returns how many applications it tried; run it
// periodically.
func (r *Router) Redeliver(ctx context.Context) (int, error) {
	apps, err := r.cfg.Store.ListApplications(ctx, ApplicationFilter{PendingDispatch: true})
	if err != nil {
		return 0, fmt.Errorf("chain: listing pending deliveries: %w", err)
	}
	for _, a := range apps {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if _, err := r.plan(ctx, a.DefinitionID); err != nil {
			return 0, fmt.Errorf("chain: application %s: %w", a.ID, err)
		}
		if _, err := r.deliver(ctx, Receipt{ApplicationID: a.ID}, a.dispatches()); err != nil {
			return 0, err
		}
	}
	return len(apps), nil
}

// checkAt validates the instant of a step: set, not in the future, and not
// before the step it follows.
func (s step) checkAt(r deadlines.Citation, at, after time.Time, afterWhat string) error {
	switch {
	case at.IsZero():
		return deadlines.Invalid(r, "at", "required")
	case at.After(s.now):
		return deadlines.Invalid(r, "at", "is in the future ("+at.Format(time.RFC3339)+")")
	case at.Before(after):
		return deadlines.Invalid(r, "at", fmt.Sprintf("is before %s (%s)", afterWhat, after.Format(time.RFC3339)))
	}
	return nil
}

// component finds a component of the application or returns a typed
// error naming it.
func (a *Application) component(r deadlines.Citation, id string) (*ComponentState, error) {
	if cs := a.Component(id); cs != nil {
		return cs, nil
	}
	return nil, deadlines.Wrap(r, "component", ErrNotFound, fmt.Sprintf("application %s has no component %q", a.ID, id))
}

func conflict(r deadlines.Citation, cs *ComponentState, what string) error {
	return deadlines.Wrap(r, "status", ErrConflict, fmt.Sprintf("%s is not allowed when %s is %s", what, cs.ID, cs.Status))
}

// Complete records a component's result (Rules472 p.4, p.11) in one of its
// channels (p.13), with every field it declares it produces. The
// application is enriched with those fields and routed to every dependant
// whose prerequisites are all complete (p.7, p.8); the receipt names them.
// Repeating the same result changes nothing.
func (r *Router) Complete(ctx context.Context, appID, componentID string, res Issued) (Receipt, error) {
	return r.update(ctx, appID, componentID, res.Actor, rule(4), func(a *Application, s step) error {
		cs, err := a.component(rule(4), componentID)
		if err != nil {
			return err
		}
		comp, _ := s.def.Component(componentID)
		if cs.Status == StatusCompleted && sameResult(*cs.Result, res) {
			return nil
		}
		if cs.Status != StatusInProgress {
			return conflict(rule(4), cs, "a result")
		}
		var errs []error
		if !slices.Contains(comp.Result.Channels, res.Channel) {
			errs = append(errs, deadlines.Invalid(rule(13), "channel", fmt.Sprintf("%s issues its result %v, not %q", comp.ID, comp.Result.Channels, res.Channel)))
		}
		if strings.TrimSpace(res.Reference) == "" {
			errs = append(errs, deadlines.Invalid(rule(11), "reference", "the result's number is required"))
		}
		for _, f := range comp.Produces {
			if res.Fields[f] == "" {
				errs = append(errs, deadlines.Invalid(rule(7), "fields."+f, "required: the next services need it"))
			}
		}
		for f := range res.Fields {
			if !slices.Contains(comp.Produces, f) {
				// Sorted, so the report reads the same every time.
				for _, f := range slices.Sorted(maps.Keys(res.Fields)) {
					if !slices.Contains(comp.Produces, f) {
						errs = append(errs, deadlines.Invalid(rule(7), "fields."+f, comp.ID+" does not produce it"))
					}
				}
				break
			}
		}
		errs = append(errs, identityNumbers(rule(7), "fields.", res.Fields)...)
		if err := s.checkAt(rule(4), res.At, cs.ReceivedAt, "the receipt"); err != nil {
			errs = append(errs, err)
		}
		if !cs.Payment.Paid() {
			errs = append(errs, deadlines.Wrap(rule(6), "payment", ErrConflict, comp.ID+" is paid: the result is issued after payment"))
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		c, err := s.cal(cs.Zone)
		if err != nil {
			return err
		}
		if err := cs.Timer.Stop(c, res.At, rule(4), "result issued"); err != nil {
			return err
		}
		issued := res
		issued.Fields = maps.Clone(res.Fields)
		cs.Result = &issued
		cs.Status = StatusCompleted
		if a.Data == nil && len(issued.Fields) > 0 {
			a.Data = make(map[string]string, len(issued.Fields))
		}
		maps.Copy(a.Data, issued.Fields)
		a.record(s, "completed", cs.ID, rule(4), res.At, comp.Result.Form+" "+res.Reference+" ("+string(res.Channel)+")")
		a.routeReady(s, res.At)
		return nil
	})
}

func sameResult(a, b Issued) bool {
	return a.Channel == b.Channel && a.Reference == b.Reference && maps.Equal(a.Fields, b.Fields)
}

// Refuse records a provider's refusal on one of the component's grounds
// (Rules472 p.10). It stops the components that depend on it, directly or
// not, and no others: independent branches go on. Repeating the same
// refusal changes nothing.
func (r *Router) Refuse(ctx context.Context, appID, componentID string, ref Refusal) (Receipt, error) {
	return r.update(ctx, appID, componentID, ref.Actor, rule(10), func(a *Application, s step) error {
		cs, err := a.component(rule(10), componentID)
		if err != nil {
			return err
		}
		comp, _ := s.def.Component(componentID)
		if cs.Status == StatusRefused && cs.Refusal.Ground == ref.Ground && cs.Refusal.Reason == ref.Reason {
			return nil
		}
		if cs.Status != StatusInProgress {
			return conflict(rule(10), cs, "a refusal")
		}
		var errs []error
		if !slices.ContainsFunc(comp.Grounds, func(g Ground) bool { return g.Code == ref.Ground }) {
			errs = append(errs, deadlines.Invalid(rule(10), "ground", fmt.Sprintf("%q is not a refusal ground of %s", ref.Ground, comp.ID)))
		}
		if err := s.checkAt(rule(10), ref.At, cs.ReceivedAt, "the receipt"); err != nil {
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		c, err := s.cal(cs.Zone)
		if err != nil {
			return err
		}
		if err := cs.Timer.Stop(c, ref.At, rule(10), "refused"); err != nil {
			return err
		}
		refusal := ref
		cs.Refusal = &refusal
		cs.Status = StatusRefused
		a.record(s, "refused", cs.ID, rule(10), ref.At, ref.Ground+": "+ref.Reason)
		a.stopDependants(s, cs.ID, ref.At)
		return nil
	})
}

// Pay records the payment of a paid component (Rules472 p.6): one of its
// methods, exactly its cost, and the receipt's number. Repeating the same
// payment changes nothing.
func (r *Router) Pay(ctx context.Context, appID, componentID string, pay Payment, actor string) (Receipt, error) {
	return r.update(ctx, appID, componentID, actor, rule(6), func(a *Application, s step) error {
		cs, err := a.component(rule(6), componentID)
		if err != nil {
			return err
		}
		comp, _ := s.def.Component(componentID)
		if !comp.Fee.Paid {
			return deadlines.Wrap(rule(6), "payment", ErrConflict, comp.ID+" is free")
		}
		if cs.Payment.Paid() {
			if cs.Payment.Method == pay.Method && cs.Payment.Receipt == pay.Receipt && cs.Payment.AmountTiyn == pay.AmountTiyn {
				return nil
			}
			return deadlines.Wrap(rule(6), "payment", ErrConflict, comp.ID+" is paid already")
		}
		if cs.Status != StatusInProgress {
			return conflict(rule(6), cs, "a payment")
		}
		var errs []error
		if !slices.Contains(comp.Fee.Methods, pay.Method) {
			errs = append(errs, deadlines.Invalid(rule(6), "method", fmt.Sprintf("%s is paid %v, not %q", comp.ID, comp.Fee.Methods, pay.Method)))
		}
		if pay.AmountTiyn != comp.Fee.AmountTiyn {
			errs = append(errs, deadlines.Invalid(rule(6), "amount_tiyn", fmt.Sprintf("%s costs %d tiyn, not %d", comp.ID, comp.Fee.AmountTiyn, pay.AmountTiyn)))
		}
		if strings.TrimSpace(pay.Receipt) == "" {
			errs = append(errs, deadlines.Invalid(rule(6), "receipt", "the "+comp.Fee.ReceiptForm+" number is required"))
		}
		if err := s.checkAt(rule(6), pay.PaidAt, cs.ReceivedAt, "the receipt"); err != nil {
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		cs.Payment = Payment{Required: true, AmountTiyn: pay.AmountTiyn, Method: pay.Method, Receipt: pay.Receipt, PaidAt: pay.PaidAt}
		a.record(s, "paid", cs.ID, rule(6), pay.PaidAt, fmt.Sprintf("%d tiyn, %s, %s %s", pay.AmountTiyn, pay.Method, comp.Fee.ReceiptForm, pay.Receipt))
		return nil
	})
}

// Appeal files the recipient's appeal of a component's result or refusal
// with the component's appeal route; the appeal's term runs from filing
// (Rules472 p.12). One appeal per component is heard at a time.
func (r *Router) Appeal(ctx context.Context, appID, componentID, reason string, at time.Time, actor string) (Receipt, error) {
	return r.update(ctx, appID, componentID, actor, rule(12), func(a *Application, s step) error {
		cs, err := a.component(rule(12), componentID)
		if err != nil {
			return err
		}
		comp, _ := s.def.Component(componentID)
		if cs.Status != StatusCompleted && cs.Status != StatusRefused {
			return conflict(rule(12), cs, "an appeal")
		}
		if n := len(cs.Appeals); n > 0 && cs.Appeals[n-1].Outcome == OutcomePending {
			return deadlines.Wrap(rule(12), "appeal", ErrConflict, fmt.Sprintf("appeal %d of %s is not decided yet", n, cs.ID))
		}
		decided := cs.ReceivedAt
		if cs.Result != nil {
			decided = cs.Result.At
		} else if cs.Refusal != nil {
			decided = cs.Refusal.At
		}
		var errs []error
		if strings.TrimSpace(reason) == "" {
			errs = append(errs, deadlines.Invalid(rule(12), "reason", "required"))
		}
		if err := s.checkAt(rule(12), at, decided, "the decision appealed"); err != nil {
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		c, err := s.cal(cs.Zone)
		if err != nil {
			return err
		}
		seq := len(cs.Appeals) + 1
		t, err := deadlines.NewTimer(c, appealTimerID(a.ID, cs.ID, seq), "appeal of "+a.ID+": "+cs.ID, comp.Appeal.Term, at, s.rungs(comp.Appeal.Term.Rule)...)
		if err != nil {
			return err
		}
		cs.Appeals = append(cs.Appeals, AppealCase{Seq: seq, Against: cs.Status, Reason: reason, FiledAt: at, Route: comp.Appeal.Route, Timer: *t})
		a.record(s, "appealed", cs.ID, rule(12), at, fmt.Sprintf("appeal %d to %s, due %s: %s", seq, comp.Appeal.Route, t.Deadline(c).Due.Format(time.DateOnly), reason))
		return nil
	})
}

// DecideAppeal records the outcome of appeal seq (Rules472 p.12). A
// satisfied appeal reopens the component: its result or refusal is set
// aside, a new round starts with its term from the decision, and the
// components stopped only because of its refusal wait again (and are
// routed when ready). A dismissed appeal leaves it as it was.
func (r *Router) DecideAppeal(ctx context.Context, appID, componentID string, seq int, outcome Outcome, at time.Time, note, actor string) (Receipt, error) {
	return r.update(ctx, appID, componentID, actor, rule(12), func(a *Application, s step) error {
		cs, err := a.component(rule(12), componentID)
		if err != nil {
			return err
		}
		if seq < 1 || seq > len(cs.Appeals) {
			return deadlines.Wrap(rule(12), "seq", ErrNotFound, fmt.Sprintf("%s has no appeal %d", cs.ID, seq))
		}
		ap := &cs.Appeals[seq-1]
		if ap.Outcome != OutcomePending {
			if ap.Outcome == outcome && ap.Note == note {
				return nil
			}
			return deadlines.Wrap(rule(12), "outcome", ErrConflict, fmt.Sprintf("appeal %d of %s was %s already", seq, cs.ID, ap.Outcome))
		}
		var errs []error
		if outcome != OutcomeSatisfied && outcome != OutcomeDismissed {
			errs = append(errs, deadlines.Invalid(rule(12), "outcome", "satisfied or dismissed"))
		}
		if err := s.checkAt(rule(12), at, ap.FiledAt, "the appeal"); err != nil {
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		c, err := s.cal(cs.Zone)
		if err != nil {
			return err
		}
		if err := ap.Timer.Stop(c, at, rule(12), "appeal "+outcome.String()); err != nil {
			return err
		}
		ap.Outcome, ap.DecidedAt, ap.Note = outcome, at, note
		a.record(s, "appeal-decided", cs.ID, rule(12), at, fmt.Sprintf("appeal %d %s: %s", seq, outcome, note))
		if outcome == OutcomeDismissed {
			return nil
		}
		// Reopen: a new round, received again at the decision (p.5, p.12).
		cs.Round++
		cs.Result, cs.Refusal = nil, nil
		cs.Delivery = Delivery{Key: deliveryKey(a.ID, cs.ID, cs.Round), Pending: true}
		if err := a.receive(s, cs, cs.Delivery.Key, Ack{ReceivedAt: at}); err != nil {
			return err
		}
		a.restoreStopped(s, at)
		return nil
	})
}

// HandleFiring is a deadlines.FiringHandler: it records the escalation of
// a component's or an appeal's missed term in the application's history,
// once per firing.
func (r *Router) HandleFiring(ctx context.Context, f deadlines.Firing) error {
	rest, ok := strings.CutPrefix(f.TimerID, "chain/")
	if !ok {
		return deadlines.Invalid(rule(5), "timer_id", "not a chain timer: "+f.TimerID)
	}
	appID, component, _ := strings.Cut(rest, "/")
	component, _, _ = strings.Cut(component, "/")
	note := fmt.Sprintf("%s: %s, due %s (%s)", f.Rung.Name, f.Subject, f.Due.Format(time.DateOnly), f.TimerID)
	err := r.cfg.Store.UpdateApplication(ctx, appID, func(a *Application) error {
		if slices.ContainsFunc(a.History, func(e Event) bool { return e.Type == "escalation" && e.Note == note }) {
			return nil
		}
		a.History = append(a.History, Event{Seq: len(a.History) + 1, Type: "escalation", Component: component, Rule: f.Rung.Rule, Actor: "sweeper", At: f.At, Recorded: f.FiredAt, Note: note})
		return nil
	})
	if err != nil {
		return fmt.Errorf("chain: escalation %s: %w", f.Key(), err)
	}
	return nil
}
