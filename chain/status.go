package chain

import (
	"context"
	"fmt"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

// ComponentView is one component as the recipient sees it in the personal
// cabinet (Rules472 p.9).
type ComponentView struct {
	Order       int          `json:"order"` // 1-based: prerequisites first
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Status      Status       `json:"status"`
	StatusLabel string       `json:"status_label"`
	Due         time.Time    `json:"due,omitzero"` // the last day of the current term, in the provider's zone
	Estimated   bool         `json:"estimated,omitempty"`
	Result      *ResultView  `json:"result,omitempty"`
	Refusal     *RefusalView `json:"refusal,omitempty"`
	StoppedBy   string       `json:"stopped_by,omitempty"` // the refused prerequisite's name
	Payment     *Payment     `json:"payment,omitempty"`
	Appeals     []AppealView `json:"appeals,omitempty"`
}

// ResultView is an issued result (p.4, p.11, p.13).
type ResultView struct {
	Form      string    `json:"form"`
	Channel   Channel   `json:"channel"`
	Reference string    `json:"reference"`
	At        time.Time `json:"at"`
}

// RefusalView is a refusal with its ground's name (p.10).
type RefusalView struct {
	Ground     string    `json:"ground"`
	GroundName string    `json:"ground_name"`
	Reason     string    `json:"reason"`
	At         time.Time `json:"at"`
	Citation   string    `json:"citation"`
}

// AppealView is an appeal and its outcome (p.12).
type AppealView struct {
	Seq     int       `json:"seq"`
	Route   string    `json:"route"`
	Due     time.Time `json:"due"`
	Outcome Outcome   `json:"outcome"`
}

// RecipientView is an application as its recipient sees it (p.9).
type RecipientView struct {
	ApplicationID string          `json:"application_id"`
	Service       string          `json:"service"` // the composite service's name
	SubmittedAt   time.Time       `json:"submitted_at"`
	Components    []ComponentView `json:"components"`
}

// UCCComponent is a component as the Unified Contact Center sees it: the
// recipient's view plus the provider, the overdue flags and the delivery.
type UCCComponent struct {
	ComponentView
	ProviderID string   `json:"provider_id"`
	Provider   string   `json:"provider"` // the body's name
	Overdue    bool     `json:"overdue"`  // its term (or an appeal's) ran out and it is still open
	Late       bool     `json:"late"`     // it ended after its term
	Delivery   Delivery `json:"delivery,omitzero"`
}

// UCCView is an application as the UCC sees it (p.9): every component
// with its provider and overdue flags, and the full history.
type UCCView struct {
	ApplicationID string         `json:"application_id"`
	DefinitionID  string         `json:"definition_id"`
	Service       string         `json:"service"`
	Recipient     string         `json:"recipient"` // masked
	SubmittedAt   time.Time      `json:"submitted_at"`
	Components    []UCCComponent `json:"components"`
	History       []Event        `json:"history"`
}

func checkLang(lang string) error {
	switch lang {
	case "kk", "ru", "en":
		return nil
	}
	return deadlines.Invalid(rule(9), "lang", "kk, ru or en")
}

// ForRecipient returns the recipient's view of their application in lang
// ("kk", "ru" or "en"). Another recipient's application is reported as not
// found, exactly as a missing one: a recipient sees only their own.
func (r *Router) ForRecipient(ctx context.Context, recipient, appID, lang string) (*RecipientView, error) {
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	a, err := r.cfg.Store.GetApplication(ctx, appID)
	if err == nil && a.Recipient != recipient {
		err = fmt.Errorf("chain: application %s: %w", appID, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	p, err := r.plan(ctx, a.DefinitionID)
	if err != nil {
		return nil, err
	}
	v, _ := r.view(p, a, lang, r.cfg.Clock.Now())
	return v, nil
}

// RecipientApplications returns the views of every application of the
// recipient, oldest first.
func (r *Router) RecipientApplications(ctx context.Context, recipient, lang string) ([]*RecipientView, error) {
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	if _, err := kzid.Validate(recipient); err != nil {
		return nil, &deadlines.RuleError{Rule: rule(9), Field: "recipient", Err: err}
	}
	apps, err := r.cfg.Store.ListApplications(ctx, ApplicationFilter{Recipient: recipient})
	if err != nil {
		return nil, fmt.Errorf("chain: applications: %w", err)
	}
	now := r.cfg.Clock.Now()
	out := make([]*RecipientView, 0, len(apps))
	for _, a := range apps {
		p, err := r.plan(ctx, a.DefinitionID)
		if err != nil {
			return nil, err
		}
		v, _ := r.view(p, a, lang, now)
		out = append(out, v)
	}
	return out, nil
}

// ForUCC returns the UCC's view of an application in lang (p.9).
func (r *Router) ForUCC(ctx context.Context, appID, lang string) (*UCCView, error) {
	if err := checkLang(lang); err != nil {
		return nil, err
	}
	a, err := r.cfg.Store.GetApplication(ctx, appID)
	if err != nil {
		return nil, fmt.Errorf("chain: application %s: %w", appID, err)
	}
	p, err := r.plan(ctx, a.DefinitionID)
	if err != nil {
		return nil, err
	}
	now := r.cfg.Clock.Now()
	rv, flags := r.view(p, a, lang, now)
	v := &UCCView{
		ApplicationID: a.ID, DefinitionID: a.DefinitionID, Service: rv.Service,
		Recipient: kzid.Mask(a.Recipient), SubmittedAt: a.SubmittedAt, History: a.History,
	}
	for i, cv := range rv.Components {
		cs := a.Component(cv.ID)
		uc := UCCComponent{ComponentView: cv, ProviderID: cs.ProviderID, Provider: cs.ProviderID, Overdue: flags[i].overdue, Late: flags[i].late, Delivery: cs.Delivery}
		if b, err := r.cfg.Catalogue.GetBody(ctx, cs.ProviderID); err == nil {
			uc.Provider = b.Name.In(lang)
		}
		v.Components = append(v.Components, uc)
	}
	return v, nil
}

type flag struct{ overdue, late bool }

// view builds the recipient's view and each component's overdue flags.
func (r *Router) view(p *plan, a *Application, lang string, now time.Time) (*RecipientView, []flag) {
	v := &RecipientView{ApplicationID: a.ID, Service: p.def.Names.In(lang), SubmittedAt: a.SubmittedAt}
	flags := make([]flag, 0, len(p.order))
	for i, id := range p.order {
		comp, _ := p.def.Component(id)
		cs := a.Component(id)
		cv := ComponentView{Order: i + 1, ID: id, Name: comp.Names.In(lang), Status: cs.Status, StatusLabel: cs.Status.Label().In(lang)}
		var f flag
		if c, err := r.calIn(cs.Zone); err == nil {
			if cs.Timer.ID != "" {
				st := cs.Timer.Status(c, now)
				cv.Due, cv.Estimated = st.Deadline.Due, st.Deadline.Estimated
				f.overdue = st.Breached && st.State != deadlines.TimerStopped
				f.late = st.Breached && st.State == deadlines.TimerStopped
			}
			for _, ap := range cs.Appeals {
				st := ap.Timer.Status(c, now)
				cv.Appeals = append(cv.Appeals, AppealView{Seq: ap.Seq, Route: ap.Route, Due: st.Deadline.Due, Outcome: ap.Outcome})
				f.overdue = f.overdue || (st.Breached && st.State != deadlines.TimerStopped)
			}
		}
		if cs.Result != nil {
			cv.Result = &ResultView{Form: comp.Result.Form, Channel: cs.Result.Channel, Reference: cs.Result.Reference, At: cs.Result.At}
		}
		if cs.Refusal != nil {
			rv := &RefusalView{Ground: cs.Refusal.Ground, Reason: cs.Refusal.Reason, At: cs.Refusal.At, Citation: rule(10).String()}
			for _, g := range comp.Grounds {
				if g.Code == cs.Refusal.Ground {
					rv.GroundName = g.Names.In(lang)
				}
			}
			cv.Refusal = rv
		}
		if cs.StoppedBy != "" {
			pre, _ := p.def.Component(cs.StoppedBy)
			cv.StoppedBy = pre.Names.In(lang)
		}
		if cs.Payment.Required {
			pay := cs.Payment
			cv.Payment = &pay
		}
		v.Components = append(v.Components, cv)
		flags = append(flags, f)
	}
	return v, flags
}
