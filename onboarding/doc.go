// Package onboarding implements the UCC interaction rules (Order No. 130,
// cited "Rules130 p.N"): the acceptance of state services for consultation
// by the Unified Contact Center, information updates, replacement of
// responsible persons, information requests, refusals and their escalation
// to the quality authority, and the quality authority's training. It is
// pure domain: it declares the ports it consumes (Store) and imports no
// database, HTTP or driver package.
//
// # Participants and catalogue (p.2, p.3)
//
// Body is a participant (BodyKind, with a LocalLevel for local executive
// bodies), with its BIN and its time zone: every term of a body counts civil
// dates in the body's own zone. StateService is a Register entry with the
// requisites Appendix 1 asks for. Labels of kinds, levels and states are in
// kk, ru and en.
//
// # The lifecycle (p.3–p.9)
//
//	Start               in the Register AND standard approved (p.3)    request due in 3 working days (p.4)
//	SendRequest         Appendix 1 request sent (p.4)
//	ConfirmReceipt      the body received it                           person due in 3 working days (p.5)
//	Appoint             responsible person appointed (p.5)             information due in 5 working days (p.5)
//	ProvideInformation  version 1, entered into the UCC database (p.5) training due in 10 working days (p.8)
//	SendQuestions       questions to the person's e-mail, before training (p.8)
//	RecordTraining      training held (p.8)
//	SignProtocol        signed by both sides' representatives (p.8)    live 5 working days after (p.9)
//
// Each step with a term owns a deadlines.Timer inside the aggregate, with a
// warning and a breach rung carrying the step's citation; stores index the
// timers' schedules so a deadlines.Sweeper fires each rung once, and
// Service.HandleFiring records the escalation. A step out of order or
// repeated returns a *deadlines.RuleError wrapping ErrConflict that names
// the rule; nothing changes. Onboarding.ConsultableOn and
// Service.Consultable answer which services the UCC may inform about (p.3).
//
// # Changes (p.6, p.7)
//
// NoteChange opens an update due within 5 working days of the change;
// UpdateInformation adds a version listing the fields that changed.
// CurrentInformation is the latest version a UCC employee entered into the
// UCC database (EnterInformation). ReplacePerson keeps the history of
// responsible persons and times the body's notice (5 working days).
//
// # Requests, refusals and notices (p.10–p.12)
//
// AskBody records a request; Answer records information, a lawful refusal
// (state, commercial or other legally protected secret, p.11) or an
// unlawful refusal. Unlawful refusals of one body in one calendar month (in
// the body's zone) are kept in a RefusalLedger: the second raises ONE notice
// to the quality authority, due within 3 working days of the refusal that
// reached the threshold; later refusals join it while unsent, or open a
// follow-up once it was sent (SendNotice). Stores update a ledger
// atomically with the answer, so concurrent or repeated refusals raise one
// notice. WithRefusalThreshold and WithRefusalPeriod change the reading.
//
// # Quality authority training (p.15)
//
// RequestQualityTraining starts a task on the authority's written request
// (default term 10 working days, WithQualityTrainingTerm);
// HoldQualityTraining records its outcome.
//
// # Queries
//
// Deadlines lists overdue and due-soon steps and notices per body, per
// service or across all; RefusalCount and Ledger give a body's refusals in
// a month; Points lists the points implemented, and a test checks each has
// a TestRules130_P<N>_ test.
//
// # Errors
//
// The sentinels are deadlines', so errors.Is works across packages:
//
//	ErrInvalid      bad input (every field problem is reported, joined); nothing changed
//	ErrNotFound     no such body, service, onboarding, request, ledger or notice
//	ErrConflict     exists already, or the step is out of order or repeated
//	ErrTermExpired  the step needs a term that has ended
//
// Use errors.As with *deadlines.RuleError for the rule ("Rules130 p.5") and
// the field ("appointed_at").
package onboarding
