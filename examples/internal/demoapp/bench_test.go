package demoapp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
)

// BenchmarkHandlerStack measures what the wrapping costs per request:
// "bare" is the route table mounted on a mux with the caller already in
// the context (the baseline); "stack" is App.Handler — request log,
// metrics, panic recovery, secure headers, cross-origin check, body limit,
// bearer-key authentication, role check and handler timeout — for the
// same request. /healthz keeps the handler itself negligible; /v1/bodies
// adds a database read.
//
//	go test -run '^$' -bench BenchmarkHandlerStack -count 5 ./examples/internal/demoapp/
func BenchmarkHandlerStack(b *testing.B) {
	cal := kz.Calendar()
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()))
	app, err := demoapp.Open(b.Context(), demoapp.Config{DSN: "sqlite://" + filepath.Join(b.TempDir(), "bench.db"), Calendar: cal, Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { app.Close() })
	if err := app.Seed(b.Context(), clock.Now()); err != nil {
		b.Fatal(err)
	}
	bare := http.NewServeMux()
	httpx.Mount(bare, app.Routes)
	operator := auth.DemoKeys()["demo-operator"]
	for _, path := range []string{"/healthz", "/v1/bodies"} {
		for _, tc := range []struct {
			name string
			h    http.Handler
			req  func() *http.Request
		}{
			{"bare", cancellable(bare), func() *http.Request {
				r := httptest.NewRequest("GET", path, nil)
				return r.WithContext(auth.WithPrincipal(r.Context(), operator))
			}},
			{"stack", app.Handler, func() *http.Request {
				r := httptest.NewRequest("GET", path, nil)
				r.Header.Set("Authorization", "Bearer demo-operator")
				return r
			}},
		} {
			b.Run(path[1:]+"/"+tc.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					w := httptest.NewRecorder()
					tc.h.ServeHTTP(w, tc.req())
					if w.Code != http.StatusOK {
						b.Fatalf("%s: %d %s", path, w.Code, w.Body)
					}
				}
			})
		}
	}
}

// cancellable gives each request a context that can be cancelled, as a
// served request's is (the client may go away): database/sql then watches
// it, and the baseline must pay for that too.
func cancellable(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}
