package openapi_test

import (
	"bytes"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/examples/internal/openapi"
	"github.com/qyzmet/qyzmet/onboarding"
)

func load(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(t.Context()), "the document is valid OpenAPI 3")
	return doc
}

func open(t *testing.T) (*demoapp.App, *httptest.Server) {
	t.Helper()
	cal := kz.Calendar()
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()))
	app, err := demoapp.Open(t.Context(), demoapp.Config{DSN: "sqlite://" + filepath.Join(t.TempDir(), "openapi.db"), Calendar: cal, Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { app.Close() })
	require.NoError(t, app.Seed(t.Context(), clock.Now()))
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	return app, srv
}

// TestDocumentDescribesEveryV1Route: the (method, path) pairs of the
// document are exactly the /v1 routes of App.Routes, both ways, and each
// operation's x-roles are the route's roles (none for a public route,
// which also declares no security).
var wildcard = regexp.MustCompile(`\{([a-z_]+)\}`)

func TestDocumentDescribesEveryV1Route(t *testing.T) {
	t.Parallel()
	doc := load(t)
	app, _ := open(t)

	routes := map[string][]string{}
	for _, r := range app.Routes {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if !strings.HasPrefix(path, "/v1/") {
			continue
		}
		// OpenAPI has no multi-segment parameter: {id...} is documented as {id}.
		path = strings.ReplaceAll(path, "...}", "}")
		roles := []string{}
		for _, role := range r.Roles {
			roles = append(roles, string(role))
		}
		slices.Sort(roles)
		routes[method+" "+path] = roles
	}
	documented := map[string][]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			roles := []string{}
			if raw, ok := op.Extensions["x-roles"]; ok {
				list, ok := raw.([]any)
				require.True(t, ok, "%s %s: x-roles is a list", method, path)
				for _, r := range list {
					roles = append(roles, r.(string))
				}
			}
			slices.Sort(roles)
			documented[method+" "+path] = roles
			public := op.Security != nil && len(*op.Security) == 0
			require.Equal(t, len(roles) == 0, public, "%s %s: public iff no x-roles", method, path)
			if !public {
				require.NotNil(t, op.Responses.Status(401), "%s %s documents 401", method, path)
				require.NotNil(t, op.Responses.Status(403), "%s %s documents 403", method, path)
			}
		}
	}
	require.Equal(t, slices.Sorted(maps.Keys(routes)), slices.Sorted(maps.Keys(documented)), "documented routes = mounted /v1 routes")
	require.Equal(t, routes, documented, "x-roles = the route table's roles")
}

// TestAnswersMatchTheDocument: every GET /v1 route, called as the
// operator on the seeded demo, and a set of error and write cases answer
// with a status and a body the document declares for that operation.
func TestAnswersMatchTheDocument(t *testing.T) {
	t.Parallel()
	doc := load(t)
	app, srv := open(t)
	obs, err := app.Store.ListOnboardings(t.Context(), onboarding.OnboardingFilter{})
	require.NoError(t, err)
	apps, err := app.Store.ListApplications(t.Context(), chain.ApplicationFilter{Recipient: demoapp.DemoRecipient})
	require.NoError(t, err)
	obID, appID := obs[0].ID, apps[0].ID
	values := map[string]string{"year": "2025", "recipient": demoapp.DemoRecipient, "key": "birth-registration", "number": appID, "component": "birth-registration",
		"period": "2025-02", "format": "json", "table": "applications", "body": "education-department", "seq": "1"}
	query := map[string]string{"/v1/terms": "?from=2025-03-20&kind=working-days&n=5&rule=Rules130+p.5", "/v1/desk/services": "?q=birth&lang=en"}

	type call struct {
		key, method, template string
		params                map[string]string
		body                  string
		query                 string
	}
	var calls []call
	for _, r := range app.Routes {
		method, template, _ := strings.Cut(r.Pattern, " ")
		if method != http.MethodGet || !strings.HasPrefix(template, "/v1/") {
			continue
		}
		template = strings.ReplaceAll(template, "...}", "}")
		params := map[string]string{}
		for _, m := range wildcard.FindAllStringSubmatch(template, -1) {
			switch {
			case m[1] != "id":
				params[m[1]] = values[m[1]]
			case strings.HasPrefix(template, "/v1/onboardings/"):
				params["id"] = obID
			case strings.HasPrefix(template, "/v1/definitions/"):
				params["id"] = "birth-of-a-child"
			default:
				params["id"] = appID
			}
		}
		calls = append(calls, call{key: "demo-operator", method: method, template: template, params: params, query: query[template]})
	}
	start := `{"service_id":"marriage-registration","body_id":"registry-office","registered_on":"2025-03-16T00:00:00Z","standard_approved_on":"2025-03-16T00:00:00Z","actor":"x"}`
	calls = append(calls,
		call{key: "demo-operator", method: "GET", template: "/v1/onboardings/{id}", params: map[string]string{"id": "nope"}},
		call{key: "demo-operator", method: "GET", template: "/v1/calendar/kz/{year}", params: map[string]string{"year": "1800"}},
		call{key: "", method: "GET", template: "/v1/bodies"},
		call{key: "demo-citizen", method: "GET", template: "/v1/deadlines"},
		call{key: "demo-education", method: "POST", template: "/v1/onboardings", body: start},
		call{key: "demo-registry", method: "POST", template: "/v1/onboardings", body: start},
		call{key: "demo-operator", method: "POST", template: "/v1/onboardings/{id}/{step}", params: map[string]string{"id": obID, "step": "request"}, body: `{"at":"2025-03-17T10:00:00Z","actor":"ucc"}`},
		call{key: "demo-operator", method: "POST", template: "/v1/onboardings/{id}/{step}", params: map[string]string{"id": obID, "step": "request"}, body: `{"at":"2025-03-17T10:00:00Z","actor":"ucc"}`},
		call{key: "demo-citizen2", method: "POST", template: "/v1/applications", body: `{"definition_id":"birth-of-a-child","recipient":"` + demoapp.DemoRecipient + `","actor":"x"}`},
		call{key: "demo-registry", method: "POST", template: "/v1/applications/{id}/components/{component}/result", params: map[string]string{"id": appID, "component": "birth-registration"},
			body: `{"actor":"r","at":"2025-03-17T10:00:00Z","channel":"electronic","reference":"AB-1","fields":{"child_iin":"250315600012","birth_record_number":"1"}}`},
	)
	for _, c := range calls {
		path := wildcard.ReplaceAllStringFunc(c.template, func(w string) string { return c.params[w[1:len(w)-1]] })
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		req, err := http.NewRequestWithContext(t.Context(), c.method, srv.URL+path+c.query, body)
		require.NoError(t, err)
		if c.key != "" {
			req.Header.Set("Authorization", "Bearer "+c.key)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		validate(t, doc, c.method, c.template, c.params, req, resp)
		resp.Body.Close()
	}
}

func validate(t *testing.T, doc *openapi3.T, method, template string, params map[string]string, req *http.Request, resp *http.Response) {
	t.Helper()
	item := doc.Paths.Find(template)
	require.NotNil(t, item, template)
	route := &routers.Route{Spec: doc, Path: template, PathItem: item, Method: method, Operation: item.GetOperation(method)}
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body)),
	}
	require.NoError(t, openapi3filter.ValidateResponse(t.Context(), in), "%s %s → %d %s", method, req.URL, resp.StatusCode, body)
	require.NotNil(t, route.Operation.Responses.Status(resp.StatusCode), "%s %s: status %d is documented", method, template, resp.StatusCode)
}
