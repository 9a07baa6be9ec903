package onboarding

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
)

// AnswerKind is how a participant answered a UCC request (Rules130 p.11).
type AnswerKind uint8

// Answers to an information request.
const (
	_             AnswerKind = iota
	Provided                 // the information or clarification was given (p.11 (1), (2))
	LawfulRefusal            // refused for a legally protected secret (p.11 (1)); it does not count under p.12
	Refused                  // refused without a lawful ground; counts under p.12
)

var answerLabels = map[AnswerKind]deadlines.Names{
	Provided:      {KK: "Ақпарат ұсынылды", RU: "Информация предоставлена", EN: "Provided"},
	LawfulRefusal: {KK: "Заңды бас тарту", RU: "Правомерный отказ", EN: "Lawful refusal"},
	Refused:       {KK: "Бас тарту", RU: "Отказ", EN: "Refused"},
}

// Label returns the answer kind's name in kk, ru and en.
func (k AnswerKind) Label() deadlines.Names { return answerLabels[k] }

func (k AnswerKind) String() string { return english(answerLabels, k, "AnswerKind") }

// SecretGround is the legally protected secret behind a lawful refusal (p.11).
type SecretGround uint8

// Grounds for a lawful refusal.
const (
	_                    SecretGround = iota
	StateSecret                       // мемлекеттік құпия / государственные секреты
	CommercialSecret                  // коммерциялық құпия / коммерческая тайна
	OtherProtectedSecret              // заңмен қорғалатын өзге де құпия / иная охраняемая законом тайна
)

// Document is a supporting document or material (p.12: attached to the notice).
type Document struct {
	Name string `json:"name"`
	Ref  string `json:"ref"` // where it is kept: a registry number, a URL, a file name
}

// Answer is a participant's reply to a UCC request.
type Answer struct {
	Kind      AnswerKind   `json:"kind"`
	Ground    SecretGround `json:"ground,omitempty"` // LawfulRefusal only
	At        time.Time    `json:"at"`
	By        string       `json:"by"`
	Text      string       `json:"text"`
	Documents []Document   `json:"documents,omitempty"`
	Recorded  time.Time    `json:"recorded"`
}

// InfoRequest is a UCC request to a participant for information or
// clarification (Rules130 p.10).
type InfoRequest struct {
	ID           string    `json:"id"`
	BodyID       string    `json:"body_id"`
	OnboardingID string    `json:"onboarding_id,omitempty"`
	Subject      string    `json:"subject"`
	SentAt       time.Time `json:"sent_at"`
	SentBy       string    `json:"sent_by"`
	Answer       *Answer   `json:"answer,omitempty"`
}

// Clone returns a deep copy of r.
func (r *InfoRequest) Clone() *InfoRequest {
	c := *r
	if r.Answer != nil {
		a := *r.Answer
		a.Documents = slices.Clone(r.Answer.Documents)
		c.Answer = &a
	}
	return &c
}

// LedgerKey names the refusals of one body in one period (a calendar month
// in the body's zone by default, "2025-03").
type LedgerKey struct {
	BodyID string `json:"body_id"`
	Period string `json:"period"`
}

func (k LedgerKey) String() string { return k.BodyID + "/" + k.Period }

// Refusal is an unlawful refusal counted under p.12.
type Refusal struct {
	RequestID string     `json:"request_id"`
	At        time.Time  `json:"at"`
	Text      string     `json:"text"`
	Documents []Document `json:"documents,omitempty"`
}

// Notice is a notice to the quality authority about a body's refusals
// (Rules130 p.12), due within 3 working days of the refusal that reached
// the threshold in time order (or, for a follow-up, of the refusal that
// opened it).
type Notice struct {
	ID          string           `json:"id"` // body/period/seq
	Seq         int              `json:"seq"`
	RequestIDs  []string         `json:"request_ids"` // the refusals it reports
	Attachments []Document       `json:"attachments"`
	Timer       *deadlines.Timer `json:"timer"`
	SentAt      time.Time        `json:"sent_at,omitzero"`
	SentBy      string           `json:"sent_by,omitempty"`
}

// Sent reports whether the notice was sent to the quality authority.
func (n *Notice) Sent() bool { return !n.SentAt.IsZero() }

// TermNotice is the p.12 term of a notice.
var TermNotice = deadlines.Term{Kind: deadlines.WorkingDays, N: 3, Rule: rule(12)}

// RefusalLedger holds one body's unlawful refusals in one period and the
// notices they raised. It is the unit of consistency for p.12: stores
// update it atomically, so concurrent refusals raise one notice.
type RefusalLedger struct {
	Key      LedgerKey `json:"key"`
	Refusals []Refusal `json:"refusals"`
	Notices  []*Notice `json:"notices"`
	History  []Event   `json:"history"`
}

// Clone returns a deep copy of l.
func (l *RefusalLedger) Clone() *RefusalLedger {
	c := *l
	c.Refusals = slices.Clone(l.Refusals)
	for i := range c.Refusals {
		c.Refusals[i].Documents = slices.Clone(l.Refusals[i].Documents)
	}
	c.Notices = make([]*Notice, len(l.Notices))
	for i, n := range l.Notices {
		nc := *n
		nc.RequestIDs = slices.Clone(n.RequestIDs)
		nc.Attachments = slices.Clone(n.Attachments)
		nc.Timer = n.Timer.Clone()
		c.Notices[i] = &nc
	}
	c.History = slices.Clone(l.History)
	return &c
}

// Timers returns the notices' timers, for stores that index schedules.
func (l *RefusalLedger) Timers() []*deadlines.Timer {
	out := make([]*deadlines.Timer, len(l.Notices))
	for i, n := range l.Notices {
		out[i] = n.Timer
	}
	return out
}

// Notice returns the notice with sequence number seq, or nil.
func (l *RefusalLedger) Notice(seq int) *Notice {
	for _, n := range l.Notices {
		if n.Seq == seq {
			return n
		}
	}
	return nil
}

func (l *RefusalLedger) record(c change, typ string, at time.Time, note string) {
	l.History = append(l.History, Event{Seq: len(l.History) + 1, Type: typ, Rule: rule(12), Actor: c.actor, At: at, Recorded: c.now, Note: note})
}

// addRefusal counts an unlawful refusal once and raises, extends or follows
// up the notice as p.12 says. It reports whether anything changed.
func (l *RefusalLedger) addRefusal(c change, r Refusal, threshold int) (bool, error) {
	if slices.ContainsFunc(l.Refusals, func(o Refusal) bool { return o.RequestID == r.RequestID }) {
		return false, nil // the same refusal recorded again: counted once
	}
	// Refusals stay in time order, whatever order they are recorded in.
	i, _ := slices.BinarySearchFunc(l.Refusals, r.At, func(o Refusal, at time.Time) int {
		if o.At.After(at) {
			return 1
		}
		return -1
	})
	l.Refusals = slices.Insert(l.Refusals, i, r)
	l.record(c, "refusal.counted", r.At, fmt.Sprintf("refusal %d of the period (request %s)", len(l.Refusals), r.RequestID))
	if len(l.Refusals) < threshold {
		return true, nil
	}
	last := (*Notice)(nil)
	if n := len(l.Notices); n > 0 {
		last = l.Notices[n-1]
	}
	switch {
	case last != nil && !last.Sent():
		last.RequestIDs = append(last.RequestIDs, r.RequestID)
		last.Attachments = append(last.Attachments, r.Documents...)
		l.record(c, "notice.extended", r.At, fmt.Sprintf("notice %d now reports %d refusal(s)", last.Seq, len(last.RequestIDs)))
	default:
		n := &Notice{Seq: len(l.Notices) + 1}
		n.ID = l.Key.String() + "/" + strconv.Itoa(n.Seq)
		from := r.At
		if last == nil { // the first notice reports every refusal of the period
			for _, o := range l.Refusals {
				n.RequestIDs = append(n.RequestIDs, o.RequestID)
				n.Attachments = append(n.Attachments, o.Documents...)
			}
			// Due from the refusal that reached the threshold in time, even
			// when an earlier refusal was recorded later.
			from = l.Refusals[threshold-1].At
		} else { // a follow-up reports what came after the sent notice
			n.RequestIDs = []string{r.RequestID}
			n.Attachments = slices.Clone(r.Documents)
		}
		t, err := deadlines.NewTimer(c.cal, "notice/"+n.ID, "p.12 notice "+n.ID, TermNotice, from, c.rungs(rule(12))...)
		if err != nil {
			return false, err
		}
		n.Timer = t
		l.Notices = append(l.Notices, n)
		kind := "notice.raised"
		if last != nil {
			kind = "notice.follow_up"
		}
		l.record(c, kind, from, fmt.Sprintf("notice %d to the quality authority, due %s", n.Seq, t.Deadline(c.cal).Due.Format(time.DateOnly)))
	}
	return true, nil
}

func (l *RefusalLedger) sendNotice(c change, seq int, at time.Time) error {
	n := l.Notice(seq)
	if n == nil {
		return deadlines.Wrap(rule(12), "seq", ErrNotFound, "no notice "+strconv.Itoa(seq)+" for "+l.Key.String())
	}
	if n.Sent() {
		return deadlines.Wrap(rule(12), "seq", ErrConflict, "notice "+n.ID+" was sent at "+n.SentAt.Format(time.RFC3339))
	}
	if err := c.checkAt(rule(12), "sent_at", at, n.Timer.Ledger[0].At, "the refusal that raised it"); err != nil {
		return err
	}
	if err := n.Timer.Stop(c.cal, at, rule(12), "sent to the quality authority"); err != nil {
		return err
	}
	n.SentAt, n.SentBy = at, c.actor
	l.record(c, "notice.sent", at, fmt.Sprintf("notice %d with %d refusal(s) and %d attachment(s)", n.Seq, len(n.RequestIDs), len(n.Attachments)))
	return nil
}

// validate checks an answer against p.11.
func (a Answer) validate() []error {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, deadlines.Invalid(rule(11), field, msg)) }
	if _, ok := answerLabels[a.Kind]; !ok {
		bad("kind", "one of provided, lawful refusal or refused")
	}
	switch {
	case a.Kind == LawfulRefusal && (a.Ground < StateSecret || a.Ground > OtherProtectedSecret):
		bad("ground", "a lawful refusal names the protected secret: state, commercial or other legally protected")
	case a.Kind != LawfulRefusal && a.Ground != 0:
		bad("ground", "only a lawful refusal has a ground")
	}
	if a.At.IsZero() {
		bad("at", "required")
	}
	if strings.TrimSpace(a.By) == "" {
		bad("by", "who answered is required")
	}
	if a.Kind == Refused && strings.TrimSpace(a.Text) == "" {
		bad("text", "what the body said when refusing is required")
	}
	for i, d := range a.Documents {
		if strings.TrimSpace(d.Name) == "" || strings.TrimSpace(d.Ref) == "" {
			bad("documents["+strconv.Itoa(i)+"]", "a document needs a name and a reference")
		}
	}
	return errs
}

// sameAnswer reports whether b repeats a (a retried request).
func sameAnswer(a, b Answer) bool {
	return a.Kind == b.Kind && a.Ground == b.Ground && a.At.Equal(b.At) && a.By == b.By && a.Text == b.Text && slices.Equal(a.Documents, b.Documents)
}
