package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/onboarding"
)

func rule130(p int) deadlines.Citation { return deadlines.Cite(deadlines.Rules130, p) }

// milestone is one step of the Rules130 lifecycle as the timeline shows it.
type milestone struct {
	Key   string // message key suffix: "step.<key>"
	Rule  deadlines.Citation
	Timer string // the step's timer, if it has a term
	Done  func(o *onboarding.Onboarding) time.Time
}

var lifecycle = []milestone{
	{"registered", rule130(3), "", func(o *onboarding.Onboarding) time.Time {
		if o.StandardApprovedOn.After(o.RegisteredOn) {
			return o.StandardApprovedOn
		}
		return o.RegisteredOn
	}},
	{"request", rule130(4), onboarding.StepRequest, func(o *onboarding.Onboarding) time.Time { return o.RequestSentAt }},
	{"receipt", rule130(5), "", func(o *onboarding.Onboarding) time.Time { return o.RequestReceivedAt }},
	{"appointment", rule130(5), onboarding.StepAppointment, func(o *onboarding.Onboarding) time.Time { return o.AppointedAt }},
	{"information", rule130(5), onboarding.StepInformation, func(o *onboarding.Onboarding) time.Time {
		if len(o.Information) == 0 {
			return time.Time{}
		}
		return o.Information[0].SubmittedAt
	}},
	{"training", rule130(8), onboarding.StepTraining, func(o *onboarding.Onboarding) time.Time {
		if o.Training == nil {
			return time.Time{}
		}
		return o.Training.At
	}},
	{"protocol", rule130(8), "", func(o *onboarding.Onboarding) time.Time {
		if o.Protocol == nil {
			return time.Time{}
		}
		return o.Protocol.SignedAt
	}},
}

// timelineRow is one line of the timeline.
type timelineRow struct {
	Label  string
	Rule   deadlines.Citation
	Term   string
	Done   time.Time
	Due    time.Time
	Status string // done, late, current, overdue, pending, scheduled
	Left   int
	Late   int
}

// termText says a term in lang: "3 working days".
func termText(lang string, t deadlines.Term) string {
	if t.Kind == deadlines.Immediately {
		return translate(lang, "term.immediately")
	}
	return strings.ReplaceAll(translate(lang, "term."+t.Kind.String()), "{n}", strconv.Itoa(t.N))
}

// timeline lays out o's lifecycle at now: each milestone with its date,
// term, citation and status, then the go-live (p.9) and any update (p.6)
// and replacement (p.7) terms.
func timeline(o *onboarding.Onboarding, cal *deadlines.Calendar, now time.Time, lang string) []timelineRow {
	var rows []timelineRow
	withTimer := func(row timelineRow, t *deadlines.Timer) timelineRow {
		if t == nil {
			return row
		}
		st := t.Status(cal, now)
		row.Term, row.Due, row.Left = termText(lang, t.Ledger[0].Term), st.Deadline.Due, st.RemainingWorkdays
		if st.Breached {
			row.Late = cal.WorkdaysBetween(st.Deadline.Due, now)
		}
		switch {
		case st.State == deadlines.TimerStopped && st.Breached:
			row.Status = "late"
		case st.State == deadlines.TimerStopped:
			row.Status = "done"
		case st.Breached:
			row.Status = "overdue"
		default:
			row.Status = "current"
		}
		return row
	}
	current := false
	for _, m := range lifecycle {
		row := timelineRow{Label: translate(lang, "step."+m.Key), Rule: m.Rule, Done: m.Done(o), Status: "pending"}
		if !row.Done.IsZero() {
			row.Status = "done"
		}
		if m.Timer != "" {
			row = withTimer(row, o.Timer(m.Timer))
		}
		if row.Done.IsZero() && !current {
			current = true
			if row.Status == "pending" {
				row.Status = "current"
			}
		}
		rows = append(rows, row)
	}
	live := timelineRow{Label: translate(lang, "step.live"), Rule: rule130(9), Term: termText(lang, onboarding.TermGoLive), Status: "pending"}
	if !o.LiveFrom.IsZero() {
		live.Due, live.Status = o.LiveFrom, "scheduled"
		if o.ConsultableOn(now) {
			live.Done, live.Status = o.LiveFrom, "done"
		}
	}
	rows = append(rows, live)
	for i := range o.Timers {
		step := strings.TrimPrefix(o.Timers[i].ID, o.ID+"/")
		if strings.HasPrefix(step, "update-") || strings.HasPrefix(step, "replacement-") {
			t := &o.Timers[i]
			row := withTimer(timelineRow{Label: stepLabel(lang, step), Rule: t.Ledger[0].Rule}, t)
			if row.Status == "done" || row.Status == "late" {
				row.Done = t.Status(cal, now).StoppedAt
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// mayAct reports whether p may perform steps of o: the UCC operator, or the
// responsible person of o's body.
func mayAct(p auth.Principal, o *onboarding.Onboarding) bool {
	return p.Role == auth.Operator || (p.Role == auth.BodyPerson && p.BodyID == o.BodyID)
}

// nextStep is the form for the step o's state calls for, or nil once the
// protocol is signed.
func nextStep(o *onboarding.Onboarding, lang string, now time.Time) *form {
	t := func(k string) string { return translate(lang, k) }
	at := func(name string) field {
		return field{Name: name, Label: t("form.at"), Type: "datetime-local", Value: now.Format(localLayout + ":05"), Required: true}
	}
	text := func(name, key string, required bool) field {
		return field{Name: name, Label: t(key), Type: "text", Required: required}
	}
	area := func(name, key string, required bool) field {
		return field{Name: name, Label: t(key), Type: "textarea", Required: required, Hint: t("form.one-per-line")}
	}
	f := &form{ID: "step-form", Action: "/ui/onboardings/" + o.ID + "/step", Submit: t("form.submit")}
	var step string
	switch o.State {
	case onboarding.StateAwaitingRequest:
		step, f.Citation = "request", rule130(4).String()
		f.Fields = []field{at("sent_at")}
	case onboarding.StateRequestSent:
		step, f.Citation = "receipt", rule130(5).String()
		f.Fields = []field{at("received_at")}
	case onboarding.StateRequestReceived:
		step, f.Citation = "appointment", rule130(5).String()
		f.Fields = []field{at("appointed_at"), text("person.full_name", "form.full-name", true), text("person.position", "form.position", true),
			{Name: "person.phone", Label: t("form.phone"), Type: "tel", Required: true}, {Name: "person.email", Label: t("form.email"), Type: "email", Required: true}}
	case onboarding.StatePersonAppointed:
		step, f.Citation = "information", rule130(5).String()
		f.Fields = []field{at("submitted_at"), area("information.description", "form.description", true), area("information.documents", "form.documents", false),
			text("information.fee", "form.fee", false), text("information.term", "form.term", true), text("information.result", "form.result", true),
			area("information.channels", "form.channels", false), text("information.standard", "form.standard", true), text("entered_by", "form.entered-by", false)}
		f.Fields[1].Hint = ""
	case onboarding.StateInformationProvided:
		step, f.Citation = "training", rule130(8).String()
		f.Fields = []field{at("at"), text("trainer", "form.trainer", true), area("trainees", "form.trainees", true)}
	case onboarding.StateTrained:
		step, f.Citation = "protocol", rule130(8).String()
		f.Fields = []field{at("signed_at"), text("number", "form.protocol-number", true),
			text("ucc.full_name", "form.ucc-signatory", true), text("ucc.position", "form.ucc-position", true),
			text("body.full_name", "form.body-signatory", true), text("body.position", "form.body-position", true)}
	default:
		return nil
	}
	f.Title = t("next." + step)
	f.Hidden = []hidden{{"step", step}}
	return f
}

// perform runs the step the form names through the onboarding service.
func (h *handler) perform(ctx context.Context, o *onboarding.Onboarding, v url.Values, actor string) error {
	loc, err := time.LoadLocation(o.Zone)
	if err != nil {
		return err
	}
	svc, id := h.Onboarding, o.ID
	when := func(r deadlines.Citation, name string) (time.Time, error) {
		return parseLocal(r, name, v.Get(name), loc)
	}
	switch step := v.Get("step"); step {
	case "request":
		at, err := when(rule130(4), "sent_at")
		if err == nil {
			_, err = svc.SendRequest(ctx, id, at, actor)
		}
		return err
	case "receipt":
		at, err := when(rule130(5), "received_at")
		if err == nil {
			_, err = svc.ConfirmReceipt(ctx, id, at, actor)
		}
		return err
	case "appointment":
		at, err := when(rule130(5), "appointed_at")
		if err == nil {
			_, err = svc.Appoint(ctx, id, at, onboarding.Person{FullName: v.Get("person.full_name"), Position: v.Get("person.position"),
				Phone: v.Get("person.phone"), Email: v.Get("person.email")}, actor)
		}
		return err
	case "information":
		at, err := when(rule130(5), "submitted_at")
		if err == nil {
			_, err = svc.ProvideInformation(ctx, id, at, onboarding.Information{
				Description: v.Get("information.description"), Documents: lines(v.Get("information.documents")), Fee: v.Get("information.fee"),
				Term: v.Get("information.term"), Result: v.Get("information.result"), Channels: lines(v.Get("information.channels")),
				Standard: onboarding.Requisites{Number: strings.TrimSpace(v.Get("information.standard"))},
			}, strings.TrimSpace(v.Get("entered_by")), actor)
		}
		return err
	case "training":
		at, err := when(rule130(8), "at")
		if err == nil {
			_, err = svc.RecordTraining(ctx, id, onboarding.Training{At: at, Trainer: v.Get("trainer"), Trainees: lines(v.Get("trainees"))}, actor)
		}
		return err
	case "protocol":
		at, err := when(rule130(8), "signed_at")
		if err == nil {
			_, err = svc.SignProtocol(ctx, id, onboarding.Protocol{Number: v.Get("number"), SignedAt: at,
				UCC:  onboarding.Signatory{FullName: v.Get("ucc.full_name"), Position: v.Get("ucc.position")},
				Body: onboarding.Signatory{FullName: v.Get("body.full_name"), Position: v.Get("body.position")}}, actor)
		}
		return err
	default:
		return deadlines.Invalid(deadlines.Citation{}, "step", "unknown step "+strconv.Quote(step))
	}
}

// loadOnboarding returns the onboarding if p may see it; another body's is
// not found, exactly like a missing one.
func (h *handler) loadOnboarding(ctx context.Context, p auth.Principal, id string) (*onboarding.Onboarding, error) {
	o, err := h.Onboarding.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !(scope{p}).body(o.BodyID) {
		auth.Denied(ctx)
		return nil, notFound("onboarding " + id)
	}
	return o, nil
}

func (h *handler) onboarding(w http.ResponseWriter, r *http.Request) {
	h.showOnboarding(w, r, http.StatusOK, nil, nil)
}

// showOnboarding renders the timeline; after a failed step it shows the
// errors with the submitted values, under status.
func (h *handler) showOnboarding(w http.ResponseWriter, r *http.Request, status int, values url.Values, errs []formError) {
	pg := h.newPage(w, r, "onboarding.title")
	ctx := r.Context()
	o, err := h.loadOnboarding(ctx, pg.Principal, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cal, err := h.Calendar.InZone(o.Zone)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	bodies, _, err := h.bodyNames(ctx, pg.Lang)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	services, err := h.serviceNames(ctx, pg.Lang)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.Clock.Now().In(cal.Location())
	var next *form
	if mayAct(pg.Principal, o) {
		if next = nextStep(o, pg.Lang, now); next != nil {
			*next = next.withInput(values, errs)
		}
	}
	if next == nil && len(errs) > 0 {
		next = &form{Errors: errs}
	}
	pg.Status = status
	h.render(w, "onboarding", status, struct {
		page
		O       *onboarding.Onboarding
		Service string
		Body    string
		State   string
		Rows    []timelineRow
		Next    *form
	}{pg, o, orID(services[o.ServiceID], o.ServiceID), orID(bodies[o.BodyID], o.BodyID), o.State.Label().In(pg.Lang), timeline(o, cal, now, pg.Lang), next})
}

func (h *handler) onboardingStep(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, _ := auth.FromContext(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, deadlines.Invalid(deadlines.Citation{}, "form", "cannot read the form"))
		return
	}
	o, err := h.loadOnboarding(ctx, p, r.PathValue("id"))
	if err == nil && !mayAct(p, o) {
		err = notFound("onboarding " + o.ID)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.perform(ctx, o, r.PostForm, p.Name); err != nil {
		status := httpx.Status(err)
		if status == http.StatusInternalServerError || status == http.StatusNotFound {
			h.fail(w, r, err)
			return
		}
		errs := ruleErrors(err)
		if len(errs) == 0 {
			errs = []formError{{Message: err.Error()}}
		}
		h.showOnboarding(w, r, status, r.PostForm, errs)
		return
	}
	http.Redirect(w, r, "/ui/onboardings/"+o.ID, http.StatusSeeOther)
}
