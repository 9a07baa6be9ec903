// Package api is the demo server's JSON API over the onboarding service
// (Rules130) and the "one application" router (Rules472). Handlers decode
// input, call the domain, and answer; every domain error goes through
// httpx's one mapping (400 with the rule citation and field, 403, 404,
// 409).
//
// # Access policy
//
// Routes returns the endpoints as an [httpx.Route] table; each is mounted
// behind [auth.Allow] with the roles below (no credentials 401, another
// role 403). Scoping within a role is done by the handlers: a record of
// another tenant answers 404 exactly as a missing one (same status, same
// message), and an input naming another tenant (a citizen filing for
// another IIN, a body's person starting another body's onboarding or
// filtering by another body) is 403 with the field named.
//
//	endpoint                                         operator  quality  body person            citizen
//	GET  /v1/bodies, /v1/services, /v1/consultable   yes       yes      yes                    yes
//	GET  /v1/definitions/{id}                        yes       yes      yes                    yes
//	GET  /v1/onboardings                             all       -        own body               -
//	POST /v1/onboardings                             yes       -        own body (body_id)     -
//	GET  /v1/onboardings/{id}                        yes       -        own body, else 404     -
//	POST /v1/onboardings/{id}/{step}                 yes       -        own body, else 404     -
//	GET  /v1/deadlines                               all       all      own body               -
//	POST /v1/applications                            yes       -        -                      own IIN (recipient)
//	POST …/components/{component}/result|refusal     yes       -        provider, else 404     -
//	POST …/components/{component}/decision           yes       -        provider, else 404     -
//	POST …/components/{component}/payment|appeal     yes       -        -                      own application, else 404
//	GET  /v1/applications/{id}/ucc                   yes       yes      -                      -
//	GET  /v1/recipients/{recipient}/applications…    yes       -        -                      own IIN, else 404
//
// An anonymous browser asking for a protected HTML page (a GET outside
// /v1/) is redirected to /login?next=<page> instead of getting 401.
//
// The rest of the server (see demoapp): the calendar and terms
// (/v1/calendar/kz/{year}, /v1/terms), /healthz, /readyz, /openapi.json
// and the login pages are public; the UCC desk (/desk, /v1/desk/…) and
// /metrics are the operator's.
//
// Why: the catalogue, the composite definitions and the calendar are
// public information. Onboarding is between the UCC and one body
// (Rules130), so only they see it; the quality authority reads the
// deadlines board because it receives the escalations (Rules130 p.12). A
// provider records results, refusals and appeal decisions of its own
// components (Rules472 p.10–p.12); the recipient pays and appeals
// (Rules472 p.6, p.12) and sees their own applications, the UCC sees every
// one (Rules472 p.9).
//
// A request's "actor" field is what the domain records as having acted;
// when it is empty the authenticated caller's name is recorded. Denied
// attempts (403, and the 404 that hides another tenant's record) are
// recorded under the principal, whatever the request says, in the audit
// log (see demoapp).
//
// # Errors
//
//	deadlines.ErrInvalid, another *deadlines.RuleError   400 {error, rule, field}
//	httpx.ErrForbidden                                   403 {error, rule, field}
//	deadlines.ErrNotFound (or another tenant's record)   404
//	deadlines.ErrConflict, deadlines.ErrTermExpired      409
//	anything else                                        500 "internal error", logged
package api
