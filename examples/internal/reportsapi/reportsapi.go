package reportsapi

import (
	"context"
	"errors"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"slices"

	"github.com/qyzmet/qyzmet/adapters/audit"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

// Catalogue reads bodies and services.
type Catalogue interface {
	GetBody(ctx context.Context, id string) (onboarding.Body, error)
	ListBodies(ctx context.Context) ([]onboarding.Body, error)
	GetService(ctx context.Context, id string) (onboarding.StateService, error)
}

// Onboardings reads onboardings (for Appendix 1).
type Onboardings interface {
	GetOnboarding(ctx context.Context, id string) (*onboarding.Onboarding, error)
}

// Ledgers reads the p.12 refusal ledgers (for the notices).
type Ledgers interface {
	GetLedger(ctx context.Context, key onboarding.LedgerKey) (*onboarding.RefusalLedger, error)
}

// Audit is the store's tamper-evident log (adapters/sqlstore implements it).
type Audit interface {
	// AuditTrail returns an aggregate's entries ("appeals/<id>") in order.
	AuditTrail(ctx context.Context, aggregate string) ([]audit.Entry, error)
	// VerifyAudit returns nil or an error matching audit.ErrTampered.
	VerifyAudit(ctx context.Context) error
	// AuditHeads returns every aggregate's head: an anchor.
	AuditHeads(ctx context.Context) ([]audit.Head, error)
	// VerifyAuditAnchored is VerifyAudit that also checks an anchor.
	VerifyAuditAnchored(ctx context.Context, anchor []audit.Head) error
}

// Appeals reads the appeal register.
type Appeals interface {
	reports.Source
	GetAppeal(ctx context.Context, id string) (reports.Appeal, error)
}

// Deps are what the handlers use. Every field is required.
type Deps struct {
	Reports     *reports.Service
	Appeals     Appeals
	Catalogue   Catalogue
	Onboardings Onboardings
	Ledgers     Ledgers
	Audit       Audit
	Calendar    *deadlines.Calendar // for the due dates of notices
	Clock       deadlines.Clock
	Logger      *slog.Logger // nil discards
}

type handler struct{ Deps }

var (
	everyone = []auth.Role{auth.Operator, auth.QualityAuthority, auth.BodyPerson}
	staff    = []auth.Role{auth.Operator, auth.QualityAuthority}
	operator = []auth.Role{auth.Operator}
)

// Routes returns the reporting and audit API's route table.
func Routes(d Deps) []httpx.Route {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{d}
	route := func(pattern string, roles []auth.Role, f http.HandlerFunc) httpx.Route {
		return httpx.Route{Pattern: pattern, Roles: roles, Handler: f}
	}
	return []httpx.Route{
		route("POST /v1/appeals", operator, h.recordAppeal),
		route("GET /v1/appeals", everyone, h.listAppeals),
		route("GET /v1/appeals/{id}", everyone, h.appeal),

		route("POST /v1/reports/monthly/{period}", operator, h.openMonth),
		route("GET /v1/reports/monthly/{period}", everyone, h.monthly),
		route("GET /v1/reports/monthly/{period}/{format}", everyone, h.download),
		route("POST /v1/reports/monthly/{period}/{recipient}/generate", operator, h.generate),
		route("POST /v1/reports/monthly/{period}/{recipient}/sent", operator, h.send),
		route("POST /v1/reports/monthly/{period}/{recipient}/acknowledged", everyone, h.acknowledge),

		route("GET /v1/onboardings/{id}/appendix1", everyone, h.appendix1),
		route("GET /v1/notices/{body}/{period}/{seq}/{format}", everyone, h.notice),

		route("POST /v1/reconciliations", []auth.Role{auth.Operator, auth.BodyPerson}, h.reconcile),
		route("GET /v1/reconciliations/{id}", everyone, h.reconciliation),
		route("POST /v1/reconciliations/{id}/explanations", operator, h.explain),

		route("GET /v1/audit/verify", staff, h.verifyAudit),
		route("POST /v1/audit/verify", staff, h.verifyAnchored),
		route("GET /v1/audit/anchor", staff, h.anchor),
		route("GET /v1/audit/{table}/{id...}", staff, h.auditTrail),
	}
}

// caller returns the authenticated caller. Routes are mounted behind
// auth.Allow, so one is always there; without one the answer is 401.
func caller(w http.ResponseWriter, r *http.Request) (auth.Principal, bool) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		httpx.WriteJSON(w, http.StatusUnauthorized, httpx.ErrorBody{Error: "authentication required"})
	}
	return p, ok
}

// errNotYours is the answer for another tenant's record: the same 404 as a
// missing one.
func notFound(what string) error {
	return deadlines.Wrap(deadlines.Citation{}, "", deadlines.ErrNotFound, what+" not found")
}

// sees reports whether p may see a record of body bodyID: a body's person
// only its own body's.
func sees(p auth.Principal, bodyID string) bool {
	return p.Role != auth.BodyPerson || p.BodyID == bodyID
}

// hidden reports whether a record of body bodyID is hidden from p (see
// sees); a hidden one is recorded as a denied attempt for the access audit.
func hidden(ctx context.Context, p auth.Principal, bodyID string) bool {
	if sees(p, bodyID) {
		return false
	}
	auth.Denied(ctx)
	return true
}

// Problem is one problem of bad input.
type Problem struct {
	Error string `json:"error"`
	Rule  string `json:"rule,omitempty"`
	Field string `json:"field,omitempty"`
	Line  int    `json:"line,omitempty"` // of an imported file
}

// ErrorBody is httpx.ErrorBody with, for bad input with several problems,
// each of them.
type ErrorBody struct {
	httpx.ErrorBody
	Problems []Problem `json:"problems,omitempty"`
}

// fail answers err through httpx's one mapping, listing every problem of
// bad input.
func (h *handler) fail(w http.ResponseWriter, err error) {
	status := httpx.Status(err)
	if status != http.StatusBadRequest {
		httpx.WriteError(w, h.Logger, err)
		return
	}
	body := ErrorBody{ErrorBody: httpx.ErrorBody{Error: err.Error()}}
	var re *deadlines.RuleError
	if errors.As(err, &re) {
		body.Rule, body.Field = re.Rule.String(), re.Field
	}
	for e := range leaves(err) {
		p := Problem{Error: e.Error()}
		var le *reports.LineError
		if errors.As(e, &le) {
			p.Line = le.Line
		}
		if errors.As(e, &re) {
			p.Rule, p.Field = re.Rule.String(), re.Field
		}
		body.Problems = append(body.Problems, p)
	}
	if len(body.Problems) < 2 {
		body.Problems = nil
	}
	httpx.WriteJSON(w, status, body)
}

// leaves yields the errors joined in err (err itself when it joins none).
func leaves(err error) iter.Seq[error] {
	return func(yield func(error) bool) {
		var walk func(error) bool
		walk = func(e error) bool {
			if j, ok := e.(interface{ Unwrap() []error }); ok {
				for _, c := range j.Unwrap() {
					if !walk(c) {
						return false
					}
				}
				return true
			}
			return yield(e)
		}
		walk(err)
	}
}

func (h *handler) answer(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		h.fail(w, err)
		return
	}
	httpx.WriteJSON(w, status, v)
}

// langs are the languages of the renderings.
var langs = []string{"kk", "ru", "en"}

// lang reads the lang query parameter: kk, ru or en (default en).
func lang(r *http.Request) (string, error) {
	l := r.URL.Query().Get("lang")
	if l == "" {
		return "en", nil
	}
	if !slices.Contains(langs, l) {
		return "", deadlines.Invalid(deadlines.Citation{}, "lang", "want kk, ru or en")
	}
	return l, nil
}

// trackingWriter records whether anything reached the client, so a failed
// download can still answer an error when nothing did.
type trackingWriter struct {
	w     io.Writer
	wrote bool
}

func (t *trackingWriter) Write(p []byte) (int, error) {
	if len(p) > 0 {
		t.wrote = true
	}
	return t.w.Write(p)
}

// stream answers a download written by write. Errors before the first
// byte reached the client are answered as usual; later ones abort the
// response, so the client sees a broken transfer rather than a short file.
func (h *handler) stream(w http.ResponseWriter, contentType, disposition string, write func(io.Writer) error) {
	tw := &trackingWriter{w: w}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", disposition)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if err := write(tw); err != nil {
		if !tw.wrote {
			w.Header().Del("Content-Disposition")
			h.fail(w, err)
			return
		}
		h.Logger.Error("download aborted", "err", err)
		panic(http.ErrAbortHandler)
	}
}
