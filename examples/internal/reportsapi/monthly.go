package reportsapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/qyzmet/qyzmet/adapters/htmlreport"
	"github.com/qyzmet/qyzmet/adapters/xlsx"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

// Format is a rendering of the monthly report.
type Format struct {
	ContentType string
	Ext         string
	Inline      bool // shown in the browser rather than saved
	writer      func(w io.Writer, lang string) reports.Writer
}

// Formats are the monthly report's renderings, by the name in the URL.
var Formats = map[string]Format{
	"csv":  {"text/csv; charset=utf-8", "csv", false, func(w io.Writer, l string) reports.Writer { return reports.NewCSVWriter(w, l) }},
	"json": {"application/json; charset=utf-8", "json", false, func(w io.Writer, _ string) reports.Writer { return reports.NewJSONWriter(w) }},
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", false, func(w io.Writer, l string) reports.Writer { return xlsx.NewWriter(w, l) }},
	"html": {"text/html; charset=utf-8", "html", true, func(w io.Writer, l string) reports.Writer { return htmlreport.NewWriter(w, l) }},
}

// disposition returns a Content-Disposition with filename.
func disposition(inline bool, filename string) string {
	kind := "attachment"
	if inline {
		kind = "inline"
	}
	return mime.FormatMediaType(kind, map[string]string{"filename": filename})
}

func period(r *http.Request) (reports.Period, error) {
	return reports.ParsePeriod(r.PathValue("period"))
}

// recipientFor resolves whose report p asks for: body= (a body's person
// only its own, 404 otherwise), else a body's person's own body, else the
// quality authority's full report.
func (h *handler) recipientFor(r *http.Request, p auth.Principal) (string, error) {
	body := r.URL.Query().Get("body")
	switch {
	case body != "" && hidden(r.Context(), p, body):
		return "", notFound("report")
	case body != "":
		return body, nil
	case p.Role == auth.BodyPerson:
		return p.BodyID, nil
	}
	bodies, err := h.Catalogue.ListBodies(r.Context())
	if err != nil {
		return "", err
	}
	for _, b := range bodies {
		if b.Kind == onboarding.KindQualityAuthority {
			return b.ID, nil
		}
	}
	return "", deadlines.Wrap(p14, "body", deadlines.ErrNotFound, "no quality authority is registered")
}

// download streams a recipient's report of a month (Appendix 2) in csv,
// json, xlsx or html, headings in lang, from the register one appeal at a
// time. It previews: nothing is recorded (POST …/generate records).
func (h *handler) download(w http.ResponseWriter, r *http.Request) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	var errs []error
	per, err := period(r)
	errs = append(errs, err)
	f, known := Formats[r.PathValue("format")]
	if !known {
		errs = append(errs, deadlines.Invalid(p14, "format", "want csv, json, xlsx or html"))
	}
	l, err := lang(r)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		h.fail(w, err)
		return
	}
	recipient, err := h.recipientFor(r, p)
	if err != nil {
		h.fail(w, err)
		return
	}
	name := "appendix2-" + per.String() + "-" + recipient + "-" + l + "." + f.Ext
	h.stream(w, f.ContentType, disposition(f.Inline, name), func(out io.Writer) error {
		_, err := h.Reports.Render(r.Context(), per, recipient, f.writer(out, l))
		return err
	})
}

// DeliveryView is one recipient's report of a month: its state and its
// p.14 term.
type DeliveryView struct {
	Recipient      reports.Recipient     `json:"recipient"`
	Scope          reports.Scope         `json:"scope"`
	State          reports.DeliveryState `json:"state"`
	Rule           string                `json:"rule"` // "Rules130 p.14"
	Due            string                `json:"due"`  // the last day of the term, 2025-04-07
	Breached       bool                  `json:"breached"`
	Rows           int                   `json:"rows"`
	Summary        *reports.Summary      `json:"summary,omitempty"`
	GeneratedAt    time.Time             `json:"generated_at,omitzero"`
	SentAt         time.Time             `json:"sent_at,omitzero"`
	SentBy         string                `json:"sent_by,omitempty"`
	AcknowledgedAt time.Time             `json:"acknowledged_at,omitzero"`
	Status         deadlines.Status      `json:"status"`
}

// MonthView is a month's duties as a caller sees them: a body's person
// only its own delivery, and no history.
type MonthView struct {
	Period     reports.Period     `json:"period"`
	Zone       string             `json:"zone"`
	From       time.Time          `json:"from"`
	To         time.Time          `json:"to"`
	Deliveries []DeliveryView     `json:"deliveries"`
	History    []onboarding.Event `json:"history,omitempty"`
}

func (h *handler) view(p auth.Principal, m *reports.MonthlyReport) (MonthView, error) {
	cal := h.Calendar.In(h.Reports.Location())
	now := h.Clock.Now()
	v := MonthView{Period: m.Period, Zone: m.Zone, From: m.From, To: m.To, Deliveries: []DeliveryView{}}
	if p.Role != auth.BodyPerson {
		v.History = m.History
	}
	for _, d := range m.Deliveries {
		if !sees(p, d.Recipient.ID) {
			continue
		}
		dv := DeliveryView{Recipient: d.Recipient, Scope: d.Scope, State: d.State, Rule: reports.TermMonthly.Rule.String(), Rows: d.Rows,
			Summary: d.Summary, GeneratedAt: d.GeneratedAt, SentAt: d.SentAt, SentBy: d.SentBy, AcknowledgedAt: d.AcknowledgedAt}
		if d.Timer != nil {
			dv.Status = d.Timer.Status(cal, now)
			dv.Due, dv.Breached = dv.Status.Deadline.Due.Format(time.DateOnly), dv.Status.Breached
		}
		v.Deliveries = append(v.Deliveries, dv)
	}
	if len(v.Deliveries) == 0 && p.Role == auth.BodyPerson {
		return v, notFound("month")
	}
	return v, nil
}

func (h *handler) answerMonth(w http.ResponseWriter, status int, p auth.Principal, m *reports.MonthlyReport, err error) {
	if errors.Is(err, deadlines.ErrNotFound) {
		var re *deadlines.RuleError
		if !errors.As(err, &re) || re.Field == "" || re.Field == "period" {
			err = notFound("month")
		}
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	v, err := h.view(p, m)
	h.answer(w, status, v, err)
}

// monthStep is what the month's endpoints share: the caller, the period
// from the path, then do, answered with the month as the caller may see it.
func (h *handler) monthStep(w http.ResponseWriter, r *http.Request, status int, do func(p auth.Principal, per reports.Period) (*reports.MonthlyReport, error)) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	per, err := period(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	m, err := do(p, per)
	h.answerMonth(w, status, p, m, err)
}

// openMonth records a month's duties (p.14); RunWorkers opens each month
// by itself, this is for months it missed.
func (h *handler) openMonth(w http.ResponseWriter, r *http.Request) {
	h.monthStep(w, r, http.StatusCreated, func(p auth.Principal, per reports.Period) (*reports.MonthlyReport, error) {
		return h.Reports.OpenMonth(r.Context(), per, p.Name)
	})
}

// monthly answers a month's duties: each recipient's delivery state, due
// date and citation.
func (h *handler) monthly(w http.ResponseWriter, r *http.Request) {
	h.monthStep(w, r, http.StatusOK, func(_ auth.Principal, per reports.Period) (*reports.MonthlyReport, error) {
		return h.Reports.Monthly(r.Context(), per)
	})
}

// StepInput is the body of the delivery transitions: when it happened
// (default now).
type StepInput struct {
	At time.Time `json:"at,omitzero"`
}

func (h *handler) stepInput(w http.ResponseWriter, r *http.Request) (time.Time, error) {
	var in StepInput
	if r.ContentLength != 0 {
		if err := httpx.ReadJSON(w, r, &in); err != nil {
			return time.Time{}, err
		}
	}
	if in.At.IsZero() {
		in.At = h.Clock.Now()
	}
	return in.At, nil
}

// generate renders a recipient's report of an ended month and records it
// as generated with its row count and summary.
func (h *handler) generate(w http.ResponseWriter, r *http.Request) {
	h.monthStep(w, r, http.StatusOK, func(p auth.Principal, per reports.Period) (*reports.MonthlyReport, error) {
		return h.Reports.Generate(r.Context(), per, r.PathValue("recipient"), reports.NewJSONWriter(io.Discard), p.Name)
	})
}

// send records that a generated report was sent, meeting or breaching the
// p.14 term.
func (h *handler) send(w http.ResponseWriter, r *http.Request) {
	h.monthStep(w, r, http.StatusOK, func(p auth.Principal, per reports.Period) (*reports.MonthlyReport, error) {
		at, err := h.stepInput(w, r)
		if err != nil {
			return nil, err
		}
		m, err := h.Reports.Send(r.Context(), per, r.PathValue("recipient"), at, p.Name)
		return m, httpx.RenameFields(err, map[string]string{"sent_at": "at"})
	})
}

// acknowledge records that the recipient confirmed receipt: operators for
// any recipient, a body's person for its own body, the quality authority
// for its own report.
func (h *handler) acknowledge(w http.ResponseWriter, r *http.Request) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	per, err := period(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	recipient := r.PathValue("recipient")
	if hidden(r.Context(), p, recipient) {
		h.fail(w, notFound("month"))
		return
	}
	if p.Role == auth.QualityAuthority {
		b, err := h.Catalogue.GetBody(r.Context(), recipient)
		if err == nil && b.Kind != onboarding.KindQualityAuthority {
			httpx.WriteJSON(w, http.StatusForbidden, httpx.ErrorBody{Error: "the quality authority acknowledges only its own report", Rule: p14.String(), Field: "recipient"})
			return
		}
	}
	at, err := h.stepInput(w, r)
	if err != nil {
		h.fail(w, err)
		return
	}
	m, err := h.Reports.Acknowledge(r.Context(), per, recipient, at, p.Name)
	h.answerMonth(w, http.StatusOK, p, m, httpx.RenameFields(err, map[string]string{"acknowledged_at": "at"}))
}
