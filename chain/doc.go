// Package chain implements the "one application" rules (Order No. 472,
// cited "Rules472 p.N"): one signed citizen application delivers several
// state services. It is pure domain and imports no database, HTTP or driver
// package; the ports it consumes are declared here.
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
// grounds, channels and appeals. Router.RegisterDefinition also checks the
// definition against the onboarding catalogue (p.2): each service exists and
// each provider body exists, is a provider and provides that service.
//
// # Routing
//
// A Router runs applications (NewRouter takes a Config with the ports):
//
//   - Submit (p.3, p.8) checks the recipient's IIN or BIN, verifies the EDS
//     signature through a SignatureVerifier and keeps the original bytes,
//     the signature and the evidence unchanged (Signed), asks
//     DataAvailability for the data each component needs (data a
//     prerequisite produces are not asked: they arrive by enrichment), and
//     routes the application to the root components' providers (p.7).
//     Identity numbers in the data are checked too: by convention a key
//     ending in "_iin" holds an IIN and one ending in "_bin" a BIN (p.3);
//     the same holds for a result's fields (p.7).
//   - Delivery is at least once: a routed component has a pending Delivery
//     with an idempotency key ("<application>/<component>/<round>"); the
//     router calls the Dispatcher after the transition is stored and records
//     the acknowledgement. A failed delivery stays pending with its error;
//     Redeliver sends it again with the same key.
//   - The provider's receipt starts the component's term (p.5) in the
//     provider's zone; a paid component awaits its payment (Pay, p.6) before
//     its result.
//   - Complete records a result (p.4, p.11, p.13) with the fields the
//     component produces; the application is enriched with them and every
//     dependant whose prerequisites all have results is routed (p.7, p.8).
//   - Refuse records a refusal on one of the component's grounds (p.10) and
//     stops the components that depend on it, directly or not, and no
//     others.
//   - Appeal and DecideAppeal (p.12): the appeal has its own term; a
//     satisfied appeal reopens the component in a new round and restores
//     the components its refusal had stopped.
//   - HandleFiring is a deadlines.FiringHandler that records missed terms
//     in the application's history once.
//
// Repeating the same result, refusal, payment or decision changes nothing;
// concurrent results of sibling components are serialized by the store's
// UpdateApplication, so none is lost.
//
// # Commands and queries
//
// The commands (Submit, Pay, Complete, Refuse, Appeal, DecideAppeal) answer
// a Receipt, a small value read inside the store's update: the
// application's ID, the component acted on and its status afterwards, the
// components the command routed (p.7, p.8), whether a delivery still waits
// for its acknowledgement, and whether every component is final. A command
// copies no application. The queries answer copies that share no memory
// with the store: Get the application, ForRecipient and ForUCC the views.
//
// # Status
//
// ForRecipient and RecipientApplications give the recipient's view (p.9):
// the components in order, their status, due date, result or refusal
// reason, in Kazakh, Russian or English; another recipient's application is
// "not found". ForUCC adds the provider bodies, overdue and late flags,
// deliveries and the full history with citations.
//
// # Errors
//
// The sentinels are deadlines' (ErrInvalid, ErrNotFound, ErrConflict), so
// errors.Is works across packages; errors.As with *deadlines.RuleError gives
// the point ("Rules472 p.7") and the field ("fields.child_iin"). Missing
// data is a *MissingDataError naming the component and the data; it matches
// ErrDataUnavailable and ErrInvalid. A verifier, data source or store that
// cannot answer returns its own error, wrapped, and is not ErrInvalid.
package chain
