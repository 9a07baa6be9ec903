package reportsapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/reports"
)

// The demo keys of auth.DemoKeys, by role.
const (
	operatorKey  = "demo-operator"
	qualityKey   = "demo-quality"
	educationKey = "demo-education" // body person of education-department
	registryKey  = "demo-registry"  // body person of registry-office
	citizenKey   = "demo-citizen"
)

type testBundle struct {
	app   *demoapp.App
	srv   *httptest.Server
	clock *deadlinestest.Clock
}

// setup opens a seeded SQLite demo app at 2025-03-17 10:00 in Almaty and
// serves it behind the demo keys' authenticator (as the server does).
func setup(t *testing.T) *testBundle {
	t.Helper()
	cal := kz.Calendar()
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()))
	app, err := demoapp.Open(t.Context(), demoapp.Config{DSN: "sqlite://" + filepath.Join(t.TempDir(), "reports.db"), Calendar: cal, Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { app.Close() })
	require.NoError(t, app.Seed(t.Context(), clock.Now()))
	authn, err := auth.NewAuthenticator(auth.DemoKeys(), bytes.Repeat([]byte("k"), 32), clock.Now)
	require.NoError(t, err)
	srv := httptest.NewServer(authn.Middleware(app.Handler))
	t.Cleanup(srv.Close)
	return &testBundle{app: app, srv: srv, clock: clock}
}

// raw sends a request with the key's bearer credentials (none for "").
func (b *testBundle) raw(t *testing.T, key, method, path, contentType string, body io.Reader) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, b.srv.URL+path, body)
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// do sends in as JSON and decodes the answer into out (when not nil),
// returning the status.
func (b *testBundle) do(t *testing.T, key, method, path string, in, out any) int {
	t.Helper()
	var body io.Reader
	if in != nil {
		buf, err := json.Marshal(in)
		require.NoError(t, err)
		body = bytes.NewReader(buf)
	}
	resp := b.raw(t, key, method, path, "application/json", body)
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil {
		require.NoError(t, json.Unmarshal(data, out), "%s %s: %s", method, path, data)
	}
	return resp.StatusCode
}

// counts are the rows of the tables a request might write.
func (b *testBundle) counts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"appeals", "monthly_reports", "reconciliations", "audit"} {
		var n int
		require.NoError(t, b.app.Store.DB().QueryRowContext(t.Context(), "SELECT COUNT(*) FROM "+table).Scan(&n))
		out[table] = n
	}
	return out
}

// seeded are the demo register's appeals of p as of the bundle's clock,
// optionally of one body.
func (b *testBundle) seeded(p reports.Period, body string) []reports.Appeal {
	var out []reports.Appeal
	for _, a := range demoapp.SeedAppeals(p, b.app.Reports.Location(), b.clock.Now()) {
		if body == "" || a.BodyID == body {
			out = append(out, a)
		}
	}
	return out
}

var (
	feb = reports.Period{Year: 2025, Month: time.February}
	mar = reports.Period{Year: 2025, Month: time.March}
)
