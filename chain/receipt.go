package chain

import (
	"context"
	"fmt"
)

// Receipt is what a Router command (Submit, Pay, Complete, Refuse, Appeal,
// DecideAppeal) answers: a small value that says what the transition did,
// read inside the store's update, so a command copies no application.
// Queries return copies: Router.Get returns the application, ForRecipient
// and ForUCC the views (Rules472 p.9).
type Receipt struct {
	ApplicationID string `json:"application_id"`
	// Component is the component the command acted on ("" for Submit).
	Component string `json:"component,omitempty"`
	// Status is that component's status once the command and the
	// deliveries it made are recorded (zero for Submit).
	Status Status `json:"status,omitzero"`
	// Routed names the components this command sent to their providers
	// (Rules472 p.7, p.8), in the definition's order: the roots for
	// Submit, the dependants a result made ready for Complete, the
	// components a satisfied appeal restored for DecideAppeal.
	Routed []string `json:"routed,omitempty"`
	// PendingDispatch reports that a delivery waits for its
	// acknowledgement (a provider could not be reached); Redeliver sends
	// it again.
	PendingDispatch bool `json:"pending_dispatch"`
	// Done reports that every component is completed, refused or stopped.
	Done bool `json:"done"`
}

// fill completes rc from the application as it stands: the status of
// rc.Component, PendingDispatch and Done. It reads a and keeps nothing of
// it but strings.
func (rc *Receipt) fill(a *Application) {
	rc.ApplicationID = a.ID
	rc.Status = 0
	rc.PendingDispatch, rc.Done = false, true
	for i := range a.Components {
		cs := &a.Components[i]
		if cs.ID == rc.Component {
			rc.Status = cs.Status
		}
		if cs.Delivery.Pending {
			rc.PendingDispatch = true
		}
		if !cs.Status.Final() {
			rc.Done = false
		}
	}
}

// routedSince returns the components routed by the events of a's history
// from index n on, or nil.
func routedSince(a *Application, n int) []string {
	if n > len(a.History) {
		return nil
	}
	k := 0
	for i := range a.History[n:] {
		if a.History[n+i].Type == "routed" {
			k++
		}
	}
	if k == 0 {
		return nil
	}
	out := make([]string, 0, k)
	for i := range a.History[n:] {
		if e := &a.History[n+i]; e.Type == "routed" {
			out = append(out, e.Component)
		}
	}
	return out
}

// Get returns a copy of the application (Rules472 p.9: the UCC sees every
// application in full), or an error wrapping ErrNotFound.
func (r *Router) Get(ctx context.Context, appID string) (*Application, error) {
	a, err := r.cfg.Store.GetApplication(ctx, appID)
	if err != nil {
		return nil, fmt.Errorf("chain: application %s: %w", appID, err)
	}
	return a, nil
}
