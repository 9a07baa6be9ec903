package onboarding

import (
	"strconv"

	"github.com/qyzmet/qyzmet/deadlines"
)

// The package's error categories are deadlines' sentinels, so one errors.Is
// works across qyzmet's packages. Every error for bad input is a
// *deadlines.RuleError naming the rule and the field.
var (
	ErrInvalid     = deadlines.ErrInvalid     // bad input; nothing changed
	ErrNotFound    = deadlines.ErrNotFound    // no such body, service, onboarding, request or notice
	ErrConflict    = deadlines.ErrConflict    // exists already, or the step is out of order or repeated
	ErrTermExpired = deadlines.ErrTermExpired // the step needs a term that has ended
)

// english returns the English label of an enum value, or "Type(n)" for a
// value without one.
func english[K ~uint8](labels map[K]deadlines.Names, k K, typ string) string {
	if l, ok := labels[k]; ok {
		return l.EN
	}
	return typ + "(" + strconv.Itoa(int(k)) + ")"
}

// rule is the citation of point p of Rules130.
func rule(p int) deadlines.Citation { return deadlines.Cite(deadlines.Rules130, p) }

// Points are the points of Rules130 this package implements, and where.
var Points = map[int]string{
	2:  "participants: BodyKind, LocalLevel, Body",
	3:  "acceptance only after Register entry and approved standard; UCC consults only on live services: Start, ConsultableOn, Consultable",
	4:  "Appendix 1 request within 3 working days: StepRequest timer, SendRequest",
	5:  "responsible person within 3 working days of receipt; information within 5 of the appointment, entered into the UCC database: Appoint, ProvideInformation",
	6:  "information updates within 5 working days of the change, versioned: NoteChange, UpdateInformation, EnterInformation",
	7:  "replacement of the responsible person notified within 5 working days: ReplacePerson",
	8:  "questions before training; training within 10 working days of the information; protocol signed by both sides: SendQuestions, RecordTraining, SignProtocol",
	9:  "consultation goes live 5 working days after the protocol: Onboarding.LiveFrom",
	10: "UCC asks any participant for information: AskBody",
	11: "answers: information, lawful refusal (protected secrets) or refusal: Answer",
	12: "two or more unlawful refusals in a month: one notice to the quality authority within 3 working days: RefusalLedger, SendNotice",
	15: "training of the quality authority's staff on its written request: RequestQualityTraining, HoldQualityTraining",
}
