package middleware_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/middleware"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSecureHeaders(t *testing.T) {
	t.Parallel()
	h := middleware.SecureHeaders(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	for _, tc := range []struct {
		path    string
		noStore bool
	}{
		{"/v1/bodies", true},
		{"/metrics", true},
		{"/login", true},
		{"/desk", false},
		{"/healthz", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", tc.path, nil))
			hd := w.Header()
			require.Equal(t, middleware.CSP, hd.Get("Content-Security-Policy"))
			require.Contains(t, hd.Get("Content-Security-Policy"), "default-src 'self'")
			require.Contains(t, hd.Get("Content-Security-Policy"), "frame-ancestors 'none'")
			require.NotContains(t, hd.Get("Content-Security-Policy"), "http", "no other origin")
			require.Equal(t, "nosniff", hd.Get("X-Content-Type-Options"))
			require.Equal(t, "DENY", hd.Get("X-Frame-Options"))
			require.Equal(t, "no-referrer", hd.Get("Referrer-Policy"))
			if tc.noStore {
				require.Equal(t, "no-store", hd.Get("Cache-Control"))
			} else {
				require.Empty(t, hd.Get("Cache-Control"))
			}
		})
	}
}

func TestRecoverAnswers500AndLogs(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	h := middleware.Recover(logger, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/v1/x", nil))
	require.Equal(t, http.StatusInternalServerError, w.Code)
	require.JSONEq(t, `{"error":"internal error"}`, w.Body.String())
	require.Contains(t, log.String(), "msg=panic")
	require.Contains(t, log.String(), "panic=boom")
	require.Contains(t, log.String(), "middleware_test.go", "the stack")

	abort := middleware.Recover(logger, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	require.PanicsWithValue(t, http.ErrAbortHandler, func() { abort.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)) })
}

func TestTimeoutCancelsTheHandler(t *testing.T) {
	t.Parallel()
	cancelled := make(chan struct{})
	h := middleware.Timeout(20*time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		close(cancelled)
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/v1/x", nil))
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.JSONEq(t, `{"error":"the request timed out"}`, w.Body.String())
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		require.FailNow(t, "the handler's context was not cancelled")
	}
}

// TestObserveLogsTheRouteNotThePath: one line per request with the route
// pattern, status and role; the path (which carries an IIN), the key and
// the cookie are not logged. The observer gets the same route and status.
func TestObserveLogsTheRouteNotThePath(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	logger := slog.New(slog.NewJSONHandler(&log, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/recipients/{recipient}/applications", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte("short"))
	})
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	var (
		mu       sync.Mutex
		observed []string
	)
	withCaller := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{Name: "c", Role: auth.Citizen, IIN: "900101300017"}))
			}
			next.ServeHTTP(w, r)
		})
	}
	h := middleware.Observe(logger, func(route string, status int, _ time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		observed = append(observed, route+" "+http.StatusText(status))
	}, middleware.Recover(logger, withCaller(middleware.Route(mux))))

	req := httptest.NewRequest("GET", "/v1/recipients/900101300017/applications", nil)
	req.Header.Set("Authorization", "Bearer demo-citizen")
	req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: "secret-session"})
	h.ServeHTTP(httptest.NewRecorder(), req)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nowhere", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/panic", nil))

	out := log.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var requests []string
	for _, l := range lines {
		if strings.Contains(l, `"msg":"request"`) {
			requests = append(requests, l)
		}
	}
	require.Len(t, requests, 3, out)
	require.Contains(t, requests[0], `"method":"GET","route":"GET /v1/recipients/{recipient}/applications","status":418`)
	require.Contains(t, requests[0], `"role":"citizen","bytes":5`)
	require.Contains(t, requests[1], `"route":"","status":404`)
	require.Contains(t, requests[1], `"role":"anonymous"`)
	require.Contains(t, requests[2], `"level":"ERROR"`)
	require.Contains(t, requests[2], `"route":"GET /panic","status":500`)
	for _, secret := range []string{"900101300017", "demo-citizen", "secret-session", "Bearer"} {
		require.NotContains(t, out, secret)
	}
	require.Equal(t, []string{
		"GET /v1/recipients/{recipient}/applications I'm a teapot", " Not Found", "GET /panic Internal Server Error",
	}, observed)
}
