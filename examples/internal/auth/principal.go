// Package auth is the demo server's access control: who is calling
// (a Principal carried in the request context) and what each role may see.
// Handlers read the caller with FromContext; the middleware that
// authenticates requests puts it there.
package auth

import "context"

// Role is what a caller is allowed to do.
type Role string

// The demo's roles (issue 8, part 4).
const (
	// Operator is a UCC operator: every body, every application (masked).
	Operator Role = "operator"
	// BodyPerson is a body's responsible person: only its own body's
	// services, onboardings, deliveries and reports.
	BodyPerson Role = "body"
	// QualityAuthority reads reports, refusal notices and escalations.
	QualityAuthority Role = "quality"
	// Citizen sees only their own applications, by IIN.
	Citizen Role = "citizen"
)

// Principal is the authenticated caller.
type Principal struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// BodyID is the body a BodyPerson acts for; empty for other roles.
	BodyID string `json:"body_id,omitempty"`
	// IIN is the citizen's own IIN; empty for other roles.
	IIN string `json:"-"`
}

type ctxKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the caller, if the request was authenticated.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}
