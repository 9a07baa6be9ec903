package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/onboarding"
)

// Scoping within a role (the policy table in the package doc). A record of
// another tenant is answered exactly as a missing one: the same 404 and
// the same message, so that a caller cannot probe for other tenants' IDs.

// caller is the authenticated principal. Every route is mounted behind
// auth.Allow, so it is there; a handler called without one gets the zero
// Principal, whose empty role owns nothing.
func caller(r *http.Request) auth.Principal {
	p, _ := auth.FromContext(r.Context())
	return p
}

func notFound(what string) error { return fmt.Errorf("%s: %w", what, deadlines.ErrNotFound) }

// bodyFilter returns the body a list is filtered by: what the caller asked
// for, except that a body's person always sees their own body, and asking
// for another body is forbidden.
func bodyFilter(r *http.Request, asked string) (string, error) {
	p := caller(r)
	switch {
	case p.Role != auth.BodyPerson:
		return asked, nil
	case asked != "" && asked != p.BodyID:
		return "", httpx.Forbidden(deadlines.Citation{}, "body", "a body's person sees their own body only")
	}
	return p.BodyID, nil
}

// ownOnboarding returns the onboarding if the caller may see it: an
// operator any, a body's person only their body's.
func (h *handler) ownOnboarding(r *http.Request, id string) (*onboarding.Onboarding, error) {
	o, err := h.Onboarding.Get(r.Context(), id)
	if errors.Is(err, deadlines.ErrNotFound) {
		return nil, notFound(fmt.Sprintf("onboarding %q", id))
	}
	if err != nil {
		return nil, err
	}
	if p := caller(r); p.Role != auth.Operator && (p.Role != auth.BodyPerson || o.BodyID != p.BodyID) {
		auth.Denied(r.Context())
		return nil, notFound(fmt.Sprintf("onboarding %q", id))
	}
	return o, nil
}

// ownComponent checks that the caller may act on the application's
// component: an operator on any, a body's person only as the component's
// provider, a citizen only on their own application. The route table has
// already kept other roles out.
func (h *handler) ownComponent(r *http.Request, appID, componentID string) error {
	p := caller(r)
	if p.Role == auth.Operator {
		return nil // the router reports a missing application or component itself
	}
	missing := notFound(fmt.Sprintf("application %q component %q", appID, componentID))
	a, err := h.Applications.GetApplication(r.Context(), appID)
	if errors.Is(err, chain.ErrNotFound) {
		return missing
	}
	if err != nil {
		return err
	}
	switch p.Role {
	case auth.BodyPerson:
		if c := a.Component(componentID); c != nil && c.ProviderID == p.BodyID {
			return nil
		}
	case auth.Citizen:
		if a.Recipient == p.IIN && a.Component(componentID) != nil {
			return nil
		}
	}
	auth.Denied(r.Context())
	return missing
}

// ownRecipient lets a citizen read only their own applications; an
// operator reads anyone's.
func ownRecipient(r *http.Request, recipient string) error {
	if p := caller(r); p.Role != auth.Operator && (p.Role != auth.Citizen || recipient != p.IIN) {
		auth.Denied(r.Context())
		return notFound(fmt.Sprintf("recipient %q", recipient))
	}
	return nil
}

// actor is who the domain records as having acted: what the request says,
// or else the authenticated caller's name. (The access audit names the
// principal whatever the request says.)
func actor(r *http.Request, given string) string {
	if given != "" {
		return given
	}
	return caller(r).Name
}
