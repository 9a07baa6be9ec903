package demoapp

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/examples/internal/api"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/calendarapi"
	"github.com/qyzmet/qyzmet/examples/internal/dashboard"
	"github.com/qyzmet/qyzmet/examples/internal/deskpage"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/examples/internal/metrics"
	"github.com/qyzmet/qyzmet/examples/internal/middleware"
	"github.com/qyzmet/qyzmet/examples/internal/openapi"
	"github.com/qyzmet/qyzmet/onboarding"
)

// MaxBody is the largest request body the server reads.
const MaxBody = 1 << 20

// mount builds the authenticator, the metrics, the route table and the
// wrapped handler.
func (a *App) mount(cfg Config) error {
	keys := cfg.Keys
	if keys == nil {
		keys = auth.DemoKeys()
	}
	secret := cfg.SessionSecret
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret) // crypto/rand.Read never fails (Go 1.24+)
	}
	var err error
	a.Auth, err = auth.NewAuthenticator(keys, secret, cfg.Clock.Now)
	if err != nil {
		return err
	}
	a.Metrics = metrics.New(metrics.Config{
		Source: a.Store, Clock: cfg.Clock,
		Overdue: func(ctx context.Context) (int, error) {
			steps, err := a.Onboarding.Deadlines(ctx, onboarding.DeadlineFilter{DueWithin: 0})
			return len(steps), err
		},
	})

	ops := []auth.Role{auth.Operator}
	store := a.Store
	a.Routes = []httpx.Route{
		{Pattern: "GET /healthz", Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		})},
		{Pattern: "GET /readyz", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := store.DB().PingContext(r.Context()); err != nil {
				httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
				return
			}
			httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready", "db": store.Dialect()})
		})},
		{Pattern: "GET /login", Handler: http.HandlerFunc(a.Auth.LoginPage)},
		{Pattern: "POST /login", Handler: http.HandlerFunc(a.Auth.Login)},
		{Pattern: "POST /logout", Handler: http.HandlerFunc(a.Auth.Logout)},
		{Pattern: "GET /openapi.json", Handler: openapi.Handler()},
		{Pattern: "GET /metrics", Roles: ops, Handler: a.Metrics.Handler()},
	}
	a.Routes = append(a.Routes, calendarapi.Routes(cfg.Calendar, cfg.Logger)...)
	a.Routes = append(a.Routes, deskpage.Routes(a.Desk, cfg.Logger)...)
	a.Routes = append(a.Routes, api.Routes(api.Deps{
		Onboarding: a.Onboarding, Router: a.Router, Catalogue: store, Onboardings: store, Applications: store,
		Clock: cfg.Clock, Logger: cfg.Logger,
	})...)
	a.Routes = append(a.Routes, a.reportsRoutes(cfg)...)
	a.Routes = append(a.Routes, dashboard.Routes(dashboard.Deps{
		Onboarding: a.Onboarding, Router: a.Router, Applications: store, Catalogue: store, Reports: a.Reports,
		Calendar: cfg.Calendar, Clock: cfg.Clock, Logger: cfg.Logger,
	})...)
	a.Handler = a.wrap(cfg)
	return nil
}

// wrap mounts a.Routes and stacks the middleware, outermost last (the
// order is drawn in the middleware package doc).
func (a *App) wrap(cfg Config) http.Handler {
	timeout := cfg.HandlerTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	timed := make([]httpx.Route, len(a.Routes))
	for i, r := range a.Routes {
		r.Handler = middleware.Timeout(timeout, r.Handler)
		if IsPage(r) {
			// The role check moves inside, so that the log-in redirect
			// sits in front of it.
			r.Handler, r.Roles = loginFirst(auth.Allow(r.Handler, r.Roles...)), nil
		}
		timed[i] = r
	}
	mux := http.NewServeMux()
	httpx.Mount(mux, timed)

	var h http.Handler = a.recordDenials(middleware.Route(mux))
	h = a.Auth.Middleware(h)
	h = http.MaxBytesHandler(h, MaxBody)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		httpx.WriteJSON(w, http.StatusForbidden, httpx.ErrorBody{Error: "cross-origin request rejected"})
	}))
	h = cop.Handler(h)
	h = middleware.SecureHeaders(h)
	h = middleware.Recover(cfg.Logger, h)
	return middleware.Observe(cfg.Logger, a.Metrics.ObserveRequest, h)
}

// IsPage reports whether r is a protected HTML page (a GET outside the
// JSON API, /metrics and /openapi.json): an anonymous browser asking for
// one is sent to the log-in form, which comes back to it, instead of
// getting a bare 401.
func IsPage(r httpx.Route) bool {
	method, path, _ := strings.Cut(r.Pattern, " ")
	return r.Roles != nil && method == http.MethodGet && !strings.HasPrefix(path, "/v1/") && path != "/metrics" && path != "/openapi.json"
}

// loginFirst redirects an anonymous caller to /login?next=<this page>.
func loginFirst(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.FromContext(r.Context()); !ok {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}
