package reportsapi

import (
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/reports"
)

var p16 = deadlines.Cite(deadlines.Rules130, 16)

// reconcile imports a body's reporting figures for a month (the body as
// text/csv with the header period,body_id,dimension,key,count, or as
// application/json) and compares them with the UCC's register (Rules130
// p.16). ?source= names the file. Bad input is 400 naming each line and
// field, and nothing is stored. A body's person may import only its own
// body's figures.
func (h *handler) reconcile(w http.ResponseWriter, r *http.Request) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body := http.MaxBytesReader(w, r.Body, reports.MaxImportSize)
	var figs []reports.Figure
	var err error
	switch mt {
	case "text/csv":
		figs, err = reports.DecodeFiguresCSV(body)
	case "application/json":
		figs, err = reports.DecodeFiguresJSON(body)
	default:
		httpx.WriteJSON(w, http.StatusUnsupportedMediaType, httpx.ErrorBody{Error: "send the figures as text/csv or application/json", Rule: p16.String(), Field: "body"})
		return
	}
	if err != nil {
		h.fail(w, importError(err))
		return
	}
	if p.Role == auth.BodyPerson {
		for _, f := range figs {
			if f.BodyID != p.BodyID {
				httpx.WriteJSON(w, http.StatusForbidden, ErrorBody{
					ErrorBody: httpx.ErrorBody{Error: "line " + strconv.Itoa(f.Line) + ": a body's person imports only its own body's figures", Rule: p16.String(), Field: "body_id"},
					Problems:  []Problem{{Error: "figures of " + f.BodyID, Rule: p16.String(), Field: "body_id", Line: f.Line}},
				})
				return
			}
		}
	}
	source := r.URL.Query().Get("source")
	if source == "" {
		source = "upload by " + p.Name
	}
	rec, err := h.Reports.Reconcile(r.Context(), reports.ReconcileInput{Source: source, ReceivedAt: h.Clock.Now(), Figures: figs, Actor: p.Name})
	if err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set("Location", "/v1/reconciliations/"+rec.ID)
	httpx.WriteJSON(w, http.StatusCreated, rec)
}

// importError makes a figures file's error a 400 that names its field: a
// body over the size limit (which the decoders report as a read error) is
// bad input, not an internal error, and a problem of the whole file (not
// JSON, no figures) is about the request body.
func importError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return deadlines.Invalid(p16, "body", "the figures file is larger than "+strconv.FormatInt(tooBig.Limit, 10)+" bytes")
	}
	for e := range leaves(err) {
		var re *deadlines.RuleError
		if errors.As(e, &re) && re.Field == "" {
			re.Field = "body"
		}
		var le *reports.LineError
		if errors.As(e, &le) && le.Field == "" {
			le.Field = "body"
		}
	}
	return err
}

// reconciliation answers a reconciliation; a body's person sees only its
// own body's, and another's is 404 like a missing one.
func (h *handler) reconciliation(w http.ResponseWriter, r *http.Request) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	rec, err := h.Reports.Reconciliation(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, deadlines.ErrNotFound) || (err == nil && !seesAll(p, rec.Bodies)):
		h.fail(w, notFound("reconciliation"))
	case err != nil:
		h.fail(w, err)
	default:
		httpx.WriteJSON(w, http.StatusOK, rec)
	}
}

func seesAll(p auth.Principal, bodies []string) bool {
	return !slices.ContainsFunc(bodies, func(b string) bool { return !sees(p, b) })
}

// ExplanationInput is the body of POST /v1/reconciliations/{id}/explanations:
// the UCC's explanation of one discrepancy (by its seq), made at At
// (default now).
type ExplanationInput struct {
	Seq         int       `json:"seq"`
	Explanation string    `json:"explanation"`
	At          time.Time `json:"at,omitzero"`
}

// explain records the explanation of one discrepancy (p.16); when every
// discrepancy is explained the reconciliation closes. A second explanation
// of the same discrepancy is 409.
func (h *handler) explain(w http.ResponseWriter, r *http.Request) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	var in ExplanationInput
	if err := httpx.ReadJSON(w, r, &in); err != nil {
		h.fail(w, err)
		return
	}
	if in.At.IsZero() {
		in.At = h.Clock.Now()
	}
	rec, err := h.Reports.Explain(r.Context(), r.PathValue("id"), in.Seq, in.Explanation, in.At, p.Name)
	if errors.Is(err, deadlines.ErrNotFound) {
		var re *deadlines.RuleError
		if !errors.As(err, &re) || re.Field != "seq" {
			err = notFound("reconciliation")
		}
	}
	h.answer(w, http.StatusOK, rec, err)
}
