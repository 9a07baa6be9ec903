package desk

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Stage is where one delivery of a state service stands, as its provider
// records it in the Monitoring information system (Rules130 p.13).
type Stage uint8

// Stages, in their usual order. A delivery starts Received; it ends Issued
// or Refused.
const (
	_                       Stage = iota
	StageReceived                 // the provider received the application: the term starts
	StageInProgress               // the provider works on it
	StageDocumentsRequested       // the provider asked the recipient or another body for documents
	StageResultReady              // the result is ready to be issued: the term is met
	StageIssued                   // the result was issued to the recipient
	StageRefused                  // the provider refused
)

var stageNames = [...]string{"", "received", "in_progress", "documents_requested", "result_ready", "issued", "refused"}

var stageLabels = map[Stage]deadlines.Names{
	StageReceived:           {KK: "Қабылданды", RU: "Принято", EN: "received"},
	StageInProgress:         {KK: "Орындалуда", RU: "На исполнении", EN: "in progress"},
	StageDocumentsRequested: {KK: "Құжаттар сұратылды", RU: "Запрошены документы", EN: "documents requested"},
	StageResultReady:        {KK: "Нәтиже дайын", RU: "Результат готов", EN: "result ready"},
	StageIssued:             {KK: "Нәтиже берілді", RU: "Результат выдан", EN: "issued"},
	StageRefused:            {KK: "Бас тартылды", RU: "Отказано", EN: "refused"},
}

// Label returns the stage's name in kk, ru and en.
func (s Stage) Label() deadlines.Names { return stageLabels[s] }

func (s Stage) String() string {
	if s > 0 && int(s) < len(stageNames) {
		return stageNames[s]
	}
	return "Stage(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText writes the stage's name, e.g. "in_progress".
func (s Stage) MarshalText() ([]byte, error) {
	if s == 0 || int(s) >= len(stageNames) {
		return nil, deadlines.Invalid(r130(13), "stage", "unknown stage "+strconv.Itoa(int(s)))
	}
	return []byte(stageNames[s]), nil
}

// UnmarshalText reads what MarshalText writes.
func (s *Stage) UnmarshalText(b []byte) error {
	i := slices.Index(stageNames[1:], string(b))
	if i < 0 {
		return deadlines.Invalid(r130(13), "stage", "unknown stage "+strconv.Quote(string(b)))
	}
	*s = Stage(i + 1)
	return nil
}

// Final reports whether nothing follows the stage.
func (s Stage) Final() bool { return s == StageIssued || s == StageRefused }

// meetsTerm reports whether reaching the stage ends the delivery's term:
// the result is ready, issued or refused.
func (s Stage) meetsTerm() bool { return s == StageResultReady || s.Final() }

// next lists the stages allowed after each stage (Rules130 p.13: the order
// the Monitoring information system accepts). Received is only ever first;
// a final stage has none after it.
var next = map[Stage][]Stage{
	StageReceived:           {StageInProgress, StageDocumentsRequested, StageResultReady, StageIssued, StageRefused},
	StageInProgress:         {StageDocumentsRequested, StageResultReady, StageIssued, StageRefused},
	StageDocumentsRequested: {StageInProgress, StageResultReady, StageIssued, StageRefused},
	StageResultReady:        {StageIssued},
}

// Allowed reports whether to may follow from.
func Allowed(from, to Stage) bool { return slices.Contains(next[from], to) }

// StageRecord is one stage of a delivery: what, when, by which provider,
// under which rule.
type StageRecord struct {
	Stage    Stage              `json:"stage"`
	At       time.Time          `json:"at"`       // when it happened
	Provider string             `json:"provider"` // the provider body's ID
	Actor    string             `json:"actor"`
	Rule     deadlines.Citation `json:"rule"`
	Recorded time.Time          `json:"recorded"`         // when qyzmet recorded it (the clock's now)
	Source   string             `json:"source,omitempty"` // "chain" for a component stage published from a composite application
	Note     string             `json:"note,omitempty"`
}

// Escalation is a stage-lag rung that fired for a delivery: its stage had
// not moved past its term (Rules130 p.13). It is recorded once per firing.
type Escalation struct {
	Key     string             `json:"key"` // the firing's key (timer/cycle/rung): unique
	Rung    string             `json:"rung"`
	Rule    deadlines.Citation `json:"rule"`
	Stage   Stage              `json:"stage"` // the stage the delivery stood at when the rung fell due
	Due     time.Time          `json:"due"`   // the due date of the term
	At      time.Time          `json:"at"`    // when the rung fell due
	FiredAt time.Time          `json:"fired_at"`
}

// StageLag is the default rung of a delivery's timer: it fires when the
// term ends and the delivery's result is not ready.
var StageLag = deadlines.Rung{Name: "stage-lag", Offset: 0, Rule: r130(13)}

// Delivery is one delivery of a state service to one recipient, as the
// Monitoring information system knows it (Rules130 p.13): its stages and
// the timer of its term. A component of a composite application is a
// delivery per round, identified like its chain delivery key.
type Delivery struct {
	// ID is the application's number for a single service, and
	// "<application>/<component>/<round>" for a component of a composite.
	ID string `json:"id"`
	// Application is the number the recipient quotes: the ID, or the
	// composite application's ID.
	Application string        `json:"application"`
	Component   string        `json:"component,omitempty"` // the chain component, for a composite
	Round       int           `json:"round,omitempty"`     // the component's round (an appeal reopens it)
	ServiceID   string        `json:"service_id"`
	ProviderID  string        `json:"provider_id"`
	Recipient   string        `json:"recipient"` // IIN or BIN
	Zone        string        `json:"zone"`      // the provider's zone: its civil dates count the term
	ReceivedAt  time.Time     `json:"received_at"`
	Stages      []StageRecord `json:"stages"`
	// Timer is the term of the delivery, started on receipt and stopped
	// when the result is ready, issued or refused. Stores index its
	// Schedule so that a Sweeper fires the stage-lag rung once.
	Timer       deadlines.Timer `json:"timer"`
	Escalations []Escalation    `json:"escalations,omitempty"`
}

// Composite reports whether the delivery is a component of a composite
// application.
func (d *Delivery) Composite() bool { return d.Component != "" }

// Stage returns the current stage.
func (d *Delivery) Stage() Stage {
	if len(d.Stages) == 0 {
		return 0
	}
	return d.Stages[len(d.Stages)-1].Stage
}

// Last returns the current stage's record, or the zero record.
func (d *Delivery) Last() StageRecord {
	if len(d.Stages) == 0 {
		return StageRecord{}
	}
	return d.Stages[len(d.Stages)-1]
}

// StageAt returns the stage the delivery stood at the instant t (0 before
// its receipt).
func (d *Delivery) StageAt(t time.Time) Stage {
	var s Stage
	for _, r := range d.Stages {
		if r.At.After(t) {
			break
		}
		s = r.Stage
	}
	return s
}

// Clone returns a deep copy of d: it shares no memory with d, so either
// may be changed freely.
func (d *Delivery) Clone() *Delivery {
	c := *d
	c.Stages = slices.Clone(d.Stages)
	c.Escalations = slices.Clone(d.Escalations)
	c.Timer.Rungs = slices.Clone(d.Timer.Rungs)
	c.Timer.Ledger = slices.Clone(d.Timer.Ledger)
	c.Timer.Schedule = slices.Clone(d.Timer.Schedule)
	return &c
}

// timerID names a delivery's timer: "desk/<delivery ID>".
func timerID(id string) string { return "desk/" + id }

// change is the context of one write: the calendar in the provider's zone,
// the clock's now and the rungs of new timers.
type change struct {
	cal   *deadlines.Calendar
	now   time.Time
	rungs []deadlines.Rung
}

// receive makes a delivery from its receipt: the first stage, and the
// timer of its term from the receipt.
func receive(c change, d *Delivery, term deadlines.Term, rec StageRecord) error {
	if err := checkAt(c, rec.Rule, rec.At, time.Time{}, ""); err != nil {
		return err
	}
	t, err := deadlines.NewTimer(c.cal, timerID(d.ID), "delivery "+d.ID+": "+d.ServiceID, term, rec.At, c.rungs...)
	if err != nil {
		return &deadlines.RuleError{Rule: r130(13), Field: "term", Err: err}
	}
	rec.Stage, rec.Recorded = StageReceived, c.now
	d.ReceivedAt, d.Timer = rec.At, *t
	d.Stages = append(d.Stages, rec)
	return nil
}

// checkAt validates the instant of a stage: set, not in the future, and
// not before the stage it follows.
func checkAt(c change, rule deadlines.Citation, at, after time.Time, afterWhat string) error {
	switch {
	case at.IsZero():
		return deadlines.Invalid(rule, "at", "required")
	case at.After(c.now):
		return deadlines.Invalid(rule, "at", "is in the future ("+at.Format(time.RFC3339)+")")
	case at.Before(after):
		return deadlines.Invalid(rule, "at", fmt.Sprintf("is before %s (%s)", afterWhat, after.Format(time.RFC3339)))
	}
	return nil
}

// has reports whether the delivery has a record of the same stage at the
// same instant: recording it again changes nothing.
func (d *Delivery) has(rec StageRecord) bool {
	return slices.ContainsFunc(d.Stages, func(r StageRecord) bool { return r.Stage == rec.Stage && r.At.Equal(rec.At) })
}

// record appends a stage after checking the order (Rules130 p.13). It
// reports false, with no error, when the same stage at the same instant is
// recorded already.
func (d *Delivery) record(c change, rec StageRecord) (bool, error) {
	if d.has(rec) {
		return false, nil
	}
	last := d.Last()
	switch {
	case len(d.Stages) == 0:
		return false, deadlines.Wrap(r130(13), "stage", ErrConflict, "no stage before the receipt")
	case rec.Stage == StageReceived:
		return false, deadlines.Wrap(r130(13), "stage", ErrConflict, "the delivery was received already, on "+last.At.Format(time.RFC3339))
	case last.Stage.Final():
		return false, deadlines.Wrap(r130(13), "stage", ErrConflict, fmt.Sprintf("the delivery ended %s", last.Stage))
	case !Allowed(last.Stage, rec.Stage):
		return false, deadlines.Wrap(r130(13), "stage", ErrConflict, fmt.Sprintf("%s cannot follow %s", rec.Stage, last.Stage))
	}
	if rec.Provider != d.ProviderID {
		return false, deadlines.Invalid(r130(13), "provider_id", fmt.Sprintf("%s is delivered by %s, not %s", d.ID, d.ProviderID, rec.Provider))
	}
	if err := checkAt(c, rec.Rule, rec.At, last.At, "the "+last.Stage.String()+" stage"); err != nil {
		return false, err
	}
	if rec.Stage.meetsTerm() && d.Timer.ID != "" && d.Timer.Status(c.cal, rec.At).State != deadlines.TimerStopped {
		if err := d.Timer.Stop(c.cal, rec.At, rec.Rule, rec.Stage.String()); err != nil {
			return false, err
		}
	}
	rec.Recorded = c.now
	d.Stages = append(d.Stages, rec)
	return true, nil
}

// escalate records a fired stage-lag rung once per firing key.
func (d *Delivery) escalate(f deadlines.Firing) bool {
	key := f.Key()
	if slices.ContainsFunc(d.Escalations, func(e Escalation) bool { return e.Key == key }) {
		return false
	}
	d.Escalations = append(d.Escalations, Escalation{
		Key: key, Rung: f.Rung.Name, Rule: f.Rung.Rule, Stage: d.StageAt(f.At), Due: f.Due, At: f.At, FiredAt: f.FiredAt,
	})
	return true
}

// validNumber checks an application number: required, without slashes or
// spaces (a slash separates a composite's application and component).
func validNumber(field, s string) error {
	if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "/ \t\r\n") {
		return deadlines.Invalid(r130(13), field, "required, without slashes or spaces")
	}
	return nil
}
