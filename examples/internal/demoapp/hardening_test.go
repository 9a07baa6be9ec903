package demoapp_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestEveryAnswerCarriesTheSecureHeaders, from the mounted handler: public,
// denied and unknown paths alike.
func TestEveryAnswerCarriesTheSecureHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tc := range []struct {
		key, path string
		status    int
	}{
		{"", "/healthz", http.StatusOK},
		{"", "/v1/bodies", http.StatusUnauthorized},
		{"demo-citizen", "/v1/deadlines", http.StatusForbidden},
		{"demo-operator", "/v1/bodies", http.StatusOK},
		{"demo-operator", "/desk", http.StatusOK},
		{"", "/login", http.StatusOK},
		{"", "/no/such/page", http.StatusNotFound},
	} {
		a := b.call(t, tc.key, "GET", tc.path, nil)
		require.Equal(t, tc.status, a.status, tc.path)
		require.Contains(t, a.header.Get("Content-Security-Policy"), "default-src 'self'", tc.path)
		require.Equal(t, "nosniff", a.header.Get("X-Content-Type-Options"), tc.path)
		require.Equal(t, "DENY", a.header.Get("X-Frame-Options"), tc.path)
		require.Equal(t, "no-referrer", a.header.Get("Referrer-Policy"), tc.path)
		if strings.HasPrefix(tc.path, "/v1/") {
			require.Equal(t, "no-store", a.header.Get("Cache-Control"), tc.path)
		}
	}
}

// TestCrossOriginPostsAreRejected: a browser's cross-site POST is refused
// before authentication (a logged-in session cannot be ridden), a
// same-origin one and a non-browser client pass.
func TestCrossOriginPostsAreRejected(t *testing.T) {
	t.Parallel()
	b := setup(t)
	post := func(path string, header map[string]string) int {
		req, err := http.NewRequestWithContext(t.Context(), "POST", b.srv.URL+path, strings.NewReader("key=demo-operator&next=/"))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusForbidden, post("/login", map[string]string{"Sec-Fetch-Site": "cross-site"}))
	require.Equal(t, http.StatusForbidden, post("/logout", map[string]string{"Origin": "https://evil.example"}))
	require.Equal(t, http.StatusSeeOther, post("/login", map[string]string{"Sec-Fetch-Site": "same-origin"}))
	require.Equal(t, http.StatusSeeOther, post("/login", nil), "curl and API clients send neither header")
}

func TestRequestBodiesAreLimited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	big := `{"recipient":"` + strings.Repeat("9", 2<<20) + `"}`
	a := b.send(t, "demo-operator", "POST", "/v1/applications", "application/json", strings.NewReader(big))
	require.Equal(t, http.StatusBadRequest, a.status)
	require.Equal(t, "body", a.errorBody(t).Field)
}

// TestMetrics: /metrics is the operator's; it shows request latency by
// route and status, the store gauges, and the escalations the sweeper
// fired once the seeded onboarding's term is breached.
func TestMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.Equal(t, http.StatusUnauthorized, b.call(t, "", "GET", "/metrics", nil).status)
	require.Equal(t, http.StatusForbidden, b.call(t, "demo-quality", "GET", "/metrics", nil).status)
	// The seeded previous month's report duties (Rules130 p.14, due on the
	// 5th) are breached already: sweep them first.
	early, err := b.app.Sweeper.Sweep(t.Context())
	require.NoError(t, err)
	for range 3 {
		require.Equal(t, http.StatusOK, b.call(t, "demo-citizen", "GET", "/v1/bodies", nil).status)
	}
	b.call(t, "demo-citizen", "GET", "/v1/recipients/999/applications", nil)

	scrape := func() string {
		a := b.call(t, "demo-operator", "GET", "/metrics", nil)
		require.Equal(t, http.StatusOK, a.status)
		return string(a.body)
	}
	value := func(text, series string) float64 {
		t.Helper()
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
		require.NotNil(t, m, "series %s in\n%s", series, text)
		v, err := strconv.ParseFloat(m[1], 64)
		require.NoError(t, err)
		return v
	}
	text := scrape()
	require.Equal(t, 3.0, value(text, `qyzmet_http_request_duration_seconds_count{route="GET /v1/bodies",status="200"}`))
	require.Equal(t, 1.0, value(text, `qyzmet_http_request_duration_seconds_count{route="GET /v1/recipients/{recipient}/applications",status="404"}`))
	require.NotContains(t, text, "/999/", "paths are not labels")
	require.Greater(t, value(text, "qyzmet_open_timers"), 0.0, "the seeded onboarding and application run terms")
	require.Equal(t, 0.0, value(text, "qyzmet_overdue_steps"))
	require.Equal(t, 0.0, value(text, "qyzmet_sweep_backlog"))
	require.Greater(t, value(text, "qyzmet_outbox_pending"), 0.0, "no relay has run")
	require.Greater(t, value(text, "qyzmet_outbox_lag_seconds"), 0.0)
	require.NotContains(t, text, `qyzmet_escalations_fired_total{kind="onboarding"`)

	b.clock.Advance(90 * 24 * time.Hour)
	text = scrape()
	require.Greater(t, value(text, "qyzmet_sweep_backlog"), 0.0, "rungs are due and no sweeper ran")
	fired, err := b.app.Sweeper.Sweep(t.Context())
	require.NoError(t, err)
	require.NotEmpty(t, fired)
	text = scrape()
	require.Equal(t, 0.0, value(text, "qyzmet_sweep_backlog"))
	require.Greater(t, value(text, "qyzmet_overdue_steps"), 0.0)
	require.Greater(t, value(text, `qyzmet_escalations_fired_total{kind="onboarding",rule="Rules130 p.4"}`), 0.0, text)
	total := 0.0
	for _, m := range regexp.MustCompile(`(?m)^qyzmet_escalations_fired_total\{.*\} (\S+)$`).FindAllStringSubmatch(text, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		require.NoError(t, err)
		total += v
	}
	require.Equal(t, float64(len(early)+len(fired)), total, "one count per fired rung")
}
