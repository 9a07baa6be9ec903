package onboarding

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Service is the onboarding use cases (Rules130 p.2–p.12, p.15). It
// validates input before touching the store and reports every field
// problem at once; writes go through the store's update closures. It is
// safe for concurrent use.
type Service struct {
	store     Store
	cal       *deadlines.Calendar
	clock     deadlines.Clock
	threshold int
	period    func(t time.Time) string
	qtTerm    deadlines.Term
	rungs     func(deadlines.Citation) []deadlines.Rung
	rungsOf   func(deadlines.Citation) []deadlines.Rung // s.rungsFor, bound once
	newID     func() string
	zones     sync.Map // zone name → *deadlines.Calendar
	rungSets  sync.Map // citation → []deadlines.Rung, built once per rule
}

// Option configures a Service.
type Option func(*Service)

// WithRefusalThreshold sets how many unlawful refusals in one period raise
// a p.12 notice. The default, 2, is the digest's reading of "several times".
func WithRefusalThreshold(n int) Option { return func(s *Service) { s.threshold = n } }

// WithRefusalPeriod sets how refusals are grouped: period receives the
// refusal's instant in the body's zone and returns the period's key. The
// default is the calendar month, "2006-01".
func WithRefusalPeriod(period func(t time.Time) string) Option {
	return func(s *Service) { s.period = period }
}

// WithQualityTrainingTerm sets the term of p.15 trainings (default 10
// working days from the written request; the rules set none).
func WithQualityTrainingTerm(t deadlines.Term) Option { return func(s *Service) { s.qtTerm = t } }

// WithRungs sets the escalation rungs of every timer the service starts
// (default: a warning one working day before the due date and the breach).
func WithRungs(rungs func(deadlines.Citation) []deadlines.Rung) Option {
	return func(s *Service) { s.rungs = rungs }
}

// WithIDs sets the generator of new IDs. The default is crypto/rand.Text
// (26 random base32 characters); pass uuid.NewString, say, for UUIDs. The
// domain does not import a UUID library itself because those pull in
// database/sql/driver.
func WithIDs(newID func() string) Option { return func(s *Service) { s.newID = newID } }

// NewService returns a Service over store, counting terms on cal (moved to
// each body's zone) with time from clock.
func NewService(store Store, cal *deadlines.Calendar, clock deadlines.Clock, opts ...Option) (*Service, error) {
	s := &Service{
		store: store, cal: cal, clock: clock, threshold: 2,
		period: func(t time.Time) string { return t.Format("2006-01") },
		qtTerm: deadlines.Term{Kind: deadlines.WorkingDays, N: 10, Rule: rule(15)},
		rungs: func(r deadlines.Citation) []deadlines.Rung {
			return []deadlines.Rung{deadlines.Warning(1, r), deadlines.Breach(r)}
		},
		newID: rand.Text,
	}
	for _, o := range opts {
		o(s)
	}
	s.rungsOf = s.rungsFor
	var errs []error
	if store == nil {
		errs = append(errs, deadlines.Invalid(deadlines.Citation{}, "store", "nil Store"))
	}
	if cal == nil {
		errs = append(errs, deadlines.Invalid(deadlines.Citation{}, "calendar", "nil Calendar"))
	}
	if clock == nil {
		errs = append(errs, deadlines.Invalid(deadlines.Citation{}, "clock", "nil Clock"))
	}
	if s.threshold < 1 {
		errs = append(errs, deadlines.Invalid(rule(12), "threshold", "at least 1"))
	}
	if s.period == nil || s.rungs == nil || s.newID == nil {
		errs = append(errs, deadlines.Invalid(deadlines.Citation{}, "options", "nil function option"))
	}
	if err := s.qtTerm.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// rungsFor returns the rungs of a rule's timers, built once. NewTimer copies
// them, so sharing the cached slice is safe.
func (s *Service) rungsFor(r deadlines.Citation) []deadlines.Rung {
	if v, ok := s.rungSets.Load(r); ok {
		return v.([]deadlines.Rung)
	}
	v, _ := s.rungSets.LoadOrStore(r, s.rungs(r))
	return v.([]deadlines.Rung)
}

// calIn returns the calendar in a zone, cached.
func (s *Service) calIn(zone string) (*deadlines.Calendar, error) {
	if c, ok := s.zones.Load(zone); ok {
		return c.(*deadlines.Calendar), nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, deadlines.Invalid(rule(2), "zone", err.Error())
	}
	c := s.cal.In(loc)
	s.zones.Store(zone, c)
	return c, nil
}

func (s *Service) change(zone, actor string, r deadlines.Citation) (change, error) {
	if strings.TrimSpace(actor) == "" {
		return change{}, deadlines.Invalid(r, "actor", "who acts is required")
	}
	c, err := s.calIn(zone)
	if err != nil {
		return change{}, err
	}
	return change{cal: c, now: s.clock.Now(), actor: actor, rungs: s.rungsOf}, nil
}

// update runs one transition on an onboarding.
func (s *Service) update(ctx context.Context, id, actor string, r deadlines.Citation, fn func(*Onboarding, change) error) (*Onboarding, error) {
	var out *Onboarding
	err := s.store.UpdateOnboarding(ctx, id, func(o *Onboarding) error {
		c, err := s.change(o.Zone, actor, r)
		if err != nil {
			return err
		}
		if err := fn(o, c); err != nil {
			return err
		}
		out = o.Clone()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("onboarding %s: %w", id, err)
	}
	return out, nil
}

// RegisterBody adds a participant (Rules130 p.2).
func (s *Service) RegisterBody(ctx context.Context, b Body) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return s.store.CreateBody(ctx, b)
}

// RegisterService adds a state service from the Register; its providers
// must be registered provider bodies.
func (s *Service) RegisterService(ctx context.Context, svc StateService) error {
	if err := svc.Validate(); err != nil {
		return err
	}
	for _, id := range svc.Providers {
		b, err := s.store.GetBody(ctx, id)
		if err != nil {
			return &deadlines.RuleError{Rule: rule(3), Field: "providers", Err: err}
		}
		if !b.Kind.Provider() {
			return deadlines.Invalid(rule(3), "providers", b.ID+" is a "+b.Kind.String()+", not a service provider")
		}
	}
	return s.store.CreateService(ctx, svc)
}

// StartInput starts an onboarding. Both preconditions of p.3 are required.
type StartInput struct {
	ServiceID          string
	BodyID             string    // the provider body asked to onboard the service
	RegisteredOn       time.Time // entered into the Register of State Services
	StandardApprovedOn time.Time // the service standard approved
	Actor              string
}

// Start opens the onboarding of a service with a body once it is in the
// Register and its standard is approved (Rules130 p.3); the Appendix 1
// request is then due within 3 working days of the later date (p.4).
func (s *Service) Start(ctx context.Context, in StartInput) (*Onboarding, error) {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, deadlines.Invalid(rule(3), field, msg)) }
	if in.RegisteredOn.IsZero() {
		bad("registered_on", "acceptance starts only after the service is entered into the Register of State Services")
	}
	if in.StandardApprovedOn.IsZero() {
		bad("standard_approved_on", "acceptance starts only after the service standard is approved")
	}
	if strings.TrimSpace(in.Actor) == "" {
		bad("actor", "who acts is required")
	}
	svc, err := s.store.GetService(ctx, in.ServiceID)
	if err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: rule(3), Field: "service_id", Err: err})
	}
	body, err := s.store.GetBody(ctx, in.BodyID)
	if err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: rule(3), Field: "body_id", Err: err})
	} else if svc.ID != "" && !contains(svc.Providers, body.ID) {
		bad("body_id", body.ID+" does not provide service "+svc.ID)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c, err := s.change(body.Zone, in.Actor, rule(3))
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		at   time.Time
	}{{"registered_on", in.RegisteredOn}, {"standard_approved_on", in.StandardApprovedOn}} {
		if f.at.After(c.now) {
			errs = append(errs, deadlines.Invalid(rule(3), f.name, "is in the future"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	o := &Onboarding{
		ID: s.newID(), ServiceID: svc.ID, BodyID: body.ID, Zone: body.Zone,
		RegisteredOn: c.cal.DayStart(in.RegisteredOn), StandardApprovedOn: c.cal.DayStart(in.StandardApprovedOn),
	}
	if err := o.start(c); err != nil {
		return nil, err
	}
	if err := s.store.CreateOnboarding(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// SendRequest records that the UCC sent the Appendix 1 request (p.4).
func (s *Service) SendRequest(ctx context.Context, id string, at time.Time, actor string) (*Onboarding, error) {
	return s.update(ctx, id, actor, rule(4), func(o *Onboarding, c change) error { return o.sendRequest(c, at) })
}

// ConfirmReceipt records that the body received the request; the
// responsible person is due within 3 working days (p.5).
func (s *Service) ConfirmReceipt(ctx context.Context, id string, at time.Time, actor string) (*Onboarding, error) {
	return s.update(ctx, id, actor, rule(5), func(o *Onboarding, c change) error { return o.receiveRequest(c, at) })
}

// Appoint records the responsible person (p.5); the information is due
// within 5 working days.
func (s *Service) Appoint(ctx context.Context, id string, at time.Time, p Person, actor string) (*Onboarding, error) {
	if err := errors.Join(p.validate(rule(5), "person.")...); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, rule(5), func(o *Onboarding, c change) error { return o.appoint(c, at, p) })
}

// ProvideInformation records the information (p.5) as version 1. When
// enteredBy names the UCC employee who entered it into the UCC database,
// it is entered now; otherwise call EnterInformation later. Training is
// then due within 10 working days (p.8).
func (s *Service) ProvideInformation(ctx context.Context, id string, at time.Time, info Information, enteredBy, actor string) (*Onboarding, error) {
	if err := errors.Join(info.validate(rule(5))...); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, rule(5), func(o *Onboarding, c change) error {
		return o.provideInformation(c, at, info, enteredBy)
	})
}

// EnterInformation records that a UCC employee entered a version into the
// UCC database (p.5); from then on it is the version operators use.
func (s *Service) EnterInformation(ctx context.Context, id string, version int, actor string) (*Onboarding, error) {
	return s.update(ctx, id, actor, rule(5), func(o *Onboarding, c change) error { return o.enterInformation(c, version, actor) })
}

// NoteChange records that the service information changed on changedOn
// (for example a normative act was amended): the update is due within 5
// working days of that date (p.6).
func (s *Service) NoteChange(ctx context.Context, id string, changedOn time.Time, what, actor string) (*Onboarding, error) {
	return s.update(ctx, id, actor, rule(6), func(o *Onboarding, c change) error { return o.noteChange(c, changedOn, what) })
}

// UpdateInformation records a new version submitted at `at` for a change of
// changedOn (p.6). If NoteChange opened the update, its date is used. The
// version lists the fields that changed; a late update is a breached term.
func (s *Service) UpdateInformation(ctx context.Context, id string, changedOn, at time.Time, info Information, enteredBy, actor string) (*Onboarding, error) {
	if err := errors.Join(info.validate(rule(6))...); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, rule(6), func(o *Onboarding, c change) error {
		return o.updateInformation(c, changedOn, at, info, enteredBy)
	})
}

// ReplacePerson records the body's notice of a new responsible person
// (p.7): due within 5 working days of the replacement.
func (s *Service) ReplacePerson(ctx context.Context, id string, replacedOn, notifiedAt time.Time, p Person, actor string) (*Onboarding, error) {
	if err := errors.Join(p.validate(rule(7), "person.")...); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, rule(7), func(o *Onboarding, c change) error {
		return o.replacePerson(c, replacedOn, notifiedAt, p)
	})
}

// SendQuestions records the UCC employee's questions, sent to the
// responsible person's e-mail before the training (p.8).
func (s *Service) SendQuestions(ctx context.Context, id string, at time.Time, items []string, actor string) (*Onboarding, error) {
	if len(items) == 0 || slicesContainsBlank(items) {
		return nil, deadlines.Invalid(rule(8), "items", "at least one non-empty question")
	}
	return s.update(ctx, id, actor, rule(8), func(o *Onboarding, c change) error { return o.sendQuestions(c, at, items) })
}

func slicesContainsBlank(items []string) bool {
	for _, s := range items {
		if strings.TrimSpace(s) == "" {
			return true
		}
	}
	return false
}

// RecordTraining records the training of UCC staff by the responsible
// person (p.8).
func (s *Service) RecordTraining(ctx context.Context, id string, t Training, actor string) (*Onboarding, error) {
	var errs []error
	if strings.TrimSpace(t.Trainer) == "" {
		errs = append(errs, deadlines.Invalid(rule(8), "trainer", "the responsible person who trained is required"))
	}
	if len(t.Trainees) == 0 || slicesContainsBlank(t.Trainees) {
		errs = append(errs, deadlines.Invalid(rule(8), "trainees", "the UCC employees trained are required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, rule(8), func(o *Onboarding, c change) error { return o.recordTraining(c, t) })
}

// SignProtocol records the protocol of acceptance signed by authorized
// representatives of both the UCC and the body (p.8); the UCC informs
// recipients from 5 working days after it (p.9).
func (s *Service) SignProtocol(ctx context.Context, id string, p Protocol, actor string) (*Onboarding, error) {
	var errs []error
	if strings.TrimSpace(p.Number) == "" {
		errs = append(errs, deadlines.Invalid(rule(8), "number", "the protocol's number is required"))
	}
	for _, sig := range [...]struct {
		field string
		Signatory
	}{{"ucc", p.UCC}, {"body", p.Body}} {
		if strings.TrimSpace(sig.FullName) == "" || strings.TrimSpace(sig.Position) == "" {
			errs = append(errs, deadlines.Invalid(rule(8), sig.field, "both sides' authorized representatives sign: full name and position"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, rule(8), func(o *Onboarding, c change) error { return o.signProtocol(c, p) })
}

// Get returns an onboarding.
func (s *Service) Get(ctx context.Context, id string) (*Onboarding, error) {
	return s.store.GetOnboarding(ctx, id)
}

// Consultable is a service the UCC may inform about, with the information
// version operators use.
type Consultable struct {
	Service     StateService
	Onboarding  *Onboarding
	Information *InformationVersion // nil if no version was entered into the UCC database
}

// Consultable lists the services accepted for consultation and live at
// `at` (Rules130 p.3, p.9), ordered by service ID.
func (s *Service) Consultable(ctx context.Context, at time.Time) ([]Consultable, error) {
	all, err := s.store.ListOnboardings(ctx, OnboardingFilter{})
	if err != nil {
		return nil, err
	}
	var out []Consultable
	seen := map[string]bool{}
	for _, o := range all {
		if !o.ConsultableOn(at) || seen[o.ServiceID] {
			continue
		}
		svc, err := s.store.GetService(ctx, o.ServiceID)
		if err != nil {
			return nil, err
		}
		seen[o.ServiceID] = true
		out = append(out, Consultable{Service: svc, Onboarding: o, Information: o.CurrentInformation()})
	}
	return out, nil
}

// StepStatus is the state of one step's term.
type StepStatus struct {
	OnboardingID string             `json:"onboarding_id,omitempty"`
	ServiceID    string             `json:"service_id,omitempty"`
	BodyID       string             `json:"body_id"`
	Step         string             `json:"step"` // "request", "update-1", or "notice 2025-03/1"
	Rule         deadlines.Citation `json:"rule"`
	Status       deadlines.Status   `json:"status"`
}

// DeadlineFilter selects steps for Deadlines; empty fields match all.
type DeadlineFilter struct {
	BodyID    string
	ServiceID string
	// DueWithin keeps the running steps due within this many working days
	// (0 keeps only the overdue ones); a negative value keeps every open step.
	DueWithin int
}

// Deadlines lists the open steps of onboardings and p.12 notices at the
// clock's now, overdue first, then by due date: the overdue and due-soon
// board per body, per service or across all.
func (s *Service) Deadlines(ctx context.Context, f DeadlineFilter) ([]StepStatus, error) {
	now := s.clock.Now()
	all, err := s.store.ListOnboardings(ctx, OnboardingFilter{BodyID: f.BodyID, ServiceID: f.ServiceID})
	if err != nil {
		return nil, err
	}
	var out []StepStatus
	keep := func(st StepStatus) {
		if st.Status.State == deadlines.TimerStopped {
			return
		}
		if f.DueWithin >= 0 && !st.Status.Breached && st.Status.RemainingWorkdays > f.DueWithin {
			return
		}
		if f.DueWithin == 0 && !st.Status.Breached {
			return
		}
		out = append(out, st)
	}
	for _, o := range all {
		c, err := s.calIn(o.Zone)
		if err != nil {
			return nil, err
		}
		for i := range o.Timers {
			t := &o.Timers[i]
			keep(StepStatus{OnboardingID: o.ID, ServiceID: o.ServiceID, BodyID: o.BodyID,
				Step: strings.TrimPrefix(t.ID, o.ID+"/"), Rule: t.Ledger[0].Rule, Status: t.Status(c, now)})
		}
	}
	if f.ServiceID == "" {
		ledgers, err := s.store.ListLedgers(ctx, f.BodyID)
		if err != nil {
			return nil, err
		}
		for _, l := range ledgers {
			body, err := s.store.GetBody(ctx, l.Key.BodyID)
			if err != nil {
				return nil, err
			}
			c, err := s.calIn(body.Zone)
			if err != nil {
				return nil, err
			}
			for _, n := range l.Notices {
				keep(StepStatus{BodyID: l.Key.BodyID, Step: fmt.Sprintf("notice %s/%d", l.Key.Period, n.Seq), Rule: rule(12), Status: n.Timer.Status(c, now)})
			}
		}
	}
	sortSteps(out)
	return out, nil
}
