package onboarding

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// State is where an onboarding stands (Rules130 p.3–p.9).
type State uint8

// Onboarding states, in order.
const (
	_                        State = iota
	StateAwaitingRequest           // in the Register with an approved standard; UCC owes the Appendix 1 request (p.4)
	StateRequestSent               // the request was sent; the body has not confirmed receipt
	StateRequestReceived           // the body owes a responsible person (p.5)
	StatePersonAppointed           // the responsible person owes the information (p.5)
	StateInformationProvided       // the information is in the UCC database; training is owed (p.8)
	StateTrained                   // training held; the protocol is owed (p.8)
	StateProtocolSigned            // accepted for consultation; live from LiveFrom (p.9)
)

var stateLabels = map[State]deadlines.Names{
	StateAwaitingRequest:     {KK: "Сұрау салу күтілуде", RU: "Ожидается запрос", EN: "Awaiting the request"},
	StateRequestSent:         {KK: "Сұрау салу жіберілді", RU: "Запрос отправлен", EN: "Request sent"},
	StateRequestReceived:     {KK: "Сұрау салу алынды", RU: "Запрос получен", EN: "Request received"},
	StatePersonAppointed:     {KK: "Жауапты тұлға тағайындалды", RU: "Назначено ответственное лицо", EN: "Responsible person appointed"},
	StateInformationProvided: {KK: "Ақпарат ұсынылды", RU: "Информация предоставлена", EN: "Information provided"},
	StateTrained:             {KK: "Оқыту өткізілді", RU: "Обучение проведено", EN: "Training held"},
	StateProtocolSigned:      {KK: "Хаттамаға қол қойылды", RU: "Протокол подписан", EN: "Protocol signed"},
}

// Label returns the state's name in kk, ru and en.
func (s State) Label() deadlines.Names { return stateLabels[s] }

func (s State) String() string { return english(stateLabels, s, "State") }

// MarshalText implements encoding.TextMarshaler.
func (s State) MarshalText() ([]byte, error) {
	return []byte(strings.ReplaceAll(strings.ToLower(s.String()), " ", "_")), nil
}

// UnmarshalText implements encoding.TextUnmarshaler: it reads what
// MarshalText writes.
func (s *State) UnmarshalText(b []byte) error {
	for k := range stateLabels {
		if t, _ := k.MarshalText(); string(t) == string(b) {
			*s = k
			return nil
		}
	}
	return deadlines.Invalid(deadlines.Citation{}, "state", "unknown onboarding state "+strconv.Quote(string(b)))
}

// The steps that own a timer. Updates (p.6) and replacements (p.7) are
// numbered: "update-2", "replacement-1".
const (
	StepRequest     = "request"     // Rules130 p.4
	StepAppointment = "appointment" // Rules130 p.5
	StepInformation = "information" // Rules130 p.5
	StepTraining    = "training"    // Rules130 p.8
)

// The terms of the steps, as the rules set them.
var (
	TermRequest     = deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: rule(4)}
	TermAppointment = deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: rule(5)}
	TermInformation = deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule(5)}
	TermUpdate      = deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule(6)}
	TermReplacement = deadlines.Term{Kind: deadlines.WorkingDays, N: 5, Rule: rule(7)}
	TermTraining    = deadlines.Term{Kind: deadlines.WorkingDays, N: 10, Rule: rule(8)}
	TermGoLive      = deadlines.Term{Kind: deadlines.WorkingDaysAfter, N: 5, Rule: rule(9)}
)

// Event is a domain event: what happened, under which rule, who did it and
// when. Each transition appends one to the aggregate's History.
type Event struct {
	Seq      int                `json:"seq"`
	Type     string             `json:"type"`
	Rule     deadlines.Citation `json:"rule"`
	Actor    string             `json:"actor"`
	At       time.Time          `json:"at"`       // when it happened
	Recorded time.Time          `json:"recorded"` // when qyzmet recorded it (the clock's now)
	Note     string             `json:"note,omitempty"`
}

// Information is what the responsible person provides about a service so
// that the UCC can consult on it (Rules130 p.5, Appendix 1).
type Information struct {
	Description      string     `json:"description"` // what the service gives and who may receive it
	Documents        []string   `json:"documents"`   // what the recipient submits
	Fee              string     `json:"fee"`
	Term             string     `json:"term"`
	Result           string     `json:"result"`
	Channels         []string   `json:"channels"` // where it is delivered: portal, public service center, …
	Standard         Requisites `json:"standard"`
	Regulation       Requisites `json:"regulation"`
	ActChanges       []string   `json:"act_changes,omitempty"`
	InternetResource string     `json:"internet_resource,omitempty"`
}

func (in Information) validate(r deadlines.Citation) []error {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, deadlines.Invalid(r, "information."+field, msg)) }
	if strings.TrimSpace(in.Description) == "" {
		bad("description", "required")
	}
	if strings.TrimSpace(in.Term) == "" {
		bad("term", "the service's term is required")
	}
	if strings.TrimSpace(in.Result) == "" {
		bad("result", "the service's result is required")
	}
	if in.Standard.Number == "" {
		bad("standard", "the service standard's requisites are required")
	}
	return errs
}

// changed lists the fields that differ between two versions.
func (in Information) changed(prev Information) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("description", in.Description != prev.Description)
	add("documents", !slices.Equal(in.Documents, prev.Documents))
	add("fee", in.Fee != prev.Fee)
	add("term", in.Term != prev.Term)
	add("result", in.Result != prev.Result)
	add("channels", !slices.Equal(in.Channels, prev.Channels))
	add("standard", in.Standard != prev.Standard)
	add("regulation", in.Regulation != prev.Regulation)
	add("act_changes", !slices.Equal(in.ActChanges, prev.ActChanges))
	add("internet_resource", in.InternetResource != prev.InternetResource)
	return out
}

func (in Information) clone() Information {
	in.Documents = slices.Clone(in.Documents)
	in.Channels = slices.Clone(in.Channels)
	in.ActChanges = slices.Clone(in.ActChanges)
	return in
}

// InformationVersion is one version of a service's information, with who
// provided it and when a UCC employee entered it into the UCC database.
type InformationVersion struct {
	Version     int         `json:"version"`
	Information Information `json:"information"`
	ChangedOn   time.Time   `json:"changed_on,omitzero"` // versions after the first: the date of the change (p.6)
	SubmittedAt time.Time   `json:"submitted_at"`
	SubmittedBy string      `json:"submitted_by"`
	EnteredAt   time.Time   `json:"entered_at,omitzero"`
	EnteredBy   string      `json:"entered_by,omitempty"`
	Changed     []string    `json:"changed,omitempty"` // fields that differ from the previous version
}

// PersonRecord is one responsible person's tenure.
type PersonRecord struct {
	Person     Person    `json:"person"`
	From       time.Time `json:"from"`
	To         time.Time `json:"to,omitzero"`          // when replaced
	NotifiedAt time.Time `json:"notified_at,omitzero"` // for a replacement: when the body notified UCC (p.7)
}

// Questions are the UCC employee's questions sent before training (p.8).
type Questions struct {
	SentAt time.Time `json:"sent_at"`
	To     string    `json:"to"` // the responsible person's e-mail
	Items  []string  `json:"items"`
}

// Training is the training of UCC staff by the responsible person (p.8).
type Training struct {
	At       time.Time `json:"at"`
	Trainer  string    `json:"trainer"`
	Trainees []string  `json:"trainees"`
}

// Signatory is an authorized representative who signs the protocol.
type Signatory struct {
	FullName string `json:"full_name"`
	Position string `json:"position"`
}

// Protocol is the protocol of acceptance of the service for consultation (p.8).
type Protocol struct {
	Number   string    `json:"number"`
	SignedAt time.Time `json:"signed_at"`
	UCC      Signatory `json:"ucc"`
	Body     Signatory `json:"body"`
}

// Onboarding is the acceptance of one state service for consultation by
// the UCC, with one provider body (Rules130 p.3–p.9). It is changed only
// through Service, inside Store.UpdateOnboarding closures.
type Onboarding struct {
	ID                 string               `json:"id"`
	ServiceID          string               `json:"service_id"`
	BodyID             string               `json:"body_id"`
	Zone               string               `json:"zone"` // the body's zone; its civil dates count the terms
	State              State                `json:"state"`
	RegisteredOn       time.Time            `json:"registered_on"`        // entered into the Register of State Services (p.3)
	StandardApprovedOn time.Time            `json:"standard_approved_on"` // the service standard approved (p.3)
	RequestSentAt      time.Time            `json:"request_sent_at,omitzero"`
	RequestReceivedAt  time.Time            `json:"request_received_at,omitzero"`
	AppointedAt        time.Time            `json:"appointed_at,omitzero"`
	Persons            []PersonRecord       `json:"persons,omitempty"`
	Information        []InformationVersion `json:"information,omitempty"`
	Questions          []Questions          `json:"questions,omitempty"`
	Training           *Training            `json:"training,omitempty"` // set once, never modified in place
	Protocol           *Protocol            `json:"protocol,omitempty"` // set once, never modified in place
	LiveFrom           time.Time            `json:"live_from,omitzero"` // p.9
	Timers             []deadlines.Timer    `json:"timers"`             // one per step, in the order they started
	History            []Event              `json:"history"`
}

// Clone returns a copy of o that shares no mutable state with it. Slices
// the domain only appends to (history, questions, a version's lists, timer
// ledgers) share backing arrays clipped to length, so an append to either
// copy reallocates; do not modify their elements in place.
func (o *Onboarding) Clone() *Onboarding {
	c := *o
	c.Persons = cloneElems(o.Persons)
	c.Information = cloneElems(o.Information)
	c.Questions = slices.Clip(o.Questions)
	if o.Timers != nil {
		c.Timers = make([]deadlines.Timer, len(o.Timers))
		for i := range o.Timers {
			c.Timers[i] = *o.Timers[i].Clone() // clip the ledgers and schedules
		}
	}
	c.History = slices.Clip(o.History)
	return &c
}

// cloneElems is slices.Clone written as make and copy, which the compiler
// turns into one runtime call that, while the garbage collector marks,
// needs write barriers for the source pointers only.
func cloneElems[S ~[]E, E any](s S) S {
	if s == nil {
		return nil
	}
	c := make(S, len(s))
	copy(c, s)
	return c
}

// Timer returns the timer of a step ("request", "update-2", …), or nil.
func (o *Onboarding) Timer(step string) *deadlines.Timer {
	for i := range o.Timers {
		if o.stepOf(o.Timers[i].ID) == step {
			return &o.Timers[i]
		}
	}
	return nil
}

// stepOf returns the step of one of o's timer IDs ("<id>/<step>"), or "".
func (o *Onboarding) stepOf(timerID string) string {
	if len(timerID) > len(o.ID) && timerID[len(o.ID)] == '/' && timerID[:len(o.ID)] == o.ID {
		return timerID[len(o.ID)+1:]
	}
	return ""
}

// Person returns the current responsible person, or nil before the appointment.
func (o *Onboarding) Person() *Person {
	if len(o.Persons) == 0 {
		return nil
	}
	return &o.Persons[len(o.Persons)-1].Person
}

// CurrentInformation returns the latest version a UCC employee entered into
// the UCC database: what operators tell citizens. It is nil before then.
func (o *Onboarding) CurrentInformation() *InformationVersion {
	for i := len(o.Information) - 1; i >= 0; i-- {
		if !o.Information[i].EnteredAt.IsZero() {
			return &o.Information[i]
		}
	}
	return nil
}

// ConsultableOn reports whether the UCC may inform recipients about the
// service at t (Rules130 p.3, p.9): the protocol is signed and t is on or
// after the go-live date.
func (o *Onboarding) ConsultableOn(t time.Time) bool {
	return o.State == StateProtocolSigned && !t.Before(o.LiveFrom)
}

// change is the context of one transition.
type change struct {
	cal   *deadlines.Calendar // in the body's zone
	now   time.Time
	actor string
	rungs func(deadlines.Citation) []deadlines.Rung
}

// An onboarding that goes live starts four step timers and records eight
// events: the start, six steps and the go-live.
const lifecycleTimers, lifecycleEvents = 4, 8

// room returns s with room for one more element. When s is full and holds
// fewer than want, it makes room for want at once rather than doubling:
// stores that update an aggregate in place then append the rest of the
// lifecycle without copying. A new aggregate (s empty) gets no room ahead,
// since its creator's copy is not the one that lives on.
func room[S ~[]E, E any](s S, want int) S {
	if n := len(s); n == cap(s) && n > 0 && n < want {
		return slices.Grow(s, want-n)
	}
	return s
}

func (o *Onboarding) record(c change, typ string, r deadlines.Citation, at time.Time, note string) {
	o.History = append(room(o.History, lifecycleEvents), Event{Seq: len(o.History) + 1, Type: typ, Rule: r, Actor: c.actor, At: at, Recorded: c.now, Note: note})
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

// expect returns a typed conflict when the onboarding is not in state want.
func (o *Onboarding) expect(r deadlines.Citation, step string, want ...State) error {
	if slices.Contains(want, o.State) {
		return nil
	}
	return deadlines.Wrap(r, "state", ErrConflict, fmt.Sprintf("%s is not allowed when the onboarding is %q", step, o.State))
}

func (o *Onboarding) startTimer(c change, step string, term deadlines.Term, at time.Time) error {
	t, err := deadlines.NewTimer(c.cal, o.ID+"/"+step, "onboarding "+o.ID+": "+step, term, at, c.rungs(term.Rule)...)
	if err != nil {
		return err
	}
	o.Timers = append(room(o.Timers, lifecycleTimers), *t)
	return nil
}

func (o *Onboarding) stopTimer(c change, step string, at time.Time, reason string) error {
	t := o.Timer(step)
	if t == nil {
		return nil
	}
	return t.Stop(c.cal, at, t.Ledger[0].Rule, reason)
}

func (o *Onboarding) start(c change) error {
	o.State = StateAwaitingRequest
	from := o.RegisteredOn
	if o.StandardApprovedOn.After(from) {
		from = o.StandardApprovedOn
	}
	if err := o.startTimer(c, StepRequest, TermRequest, from); err != nil {
		return err
	}
	o.record(c, "onboarding.started", rule(3), from, "in the Register and the standard approved")
	return nil
}

func (o *Onboarding) sendRequest(c change, at time.Time) error {
	if err := o.expect(rule(4), "sending the Appendix 1 request", StateAwaitingRequest); err != nil {
		return err
	}
	if err := c.checkAt(rule(4), "sent_at", at, o.Timer(StepRequest).Ledger[0].At, "the Register entry and the standard's approval"); err != nil {
		return err
	}
	if err := o.stopTimer(c, StepRequest, at, "request sent"); err != nil {
		return err
	}
	o.State, o.RequestSentAt = StateRequestSent, at
	o.record(c, "request.sent", rule(4), at, "Appendix 1 request sent to the body")
	return nil
}

func (o *Onboarding) receiveRequest(c change, at time.Time) error {
	if err := o.expect(rule(5), "confirming receipt of the request", StateRequestSent); err != nil {
		return err
	}
	if err := c.checkAt(rule(5), "received_at", at, o.RequestSentAt, "the request was sent"); err != nil {
		return err
	}
	if err := o.startTimer(c, StepAppointment, TermAppointment, at); err != nil {
		return err
	}
	o.State, o.RequestReceivedAt = StateRequestReceived, at
	o.record(c, "request.received", rule(5), at, "")
	return nil
}

func (o *Onboarding) appoint(c change, at time.Time, p Person) error {
	if err := o.expect(rule(5), "appointing the responsible person", StateRequestReceived); err != nil {
		return err
	}
	if err := c.checkAt(rule(5), "appointed_at", at, o.RequestReceivedAt, "the request was received"); err != nil {
		return err
	}
	if err := o.stopTimer(c, StepAppointment, at, "responsible person appointed"); err != nil {
		return err
	}
	if err := o.startTimer(c, StepInformation, TermInformation, at); err != nil {
		return err
	}
	o.State, o.AppointedAt = StatePersonAppointed, at
	o.Persons = append(o.Persons, PersonRecord{Person: p, From: at})
	o.record(c, "person.appointed", rule(5), at, p.FullName+", "+p.Position)
	return nil
}

func (o *Onboarding) provideInformation(c change, at time.Time, info Information, enteredBy string) error {
	if err := o.expect(rule(5), "providing the information", StatePersonAppointed); err != nil {
		return err
	}
	if err := c.checkAt(rule(5), "submitted_at", at, o.AppointedAt, "the appointment"); err != nil {
		return err
	}
	if err := o.stopTimer(c, StepInformation, at, "information provided"); err != nil {
		return err
	}
	if err := o.startTimer(c, StepTraining, TermTraining, at); err != nil {
		return err
	}
	v := InformationVersion{Version: 1, Information: info.clone(), SubmittedAt: at, SubmittedBy: c.actor}
	if enteredBy != "" {
		v.EnteredAt, v.EnteredBy = c.now, enteredBy
	}
	o.State = StateInformationProvided
	o.Information = append(o.Information, v)
	o.record(c, "information.provided", rule(5), at, "version 1")
	return nil
}

// nextNumber returns 1 + the number of timers whose step starts with prefix.
func (o *Onboarding) nextNumber(prefix string) int {
	n := 1
	for _, t := range o.Timers {
		if step, ok := strings.CutPrefix(o.stepOf(t.ID), prefix); ok && strings.HasPrefix(step, "-") {
			n++
		}
	}
	return n
}

// openUpdate returns the step of an update timer started by noteChange and
// not yet stopped, or "".
func (o *Onboarding) openUpdate(c change) string {
	for i := range o.Timers {
		t := &o.Timers[i]
		step := o.stepOf(t.ID)
		if strings.HasPrefix(step, "update-") && t.Status(c.cal, c.now).State != deadlines.TimerStopped {
			return step
		}
	}
	return ""
}

func (o *Onboarding) noteChange(c change, changedOn time.Time, what string) error {
	if o.State < StateInformationProvided {
		return deadlines.Wrap(rule(6), "state", ErrConflict, "there is no information to update before it is first provided (p.5)")
	}
	if err := c.checkAt(rule(6), "changed_on", changedOn, o.Information[0].SubmittedAt, "the information was first provided"); err != nil {
		return err
	}
	if step := o.openUpdate(c); step != "" {
		return deadlines.Wrap(rule(6), "changed_on", ErrConflict, "an update is already owed ("+step+")")
	}
	step := "update-" + strconv.Itoa(o.nextNumber("update"))
	if err := o.startTimer(c, step, TermUpdate, changedOn); err != nil {
		return err
	}
	o.record(c, "information.changed", rule(6), changedOn, what)
	return nil
}

func (o *Onboarding) updateInformation(c change, changedOn, at time.Time, info Information, enteredBy string) error {
	if o.State < StateInformationProvided {
		return deadlines.Wrap(rule(6), "state", ErrConflict, "the information is first provided under p.5")
	}
	prev := o.Information[len(o.Information)-1]
	if err := c.checkAt(rule(6), "submitted_at", at, prev.SubmittedAt, "the previous version"); err != nil {
		return err
	}
	step := o.openUpdate(c)
	if step != "" {
		changedOn = o.Timer(step).Ledger[0].At
	} else {
		if err := c.checkAt(rule(6), "changed_on", changedOn, o.Information[0].SubmittedAt, "the information was first provided"); err != nil {
			return err
		}
		if changedOn.After(at) {
			return deadlines.Invalid(rule(6), "changed_on", "is after the update was submitted")
		}
		step = "update-" + strconv.Itoa(o.nextNumber("update"))
		if err := o.startTimer(c, step, TermUpdate, changedOn); err != nil {
			return err
		}
	}
	changed := info.changed(prev.Information)
	if len(changed) == 0 {
		return deadlines.Invalid(rule(6), "information", "nothing changed from version "+strconv.Itoa(prev.Version))
	}
	if err := o.stopTimer(c, step, at, "update submitted"); err != nil {
		return err
	}
	v := InformationVersion{Version: prev.Version + 1, Information: info.clone(), ChangedOn: changedOn, SubmittedAt: at, SubmittedBy: c.actor, Changed: changed}
	if enteredBy != "" {
		v.EnteredAt, v.EnteredBy = c.now, enteredBy
	}
	o.Information = append(o.Information, v)
	o.record(c, "information.updated", rule(6), at, fmt.Sprintf("version %d: %s", v.Version, strings.Join(changed, ", ")))
	return nil
}

func (o *Onboarding) enterInformation(c change, version int, by string) error {
	if version < 1 || version > len(o.Information) {
		return deadlines.Wrap(rule(5), "version", ErrNotFound, "no information version "+strconv.Itoa(version))
	}
	v := &o.Information[version-1]
	if !v.EnteredAt.IsZero() {
		return deadlines.Wrap(rule(5), "version", ErrConflict, fmt.Sprintf("version %d was entered by %s", version, v.EnteredBy))
	}
	v.EnteredAt, v.EnteredBy = c.now, by
	o.record(c, "information.entered", rule(5), c.now, "version "+strconv.Itoa(version)+" entered into the UCC database")
	return nil
}

func (o *Onboarding) replacePerson(c change, replacedOn, notifiedAt time.Time, p Person) error {
	if o.State < StatePersonAppointed {
		return deadlines.Wrap(rule(7), "state", ErrConflict, "no responsible person has been appointed yet (p.5)")
	}
	current := &o.Persons[len(o.Persons)-1]
	if err := c.checkAt(rule(7), "replaced_on", replacedOn, current.From, "the current person's appointment"); err != nil {
		return err
	}
	if err := c.checkAt(rule(7), "notified_at", notifiedAt, replacedOn, "the replacement"); err != nil {
		return err
	}
	if current.Person == p {
		return deadlines.Invalid(rule(7), "person", "is the current responsible person")
	}
	step := "replacement-" + strconv.Itoa(o.nextNumber("replacement"))
	if err := o.startTimer(c, step, TermReplacement, replacedOn); err != nil {
		return err
	}
	if err := o.stopTimer(c, step, notifiedAt, "replacement notified"); err != nil {
		return err
	}
	current.To = replacedOn
	o.Persons = append(o.Persons, PersonRecord{Person: p, From: replacedOn, NotifiedAt: notifiedAt})
	o.record(c, "person.replaced", rule(7), notifiedAt, p.FullName+", "+p.Position)
	return nil
}

func (o *Onboarding) sendQuestions(c change, at time.Time, items []string) error {
	if err := o.expect(rule(8), "sending questions before the training", StateInformationProvided); err != nil {
		return err
	}
	if err := c.checkAt(rule(8), "sent_at", at, o.Information[0].SubmittedAt, "the information was provided"); err != nil {
		return err
	}
	to := o.Person().Email
	o.Questions = append(o.Questions, Questions{SentAt: at, To: to, Items: slices.Clone(items)})
	o.record(c, "questions.sent", rule(8), at, fmt.Sprintf("%d question(s) to %s", len(items), to))
	return nil
}

func (o *Onboarding) recordTraining(c change, t Training) error {
	if err := o.expect(rule(8), "recording the training", StateInformationProvided); err != nil {
		return err
	}
	after := o.Information[0].SubmittedAt
	if n := len(o.Questions); n > 0 {
		after = o.Questions[n-1].SentAt
	}
	if err := c.checkAt(rule(8), "at", t.At, after, "the information and questions"); err != nil {
		return err
	}
	if err := o.stopTimer(c, StepTraining, t.At, "training held"); err != nil {
		return err
	}
	t.Trainees = slices.Clone(t.Trainees)
	o.State, o.Training = StateTrained, &t
	o.record(c, "training.held", rule(8), t.At, "by "+t.Trainer+" for "+strconv.Itoa(len(t.Trainees))+" UCC employee(s)")
	return nil
}

func (o *Onboarding) signProtocol(c change, p Protocol) error {
	if err := o.expect(rule(8), "signing the protocol", StateTrained); err != nil {
		return err
	}
	if err := c.checkAt(rule(8), "signed_at", p.SignedAt, o.Training.At, "the training"); err != nil {
		return err
	}
	live, err := TermGoLive.Due(c.cal, p.SignedAt)
	if err != nil {
		return err
	}
	o.State, o.Protocol, o.LiveFrom = StateProtocolSigned, &p, live.Due
	o.record(c, "protocol.signed", rule(8), p.SignedAt, "protocol "+p.Number)
	var note [64]byte
	o.record(c, "consultation.scheduled", rule(9), p.SignedAt, string(live.Due.AppendFormat(append(note[:0], "UCC informs recipients from "...), time.DateOnly)))
	return nil
}
