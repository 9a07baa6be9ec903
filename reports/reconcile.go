package reports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// TermExplanation is the p.16 term of an explanation: immediately, read as
// by the end of the working day the discrepancy was found on (the next
// working day when that day is not one).
var TermExplanation = deadlines.Term{Kind: deadlines.Immediately, Rule: rule(16)}

// Dimension is how reporting figures are broken down.
type Dimension string

// Dimensions of the reporting figures, as in the monthly summary.
const (
	DimTotal   Dimension = "total"   // every appeal; the key is empty
	DimRegion  Dimension = "region"  // by region name
	DimNature  Dimension = "nature"  // by standard_violation or employee_conduct
	DimService Dimension = "service" // by service ID
)

func (d Dimension) valid() bool {
	return d == DimTotal || d == DimRegion || d == DimNature || d == DimService
}

// Figure is one reporting figure of a body: the appeals about it in a
// month, in total or for one key of a dimension.
type Figure struct {
	Line      int       `json:"line,omitempty"` // where it was imported from
	Period    Period    `json:"period"`
	BodyID    string    `json:"body_id"`
	Dimension Dimension `json:"dimension"`
	Key       string    `json:"key"`
	Count     int64     `json:"count"`
}

// Discrepancy is a figure on which the body and the UCC differ, with the
// UCC's explanation, owed immediately (p.16).
type Discrepancy struct {
	Seq         int              `json:"seq"`
	BodyID      string           `json:"body_id"`
	Dimension   Dimension        `json:"dimension"`
	Key         string           `json:"key"`
	Reported    int64            `json:"reported"` // the body's figure (0 when it reported none)
	UCC         int64            `json:"ucc"`      // the UCC's figure from its register
	Explanation string           `json:"explanation,omitempty"`
	ExplainedAt time.Time        `json:"explained_at,omitzero"`
	ExplainedBy string           `json:"explained_by,omitempty"`
	Timer       *deadlines.Timer `json:"timer"`
}

// Explained reports whether the UCC explained the discrepancy.
func (d *Discrepancy) Explained() bool { return !d.ExplainedAt.IsZero() }

// Reconciliation compares the figures a body reported for a month with the
// UCC's own (p.16). It is closed when every discrepancy is explained; one
// without discrepancies is closed when it is made.
type Reconciliation struct {
	ID            string             `json:"id"`
	Period        Period             `json:"period"`
	Source        string             `json:"source"`      // what was imported, e.g. the file name
	ReceivedAt    time.Time          `json:"received_at"` // when the figures came in: the discrepancies are found then
	Bodies        []string           `json:"bodies"`
	Figures       []Figure           `json:"figures"`
	Discrepancies []*Discrepancy     `json:"discrepancies"`
	ClosedAt      time.Time          `json:"closed_at,omitzero"`
	History       []onboarding.Event `json:"history"`
}

// Closed reports whether every discrepancy is explained.
func (r *Reconciliation) Closed() bool { return !r.ClosedAt.IsZero() }

// Clone returns a deep copy of r.
func (r *Reconciliation) Clone() *Reconciliation {
	c := *r
	c.Bodies = slices.Clone(r.Bodies)
	c.Figures = slices.Clone(r.Figures)
	c.Discrepancies = make([]*Discrepancy, len(r.Discrepancies))
	for i, d := range r.Discrepancies {
		dc := *d
		if d.Timer != nil {
			dc.Timer = d.Timer.Clone()
		}
		c.Discrepancies[i] = &dc
	}
	c.History = slices.Clone(r.History)
	return &c
}

// Timers returns the discrepancies' timers, for stores that index schedules.
func (r *Reconciliation) Timers() []*deadlines.Timer {
	out := make([]*deadlines.Timer, 0, len(r.Discrepancies))
	for _, d := range r.Discrepancies {
		if d.Timer != nil {
			out = append(out, d.Timer)
		}
	}
	return out
}

// Discrepancy returns the discrepancy with sequence number seq, or nil.
func (r *Reconciliation) Discrepancy(seq int) *Discrepancy {
	for _, d := range r.Discrepancies {
		if d.Seq == seq {
			return d
		}
	}
	return nil
}

// figureCounts are the figures of one body: (dimension, key) → count.
type figureCounts map[[2]string]int64

// countsOf turns a summary of one body's appeals into figures.
func countsOf(s Summary) figureCounts {
	c := figureCounts{{string(DimTotal), ""}: int64(s.Total)}
	if s.StandardViolation > 0 {
		c[[2]string{string(DimNature), "standard_violation"}] = int64(s.StandardViolation)
	}
	if s.EmployeeConduct > 0 {
		c[[2]string{string(DimNature), "employee_conduct"}] = int64(s.EmployeeConduct)
	}
	for _, r := range s.ByRegion {
		c[[2]string{string(DimRegion), r.Key}] = int64(r.Total)
	}
	for _, r := range s.ByService {
		c[[2]string{string(DimService), r.Key}] = int64(r.Total)
	}
	return c
}

// dimensionOrder orders discrepancies: the total first, then region,
// nature and service.
var dimensionOrder = map[Dimension]int{DimTotal: 0, DimRegion: 1, DimNature: 2, DimService: 3}

// summarize streams one body's appeals of a month into a summary.
func (s *Service) summarize(ctx context.Context, p Period, bodyID string) (Summary, error) {
	from, to := p.Bounds(s.cal.Location())
	sm := newSummer(nil, nil)
	for a, err := range s.store.Appeals(ctx, AppealQuery{From: from, To: to, BodyID: bodyID}) {
		if err != nil {
			return Summary{}, fmt.Errorf("reports: reading appeals: %w", err)
		}
		sm.add(a.Region, a.BodyID, a.ServiceID, a.Nature)
	}
	return sm.summary(), nil
}

// Figures returns the UCC's own reporting figures of a body for a month,
// from its register, in every dimension, sorted: what a body's figures are
// compared with (p.16), and what WriteFiguresCSV exports.
func (s *Service) Figures(ctx context.Context, p Period, bodyID string) ([]Figure, error) {
	if _, err := s.store.GetBody(ctx, bodyID); err != nil {
		return nil, &deadlines.RuleError{Rule: rule(16), Field: "body_id", Err: err}
	}
	sum, err := s.summarize(ctx, p, bodyID)
	if err != nil {
		return nil, err
	}
	var out []Figure
	for k, n := range countsOf(sum) {
		out = append(out, Figure{Period: p, BodyID: bodyID, Dimension: Dimension(k[0]), Key: k[1], Count: n})
	}
	slices.SortFunc(out, func(a, b Figure) int {
		return cmp.Or(cmp.Compare(dimensionOrder[a.Dimension], dimensionOrder[b.Dimension]), cmp.Compare(a.Key, b.Key))
	})
	return out, nil
}

// ReconcileInput is a body's reporting figures to compare with the UCC's.
type ReconcileInput struct {
	Source     string    // what was imported, e.g. the file name
	ReceivedAt time.Time // when the figures came in
	Figures    []Figure  // from DecodeFiguresCSV or DecodeFiguresJSON
	Actor      string
}

// Reconcile compares a body's reporting figures for a month with the UCC's
// own from the appeal register (Rules130 p.16), for the same period and the
// dimensions the body reported: in a dimension, every key either side has
// is compared, a key missing on one side counting 0. Every difference is a
// Discrepancy owing one explanation, due immediately, with its own timer
// whose breach rung escalates. A reconciliation without discrepancies is
// closed at once. The figures must be of one month and of registered
// bodies and services; every problem is reported with its line and field,
// and nothing is stored on bad input.
func (s *Service) Reconcile(ctx context.Context, in ReconcileInput) (*Reconciliation, error) {
	c, err := s.change(in.Actor, rule(16))
	if err != nil {
		return nil, err
	}
	var errs []error
	if err := c.checkAt(rule(16), "received_at", in.ReceivedAt, time.Time{}, ""); err != nil {
		errs = append(errs, err)
	}
	if len(in.Figures) == 0 {
		errs = append(errs, deadlines.Invalid(rule(16), "figures", "no figures to compare"))
	}
	var period Period
	var bodies []string
	known := map[string]error{}
	services := map[string]bool{}
	for _, f := range in.Figures {
		if period.IsZero() {
			period = f.Period
		}
		if f.Period != period {
			errs = append(errs, lineErr(f.Line, "period", "figures of "+f.Period.String()+" in an import of "+period.String()+": one month per reconciliation"))
		}
		if from, _ := f.Period.Bounds(c.cal.Location()); c.now.Before(from) {
			errs = append(errs, lineErr(f.Line, "period", f.Period.String()+" has not begun: no figures of it can be compared"))
		}
		berr, seen := known[f.BodyID]
		if !seen {
			b, err := s.store.GetBody(ctx, f.BodyID)
			switch {
			case errors.Is(err, ErrNotFound):
				berr = lineErr(f.Line, "body_id", "no body "+f.BodyID+" is registered")
			case err != nil:
				return nil, err
			case !b.Kind.Provider():
				berr = lineErr(f.Line, "body_id", b.ID+" is a "+b.Kind.String()+", not a service provider")
			default:
				bodies = append(bodies, f.BodyID)
			}
			known[f.BodyID] = berr
		}
		if berr != nil {
			errs = append(errs, &LineError{Line: f.Line, Field: "body_id", Err: errors.Unwrap(berr)})
		}
		if f.Dimension == DimService && !services[f.Key] {
			if _, err := s.store.GetService(ctx, f.Key); errors.Is(err, ErrNotFound) {
				errs = append(errs, lineErr(f.Line, "key", "no service "+f.Key+" is registered"))
			} else if err != nil {
				return nil, err
			} else {
				services[f.Key] = true
			}
		}
		if !f.Dimension.valid() || f.Count < 0 {
			errs = append(errs, lineErr(f.Line, "dimension", "not a valid figure: decode imports with DecodeFiguresCSV or DecodeFiguresJSON"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.Sort(bodies)
	r := &Reconciliation{ID: s.newID(), Period: period, Source: in.Source, ReceivedAt: in.ReceivedAt, Bodies: bodies, Figures: slices.Clone(in.Figures)}
	for _, body := range bodies {
		sum, err := s.summarize(ctx, period, body)
		if err != nil {
			return nil, err
		}
		ours := countsOf(sum)
		theirs := figureCounts{}
		dims := map[Dimension]bool{}
		for _, f := range in.Figures {
			if f.BodyID == body {
				theirs[[2]string{string(f.Dimension), f.Key}] = f.Count
				dims[f.Dimension] = true
			}
		}
		keys := map[[2]string]bool{}
		for k := range theirs {
			keys[k] = true
		}
		for k := range ours {
			if dims[Dimension(k[0])] {
				keys[k] = true
			}
		}
		sortedKeys := slices.SortedFunc(maps.Keys(keys), func(a, b [2]string) int {
			return cmp.Or(cmp.Compare(dimensionOrder[Dimension(a[0])], dimensionOrder[Dimension(b[0])]), cmp.Compare(a[1], b[1]))
		})
		for _, k := range sortedKeys {
			if theirs[k] == ours[k] {
				continue
			}
			d := &Discrepancy{Seq: len(r.Discrepancies) + 1, BodyID: body, Dimension: Dimension(k[0]), Key: k[1], Reported: theirs[k], UCC: ours[k]}
			t, err := deadlines.NewTimer(c.cal, "reconciliation/"+r.ID+"/"+strconv.Itoa(d.Seq),
				fmt.Sprintf("p.16 explanation %s/%d: %s %s %s", r.ID, d.Seq, body, d.Dimension, d.Key), TermExplanation, in.ReceivedAt, c.rungs(TermExplanation)...)
			if err != nil {
				return nil, err
			}
			d.Timer = t
			r.Discrepancies = append(r.Discrepancies, d)
		}
	}
	record(&r.History, c, "reconciliation.opened", rule(16), in.ReceivedAt,
		fmt.Sprintf("%d figure(s) of %s from %s: %d discrepancy(ies)", len(in.Figures), strings.Join(bodies, ", "), in.Source, len(r.Discrepancies)))
	if len(r.Discrepancies) == 0 {
		r.ClosedAt = c.now
		record(&r.History, c, "reconciliation.closed", rule(16), c.now, "the figures agree")
	}
	if err := s.store.CreateReconciliation(ctx, r); err != nil {
		return nil, fmt.Errorf("reconciliation %s: %w", r.ID, err)
	}
	return r, nil
}

// Explain records the UCC's explanation of one discrepancy to the quality
// authority (p.16), stopping its timer; when every discrepancy is
// explained the reconciliation closes.
func (s *Service) Explain(ctx context.Context, id string, seq int, explanation string, at time.Time, actor string) (*Reconciliation, error) {
	if strings.TrimSpace(explanation) == "" {
		return nil, deadlines.Invalid(rule(16), "explanation", "required")
	}
	var out *Reconciliation
	err := s.store.UpdateReconciliation(ctx, id, func(r *Reconciliation) error {
		c, err := s.change(actor, rule(16))
		if err != nil {
			return err
		}
		d := r.Discrepancy(seq)
		if d == nil {
			return deadlines.Wrap(rule(16), "seq", ErrNotFound, "no discrepancy "+strconv.Itoa(seq)+" in reconciliation "+r.ID)
		}
		if d.Explained() {
			return deadlines.Wrap(rule(16), "seq", ErrConflict, fmt.Sprintf("discrepancy %d was explained at %s", seq, d.ExplainedAt.Format(time.RFC3339)))
		}
		if err := c.checkAt(rule(16), "explained_at", at, r.ReceivedAt, "the figures came in"); err != nil {
			return err
		}
		if err := d.Timer.Stop(c.cal, at, rule(16), "explained"); err != nil {
			return err
		}
		d.Explanation, d.ExplainedAt, d.ExplainedBy = explanation, at, actor
		note := fmt.Sprintf("discrepancy %d (%s %s %s: reported %d, UCC %d)", seq, d.BodyID, d.Dimension, d.Key, d.Reported, d.UCC)
		if d.Timer.Status(c.cal, at).Breached {
			note += ", late"
		}
		record(&r.History, c, "discrepancy.explained", rule(16), at, note)
		if !slices.ContainsFunc(r.Discrepancies, func(o *Discrepancy) bool { return !o.Explained() }) {
			r.ClosedAt = at
			record(&r.History, c, "reconciliation.closed", rule(16), at, "every discrepancy explained")
		}
		out = r.Clone()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reconciliation %s: %w", id, err)
	}
	return out, nil
}

// Reconciliation returns a reconciliation.
func (s *Service) Reconciliation(ctx context.Context, id string) (*Reconciliation, error) {
	return s.store.GetReconciliation(ctx, id)
}
