package desk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/onboarding"
)

// Config is what a Desk needs. Deliveries, Catalogue, Calendar and Clock
// are required; Composites is optional (without it the desk shows the
// components of composite applications that their providers received, but
// not the others).
type Config struct {
	Deliveries Store
	Catalogue  Catalogue
	Composites Composites // *chain.Router
	Calendar   *deadlines.Calendar
	Clock      deadlines.Clock
	// IndexMaxAge is how old (by Clock) the search index may grow before a
	// search rebuilds it (default one minute). Refresh rebuilds it at once.
	IndexMaxAge time.Duration
	// Limit is the most services a search returns (default 10).
	Limit int
}

// Desk answers what an operator of the UCC's 1414 line needs on a call: is
// the service consultable and what does it require (Rules130 p.3, p.5),
// and where is this citizen's application (p.13; Rules472 p.9 for
// composite ones). It only reads, and is safe for concurrent use.
type Desk struct {
	cfg   Config
	idx   atomic.Pointer[index]
	mu    sync.Mutex // serializes index rebuilds
	zones sync.Map   // zone name → *deadlines.Calendar
}

// New checks cfg and returns a Desk.
func New(cfg Config) (*Desk, error) {
	var errs []error
	missing := func(field string, isNil bool) {
		if isNil {
			errs = append(errs, deadlines.Invalid(deadlines.Citation{}, field, "required"))
		}
	}
	missing("deliveries", cfg.Deliveries == nil)
	missing("catalogue", cfg.Catalogue == nil)
	missing("calendar", cfg.Calendar == nil)
	missing("clock", cfg.Clock == nil)
	if cfg.IndexMaxAge < 0 || cfg.Limit < 0 {
		errs = append(errs, deadlines.Invalid(deadlines.Citation{}, "config", "IndexMaxAge and Limit cannot be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.IndexMaxAge == 0 {
		cfg.IndexMaxAge = time.Minute
	}
	if cfg.Limit == 0 {
		cfg.Limit = 10
	}
	return &Desk{cfg: cfg}, nil
}

func checkLang(lang string) error {
	switch lang {
	case "kk", "ru", "en":
		return nil
	}
	return deadlines.Invalid(r130(13), "lang", "kk, ru or en")
}

// Refresh rebuilds the search index from the catalogue now.
func (d *Desk) Refresh(ctx context.Context) error {
	_, err := d.rebuild(ctx, nil)
	return err
}

// rebuild builds a new index unless another call replaced stale meanwhile.
func (d *Desk) rebuild(ctx context.Context, stale *index) (*index, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if cur := d.idx.Load(); stale != nil && cur != stale {
		return cur, nil
	}
	idx, err := buildIndex(ctx, d.cfg.Catalogue, d.cfg.Clock.Now())
	if err != nil {
		return nil, err
	}
	d.idx.Store(idx)
	return idx, nil
}

// current returns the index, rebuilt when older than IndexMaxAge.
func (d *Desk) current(ctx context.Context, now time.Time) (*index, error) {
	idx := d.idx.Load()
	if idx != nil && now.Sub(idx.builtAt) <= d.cfg.IndexMaxAge {
		return idx, nil
	}
	if idx == nil {
		return d.rebuild(ctx, nil)
	}
	return d.rebuild(ctx, idx)
}

// ProviderInfo is a provider body's information about a service, as a UCC
// employee entered it into the UCC database (Rules130 p.5, p.6).
type ProviderInfo struct {
	BodyID      string                 `json:"body_id"`
	Body        string                 `json:"body"`
	Version     int                    `json:"version,omitempty"` // 0: no version entered yet
	Information onboarding.Information `json:"information,omitzero"`
	EnteredAt   time.Time              `json:"entered_at,omitzero"`
}

// ServiceAnswer is what the desk answers about a state service.
type ServiceAnswer struct {
	ServiceID      string          `json:"service_id"`
	RegisterNumber string          `json:"register_number"`
	Name           string          `json:"name"` // in the asked language
	Names          deadlines.Names `json:"names"`
	// Consultable: accepted for consultation and live (Rules130 p.3, p.9).
	// Only then are Providers and their information given.
	Consultable bool `json:"consultable"`
	// LiveFrom is set for a service accepted but not live yet: the date the
	// UCC starts informing about it (p.9).
	LiveFrom  time.Time            `json:"live_from,omitzero"`
	Providers []ProviderInfo       `json:"providers,omitempty"`
	Tell      string               `json:"tell"` // what the operator may tell the citizen
	Rules     []deadlines.Citation `json:"rules"`
	AsOf      time.Time            `json:"as_of"` // when the answer's catalogue data was read
}

// serviceAnswer answers about entry e at now.
func serviceAnswer(e *entry, bodies func(string) string, lang string, now, asOf time.Time) ServiceAnswer {
	a := ServiceAnswer{
		ServiceID: e.svc.ID, RegisterNumber: e.svc.RegisterNumber, Name: e.svc.Name.In(lang), Names: e.svc.Name, AsOf: asOf,
	}
	var soonest time.Time
	latest := 0
	for _, acc := range e.acceptances {
		switch {
		case acc.consultableOn(now):
			a.Consultable = true
			p := ProviderInfo{BodyID: acc.bodyID, Body: bodies(acc.bodyID)}
			if acc.info != nil {
				p.Version, p.Information, p.EnteredAt = acc.info.Version, acc.info.Information, acc.info.EnteredAt
				latest = max(latest, acc.info.Version)
			}
			a.Providers = append(a.Providers, p)
		case acc.state == onboarding.StateProtocolSigned:
			if soonest.IsZero() || acc.liveFrom.Before(soonest) {
				soonest = acc.liveFrom
			}
		}
	}
	switch {
	case a.Consultable:
		a.Rules = []deadlines.Citation{r130(3), r130(5)}
		if latest > 1 {
			a.Rules = append(a.Rules, r130(6))
		}
		a.Tell = tellService(&a, lang)
	case !soonest.IsZero():
		a.LiveFrom = soonest
		a.Rules = []deadlines.Citation{r130(3), r130(9)}
		a.Tell = fill(sayNotYetLive, lang, "date", day(soonest))
	default:
		a.Rules = []deadlines.Citation{r130(3)}
		a.Tell = sayNotAccepted.In(lang)
	}
	return a
}

func (idx *index) bodyName(lang string) func(string) string {
	return func(id string) string {
		if b, ok := idx.bodies[id]; ok {
			return b.Name.In(lang)
		}
		return id
	}
}

// Search finds state services by register number or by name in Kazakh,
// Russian or English, whatever the case or script of the query (see
// Normalize): each word of the query must begin a word of the service's
// name or register number. It answers for each, at the clock's now,
// whether the UCC may consult on it and what it may tell (Rules130 p.3,
// p.5, p.9). Search reads an index of the catalogue rebuilt every
// IndexMaxAge; Service reads the catalogue itself.
func (d *Desk) Search(ctx context.Context, query, lang string) ([]ServiceAnswer, error) {
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	words := tokens(query)
	if len(words) == 0 {
		return nil, deadlines.Invalid(r130(3), "query", "a register number or words of the service's name")
	}
	now := d.cfg.Clock.Now()
	idx, err := d.current(ctx, now)
	if err != nil {
		return nil, err
	}
	hits := idx.search(dedupe(words), d.cfg.Limit)
	out := make([]ServiceAnswer, len(hits))
	names := idx.bodyName(lang)
	for i, h := range hits {
		out[i] = serviceAnswer(&idx.entries[h.entry], names, lang, now, idx.builtAt)
	}
	return out, nil
}

// Service answers about one state service, by register number or ID, from
// the catalogue as it is now: consultable with the current version of its
// information (Rules130 p.3, p.5, p.6), accepted but not live yet (p.9),
// or not accepted for consultation (p.3). An unknown service returns an
// error wrapping ErrNotFound.
func (d *Desk) Service(ctx context.Context, key, lang string) (*ServiceAnswer, error) {
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, deadlines.Invalid(r130(3), "service", "a register number or service ID")
	}
	now := d.cfg.Clock.Now()
	idx, err := d.current(ctx, now)
	if err != nil {
		return nil, err
	}
	svc, err := d.lookupService(ctx, idx, key)
	if err != nil {
		return nil, &deadlines.RuleError{Rule: r130(3), Field: "service", Err: err}
	}
	obs, err := d.cfg.Catalogue.ListOnboardings(ctx, onboarding.OnboardingFilter{ServiceID: svc.ID})
	if err != nil {
		return nil, fmt.Errorf("desk: onboardings of %s: %w", svc.ID, err)
	}
	e := newEntry(svc, obs)
	names := func(bodyID string) string {
		if b, ok := idx.bodies[bodyID]; ok {
			return b.Name.In(lang)
		}
		if b, err := d.cfg.Catalogue.GetBody(ctx, bodyID); err == nil {
			return b.Name.In(lang)
		}
		return bodyID
	}
	a := serviceAnswer(&e, names, lang, now, now)
	return &a, nil
}

// lookupService finds a service by register number or ID in the catalogue
// (the index only says which ID a register number has).
func (d *Desk) lookupService(ctx context.Context, idx *index, key string) (onboarding.StateService, error) {
	id := key
	if i, ok := idx.byRegister[key]; ok {
		id = idx.entries[i].svc.ID
	}
	svc, err := d.cfg.Catalogue.GetService(ctx, id)
	if !errors.Is(err, ErrNotFound) {
		return svc, err
	}
	// Perhaps registered since the index was built.
	all, lerr := d.cfg.Catalogue.ListServices(ctx)
	if lerr != nil {
		return svc, lerr
	}
	for _, s := range all {
		if s.RegisterNumber == key {
			return s, nil
		}
	}
	return svc, err
}

// StageView is one stage of a delivery with its label and rule.
type StageView struct {
	Stage Stage              `json:"stage"`
	Label string             `json:"label"`
	At    time.Time          `json:"at"`
	Rule  deadlines.Citation `json:"rule"`
}

// DeliveryAnswer is one delivery as the operator sees it (Rules130 p.13).
type DeliveryAnswer struct {
	ID             string             `json:"id"`
	Application    string             `json:"application"`
	Component      string             `json:"component,omitempty"`
	Round          int                `json:"round,omitempty"`
	ServiceID      string             `json:"service_id"`
	RegisterNumber string             `json:"register_number"`
	Service        string             `json:"service"`
	ProviderID     string             `json:"provider_id"`
	Provider       string             `json:"provider"`
	Recipient      string             `json:"recipient"` // masked
	Stage          Stage              `json:"stage"`
	StageLabel     string             `json:"stage_label"`
	StageAt        time.Time          `json:"stage_at"`
	Stages         []StageView        `json:"stages"`
	Term           string             `json:"term"`
	Due            time.Time          `json:"due,omitzero"` // the last day of the term, in the provider's zone
	Estimated      bool               `json:"estimated,omitempty"`
	Overdue        bool               `json:"overdue"` // the term ended and the result is not ready
	Late           bool               `json:"late,omitempty"`
	Escalations    []Escalation       `json:"escalations,omitempty"` // stage-lag rungs that fired
	Tell           string             `json:"tell"`
	Rule           deadlines.Citation `json:"rule"`
}

// ComponentAnswer is one component of a composite application (Rules472
// p.9): chain's view of it and, once its provider received it, its latest
// delivery in the feed.
type ComponentAnswer struct {
	chain.UCCComponent
	Delivery *DeliveryAnswer `json:"delivery,omitempty"`
}

// ApplicationAnswer is one application as the operator sees it: a single
// delivery, or every component of a composite application.
type ApplicationAnswer struct {
	Application string               `json:"application"`
	Composite   bool                 `json:"composite"`
	Service     string               `json:"service"`
	Recipient   string               `json:"recipient"` // masked
	Since       time.Time            `json:"since"`     // received, or submitted for a composite
	Deliveries  []DeliveryAnswer     `json:"deliveries"`
	Components  []ComponentAnswer    `json:"components,omitempty"`
	Tell        string               `json:"tell"`
	Rules       []deadlines.Citation `json:"rules"`
}

// deliveryAnswer describes one delivery at now.
func (d *Desk) deliveryAnswer(ctx context.Context, idx *index, del *Delivery, lang string, now time.Time) DeliveryAnswer {
	last := del.Last()
	a := DeliveryAnswer{
		ID: del.ID, Application: del.Application, Component: del.Component, Round: del.Round,
		ServiceID: del.ServiceID, Service: del.ServiceID,
		ProviderID: del.ProviderID, Provider: del.ProviderID, Recipient: kzid.Mask(del.Recipient),
		Stage: last.Stage, StageLabel: last.Stage.Label().In(lang), StageAt: last.At,
		Escalations: slices.Clone(del.Escalations), Rule: r130(13),
	}
	if i, ok := idx.byID[del.ServiceID]; ok {
		a.RegisterNumber, a.Service = idx.entries[i].svc.RegisterNumber, idx.entries[i].svc.Name.In(lang)
	} else if svc, err := d.cfg.Catalogue.GetService(ctx, del.ServiceID); err == nil {
		a.RegisterNumber, a.Service = svc.RegisterNumber, svc.Name.In(lang)
	}
	if b, ok := idx.bodies[del.ProviderID]; ok {
		a.Provider = b.Name.In(lang)
	} else if b, err := d.cfg.Catalogue.GetBody(ctx, del.ProviderID); err == nil {
		a.Provider = b.Name.In(lang)
	}
	a.Stages = make([]StageView, len(del.Stages))
	for i, r := range del.Stages {
		a.Stages[i] = StageView{Stage: r.Stage, Label: r.Stage.Label().In(lang), At: r.At, Rule: r.Rule}
	}
	if del.Timer.ID != "" {
		c, err := calIn(&d.zones, d.cfg.Calendar, del.Zone)
		if err != nil {
			c = d.cfg.Calendar
		}
		st := del.Timer.Status(c, now)
		a.Term, a.Due, a.Estimated = st.Deadline.Term.String(), st.Deadline.Due, st.Deadline.Estimated
		a.Overdue = st.Breached && st.State != deadlines.TimerStopped
		a.Late = st.Breached && st.State == deadlines.TimerStopped
	}
	a.Tell = tellDelivery(&a, lang)
	return a
}

// ByApplication answers where an application is, by the number the
// citizen quotes (Rules130 p.13): its delivery's current stage, term, due
// date and overdue flag, or, for a composite application, every component
// in order with its status (Rules472 p.9). The recipient is masked. An
// unknown number returns an error wrapping ErrNotFound.
func (d *Desk) ByApplication(ctx context.Context, number, lang string) (*ApplicationAnswer, error) {
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	number = strings.TrimSpace(number)
	if err := validNumber("application", number); err != nil {
		return nil, err
	}
	now := d.cfg.Clock.Now()
	idx, err := d.current(ctx, now)
	if err != nil {
		return nil, err
	}
	dels, err := d.cfg.Deliveries.ListDeliveries(ctx, DeliveryFilter{Application: number})
	if err != nil {
		return nil, fmt.Errorf("desk: application %s: %w", number, err)
	}
	composite := len(dels) == 0 && d.cfg.Composites != nil
	for _, del := range dels {
		composite = composite || del.Composite()
	}
	a, err := d.application(ctx, idx, number, composite, dels, lang, now)
	if errors.Is(err, ErrNotFound) || (err == nil && a == nil) {
		return nil, deadlines.Wrap(r130(13), "application", ErrNotFound, "no application "+number)
	}
	return a, err
}

// application builds the answer about one application from its deliveries
// and, for a composite, chain's view. It returns nil when there is nothing
// to tell.
func (d *Desk) application(ctx context.Context, idx *index, number string, composite bool, dels []*Delivery, lang string, now time.Time) (*ApplicationAnswer, error) {
	a := &ApplicationAnswer{Application: number, Composite: composite}
	for _, del := range dels {
		a.Deliveries = append(a.Deliveries, d.deliveryAnswer(ctx, idx, del, lang, now))
		if a.Since.IsZero() || del.ReceivedAt.Before(a.Since) {
			a.Since = del.ReceivedAt
		}
		a.Recipient = kzid.Mask(del.Recipient)
	}
	if !composite {
		if len(dels) == 0 {
			return nil, nil
		}
		first := a.Deliveries[0]
		a.Service, a.Tell, a.Rules = first.Service, first.Tell, []deadlines.Citation{r130(13)}
		return a, nil
	}
	a.Rules = []deadlines.Citation{r472(9), r130(13)}
	if d.cfg.Composites == nil {
		if len(dels) == 0 {
			return nil, nil
		}
		tells := make([]string, len(a.Deliveries))
		for i, x := range a.Deliveries {
			tells[i] = x.Tell
		}
		a.Service, a.Tell = number, strings.Join(tells, " ")
		return a, nil
	}
	view, err := d.cfg.Composites.ForUCC(ctx, number, lang)
	if err != nil {
		return nil, fmt.Errorf("desk: application %s: %w", number, err)
	}
	a.Service, a.Since, a.Recipient = view.Service, view.SubmittedAt, view.Recipient
	for _, uc := range view.Components {
		ca := ComponentAnswer{UCCComponent: uc}
		for i := range a.Deliveries {
			if x := &a.Deliveries[i]; x.Component == uc.ID && (ca.Delivery == nil || x.Round > ca.Delivery.Round) {
				ca.Delivery = x
			}
		}
		a.Components = append(a.Components, ca)
	}
	a.Tell = tellComposite(a, lang)
	return a, nil
}

// ByRecipient answers about every application of a recipient, by their IIN
// (or a legal entity's BIN), validated: each delivery with its current
// stage, term, due date and overdue flag (Rules130 p.13), and every
// component of each composite application (Rules472 p.9), oldest first.
// Only that recipient's applications are answered.
func (d *Desk) ByRecipient(ctx context.Context, recipient, lang string) ([]ApplicationAnswer, error) {
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	if _, err := kzid.Validate(recipient); err != nil {
		return nil, &deadlines.RuleError{Rule: r130(13), Field: "recipient", Err: err}
	}
	now := d.cfg.Clock.Now()
	idx, err := d.current(ctx, now)
	if err != nil {
		return nil, err
	}
	dels, err := d.cfg.Deliveries.ListDeliveries(ctx, DeliveryFilter{Recipient: recipient})
	if err != nil {
		return nil, fmt.Errorf("desk: deliveries of %s: %w", kzid.Mask(recipient), err)
	}
	var order []string
	groups := map[string][]*Delivery{}
	composite := map[string]bool{}
	for _, del := range dels {
		if del.Recipient != recipient {
			continue // never another recipient's, whatever the store returns
		}
		if _, ok := groups[del.Application]; !ok {
			order = append(order, del.Application)
		}
		groups[del.Application] = append(groups[del.Application], del)
		composite[del.Application] = composite[del.Application] || del.Composite()
	}
	if d.cfg.Composites != nil {
		views, err := d.cfg.Composites.RecipientApplications(ctx, recipient, lang)
		if err != nil {
			return nil, fmt.Errorf("desk: composite applications of %s: %w", kzid.Mask(recipient), err)
		}
		for _, v := range views {
			if _, ok := groups[v.ApplicationID]; !ok {
				order = append(order, v.ApplicationID)
				groups[v.ApplicationID] = nil
			}
			composite[v.ApplicationID] = true
		}
	}
	out := make([]ApplicationAnswer, 0, len(order))
	for _, number := range order {
		a, err := d.application(ctx, idx, number, composite[number], groups[number], lang, now)
		if err != nil {
			return nil, err
		}
		if a != nil {
			out = append(out, *a)
		}
	}
	slices.SortStableFunc(out, func(a, b ApplicationAnswer) int {
		return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.Application, b.Application))
	})
	return out, nil
}

// CountStageLags counts the stage-lag escalations matching f (Rules130
// p.13): deliveries whose stage had not moved past their term, for the
// figures of the monthly report.
func (d *Desk) CountStageLags(ctx context.Context, f EscalationFilter) (int, error) {
	n, err := d.cfg.Deliveries.CountEscalations(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("desk: counting escalations: %w", err)
	}
	return n, nil
}
