package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Almaty and Asia/Aqtau where the system has no zone database

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/onboarding"
)

// start is the fixed "now" of the tests: Thursday 20 March 2025, 10:00 in
// Almaty, the day before Nauryz. 21–23 March are holidays and 24–25 March
// are days off for the two that fall on the weekend, so the next working
// days are 26 and 27 March.
var start = time.Date(2025, time.March, 20, 10, 0, 0, 0, time.FixedZone("+05", 5*3600))

// testBundle is the seeded demo app, as a browser reaches it.
type testBundle struct {
	app     *demoapp.App
	clock   *deadlinestest.Clock
	handler http.Handler
	// onboardingID and applicationID are the seeded onboarding and
	// composite application.
	onboardingID, applicationID string
}

// setup opens the demo app over a fresh SQLite file and seeds it at
// start. Its handler is the demo server's whole stack: authentication,
// login pages, cross-origin protection and the CSP.
func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	clock := deadlinestest.NewClock(start)
	cal, err := kz.New()
	require.NoError(t, err)
	app, err := demoapp.Open(ctx, demoapp.Config{DSN: "sqlite://" + filepath.Join(t.TempDir(), "demo.db"), Calendar: cal, Clock: clock,
		SessionSecret: []byte("dashboard-test-secret-0123456789abcdef")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = app.Close() })
	require.NoError(t, app.Seed(ctx, clock.Now()))

	obs, err := app.Store.ListOnboardings(ctx, onboarding.OnboardingFilter{})
	require.NoError(t, err)
	require.Len(t, obs, 1)
	apps, err := app.Store.ListApplications(ctx, chain.ApplicationFilter{Recipient: demoapp.DemoRecipient})
	require.NoError(t, err)
	require.Len(t, apps, 1)
	return &testBundle{app: app, clock: clock, handler: app.Handler, onboardingID: obs[0].ID, applicationID: apps[0].ID}
}

// answer is a response with its body read.
type answer struct {
	*http.Response
	Body string
}

// do sends a request with the key's bearer credentials (none for "").
func (b *testBundle) do(t *testing.T, key, method, target string, form url.Values, header ...string) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if key != "" {
		r.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	b.handler.ServeHTTP(w, r)
	res := w.Result()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return answer{res, string(raw)}
}

func (b *testBundle) get(t *testing.T, key, target string, header ...string) answer {
	t.Helper()
	return b.do(t, key, http.MethodGet, target, nil, header...)
}

func (b *testBundle) post(t *testing.T, key, target string, form url.Values) answer {
	t.Helper()
	return b.do(t, key, http.MethodPost, target, form)
}

// section returns the HTML of the board section with the id, or "".
func section(page, id string) string {
	i := strings.Index(page, `<section class="group group-`+id+`" id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := page[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		return rest[:j]
	}
	return rest
}

// rowWith returns the table row containing s, or "".
func rowWith(html, s string) string {
	i := strings.Index(html, s)
	if i < 0 {
		return ""
	}
	from := strings.LastIndex(html[:i], "<tr")
	to := strings.Index(html[i:], "</tr>")
	if from < 0 || to < 0 {
		return ""
	}
	return html[from : i+to]
}
