package reports

import (
	"slices"
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
