package dashboard

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/onboarding"
)

// DueSoonWorkdays is the "due soon" horizon of the board: an open term with
// at most this many working days left.
const DueSoonWorkdays = 2

// Group is where a term stands on the board.
type Group string

// The board's groups, in the order shown.
const (
	GroupOverdue Group = "overdue"
	GroupDueSoon Group = "due-soon"
	GroupDue     Group = "due"
)

// item is one open term on the board.
type item struct {
	Kind    string // "onboarding", "component", "report"
	Subject string // the service, component or report
	Link    string
	Step    string
	Rule    deadlines.Citation
	BodyID  string
	Body    string
	Due     time.Time // 00:00 of the last day, in the body's zone
	Zone    string
	// Left is the working days left in (now, due]; Late the working days
	// elapsed since the due date once breached (both from the calendar).
	Left, Late int
	Group      Group
	Paused     bool
	Estimated  bool
}

type boardGroup struct {
	Group Group
	Items []item
}

// grouping puts a status into its group: a breached term is overdue, an
// open one with at most DueSoonWorkdays working days left is due soon.
func grouping(st deadlines.Status) Group {
	switch {
	case st.Breached:
		return GroupOverdue
	case st.RemainingWorkdays <= DueSoonWorkdays:
		return GroupDueSoon
	}
	return GroupDue
}

// itemOf fills an item's dates and countdown from a timer status computed
// on cal (the body's zone) at now.
func itemOf(it item, st deadlines.Status, cal *deadlines.Calendar, now time.Time) item {
	it.Due, it.Zone = st.Deadline.Due, cal.Location().String()
	it.Left = st.RemainingWorkdays
	it.Group = grouping(st)
	it.Paused = st.State == deadlines.TimerPaused
	it.Estimated = st.Deadline.Estimated
	if st.Breached {
		it.Late = cal.WorkdaysBetween(st.Deadline.Due, now)
	}
	return it
}

// scope is what a principal may see.
type scope struct {
	p auth.Principal
}

func (s scope) body(bodyID string) bool {
	return s.p.Role != auth.BodyPerson || s.p.BodyID == bodyID
}

// application reports whether the caller may see a: the UCC and the
// quality authority see all, a body person the applications it provides a
// component of, a citizen their own.
func (s scope) application(a *chain.Application) bool {
	switch s.p.Role {
	case auth.Operator, auth.QualityAuthority:
		return true
	case auth.BodyPerson:
		return slices.ContainsFunc(a.Components, func(c chain.ComponentState) bool { return c.ProviderID == s.p.BodyID })
	case auth.Citizen:
		return s.p.IIN != "" && a.Recipient == s.p.IIN
	}
	return false
}

// BoardItems lists every open term the caller may see (onboarding steps,
// Rules130; composite components, Rules472; monthly report duties,
// Rules130 p.14), overdue first, then by due date.
func (h *handler) boardItems(ctx context.Context, p auth.Principal, lang string) ([]item, error) {
	sc := scope{p}
	now := h.Clock.Now()
	bodies, zones, err := h.bodyNames(ctx, lang)
	if err != nil {
		return nil, err
	}
	services, err := h.serviceNames(ctx, lang)
	if err != nil {
		return nil, err
	}
	calIn := func(zone string) (*deadlines.Calendar, error) {
		if zone == "" {
			return h.Calendar, nil
		}
		return h.Calendar.InZone(zone)
	}
	var out []item
	if p.Role != auth.Citizen {
		f := onboarding.DeadlineFilter{DueWithin: -1}
		if p.Role == auth.BodyPerson {
			f.BodyID = p.BodyID
		}
		steps, err := h.Onboarding.Deadlines(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, st := range steps {
			if !sc.body(st.BodyID) {
				continue
			}
			cal, err := calIn(zones[st.BodyID])
			if err != nil {
				return nil, err
			}
			it := item{Kind: "onboarding", Subject: orID(services[st.ServiceID], st.ServiceID), Step: stepLabel(lang, st.Step),
				Rule: st.Rule, BodyID: st.BodyID, Body: orID(bodies[st.BodyID], st.BodyID)}
			if st.OnboardingID != "" {
				it.Link = "/ui/onboardings/" + st.OnboardingID
			} else {
				it.Subject = translate(lang, "board.notice")
			}
			out = append(out, itemOf(it, st.Status, cal, now))
		}
	}
	apps, err := h.Applications.ListApplications(ctx, chain.ApplicationFilter{})
	if err != nil {
		return nil, err
	}
	defs := map[string]*chain.Definition{}
	for _, a := range apps {
		if !sc.application(a) {
			continue
		}
		def, ok := defs[a.DefinitionID]
		if !ok {
			if def, err = h.Router.Definition(ctx, a.DefinitionID); err != nil {
				return nil, err
			}
			defs[a.DefinitionID] = def
		}
		for i := range a.Components {
			cs := &a.Components[i]
			if cs.Timer.ID == "" || cs.Status.Final() || (p.Role == auth.BodyPerson && cs.ProviderID != p.BodyID) {
				continue
			}
			cal, err := calIn(cs.Zone)
			if err != nil {
				return nil, err
			}
			st := cs.Timer.Status(cal, now)
			if st.State == deadlines.TimerStopped {
				continue
			}
			name := cs.ID
			if c, ok := def.Component(cs.ID); ok {
				name = c.Names.In(lang)
			}
			it := item{Kind: "component", Subject: name, Link: "/ui/applications/" + a.ID, Step: cs.Status.Label().In(lang),
				Rule: cs.Timer.Ledger[0].Rule, BodyID: cs.ProviderID, Body: orID(bodies[cs.ProviderID], cs.ProviderID)}
			out = append(out, itemOf(it, st, cal, now))
		}
	}
	if h.Reports != nil && p.Role != auth.Citizen {
		duties, err := h.Reports.Deadlines(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range duties {
			if !sc.body(d.Recipient) || d.Status.State == deadlines.TimerStopped {
				continue
			}
			cal, err := calIn(d.Status.Deadline.Start.Location().String())
			if err != nil {
				return nil, err
			}
			it := item{Kind: "report", Subject: translate(lang, "board.report") + " " + d.Period.String(), Link: "/ui/reports/" + d.Period.String(),
				Step: translate(lang, "report.state."+strings.ReplaceAll(d.State.String(), " ", "-")), Rule: d.Status.Deadline.Rule,
				BodyID: d.Recipient, Body: orID(bodies[d.Recipient], d.Recipient)}
			if p.Role == auth.BodyPerson {
				it.Link += "?body=" + d.Recipient
			}
			out = append(out, itemOf(it, d.Status, cal, now))
		}
	}
	order := map[Group]int{GroupOverdue: 0, GroupDueSoon: 1, GroupDue: 2}
	slices.SortStableFunc(out, func(a, b item) int {
		return cmp.Or(cmp.Compare(order[a.Group], order[b.Group]), a.Due.Compare(b.Due), cmp.Compare(a.Body, b.Body), cmp.Compare(a.Subject, b.Subject))
	})
	return out, nil
}

func (h *handler) board(w http.ResponseWriter, r *http.Request) {
	pg := h.newPage(w, r, "board.title")
	items, err := h.boardItems(r.Context(), pg.Principal, pg.Lang)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	groups := []boardGroup{{Group: GroupOverdue}, {Group: GroupDueSoon}, {Group: GroupDue}}
	for _, it := range items {
		for i := range groups {
			if groups[i].Group == it.Group {
				groups[i].Items = append(groups[i].Items, it)
			}
		}
	}
	h.render(w, "board", http.StatusOK, struct {
		page
		Groups  []boardGroup
		DueSoon int
	}{pg, groups, DueSoonWorkdays})
}

// stepLabel names an onboarding step ("request", "update-2", "notice
// 2025-03/1") in lang.
func stepLabel(lang, step string) string {
	for _, prefix := range []string{"update-", "replacement-", "notice "} {
		if rest, ok := strings.CutPrefix(step, prefix); ok {
			return translate(lang, "step."+strings.TrimSpace(prefix)) + " " + rest
		}
	}
	return translate(lang, "step."+step)
}
