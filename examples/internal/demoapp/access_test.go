package demoapp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/onboarding"
)

type testBundle struct {
	app   *demoapp.App
	srv   *httptest.Server
	clock *deadlinestest.Clock
	// The seeded records: the education department's onboarding and the
	// demo citizen's "Birth of a child" application.
	onboardingID, applicationID string
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	cal := kz.Calendar()
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()))
	app, err := demoapp.Open(t.Context(), demoapp.Config{
		DSN: "sqlite://" + filepath.Join(t.TempDir(), "access.db"), Calendar: cal, Clock: clock,
		SessionSecret: []byte("0123456789abcdef0123456789abcdef"),
	})
	require.NoError(t, err)
	t.Cleanup(func() { app.Close() })
	require.NoError(t, app.Seed(t.Context(), clock.Now()))
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	b := &testBundle{app: app, srv: srv, clock: clock}
	obs, err := app.Store.ListOnboardings(t.Context(), onboarding.OnboardingFilter{})
	require.NoError(t, err)
	require.Len(t, obs, 1)
	apps, err := app.Store.ListApplications(t.Context(), chain.ApplicationFilter{Recipient: demoapp.DemoRecipient})
	require.NoError(t, err)
	require.Len(t, apps, 1)
	b.onboardingID, b.applicationID = obs[0].ID, apps[0].ID
	return b
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) errorBody(t *testing.T) httpx.ErrorBody {
	t.Helper()
	var e httpx.ErrorBody
	require.NoError(t, json.Unmarshal(a.body, &e), string(a.body))
	return e
}

// call sends a request with the key (none when empty) and a JSON body (nil
// for none).
func (b *testBundle) call(t *testing.T, key, method, path string, in any) answer {
	t.Helper()
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		require.NoError(t, err)
		body = bytes.NewReader(raw)
	}
	return b.send(t, key, method, path, "application/json", body)
}

func (b *testBundle) send(t *testing.T, key, method, path, contentType string, body io.Reader) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, b.srv.URL+path, body)
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: raw}
}

var wildcard = regexp.MustCompile(`\{([a-z_]+)(\.\.\.)?\}`)

// path fills a route pattern's wildcards with plausible values: the seeded
// records, so that allowed callers reach the handler's own checks.
func (b *testBundle) path(pattern string) string {
	values := map[string]string{
		"year": "2025", "step": "request", "component": "birth-registration",
		"recipient": demoapp.DemoRecipient, "key": "birth-registration", "number": b.applicationID,
		"period": "2025-03", "format": "json",
	}
	return wildcard.ReplaceAllStringFunc(pattern, func(w string) string {
		name := wildcard.FindStringSubmatch(w)[1]
		if name == "id" {
			if strings.Contains(pattern, "/onboardings/") {
				return b.onboardingID
			}
			return b.applicationID
		}
		if v, ok := values[name]; ok {
			return v
		}
		return "x" // a route added later: a bogus value is 400/404 for the allowed, still 401/403 for the rest
	})
}

// TestRoleEndpointMatrix calls every route of App.Routes as every demo
// principal and as nobody, through the mounted handler, and checks the
// outcome against the route's roles: 401 for nobody (a redirect to the
// log-in form for an HTML page), 403 (from auth.Allow) for another role,
// neither for an allowed one.
func TestRoleEndpointMatrix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NotEmpty(t, b.app.Routes)
	keys := auth.DemoKeys() // one per role, and two tenants of the scoped roles
	for _, route := range b.app.Routes {
		method, pattern, ok := strings.Cut(route.Pattern, " ")
		require.True(t, ok, "route %q has a method", route.Pattern)
		path := b.path(pattern)
		for _, key := range append(slices.Sorted(maps.Keys(keys)), "") {
			t.Run(route.Pattern+"/"+cmpName(key), func(t *testing.T) {
				t.Parallel()
				p := keys[key]
				var a answer
				switch {
				case method == http.MethodPost && pattern == "/login":
					a = b.send(t, key, method, path, "application/x-www-form-urlencoded", strings.NewReader(url.Values{"key": {"demo-operator"}, "next": {"/"}}.Encode()))
				case method == http.MethodPost:
					a = b.call(t, key, method, path, plausibleBody(pattern, p))
				default:
					a = b.call(t, key, method, path, nil)
				}
				switch {
				case route.Roles == nil:
					require.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, a.status, "a public route: %s", a.body)
				case key == "" && demoapp.IsPage(route):
					require.Equal(t, http.StatusSeeOther, a.status, "an anonymous browser is sent to log in")
					require.Equal(t, "/login?next="+url.QueryEscape(path), a.header.Get("Location"))
				case key == "":
					require.Equal(t, http.StatusUnauthorized, a.status, string(a.body))
				case !slices.Contains(route.Roles, p.Role):
					require.Equal(t, http.StatusForbidden, a.status, string(a.body))
					require.Contains(t, string(a.body), "may not use this endpoint")
				default:
					require.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, a.status, "%s may call it: %s", p.Role, a.body)
				}
			})
		}
	}
}

func cmpName(key string) string {
	if key == "" {
		return "anonymous"
	}
	return key
}

// plausibleBody is a request body an allowed caller would send: their own
// body or IIN where the handler scopes by it.
func plausibleBody(pattern string, p auth.Principal) any {
	switch pattern {
	case "/v1/onboardings":
		body := p.BodyID
		if body == "" {
			body = "education-department"
		}
		return map[string]any{"body_id": body}
	case "/v1/applications":
		iin := p.IIN
		if iin == "" {
			iin = demoapp.DemoRecipient
		}
		return map[string]any{"recipient": iin}
	}
	return map[string]any{}
}

func decode(t *testing.T, a answer, v any) {
	t.Helper()
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	require.NoError(t, json.Unmarshal(a.body, v), string(a.body))
}

func onboardingOf(t *testing.T, a answer) *onboarding.Onboarding {
	t.Helper()
	var o onboarding.Onboarding
	require.NoError(t, json.Unmarshal(a.body, &o), string(a.body))
	return &o
}
