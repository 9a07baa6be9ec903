package reportsapi

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/reports"
)

var p14 = deadlines.Cite(deadlines.Rules130, 14)

// AppealInput is the body of POST /v1/appeals: one row of the register
// (Appendix 2, columns 2–9, and the body and service concerned). Nature is
// "standard_violation", "employee_conduct" or both joined with "+".
type AppealInput struct {
	ID               string    `json:"id,omitempty"` // generated when empty
	ReceivedAt       time.Time `json:"received_at"`
	ForumResponsible string    `json:"forum_responsible"`
	Region           string    `json:"region"`
	ApplicantName    string    `json:"applicant_name"`
	ApplicantIIN     string    `json:"applicant_iin,omitempty"`
	Nature           string    `json:"nature"`
	Content          string    `json:"content"`
	RequestNo        string    `json:"request_no"`
	BodyID           string    `json:"body_id"`
	ServiceID        string    `json:"service_id"`
}

// recordAppeal enters an appeal into the register (Rules130 p.14). Every
// problem is reported at once and nothing is stored on bad input.
func (h *handler) recordAppeal(w http.ResponseWriter, r *http.Request) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	var in AppealInput
	if err := httpx.ReadJSON(w, r, &in); err != nil {
		h.fail(w, err)
		return
	}
	var natureErr error
	var nature reports.Nature
	if in.Nature != "" {
		natureErr = nature.UnmarshalText([]byte(in.Nature))
	}
	a, err := h.Reports.RecordAppeal(r.Context(), reports.Appeal{
		ID: in.ID, ReceivedAt: in.ReceivedAt, ForumResponsible: in.ForumResponsible, Region: in.Region,
		ApplicantName: in.ApplicantName, ApplicantIIN: in.ApplicantIIN, Nature: nature, Content: in.Content,
		RequestNo: in.RequestNo, BodyID: in.BodyID, ServiceID: in.ServiceID,
	}, p.Name)
	if natureErr != nil && err != nil {
		// RecordAppeal reports the missing nature; say why it is missing.
		err = errors.Join(natureErr, err)
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	h.Logger.Info("appeal recorded", "appeal", a, "by", p.Name) // Appeal's LogValue masks the IIN
	w.Header().Set("Location", "/v1/appeals/"+a.ID)
	httpx.WriteJSON(w, http.StatusCreated, a)
}

// masked returns a as caller p may see it: the IIN in full for operators
// only.
func masked(p auth.Principal, a reports.Appeal) reports.Appeal {
	if p.Role != auth.Operator && a.ApplicantIIN != "" {
		a.ApplicantIIN = kzid.Mask(a.ApplicantIIN)
	}
	return a
}

// appeal answers one appeal; another body's is 404 like a missing one.
func (h *handler) appeal(w http.ResponseWriter, r *http.Request) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	a, err := h.Appeals.GetAppeal(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, deadlines.ErrNotFound) || (err == nil && hidden(r.Context(), p, a.BodyID)):
		h.fail(w, notFound("appeal"))
	case err != nil:
		h.fail(w, err)
	default:
		httpx.WriteJSON(w, http.StatusOK, masked(p, a))
	}
}

// MaxAppealRange bounds the period GET /v1/appeals covers.
const MaxAppealRange = 366 * 24 * time.Hour

// appealQuery reads from, to (RFC 3339 instants or dates, 00:00 in the
// UCC's zone; to is exclusive) or period (a month), body and limit.
func (h *handler) appealQuery(r *http.Request, p auth.Principal) (reports.AppealQuery, int, error) {
	qs := r.URL.Query()
	loc := h.Reports.Location()
	var q reports.AppealQuery
	var errs []error
	instant := func(field string) time.Time {
		s := qs.Get(field)
		if s == "" {
			errs = append(errs, deadlines.Invalid(p14, field, "required (or period=2025-03)"))
			return time.Time{}
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t
		}
		if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
			return t
		}
		errs = append(errs, deadlines.Invalid(p14, field, strconv.Quote(s)+" is not an RFC 3339 instant or a date 2025-03-01"))
		return time.Time{}
	}
	if s := qs.Get("period"); s != "" {
		per, err := reports.ParsePeriod(s)
		if err != nil {
			return q, 0, err
		}
		q.From, q.To = per.Bounds(loc)
	} else {
		q.From, q.To = instant("from"), instant("to")
		if len(errs) == 0 {
			switch {
			case !q.From.Before(q.To):
				errs = append(errs, deadlines.Invalid(p14, "to", "must be after from"))
			case q.To.Sub(q.From) > MaxAppealRange:
				errs = append(errs, deadlines.Invalid(p14, "to", "at most a year after from"))
			}
		}
	}
	limit := 0
	if s := qs.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			errs = append(errs, deadlines.Invalid(deadlines.Citation{}, "limit", "a positive whole number"))
		}
		limit = n
	}
	if err := errors.Join(errs...); err != nil {
		return q, 0, err
	}
	q.BodyID = qs.Get("body")
	switch {
	case p.Role == auth.BodyPerson && q.BodyID == "":
		q.BodyID = p.BodyID
	case q.BodyID != "" && hidden(r.Context(), p, q.BodyID):
		return q, 0, notFound("body")
	case q.BodyID != "":
		if _, err := h.Catalogue.GetBody(r.Context(), q.BodyID); errors.Is(err, deadlines.ErrNotFound) {
			return q, 0, notFound("body")
		} else if err != nil {
			return q, 0, err
		}
	}
	return q, limit, nil
}

// listAppeals streams the register's appeals received in [from, to) as a
// JSON array, ordered by receipt, one at a time from the store: a month is
// never held in memory. A body's person gets its own body's only, and only
// operators get the IINs unmasked.
func (h *handler) listAppeals(w http.ResponseWriter, r *http.Request) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	q, limit, err := h.appealQuery(r, p)
	if err != nil {
		h.fail(w, err)
		return
	}
	tw := &trackingWriter{w: w}
	bw := bufio.NewWriterSize(tw, 32<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	abort := func(err error) {
		if !tw.wrote {
			h.fail(w, err)
			return
		}
		h.Logger.Error("appeal list aborted", "err", err)
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	for a, err := range h.Appeals.Appeals(r.Context(), q) {
		if err != nil {
			abort(err)
			return
		}
		sep := ","
		if n == 0 {
			sep = "[\n"
		}
		bw.WriteString(sep)
		if err := enc.Encode(masked(p, a)); err != nil {
			abort(err)
			return
		}
		if n++; limit > 0 && n == limit {
			break
		}
	}
	if n == 0 {
		bw.WriteString("[")
	}
	bw.WriteString("]\n")
	if err := bw.Flush(); err != nil {
		h.Logger.Debug("appeal list: client gone", "err", err)
	}
}
