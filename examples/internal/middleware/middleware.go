package middleware

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
)

// CSP is the Content-Security-Policy of every answer: this origin only,
// inline styles allowed (the pages' <style> blocks), no framing.
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SecureHeaders sets the security headers listed in the package doc.
func SecureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if p := r.URL.Path; strings.HasPrefix(p, "/v1/") || p == "/metrics" || p == "/login" || p == "/logout" {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// Recover answers a panicking handler with 500 and logs the panic with its
// stack. http.ErrAbortHandler is passed on: it is the way to abort a
// response on purpose.
func Recover(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			logger.ErrorContext(r.Context(), "panic", "method", r.Method, "route", RouteOf(r.Context()), "panic", v, "stack", string(debug.Stack()))
			httpx.WriteJSON(w, http.StatusInternalServerError, httpx.ErrorBody{Error: "internal error"})
		}()
		next.ServeHTTP(w, r)
	})
}

// Timeout bounds a handler's run: after d the request's context is
// cancelled and the caller gets 503 with an ErrorBody. The answer is
// buffered until the handler returns.
func Timeout(d time.Duration, next http.Handler) http.Handler {
	return http.TimeoutHandler(next, d, `{"error":"the request timed out"}`+"\n")
}

// info is what the inner Route wrapper tells the outer Observe.
type info struct {
	route string
	role  auth.Role
}

type infoKey struct{}

// RouteOf returns the matched route pattern once Route has run, else "".
func RouteOf(ctx context.Context) string {
	if in, ok := ctx.Value(infoKey{}).(*info); ok {
		return in.route
	}
	return ""
}

// Route wraps the mux: after it has matched (ServeMux sets r.Pattern on
// the request it is given) it records the pattern and the caller's role
// for Observe, even when the handler panics.
func Route(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in, _ := r.Context().Value(infoKey{}).(*info)
		if in != nil {
			if p, ok := auth.FromContext(r.Context()); ok {
				in.role = p.Role
			}
			defer func() { in.route = r.Pattern }()
		}
		mux.ServeHTTP(w, r)
	})
}

// Observer records a finished request, e.g. metrics.Metrics.ObserveRequest.
type Observer func(route string, status int, d time.Duration)

// Observe logs every request and passes it to observe (which may be nil).
func Observe(logger *slog.Logger, observe Observer, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		in := &info{}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, in))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			d := time.Since(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			if observe != nil {
				observe(in.route, status, d)
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			role := string(in.role)
			if role == "" {
				role = "anonymous"
			}
			logger.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method), slog.String("route", in.route), slog.Int("status", status),
				slog.Duration("duration", d), slog.String("role", role), slog.Int64("bytes", sw.bytes))
		}()
		next.ServeHTTP(sw, r)
	})
}

// statusWriter remembers the status and counts the bytes written.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
