// Package desk is the UCC consultation desk: what an operator of the 1414
// line answers on a call. It follows the stages of every delivery of a
// state service (Rules130 p.13), single or a component of a composite
// application (Rules472 p.9), and tells whether a service is consultable
// and what it requires (Rules130 p.3, p.5, p.6, p.9). It is pure domain: it
// declares the ports it consumes (Store, Catalogue, Composites) and imports
// no database, HTTP or driver package.
//
// # Delivery stages (Rules130 p.13)
//
// Providers enter the stage of each delivery into the Monitoring
// information system; the Store port stands for it. A Feed records them:
//
//	Receive  received             the service is known and provided by the body, the recipient's
//	                              IIN or BIN is valid; the term starts (a deadlines.Timer)
//	Record   in progress          documents requested   result ready   issued   refused
//
// The order is checked (Allowed): received is first and only first; after
// result ready comes only issued; nothing follows issued or refused; no
// stage is dated before the one it follows, or in the future; only the
// delivery's provider records its stages; a stage with no receipt is "not
// found". Each StageRecord carries its citation. Recording the same stage
// at the same instant again changes nothing. The term is met when the
// result is ready, issued or refused.
//
// Composite applications publish their components' stages into the same
// feed: Feed.PublishApplication derives them from the application's
// history (a provider's receipt, a result, a refusal, a component stopped
// by a refused prerequisite; every round an appeal reopens is a delivery of
// its own, "<application>/<component>/<round>"). It is idempotent, so
// PublishingStore, a chain.Store wrapper given to chain.NewRouter, calls it
// after every save without touching chain, and a later call catches up on
// anything missed.
//
// # Stage-lag escalation
//
// The timer of each delivery has a StageLag rung (Rules130 p.13) at the end
// of its term. Stores index its schedule, so a deadlines.Sweeper fires it
// once when the result is not ready in time, and Feed.HandleFiring records
// an Escalation on the delivery, once per firing. The desk shows it, and
// Desk.CountStageLags counts escalations by month, provider and service
// for the monthly report.
//
// # Desk queries
//
// Search finds services by register number or by name in kk, ru or en,
// case- and script-insensitively: Normalize folds Kazakh letters to their
// near Russian equivalents and every Cyrillic letter to a plain Latin
// spelling (ә→a, ғ→g, қ→k, ң→n, ө→o, ұ, ү→u, һ→h, і→i; ё→e; "тіркеу",
// "тиркеу", "ТІРКЕУ" and "tirkeu" are the same word), and each word of the
// query must begin a word of the service. It reads an index of the
// catalogue (rebuilt every Config.IndexMaxAge, or by Refresh); Service
// reads the catalogue itself. Both answer at the clock's now: a live
// service with the current version of each provider's information as
// entered into the UCC database (p.3, p.5, p.6); a service accepted but
// not live yet with the date it goes live (p.9); any other "not accepted
// for consultation" with the p.3 citation and no information.
//
// ByApplication (the number the citizen quotes) and ByRecipient (a
// validated IIN or BIN) answer every delivery with its current stage, term,
// due date, overdue flag and escalations, and for a composite application
// every component in order with its status (through the Composites port,
// which *chain.Router satisfies). Recipients are masked; a lookup by IIN
// returns that recipient's applications and no one else's. Every answer
// has Tell, what the operator may tell the citizen in kk, ru or en, and
// the rules it rests on.
//
// # Errors
//
// The sentinels are deadlines', so errors.Is works across packages:
//
//	ErrInvalid   bad input (every field problem is reported, joined); nothing changed
//	ErrNotFound  no such service, body, delivery or application
//	ErrConflict  exists already, or the stage is out of order or after the end
//
// Use errors.As with *deadlines.RuleError for the rule ("Rules130 p.13")
// and the field ("stage", "recipient").
package desk
