package demoapp

import (
	"context"
	"net/http"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
)

// recordDenials wraps the mux: every 403 answered to an authenticated
// caller (a role auth.Allow refused, or an input naming another tenant) is
// appended to the caller's "access_log/<name>" chain in the tamper-evident
// audit log. Anonymous 401s and cross-origin refusals have no principal
// and are only logged and counted, so strangers cannot grow the audit log.
// A 404 for another tenant's record is deliberately indistinguishable from
// a missing one and is not recorded either.
func (a *App) recordDenials(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.FromContext(r.Context())
		if !ok {
			mux.ServeHTTP(w, r)
			return
		}
		ctx, denied := auth.TrackDenials(r.Context())
		r = r.WithContext(ctx) // the mux sets r.Pattern on this request
		sw := &statusOf{ResponseWriter: w}
		mux.ServeHTTP(sw, r)
		if sw.status != http.StatusForbidden && !denied.Load() {
			return
		}
		d := sqlstore.Denial{Principal: p.Name, Role: string(p.Role), Route: r.Pattern, Status: sw.status}
		if err := a.Store.RecordDenial(context.WithoutCancel(r.Context()), d); err != nil {
			a.logger.ErrorContext(r.Context(), "recording a denial", "route", r.Pattern, "role", p.Role, "err", err)
		}
	})
}

type statusOf struct {
	http.ResponseWriter
	status int
}

func (w *statusOf) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusOf) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusOf) Unwrap() http.ResponseWriter { return w.ResponseWriter }
