package reports

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// Service is the reporting use cases: the appeal register and the monthly
// analytical report (Rules130 p.14, Appendix 2), and reconciliation with
// the bodies' figures (p.16). It validates input before touching the store
// and reports every field problem at once; writes go through the store's
// update closures. It is safe for concurrent use.
type Service struct {
	store Store
	cal   *deadlines.Calendar // in the UCC's zone
	clock deadlines.Clock
	rungs func(deadlines.Term) []deadlines.Rung
	newID func() string
}

// Option configures a Service.
type Option func(*Service) error

// WithZone sets the UCC's time zone: its civil dates bound the months and
// count the terms. The default is the calendar's location.
func WithZone(loc *time.Location) Option {
	return func(s *Service) error {
		if loc == nil {
			return deadlines.Invalid(deadlines.Citation{}, "zone", "nil location")
		}
		s.cal = s.cal.In(loc)
		return nil
	}
}

// WithRungs sets the escalation rungs of the timers the service starts. The
// default is a warning one working day before the due date and the breach,
// and the breach alone for immediate terms (p.16), whose warning would fall
// before the term starts.
func WithRungs(rungs func(deadlines.Term) []deadlines.Rung) Option {
	return func(s *Service) error {
		if rungs == nil {
			return deadlines.Invalid(deadlines.Citation{}, "rungs", "nil function")
		}
		s.rungs = rungs
		return nil
	}
}

// WithIDs sets the generator of new IDs (default crypto/rand.Text).
func WithIDs(newID func() string) Option {
	return func(s *Service) error {
		if newID == nil {
			return deadlines.Invalid(deadlines.Citation{}, "ids", "nil function")
		}
		s.newID = newID
		return nil
	}
}

// DefaultRungs are the rungs WithRungs replaces.
func DefaultRungs(t deadlines.Term) []deadlines.Rung {
	if t.Kind == deadlines.Immediately {
		return []deadlines.Rung{deadlines.Breach(t.Rule)}
	}
	return []deadlines.Rung{deadlines.Warning(1, t.Rule), deadlines.Breach(t.Rule)}
}

// NewService returns a Service over store, counting terms on cal with time
// from clock.
func NewService(store Store, cal *deadlines.Calendar, clock deadlines.Clock, opts ...Option) (*Service, error) {
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
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s := &Service{store: store, cal: cal, clock: clock, rungs: DefaultRungs, newID: rand.Text}
	for _, o := range opts {
		if err := o(s); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// Location returns the UCC's zone.
func (s *Service) Location() *time.Location { return s.cal.Location() }

func (s *Service) change(actor string, r deadlines.Citation) (change, error) {
	if strings.TrimSpace(actor) == "" {
		return change{}, deadlines.Invalid(r, "actor", "who acts is required")
	}
	return change{cal: s.cal, now: s.clock.Now(), actor: actor, rungs: s.rungs}, nil
}

// RecordAppeal validates an appeal and enters it into the register
// (Rules130 p.14, Appendix 2). The body must be a registered provider of
// the service. Every problem is reported at once and nothing is stored on
// bad input. An empty ID is generated. It returns the stored appeal.
func (s *Service) RecordAppeal(ctx context.Context, a Appeal, actor string) (Appeal, error) {
	now := s.clock.Now()
	errs := a.validate(now)
	if strings.TrimSpace(actor) == "" {
		errs = append(errs, deadlines.Invalid(rule(14), "actor", "who records the appeal is required"))
	}
	errs = append(errs, s.checkRefs(ctx, &a, &refCache{bodies: map[string]bodyRef{}, services: map[string]serviceRef{}})...)
	if err := errors.Join(errs...); err != nil {
		return Appeal{}, err
	}
	if a.ID == "" {
		a.ID = s.newID()
	}
	a.RecordedAt, a.RecordedBy = now, actor
	if err := s.store.CreateAppeal(ctx, a); err != nil {
		return Appeal{}, fmt.Errorf("appeal %s: %w", a.ID, err)
	}
	return a, nil
}

// Appeal returns an appeal of the register.
func (s *Service) Appeal(ctx context.Context, id string) (Appeal, error) {
	return s.store.GetAppeal(ctx, id)
}

// recipient returns the recipient a body is and the scope of its report.
func recipientOf(b onboarding.Body) (Recipient, Scope, error) {
	r := Recipient{ID: b.ID, Kind: b.Kind, Name: b.Name}
	switch b.Kind {
	case onboarding.KindQualityAuthority:
		return r, ScopeFull, nil
	case onboarding.KindCentral, onboarding.KindLocalExecutive:
		return r, ScopeBody, nil
	}
	return Recipient{}, "", deadlines.Invalid(rule(14), "recipient", b.ID+" is a "+b.Kind.String()+": the report goes to the quality authority and to central state and local executive bodies")
}

// Recipients lists who is owed a month's report (p.14): every quality
// authority, then every central state body and local executive body that
// provides a registered service, by ID.
func (s *Service) Recipients(ctx context.Context) ([]Recipient, error) {
	bodies, err := s.store.ListBodies(ctx)
	if err != nil {
		return nil, err
	}
	services, err := s.store.ListServices(ctx)
	if err != nil {
		return nil, err
	}
	provides := map[string]bool{}
	for _, svc := range services {
		for _, id := range svc.Providers {
			provides[id] = true
		}
	}
	var out []Recipient
	for _, b := range bodies {
		r, scope, err := recipientOf(b)
		if err != nil || (scope == ScopeBody && !provides[b.ID]) || !validRecipientID(b.ID) {
			continue
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b Recipient) int {
		qa, qb := a.Kind == onboarding.KindQualityAuthority, b.Kind == onboarding.KindQualityAuthority
		if qa != qb {
			if qa {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// OpenMonth records the month's reporting duties (p.14): one report per
// recipient, each due by the 5th of the following month (rolled forward to
// a working day) with a timer started at the month's first instant, so a
// sweeper escalates a late report. The month must have begun.
func (s *Service) OpenMonth(ctx context.Context, p Period, actor string) (*MonthlyReport, error) {
	c, err := s.change(actor, rule(14))
	if err != nil {
		return nil, err
	}
	if p.IsZero() {
		return nil, deadlines.Invalid(rule(14), "period", "required")
	}
	if from, _ := p.Bounds(c.cal.Location()); c.now.Before(from) {
		return nil, deadlines.Invalid(rule(14), "period", p.String()+" has not begun")
	}
	recipients, err := s.Recipients(ctx)
	if err != nil {
		return nil, err
	}
	if len(recipients) == 0 {
		return nil, deadlines.Wrap(rule(14), "recipients", ErrNotFound, "no quality authority or providing body is registered")
	}
	m, err := newMonthly(c, p, recipients)
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateMonthly(ctx, m); err != nil {
		return nil, fmt.Errorf("month %s: %w", p, err)
	}
	return m, nil
}

// Monthly returns a month's duties.
func (s *Service) Monthly(ctx context.Context, p Period) (*MonthlyReport, error) {
	return s.store.GetMonthly(ctx, p)
}

func (s *Service) updateMonthly(ctx context.Context, p Period, actor string, fn func(*MonthlyReport, change) error) (*MonthlyReport, error) {
	var out *MonthlyReport
	err := s.store.UpdateMonthly(ctx, p, func(m *MonthlyReport) error {
		c, err := s.change(actor, rule(14))
		if err != nil {
			return err
		}
		if err := fn(m, c); err != nil {
			return err
		}
		out = m.Clone()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("month %s: %w", p, err)
	}
	return out, nil
}

// Render streams a recipient's report of a month to w: the quality
// authority's covers every appeal, a body's the appeals about it. Appeals
// flow one at a time from the store to the writer; only the summary, whose
// size depends on the number of regions, bodies and services, is kept.
// Render changes nothing: it previews, and Generate records.
func (s *Service) Render(ctx context.Context, p Period, recipientID string, w Writer) (Summary, error) {
	if p.IsZero() {
		return Summary{}, deadlines.Invalid(rule(14), "period", "required")
	}
	body, err := s.store.GetBody(ctx, recipientID)
	if err != nil {
		return Summary{}, &deadlines.RuleError{Rule: rule(14), Field: "recipient", Err: err}
	}
	r, scope, err := recipientOf(body)
	if err != nil {
		return Summary{}, err
	}
	labels, err := s.labels(ctx)
	if err != nil {
		return Summary{}, err
	}
	loc := s.cal.Location()
	from, to := p.Bounds(loc)
	h := &Header{Form: "Appendix 2", Title: Appendix2Title, Rule: rule(14), Period: p, Zone: loc.String(), From: from, To: to,
		Recipient: r, Scope: scope, GeneratedAt: s.clock.Now().In(loc), Columns: Appendix2Columns}
	if err := w.Begin(h); err != nil {
		return Summary{}, fmt.Errorf("reports: writing the header: %w", err)
	}
	q := AppealQuery{From: from, To: to}
	if scope == ScopeBody {
		q.BodyID = r.ID
	}
	sm := newSummer(labels.body, labels.service)
	var row Row
	n := 0
	for a, err := range s.store.Appeals(ctx, q) {
		if err != nil {
			return Summary{}, fmt.Errorf("reports: reading appeals: %w", err)
		}
		n++
		row = Row{No: n, AppealID: a.ID, ReceivedAt: a.ReceivedAt.In(loc), ForumResponsible: a.ForumResponsible, Region: a.Region,
			ApplicantName: a.ApplicantName, Nature: a.Nature, Content: a.Content, RequestNo: a.RequestNo,
			BodyID: a.BodyID, Body: labels.body(a.BodyID), ServiceID: a.ServiceID, Service: labels.service(a.ServiceID)}
		if err := w.Row(&row); err != nil {
			return Summary{}, fmt.Errorf("reports: writing row %d: %w", n, err)
		}
		sm.add(a.Region, a.BodyID, a.ServiceID, a.Nature)
	}
	sum := sm.summary()
	if err := w.End(&sum); err != nil {
		return Summary{}, fmt.Errorf("reports: writing the summary: %w", err)
	}
	return sum, nil
}

// labels resolves body and service IDs to their names, read once per report.
type labels struct {
	bodies, services map[string]deadlines.Names
}

func (l labels) body(id string) deadlines.Names    { return l.bodies[id] }
func (l labels) service(id string) deadlines.Names { return l.services[id] }

func (s *Service) labels(ctx context.Context) (labels, error) {
	l := labels{bodies: map[string]deadlines.Names{}, services: map[string]deadlines.Names{}}
	bodies, err := s.store.ListBodies(ctx)
	if err != nil {
		return l, err
	}
	for _, b := range bodies {
		l.bodies[b.ID] = b.Name
	}
	services, err := s.store.ListServices(ctx)
	if err != nil {
		return l, err
	}
	for _, v := range services {
		l.services[v.ID] = v.Name
	}
	return l, nil
}

// Generate renders a recipient's report of an ended month to w, as Render
// does, and records it as generated with its row count and summary. It may
// be generated again until it is sent.
func (s *Service) Generate(ctx context.Context, p Period, recipientID string, w Writer, actor string) (*MonthlyReport, error) {
	m, err := s.store.GetMonthly(ctx, p)
	if err != nil {
		return nil, &deadlines.RuleError{Rule: rule(14), Field: "period", Err: err}
	}
	if _, err := m.delivery(recipientID); err != nil {
		return nil, err
	}
	if now := s.clock.Now(); now.Before(m.To) {
		return nil, deadlines.Wrap(rule(14), "period", ErrConflict, "the month "+p.String()+" has not ended")
	}
	sum, err := s.Render(ctx, p, recipientID, w)
	if err != nil {
		return nil, err
	}
	return s.updateMonthly(ctx, p, actor, func(m *MonthlyReport, c change) error {
		return m.generated(c, recipientID, sum.Total, sum)
	})
}

// Send records that a generated report was sent to its recipient, meeting
// (or, after the due date, breaching) the p.14 term.
func (s *Service) Send(ctx context.Context, p Period, recipientID string, at time.Time, actor string) (*MonthlyReport, error) {
	return s.updateMonthly(ctx, p, actor, func(m *MonthlyReport, c change) error { return m.send(c, recipientID, at) })
}

// Acknowledge records that the recipient confirmed receipt of the report.
func (s *Service) Acknowledge(ctx context.Context, p Period, recipientID string, at time.Time, actor string) (*MonthlyReport, error) {
	return s.updateMonthly(ctx, p, actor, func(m *MonthlyReport, c change) error { return m.acknowledge(c, recipientID, at) })
}

// HandleFiring is a deadlines.FiringHandler: it records the escalation of
// a late report or an unexplained discrepancy in the history of the month
// or reconciliation that owns the timer, once per firing. Firings of other
// packages' timers are ignored.
func (s *Service) HandleFiring(ctx context.Context, f deadlines.Firing) error {
	switch {
	case strings.HasPrefix(f.TimerID, "report/"):
		parts := strings.Split(f.TimerID, "/")
		if len(parts) != 3 {
			return deadlines.Invalid(rule(14), "timer_id", "malformed report timer "+f.TimerID)
		}
		p, err := ParsePeriod(parts[1])
		if err != nil {
			return err
		}
		return s.store.UpdateMonthly(ctx, p, func(m *MonthlyReport) error {
			escalate(&m.History, f)
			return nil
		})
	case strings.HasPrefix(f.TimerID, "reconciliation/"):
		parts := strings.Split(f.TimerID, "/")
		if len(parts) != 3 {
			return deadlines.Invalid(rule(16), "timer_id", "malformed reconciliation timer "+f.TimerID)
		}
		return s.store.UpdateReconciliation(ctx, parts[1], func(r *Reconciliation) error {
			escalate(&r.History, f)
			return nil
		})
	}
	return nil
}

// DeliveryStatus is the state of one report's term.
type DeliveryStatus struct {
	Period    Period           `json:"period"`
	Recipient string           `json:"recipient"`
	State     DeliveryState    `json:"state"`
	Status    deadlines.Status `json:"status"`
}

// Deadlines lists the reports not yet sent at the clock's now, overdue
// first, then by due date and recipient.
func (s *Service) Deadlines(ctx context.Context) ([]DeliveryStatus, error) {
	now := s.clock.Now()
	months, err := s.store.ListMonthly(ctx)
	if err != nil {
		return nil, err
	}
	var out []DeliveryStatus
	for _, m := range months {
		for _, d := range m.Deliveries {
			if d.State >= Sent {
				continue
			}
			out = append(out, DeliveryStatus{Period: m.Period, Recipient: d.Recipient.ID, State: d.State, Status: d.Timer.Status(s.cal, now)})
		}
	}
	slices.SortStableFunc(out, func(a, b DeliveryStatus) int {
		if a.Status.Breached != b.Status.Breached {
			if a.Status.Breached {
				return -1
			}
			return 1
		}
		return cmp.Or(a.Status.Deadline.Due.Compare(b.Status.Deadline.Due), cmp.Compare(a.Recipient, b.Recipient))
	})
	return out, nil
}
