package reports

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
)

// TermMonthly is the p.14 term: by the 5th of the following month, rolled
// forward to a working day.
var TermMonthly = deadlines.Term{Kind: deadlines.DayOfNextMonth, N: 5, Rule: rule(14)}

// DeliveryState is where one recipient's report stands.
type DeliveryState uint8

// Delivery states, in order.
const (
	_            DeliveryState = iota
	Owed                       // the month's report is owed; not generated yet
	Generated                  // rendered from the register; may be regenerated until sent
	Sent                       // sent in writing or electronically: the p.14 duty is met
	Acknowledged               // the recipient confirmed receipt
)

var deliveryStateNames = [...]string{"", "owed", "generated", "sent", "acknowledged"}

func (s DeliveryState) String() string {
	if int(s) < len(deliveryStateNames) && s != 0 {
		return deliveryStateNames[s]
	}
	return fmt.Sprintf("DeliveryState(%d)", uint8(s))
}

// MarshalText implements encoding.TextMarshaler.
func (s DeliveryState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *DeliveryState) UnmarshalText(b []byte) error {
	i := slices.Index(deliveryStateNames[1:], string(b))
	if i < 0 {
		return deadlines.Invalid(rule(14), "state", fmt.Sprintf("unknown delivery state %q", b))
	}
	*s = DeliveryState(i + 1)
	return nil
}

// Delivery is one recipient's report of a month and its p.14 term.
type Delivery struct {
	Recipient      Recipient        `json:"recipient"`
	Scope          Scope            `json:"scope"`
	State          DeliveryState    `json:"state"`
	Rows           int              `json:"rows"`              // appeals in the last generated report
	Summary        *Summary         `json:"summary,omitempty"` // of the last generated report
	GeneratedAt    time.Time        `json:"generated_at,omitzero"`
	Generations    int              `json:"generations,omitempty"`
	SentAt         time.Time        `json:"sent_at,omitzero"`
	SentBy         string           `json:"sent_by,omitempty"`
	AcknowledgedAt time.Time        `json:"acknowledged_at,omitzero"`
	Timer          *deadlines.Timer `json:"timer"` // running until sent; its rungs escalate a late report
}

// MonthlyReport is the p.14 duty of one month: the full report for the
// quality authority and one per central state body and local executive
// body providing services, each with its own term. It is changed only
// through Service, inside Store.UpdateMonthly closures.
type MonthlyReport struct {
	Period     Period             `json:"period"`
	Zone       string             `json:"zone"` // the UCC's zone: its civil dates bound the month and count the term
	From       time.Time          `json:"from"`
	To         time.Time          `json:"to"`
	Deliveries []*Delivery        `json:"deliveries"` // the quality authority first, then by recipient ID
	History    []onboarding.Event `json:"history"`
}

// Clone returns a deep copy of m.
func (m *MonthlyReport) Clone() *MonthlyReport {
	c := *m
	c.Deliveries = make([]*Delivery, len(m.Deliveries))
	for i, d := range m.Deliveries {
		dc := *d
		if d.Summary != nil {
			s := *d.Summary
			s.ByRegion, s.ByBody, s.ByService = slices.Clone(s.ByRegion), slices.Clone(s.ByBody), slices.Clone(s.ByService)
			dc.Summary = &s
		}
		if d.Timer != nil {
			dc.Timer = d.Timer.Clone()
		}
		c.Deliveries[i] = &dc
	}
	c.History = slices.Clone(m.History)
	return &c
}

// Delivery returns the delivery to a recipient, or nil.
func (m *MonthlyReport) Delivery(recipientID string) *Delivery {
	for _, d := range m.Deliveries {
		if d.Recipient.ID == recipientID {
			return d
		}
	}
	return nil
}

// Timers returns the deliveries' timers, for stores that index schedules.
func (m *MonthlyReport) Timers() []*deadlines.Timer {
	out := make([]*deadlines.Timer, 0, len(m.Deliveries))
	for _, d := range m.Deliveries {
		if d.Timer != nil {
			out = append(out, d.Timer)
		}
	}
	return out
}

// timerID names a delivery's timer: "report/2025-03/ministry".
func timerID(p Period, recipientID string) string { return "report/" + p.String() + "/" + recipientID }

// change is the context of one transition.
type change struct {
	cal   *deadlines.Calendar // in the UCC's zone
	now   time.Time
	actor string
	rungs func(deadlines.Term) []deadlines.Rung
}

func record(h *[]onboarding.Event, c change, typ string, r deadlines.Citation, at time.Time, note string) {
	*h = append(*h, onboarding.Event{Seq: len(*h) + 1, Type: typ, Rule: r, Actor: c.actor, At: at, Recorded: c.now, Note: note})
}

// checkAt validates the instant of a step: set, not in the future, and not
// before the step it follows.
func (c change) checkAt(r deadlines.Citation, field string, at, after time.Time, afterWhat string) error {
	switch {
	case at.IsZero():
		return deadlines.Invalid(r, field, "required")
	case at.After(c.now):
		return deadlines.Invalid(r, field, "is in the future ("+at.Format(time.RFC3339)+")")
	case at.Before(after):
		return deadlines.Invalid(r, field, fmt.Sprintf("is before %s (%s)", afterWhat, after.Format(time.RFC3339)))
	}
	return nil
}

// newMonthly opens the duties of a month for the recipients, each with a
// timer started at the month's first instant.
func newMonthly(c change, p Period, recipients []Recipient) (*MonthlyReport, error) {
	from, to := p.Bounds(c.cal.Location())
	m := &MonthlyReport{Period: p, Zone: c.cal.Location().String(), From: from, To: to}
	for _, r := range recipients {
		scope := ScopeBody
		if r.Kind == onboarding.KindQualityAuthority {
			scope = ScopeFull
		}
		t, err := deadlines.NewTimer(c.cal, timerID(p, r.ID), "p.14 report "+p.String()+" to "+r.ID, TermMonthly, from, c.rungs(TermMonthly)...)
		if err != nil {
			return nil, err
		}
		m.Deliveries = append(m.Deliveries, &Delivery{Recipient: r, Scope: scope, State: Owed, Timer: t})
	}
	due := "none"
	if len(m.Deliveries) > 0 {
		due = m.Deliveries[0].Timer.Deadline(c.cal).Due.Format(time.DateOnly)
	}
	record(&m.History, c, "month.opened", rule(14), c.now, fmt.Sprintf("%d report(s) owed, due %s", len(m.Deliveries), due))
	return m, nil
}

func (m *MonthlyReport) delivery(id string) (*Delivery, error) {
	d := m.Delivery(id)
	if d == nil {
		return nil, deadlines.Wrap(rule(14), "recipient", ErrNotFound, "no report of "+m.Period.String()+" is owed to "+id)
	}
	return d, nil
}

func (m *MonthlyReport) generated(c change, id string, rows int, s Summary) error {
	d, err := m.delivery(id)
	if err != nil {
		return err
	}
	if d.State >= Sent {
		return deadlines.Wrap(rule(14), "recipient", ErrConflict, fmt.Sprintf("the report to %s was sent at %s", id, d.SentAt.Format(time.RFC3339)))
	}
	if c.now.Before(m.To) {
		return deadlines.Wrap(rule(14), "period", ErrConflict, "the month "+m.Period.String()+" has not ended")
	}
	d.State, d.Rows, d.Summary, d.GeneratedAt = Generated, rows, &s, c.now
	d.Generations++
	record(&m.History, c, "report.generated", rule(14), c.now, fmt.Sprintf("to %s: %d appeal(s), generation %d", id, rows, d.Generations))
	return nil
}

func (m *MonthlyReport) send(c change, id string, at time.Time) error {
	d, err := m.delivery(id)
	if err != nil {
		return err
	}
	switch d.State {
	case Owed:
		return deadlines.Wrap(rule(14), "recipient", ErrConflict, "the report to "+id+" has not been generated")
	case Sent, Acknowledged:
		return deadlines.Wrap(rule(14), "recipient", ErrConflict, fmt.Sprintf("the report to %s was sent at %s", id, d.SentAt.Format(time.RFC3339)))
	}
	if err := c.checkAt(rule(14), "sent_at", at, d.GeneratedAt, "the report was generated"); err != nil {
		return err
	}
	if err := d.Timer.Stop(c.cal, at, rule(14), "sent"); err != nil {
		return err
	}
	st := d.Timer.Status(c.cal, at)
	d.State, d.SentAt, d.SentBy = Sent, at, c.actor
	note := "to " + id + ", due " + st.Deadline.Due.Format(time.DateOnly)
	if st.Breached {
		note += ", late"
	}
	record(&m.History, c, "report.sent", rule(14), at, note)
	return nil
}

func (m *MonthlyReport) acknowledge(c change, id string, at time.Time) error {
	d, err := m.delivery(id)
	if err != nil {
		return err
	}
	switch d.State {
	case Owed, Generated:
		return deadlines.Wrap(rule(14), "recipient", ErrConflict, "the report to "+id+" has not been sent")
	case Acknowledged:
		return deadlines.Wrap(rule(14), "recipient", ErrConflict, fmt.Sprintf("%s acknowledged the report at %s", id, d.AcknowledgedAt.Format(time.RFC3339)))
	}
	if err := c.checkAt(rule(14), "acknowledged_at", at, d.SentAt, "the report was sent"); err != nil {
		return err
	}
	d.State, d.AcknowledgedAt = Acknowledged, at
	record(&m.History, c, "report.acknowledged", rule(14), at, "by "+id)
	return nil
}

// escalate records a fired rung once.
func escalate(h *[]onboarding.Event, f deadlines.Firing) {
	note := fmt.Sprintf("%s: %s, due %s", f.Rung.Name, f.Subject, f.Due.Format(time.DateOnly))
	for _, e := range *h {
		if e.Type == "escalation" && e.Note == note {
			return
		}
	}
	*h = append(*h, onboarding.Event{Seq: len(*h) + 1, Type: "escalation", Rule: f.Rung.Rule, Actor: "sweeper", At: f.At, Recorded: f.FiredAt, Note: note})
}

// validRecipientID reports whether id can be part of a timer ID.
func validRecipientID(id string) bool { return id != "" && !strings.ContainsAny(id, "/ \t\n") }
