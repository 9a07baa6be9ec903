// Package chain implements the "one application" rules (Order No. 472,
// cited "Rules472 p.N"): one signed citizen application delivers several
// state services. It is pure domain and imports no database, HTTP or driver
// package.
//
// # Definitions
//
// A Definition is a composite service: a directed acyclic graph of
// Components. Each component has its state service and provider, its term
// counted from receipt by the provider (p.5) with optional Conditions (a
// longer term when filed late), its Fee (p.6), refusal Grounds (p.10), its
// Result form and channels (p.11, p.13), its Appeal route and term (p.12)
// and the data it needs from state information systems (p.3). Requires
// names the prerequisites whose results it needs and the result fields that
// enrich the application for it (p.7); Roots are where the application goes
// first.
//
// Definitions load from JSON (ParseDefinition, strict) or from Go
// (NewBuilder). Validate reports every problem at once: duplicate or
// unknown components, cycles with their path ("a → c → b → a"), enrichment
// fields a prerequisite does not produce, missing terms, inconsistent fees,
// grounds, channels and appeals.
//
// Submission, routing, refusals, appeals and the recipient and UCC views
// (p.3, p.4, p.8–p.12) are not built yet.
//
// # Errors
//
// The sentinels are deadlines' (ErrInvalid, ErrNotFound, ErrConflict), so
// errors.Is works across packages; errors.As with *deadlines.RuleError gives
// the point ("Rules472 p.7") and the field ("components[1].requires[0].fields").
package chain
