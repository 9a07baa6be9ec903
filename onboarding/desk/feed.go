package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

// FeedConfig is what a Feed needs. Store, Catalogue, Calendar and Clock
// are required.
type FeedConfig struct {
	Store     Store
	Catalogue Catalogue // known services and provider bodies (onboarding.Store satisfies it)
	Calendar  *deadlines.Calendar
	Clock     deadlines.Clock
	// Rungs are the escalation rungs of each delivery's timer (default
	// StageLag: when the term ends and the result is not ready).
	Rungs []deadlines.Rung
}

// Feed records the stages of deliveries of state services (Rules130 p.13):
// providers record them one by one, and composite applications publish the
// stages of their components. It validates input before touching the store,
// writes through the store's update closure, and is safe for concurrent use.
type Feed struct {
	cfg   FeedConfig
	zones sync.Map // zone name → *deadlines.Calendar
}

// NewFeed checks cfg and returns a Feed.
func NewFeed(cfg FeedConfig) (*Feed, error) {
	var errs []error
	missing := func(field string, isNil bool) {
		if isNil {
			errs = append(errs, deadlines.Invalid(deadlines.Citation{}, field, "required"))
		}
	}
	missing("store", cfg.Store == nil)
	missing("catalogue", cfg.Catalogue == nil)
	missing("calendar", cfg.Calendar == nil)
	missing("clock", cfg.Clock == nil)
	if len(cfg.Rungs) == 0 {
		cfg.Rungs = []deadlines.Rung{StageLag}
	}
	for i, r := range cfg.Rungs {
		if r.Name == "" || slices.ContainsFunc(cfg.Rungs[:i], func(o deadlines.Rung) bool { return o.Name == r.Name }) {
			errs = append(errs, deadlines.Invalid(r130(13), "rungs", "each rung needs a unique name"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	cfg.Rungs = slices.Clone(cfg.Rungs)
	return &Feed{cfg: cfg}, nil
}

func (f *Feed) calIn(zone string) (*deadlines.Calendar, error) {
	return calIn(&f.zones, f.cfg.Calendar, zone)
}

func calIn(cache *sync.Map, cal *deadlines.Calendar, zone string) (*deadlines.Calendar, error) {
	if c, ok := cache.Load(zone); ok {
		return c.(*deadlines.Calendar), nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, deadlines.Invalid(r130(13), "zone", err.Error())
	}
	c := cal.In(loc)
	cache.Store(zone, c)
	return c, nil
}

func (f *Feed) change(zone string) (change, error) {
	c, err := f.calIn(zone)
	if err != nil {
		return change{}, err
	}
	return change{cal: c, now: f.cfg.Clock.Now(), rungs: f.cfg.Rungs}, nil
}

// Receipt is a provider's receipt of an application for a single state
// service: the first stage of its delivery.
type Receipt struct {
	Application string // the application's number, unique in the Monitoring information system
	ServiceID   string
	ProviderID  string
	Recipient   string         // IIN or BIN, checksum-validated
	At          time.Time      // when the provider received it
	Term        deadlines.Term // the service's term by its standard, counted from the receipt
	Actor       string
	Note        string
}

// deliverer checks that the service is known and the body is one of its
// providers (Rules130 p.13, known service), and returns the body's zone.
func (f *Feed) deliverer(ctx context.Context, serviceID, providerID string) (string, []error) {
	var errs []error
	svc, err := f.cfg.Catalogue.GetService(ctx, serviceID)
	if err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: r130(13), Field: "service_id", Err: err})
	}
	body, err := f.cfg.Catalogue.GetBody(ctx, providerID)
	switch {
	case err != nil:
		errs = append(errs, &deadlines.RuleError{Rule: r130(13), Field: "provider_id", Err: err})
	case !body.Kind.Provider():
		errs = append(errs, deadlines.Invalid(r130(13), "provider_id", body.ID+" is a "+body.Kind.String()+", not a service provider"))
	case svc.ID != "" && !slices.Contains(svc.Providers, body.ID):
		errs = append(errs, deadlines.Invalid(r130(13), "provider_id", body.ID+" does not provide service "+svc.ID))
	}
	return body.Zone, errs
}

// Receive records that a provider received an application for a state
// service (Rules130 p.13): the service must be known and provided by that
// body, the recipient's IIN or BIN valid, and the term valid; the term
// starts on receipt. Receiving the same application again with the same
// receipt returns the stored delivery; a different receipt under the same
// number is an error wrapping ErrConflict.
func (f *Feed) Receive(ctx context.Context, r Receipt) (*Delivery, error) {
	var errs []error
	if err := validNumber("application", r.Application); err != nil {
		errs = append(errs, err)
	}
	if _, err := kzid.Validate(r.Recipient); err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: r130(13), Field: "recipient", Err: err})
	}
	if strings.TrimSpace(r.Actor) == "" {
		errs = append(errs, deadlines.Invalid(r130(13), "actor", "who records the stage is required"))
	}
	if err := r.Term.Validate(); err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: r130(13), Field: "term", Err: err})
	}
	if err := checkAt(change{now: f.cfg.Clock.Now()}, r130(13), r.At, time.Time{}, ""); err != nil {
		errs = append(errs, err)
	}
	zone, more := f.deliverer(ctx, r.ServiceID, r.ProviderID)
	errs = append(errs, more...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c, err := f.change(zone)
	if err != nil {
		return nil, err
	}
	d := &Delivery{
		ID: r.Application, Application: r.Application, ServiceID: r.ServiceID, ProviderID: r.ProviderID,
		Recipient: r.Recipient, Zone: zone,
	}
	rec := StageRecord{At: r.At, Provider: r.ProviderID, Actor: r.Actor, Rule: r130(13), Note: r.Note}
	if err := receive(c, d, r.Term, rec); err != nil {
		return nil, err
	}
	err = f.cfg.Store.CreateDelivery(ctx, d)
	if errors.Is(err, ErrConflict) {
		got, gerr := f.cfg.Store.GetDelivery(ctx, d.ID)
		if gerr == nil && sameReceipt(got, d) {
			return got, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("desk: delivery %s: %w", d.ID, err)
	}
	return d, nil
}

func sameReceipt(a, b *Delivery) bool {
	return a.ServiceID == b.ServiceID && a.ProviderID == b.ProviderID && a.Recipient == b.Recipient &&
		a.ReceivedAt.Equal(b.ReceivedAt) && !a.Composite() && len(a.Timer.Ledger) > 0 && a.Timer.Ledger[0].Term == b.Timer.Ledger[0].Term
}

// StageInput is a stage after the receipt, recorded by the delivery's
// provider.
type StageInput struct {
	Stage      Stage
	At         time.Time
	ProviderID string // must be the delivery's provider
	Actor      string
	Note       string
}

// errUnchanged rolls back an update that changes nothing.
var errUnchanged = errors.New("desk: unchanged")

// Record records a stage of a delivery (Rules130 p.13) in the allowed
// order: received first (see Receive), then in progress, documents
// requested, result ready, issued or refused; nothing after issued or
// refused, and nothing dated before the stage it follows. A delivery with
// no receipt returns an error wrapping ErrNotFound. Recording the same
// stage at the same instant again changes nothing. The term is met when
// the result is ready, issued or refused.
func (f *Feed) Record(ctx context.Context, id string, in StageInput) (*Delivery, error) {
	var errs []error
	if _, ok := stageLabels[in.Stage]; !ok {
		errs = append(errs, deadlines.Invalid(r130(13), "stage", "unknown stage "+in.Stage.String()))
	}
	if in.Stage == StageReceived {
		errs = append(errs, deadlines.Wrap(r130(13), "stage", ErrConflict, "a receipt is recorded by Receive"))
	}
	if strings.TrimSpace(in.Actor) == "" {
		errs = append(errs, deadlines.Invalid(r130(13), "actor", "who records the stage is required"))
	}
	if strings.TrimSpace(in.ProviderID) == "" {
		errs = append(errs, deadlines.Invalid(r130(13), "provider_id", "the provider recording the stage is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out *Delivery
	err := f.cfg.Store.UpdateDelivery(ctx, id, func(d *Delivery) error {
		c, err := f.change(d.Zone)
		if err != nil {
			return err
		}
		changed, err := d.record(c, StageRecord{Stage: in.Stage, At: in.At, Provider: in.ProviderID, Actor: in.Actor, Rule: r130(13), Note: in.Note})
		if err != nil {
			return err
		}
		out = d.Clone()
		if !changed {
			return errUnchanged
		}
		return nil
	})
	switch {
	case errors.Is(err, errUnchanged):
		return out, nil
	case errors.Is(err, ErrNotFound) && out == nil:
		return nil, deadlines.Wrap(r130(13), "id", ErrNotFound, "no receipt of "+id+" is recorded: no stage before the receipt")
	case err != nil:
		return nil, fmt.Errorf("desk: delivery %s: %w", id, err)
	}
	return out, nil
}

// Get returns a delivery.
func (f *Feed) Get(ctx context.Context, id string) (*Delivery, error) {
	return f.cfg.Store.GetDelivery(ctx, id)
}

// component is a composite's component delivery derived from the
// application's history.
type component struct {
	d    *Delivery // no stages yet
	term deadlines.Term
	recs []StageRecord
}

// components derives the deliveries of a's components from its history:
// each "received" event starts a round of a component (Rules472 p.5); a
// result issues it (p.4, p.11), a refusal refuses it (p.10), and a
// component stopped after its receipt because a prerequisite was refused
// ends refused too (p.10).
func components(a *chain.Application) []*component {
	var out []*component
	current := map[string]*component{}
	rounds := map[string]int{}
	for _, e := range a.History {
		cs := a.Component(e.Component)
		if cs == nil {
			continue
		}
		rec := StageRecord{At: e.At, Provider: cs.ProviderID, Actor: e.Actor, Rule: e.Rule, Source: "chain", Note: e.Note}
		switch e.Type {
		case "received":
			if cs.Timer.ID == "" || len(cs.Timer.Ledger) == 0 {
				continue
			}
			rounds[cs.ID]++
			id := fmt.Sprintf("%s/%s/%d", a.ID, cs.ID, rounds[cs.ID])
			c := &component{
				d: &Delivery{ID: id, Application: a.ID, Component: cs.ID, Round: rounds[cs.ID], ServiceID: cs.ServiceID,
					ProviderID: cs.ProviderID, Recipient: a.Recipient, Zone: cs.Zone},
				term: cs.Timer.Ledger[0].Term,
			}
			rec.Stage = StageReceived
			c.recs = append(c.recs, rec)
			current[cs.ID] = c
			out = append(out, c)
		case "completed", "refused", "stopped":
			c := current[cs.ID]
			if c == nil || c.recs[len(c.recs)-1].Stage.Final() {
				continue
			}
			rec.Stage = StageRefused
			if e.Type == "completed" {
				rec.Stage = StageIssued
			}
			c.recs = append(c.recs, rec)
		}
	}
	return out
}

// PublishApplication publishes the stages of every component of a
// composite application that its providers received into the feed
// (Rules130 p.13, Rules472 p.9), so one desk query covers single and
// composite deliveries. It is idempotent: stages published before are not
// recorded again, so it may run after every change of the application, in
// any order, and again to catch up.
func (f *Feed) PublishApplication(ctx context.Context, a *chain.Application) error {
	return f.publish(ctx, a, 0)
}

// publish publishes the components with events after seq.
func (f *Feed) publish(ctx context.Context, a *chain.Application, seq int) error {
	touched := map[string]bool{}
	for _, e := range a.History {
		if e.Seq > seq && e.Component != "" {
			touched[e.Component] = true
		}
	}
	var errs []error
	for _, c := range components(a) {
		if !touched[c.d.Component] {
			continue
		}
		if err := f.upsert(ctx, c); err != nil {
			errs = append(errs, fmt.Errorf("desk: publishing %s: %w", c.d.ID, err))
		}
	}
	return errors.Join(errs...)
}

// upsert creates or completes the delivery of a component.
func (f *Feed) upsert(ctx context.Context, c *component) error {
	merge := func(d *Delivery) error {
		ch, err := f.change(d.Zone)
		if err != nil {
			return err
		}
		changed := false
		for _, rec := range c.recs {
			ok, err := d.record(ch, rec)
			if err != nil {
				return err
			}
			changed = changed || ok
		}
		if !changed {
			return errUnchanged
		}
		return nil
	}
	for range 2 {
		err := f.cfg.Store.UpdateDelivery(ctx, c.d.ID, merge)
		if errors.Is(err, errUnchanged) {
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		if _, errs := f.deliverer(ctx, c.d.ServiceID, c.d.ProviderID); len(errs) > 0 {
			return errors.Join(errs...)
		}
		d := c.d.Clone()
		ch, err := f.change(d.Zone)
		if err != nil {
			return err
		}
		if err := receive(ch, d, c.term, c.recs[0]); err != nil {
			return err
		}
		if err := merge(d); err != nil && !errors.Is(err, errUnchanged) {
			return err
		}
		err = f.cfg.Store.CreateDelivery(ctx, d)
		if !errors.Is(err, ErrConflict) {
			return err
		}
		// Another publisher created it meanwhile: merge into theirs.
	}
	return nil
}

// HandleFiring is a deadlines.FiringHandler: it records a stage-lag rung
// of a delivery's timer as an escalation on the delivery, once per firing
// (Rules130 p.13). Timers that are not the desk's return an error wrapping
// ErrInvalid.
func (f *Feed) HandleFiring(ctx context.Context, fr deadlines.Firing) error {
	id, ok := strings.CutPrefix(fr.TimerID, "desk/")
	if !ok {
		return deadlines.Invalid(r130(13), "timer_id", "not a desk timer: "+fr.TimerID)
	}
	err := f.cfg.Store.UpdateDelivery(ctx, id, func(d *Delivery) error {
		if !d.escalate(fr) {
			return errUnchanged
		}
		return nil
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return fmt.Errorf("desk: escalation %s: %w", fr.Key(), err)
	}
	return nil
}

// PublishingStore is a chain.Store that publishes the component stages of
// every application it saves into a Feed (Rules472 p.9), after the save:
// give it to chain.NewRouter in place of the store it wraps. A publication
// that fails does not fail the save (the application is stored already);
// OnError hears of it, and Feed.PublishApplication catches up later.
type PublishingStore struct {
	chain.Store
	Feed    *Feed
	OnError func(appID string, err error) // optional
}

// CreateApplication saves a and publishes its stages.
func (s *PublishingStore) CreateApplication(ctx context.Context, a *chain.Application) error {
	if err := s.Store.CreateApplication(ctx, a); err != nil {
		return err
	}
	s.report(a.ID, s.Feed.publish(ctx, a, 0))
	return nil
}

// UpdateApplication updates the application and publishes the stages of
// the components the update touched.
func (s *PublishingStore) UpdateApplication(ctx context.Context, id string, fn func(*chain.Application) error) error {
	var saved *chain.Application
	var seq int
	err := s.Store.UpdateApplication(ctx, id, func(a *chain.Application) error {
		saved, seq = nil, len(a.History)
		if err := fn(a); err != nil {
			return err
		}
		if len(a.History) > seq {
			saved = a.Clone()
		}
		return nil
	})
	if err == nil && saved != nil {
		s.report(id, s.Feed.publish(ctx, saved, seq))
	}
	return err
}

func (s *PublishingStore) report(appID string, err error) {
	if err != nil && s.OnError != nil {
		s.OnError(appID, err)
	}
}
