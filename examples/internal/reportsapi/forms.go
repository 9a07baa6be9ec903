package reportsapi

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

var (
	p4  = deadlines.Cite(deadlines.Rules130, 4)
	p12 = deadlines.Cite(deadlines.Rules130, 12)
)

// formFormat reads the format of a small form (csv or json) from the
// "format" path value or query parameter (default json).
func formFormat(r *http.Request, rule deadlines.Citation) (string, error) {
	f := r.PathValue("format")
	if f == "" {
		f = r.URL.Query().Get("format")
	}
	switch f {
	case "":
		return "json", nil
	case "csv", "json":
		return f, nil
	}
	return "", deadlines.Invalid(rule, "format", "want csv or json")
}

// appendix1 answers the Appendix 1 request for information about the
// onboarding's service (Rules130 p.4), as JSON or CSV (?format=csv,
// ?lang=). Once the request was sent it carries its date; before, it is
// the draft dated today. executor= names the UCC's responsible executor;
// the default is who sent the request, else the caller.
func (h *handler) appendix1(w http.ResponseWriter, r *http.Request) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	var errs []error
	format, err := formFormat(r, p4)
	errs = append(errs, err)
	l, err := lang(r)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		h.fail(w, err)
		return
	}
	ctx := r.Context()
	o, err := h.Onboardings.GetOnboarding(ctx, r.PathValue("id"))
	switch {
	case errors.Is(err, deadlines.ErrNotFound) || (err == nil && hidden(ctx, p, o.BodyID)):
		h.fail(w, notFound("onboarding"))
		return
	case err != nil:
		h.fail(w, err)
		return
	}
	body, err := h.Catalogue.GetBody(ctx, o.BodyID)
	if err != nil {
		h.fail(w, err)
		return
	}
	svc, err := h.Catalogue.GetService(ctx, o.ServiceID)
	if err != nil {
		h.fail(w, err)
		return
	}
	executor := r.URL.Query().Get("executor")
	if executor == "" {
		executor = p.Name
		for _, e := range o.History {
			if e.Type == "request.sent" {
				executor = e.Actor
			}
		}
	}
	var date time.Time // Appendix1From dates a sent request by its sending
	if o.RequestSentAt.IsZero() {
		date = h.Clock.Now()
	}
	f, err := reports.Appendix1From(body, executor, date, reports.Appendix1Item{Onboarding: o, Service: svc})
	if err != nil {
		h.fail(w, err)
		return
	}
	name := "appendix1-" + o.ID + "-" + l + "." + format
	if format == "csv" {
		h.stream(w, Formats["csv"].ContentType, disposition(false, name), func(out io.Writer) error { return reports.WriteAppendix1CSV(out, f, l) })
		return
	}
	h.stream(w, Formats["json"].ContentType, disposition(false, name), func(out io.Writer) error { return reports.WriteAppendix1JSON(out, f) })
}

// notice answers the p.12 notice to the quality authority of a body's
// refusals in a month (the ledger body/period, notice seq), as csv or
// json. A body's person sees only its own body's notices.
func (h *handler) notice(w http.ResponseWriter, r *http.Request) {
	p, ok := caller(w, r)
	if !ok {
		return
	}
	var errs []error
	format, err := formFormat(r, p12)
	errs = append(errs, err)
	l, err := lang(r)
	errs = append(errs, err)
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil || seq < 1 {
		errs = append(errs, deadlines.Invalid(p12, "seq", "the notice's number, 1, 2, …"))
	}
	if err := errors.Join(errs...); err != nil {
		h.fail(w, err)
		return
	}
	ctx := r.Context()
	key := onboarding.LedgerKey{BodyID: r.PathValue("body"), Period: r.PathValue("period")}
	if hidden(ctx, p, key.BodyID) {
		h.fail(w, notFound("notice"))
		return
	}
	ledger, err := h.Ledgers.GetLedger(ctx, key)
	if errors.Is(err, deadlines.ErrNotFound) || (err == nil && ledger.Notice(seq) == nil) {
		h.fail(w, notFound("notice"))
		return
	} else if err != nil {
		h.fail(w, err)
		return
	}
	body, err := h.Catalogue.GetBody(ctx, key.BodyID)
	if err != nil {
		h.fail(w, err)
		return
	}
	bodies, err := h.Catalogue.ListBodies(ctx)
	if err != nil {
		h.fail(w, err)
		return
	}
	var quality onboarding.Body
	for _, b := range bodies {
		if b.Kind == onboarding.KindQualityAuthority {
			quality = b
			break
		}
	}
	f, err := reports.NoticeFrom(h.Calendar, ledger, seq, body, quality)
	if err != nil {
		h.fail(w, err)
		return
	}
	name := "notice-" + key.BodyID + "-" + key.Period + "-" + strconv.Itoa(seq) + "-" + l + "." + format
	if format == "csv" {
		h.stream(w, Formats["csv"].ContentType, disposition(false, name), func(out io.Writer) error { return reports.WriteNoticeCSV(out, f, l) })
		return
	}
	h.stream(w, Formats["json"].ContentType, disposition(false, name), func(out io.Writer) error { return reports.WriteNoticeJSON(out, f) })
}
