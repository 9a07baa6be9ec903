package dashboard

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/onboarding"
	"github.com/qyzmet/qyzmet/reports"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Catalogue lists the bodies and services the pages name.
type Catalogue interface {
	ListBodies(ctx context.Context) ([]onboarding.Body, error)
	ListServices(ctx context.Context) ([]onboarding.StateService, error)
}

// Applications reads composite applications (chain.Store's read side).
type Applications interface {
	GetApplication(ctx context.Context, id string) (*chain.Application, error)
	ListApplications(ctx context.Context, f chain.ApplicationFilter) ([]*chain.Application, error)
}

// Deps are what the dashboard reads and calls.
type Deps struct {
	Onboarding   *onboarding.Service
	Router       *chain.Router
	Applications Applications
	Catalogue    Catalogue
	// Reports is optional: without it the board has no report duties and
	// the report page only links to the downloads.
	Reports  *reports.Service
	Calendar *deadlines.Calendar
	Clock    deadlines.Clock
	Logger   *slog.Logger
}

func (d Deps) validate() error {
	var errs []error
	need := func(ok bool, field string) {
		if !ok {
			errs = append(errs, deadlines.Invalid(deadlines.Citation{}, field, "required"))
		}
	}
	need(d.Onboarding != nil, "onboarding")
	need(d.Router != nil, "router")
	need(d.Applications != nil, "applications")
	need(d.Catalogue != nil, "catalogue")
	need(d.Calendar != nil, "calendar")
	need(d.Clock != nil, "clock")
	return errors.Join(errs...)
}

type handler struct {
	Deps
	pages map[string]*template.Template
}

// Every role may open the board, an application it may see and the
// calendar; onboardings and reports are not a citizen's business.
var (
	everyone = []auth.Role{auth.Operator, auth.BodyPerson, auth.QualityAuthority, auth.Citizen}
	staff    = []auth.Role{auth.Operator, auth.BodyPerson, auth.QualityAuthority}
	actors   = []auth.Role{auth.Operator, auth.BodyPerson}
)

// Routes returns the dashboard's route table. It panics when a required
// dependency is missing, which is a wiring bug.
func Routes(d Deps) []httpx.Route {
	if err := d.validate(); err != nil {
		panic("dashboard: " + err.Error())
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{Deps: d, pages: parsePages()}
	static, _ := fs.Sub(staticFiles, "static")
	return []httpx.Route{
		{Pattern: "GET /{$}", Handler: http.RedirectHandler("/ui/board", http.StatusSeeOther)},
		{Pattern: "GET /ui/{$}", Handler: http.RedirectHandler("/ui/board", http.StatusSeeOther)},
		{Pattern: "GET /ui/static/", Handler: http.StripPrefix("/ui/static/", staticHandler(http.FileServerFS(static)))},
		{Pattern: "GET /ui/board", Roles: everyone, Handler: http.HandlerFunc(h.board)},
		{Pattern: "GET /ui/onboardings/{id}", Roles: staff, Handler: http.HandlerFunc(h.onboarding)},
		{Pattern: "POST /ui/onboardings/{id}/step", Roles: actors, Handler: http.HandlerFunc(h.onboardingStep)},
		{Pattern: "GET /ui/applications/{id}", Roles: everyone, Handler: http.HandlerFunc(h.application)},
		{Pattern: "POST /ui/applications/{id}/result", Roles: actors, Handler: http.HandlerFunc(h.applicationResult)},
		{Pattern: "GET /ui/reports/{period}", Roles: staff, Handler: http.HandlerFunc(h.report)},
		{Pattern: "GET /ui/calendar/{year}", Roles: everyone, Handler: http.HandlerFunc(h.calendar)},
	}
}

func staticHandler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// LangCookie remembers the language chosen with ?lang=.
const LangCookie = "qyzmet_lang"

// language picks the page language: ?lang= (remembered in a cookie), then
// the cookie, then the browser's Accept-Language, then English.
func language(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); supported(l) {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: r.TLS != nil})
		return l
	}
	if c, err := r.Cookie(LangCookie); err == nil && supported(c.Value) {
		return c.Value
	}
	for part := range strings.SplitSeq(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if supported(base) {
			return base
		}
	}
	return "en"
}

func supported(l string) bool { return l == "kk" || l == "ru" || l == "en" }

// page is what every template gets: the language, the caller and the
// navigation.
type page struct {
	Lang      string
	Title     string
	Path      string
	Principal auth.Principal
	Now       time.Time
	Status    int
}

// T translates a message key into the page's language.
func (p page) T(key string) string { return translate(p.Lang, key) }

// LangLink is the current page in another language.
func (p page) LangLink(lang string) string { return p.Path + "?lang=" + lang }

// Langs are the languages offered, each named in itself.
func (p page) Langs() []langChoice {
	return []langChoice{{"kk", "Қазақша", p.Lang == "kk"}, {"ru", "Русский", p.Lang == "ru"}, {"en", "English", p.Lang == "en"}}
}

// ReportLink and CalendarLink point at the clock's current month and year.
func (p page) ReportLink() string   { return "/ui/reports/" + p.Now.Format("2006-01") }
func (p page) CalendarLink() string { return fmt.Sprintf("/ui/calendar/%d", p.Now.Year()) }

// Role is the caller's role in the page's language.
func (p page) Role() string { return p.T("role." + string(p.Principal.Role)) }

type langChoice struct {
	Code, Name string
	Current    bool
}

func (h *handler) newPage(w http.ResponseWriter, r *http.Request, titleKey string) page {
	p, _ := auth.FromContext(r.Context())
	pg := page{Lang: language(w, r), Path: r.URL.Path, Principal: p, Now: h.Clock.Now().In(h.Calendar.Location()), Status: http.StatusOK}
	pg.Title = pg.T(titleKey)
	return pg
}

// render executes a page template into a buffer first, so a template error
// is a clean 500 rather than half a page.
func (h *handler) render(w http.ResponseWriter, name string, status int, data any) {
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		h.Logger.Error("dashboard template", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail answers a page that cannot be shown: 404 for a missing (or another
// tenant's) record, the domain status otherwise, as an HTML page.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.Status(err)
	pg := h.newPage(w, r, "error.title")
	pg.Status = status
	msg := err.Error()
	switch status {
	case http.StatusInternalServerError:
		h.Logger.Error("dashboard", "path", r.URL.Path, "err", err)
		msg = pg.T("error.internal")
	case http.StatusNotFound:
		msg = pg.T("error.notfound")
	}
	h.render(w, "error", status, struct {
		page
		Message string
		Errors  []formError
	}{pg, msg, ruleErrors(err)})
}

// notFound is the answer for a missing record and for another tenant's.
func notFound(what string) error {
	return fmt.Errorf("dashboard: %s: %w", what, deadlines.ErrNotFound)
}

// formError is one problem with a submitted form.
type formError struct{ Rule, Field, Message string }

// ruleErrors lists every *deadlines.RuleError in err's tree (joined
// errors included), outermost first.
func ruleErrors(err error) []formError {
	var out []formError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if re, ok := e.(*deadlines.RuleError); ok && re.Err != nil {
			msg := re.Err.Error()
			if errors.Unwrap(re.Err) != nil {
				msg = strings.TrimPrefix(msg, errors.Unwrap(re.Err).Error()+": ")
			}
			out = append(out, formError{Rule: re.Rule.String(), Field: re.Field, Message: msg})
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// bodyNames maps body IDs to their names in lang.
func (h *handler) bodyNames(ctx context.Context, lang string) (map[string]string, map[string]string, error) {
	bodies, err := h.Catalogue.ListBodies(ctx)
	if err != nil {
		return nil, nil, err
	}
	names, zones := map[string]string{}, map[string]string{}
	for _, b := range bodies {
		names[b.ID], zones[b.ID] = b.Name.In(lang), b.Zone
	}
	return names, zones, nil
}

// serviceNames maps service IDs to their names in lang.
func (h *handler) serviceNames(ctx context.Context, lang string) (map[string]string, error) {
	svcs, err := h.Catalogue.ListServices(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, s := range svcs {
		out[s.ID] = s.Name.In(lang)
	}
	return out, nil
}

func orID(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// IsCitizen reports whether the caller is a citizen (who sees no
// onboardings or reports).
func (p page) IsCitizen() bool { return p.Principal.Role == auth.Citizen }
