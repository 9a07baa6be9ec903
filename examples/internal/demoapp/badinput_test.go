package demoapp_test

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/examples/internal/openapi"
)

// The bad-input matrix (issue 9): every route of App.Routes that changes
// state, and every GET that takes parameters, is sent malformed,
// oversized, out-of-order, wrong-role and cross-tenant requests. Each gets
// its documented 4xx, with the rule and the field where the domain names
// them, and a snapshot of the whole database (adapters/sqlstore.Snapshot)
// taken before and after proves that nothing changed, except that a 403
// to an authenticated caller appends exactly one denial to their access
// chain of the audit log.

// badKind is what is wrong with a request.
type badKind string

const (
	kMalformed   badKind = "malformed JSON"
	kWrongType   badKind = "wrong type"
	kUnknown     badKind = "unknown field"
	kTrailing    badKind = "trailing data"
	kOversized   badKind = "oversized body"
	kEmpty       badKind = "empty body"
	kChecksum    badKind = "invalid IIN/BIN checksum"
	kOrder       badKind = "out of order"
	kDate        badKind = "date in the future or before the start"
	kUnknownID   badKind = "unknown ID"
	kWrongRole   badKind = "wrong role"
	kAnonymous   badKind = "anonymous"
	kTenant      badKind = "cross-tenant"
	kContentType badKind = "wrong content type"
	kBadParam    badKind = "bad path or query parameter"
	kInvalid     badKind = "invalid field value"
)

// bodyKinds are the kinds every route that reads a JSON body must have.
var bodyKinds = []badKind{kMalformed, kWrongType, kUnknown, kTrailing, kOversized, kEmpty}

// badCase is one bad request and the answer it must get.
type badCase struct {
	route string // the route's pattern, as in App.Routes
	kind  badKind
	name  string
	key   string // the caller's demo key; "" for nobody
	// path is the request path; empty fills the pattern with the seeded
	// records (testBundle.path). A func sees the prepared bundle.
	path  string
	pathf func(b *testBundle) string
	// body is sent raw with contentType (application/json when empty);
	// bodyf builds it from the bundle. noBody sends none.
	body        string
	bodyf       func(b *testBundle) string
	contentType string
	// prepare puts the database into the state the case needs (a first
	// result before a second one) before the "before" snapshot.
	prepare func(t *testing.T, b *testBundle)

	status int
	rule   string // the exact citation in the answer; "-" for none
	field  string // the exact field in the answer; "-" for none
	html   bool   // the answer is an HTML page (the dashboard), not an ErrorBody
	// contains is a part of the answer's error text (or page) to find.
	contains string
}

// jsonRoutes read a JSON body: each gets the generated body cases, sent by
// key (a caller the route allows, so the body is what is refused).
var jsonRoutes = map[string]string{
	"POST /v1/onboardings":                                       "demo-operator",
	"POST /v1/onboardings/{id}/{step}":                           "demo-operator",
	"POST /v1/applications":                                      "demo-operator",
	"POST /v1/applications/{id}/components/{component}/result":   "demo-operator",
	"POST /v1/applications/{id}/components/{component}/refusal":  "demo-operator",
	"POST /v1/applications/{id}/components/{component}/decision": "demo-operator",
	"POST /v1/applications/{id}/components/{component}/payment":  "demo-operator",
	"POST /v1/applications/{id}/components/{component}/appeal":   "demo-operator",
	"POST /v1/appeals":                                           "demo-operator",
	"POST /v1/audit/verify":                                      "demo-operator",
	"POST /v1/reports/monthly/{period}/{recipient}/sent":         "demo-operator",
	"POST /v1/reports/monthly/{period}/{recipient}/acknowledged": "demo-operator",
	"POST /v1/reconciliations":                                   "demo-operator",
	"POST /v1/reconciliations/{id}/explanations":                 "demo-operator",
}

// emptyAllowed are the JSON routes whose body is optional (an empty one
// means "now"), so an empty body is not bad input there.
var emptyAllowed = map[string]bool{
	"POST /v1/reports/monthly/{period}/{recipient}/sent":         true,
	"POST /v1/reports/monthly/{period}/{recipient}/acknowledged": true,
}

// withoutBody are the state-changing routes that read no body, so the body
// cases do not apply (what they change is named by the path).
var withoutBody = map[string]string{
	"POST /logout":                      "ends the caller's session; no body",
	"POST /v1/reports/monthly/{period}": "opens the month the path names",
	"POST /v1/reports/monthly/{period}/{recipient}/generate": "renders the month the path names",
	"POST /login":                       "an HTML form, not JSON",
	"POST /ui/onboardings/{id}/step":    "an HTML form, not JSON",
	"POST /ui/applications/{id}/result": "an HTML form, not JSON",
}

// noParameters are the GETs that take no parameter that could be bad: they
// get the generated anonymous and wrong-role cases only.
var noParameters = []string{
	"GET /healthz", "GET /readyz", "GET /login", "GET /openapi.json", "GET /metrics", "GET /{$}", "GET /ui/{$}",
	"GET /v1/bodies", "GET /v1/services", "GET /v1/consultable", "GET /v1/audit/verify", "GET /v1/audit/anchor", "GET /desk",
	"GET /v1/desk/services", "GET /ui/board", "GET /ui/static/",
}

func mutates(pattern string) bool {
	method, _, _ := strings.Cut(pattern, " ")
	return method != http.MethodGet && method != http.MethodHead
}

// generatedCases are the cases every route gets from the table: nobody
// (401, or the log-in redirect for a page), a role the route does not
// allow (403), and, for a JSON route, the six broken bodies.
func generatedCases(routes []httpx.Route) []badCase {
	keys := auth.DemoKeys()
	var out []badCase
	for _, r := range routes {
		if r.Roles == nil {
			continue
		}
		c := badCase{route: r.Pattern, kind: kAnonymous, name: "nobody", status: http.StatusUnauthorized, rule: "-", field: "-", contains: "authentication required"}
		if demoapp.IsPage(r) {
			c.status, c.contains = http.StatusSeeOther, ""
		}
		out = append(out, c)
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			if !slices.Contains(r.Roles, keys[k].Role) {
				out = append(out, badCase{route: r.Pattern, kind: kWrongRole, name: k, key: k, status: http.StatusForbidden, rule: "-", field: "-", contains: "may not use this endpoint"})
				break
			}
		}
	}
	big := `{"actor":"` + strings.Repeat("a", demoapp.MaxBody+1) + `"}`
	for _, pattern := range slices.Sorted(maps.Keys(jsonRoutes)) {
		key := jsonRoutes[pattern]
		for _, c := range []badCase{
			{kind: kMalformed, name: "truncated", body: `{"actor":`},
			{kind: kMalformed, name: "not JSON", body: `actor=x`},
			{kind: kWrongType, name: "an array for the object", body: `[]`},
			{kind: kUnknown, name: "unknown field", body: `{"no_such_field":1}`, contains: "no_such_field"},
			{kind: kTrailing, name: "two documents", body: `{} {}`, contains: "trailing data"},
			{kind: kOversized, name: "over 1 MiB", body: big},
			{kind: kEmpty, name: "no body"},
		} {
			if c.kind == kEmpty && emptyAllowed[pattern] {
				continue
			}
			c.route, c.key, c.status, c.rule, c.field = pattern, key, http.StatusBadRequest, "-", "body"
			if pattern == "POST /v1/reconciliations" {
				// The figures importer takes an array and names its rule.
				c.rule = "Rules130 p.16"
				switch c.kind {
				case kUnknown:
					c.body, c.field = `[{"period":"2025-02","body_id":"registry-office","dimension":"total","key":"","count":1,"no_such_field":1}]`, "no_such_field"
				case kTrailing:
					c.body, c.contains = `[] []`, "data after the array"
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// TestBadInputMatrix runs every case on one seeded SQLite app, one after
// another (each case's snapshots need the database to itself).
func TestBadInputMatrix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cases := append(generatedCases(b.app.Routes), handWrittenCases(b)...)
	checkCompleteness(t, b.app.Routes, cases)
	documented := documentedStatuses(t)
	for i, c := range cases {
		name := fmt.Sprintf("%03d %s/%s/%s", i, c.route, c.kind, c.name)
		// Not parallel: each case compares snapshots of the one database.
		t.Run(name, func(t *testing.T) { runBadCase(t, b, c, documented) })
	}
	require.NoError(t, b.app.Store.VerifyAudit(t.Context()), "every denial is chained in the audit log")
}

func runBadCase(t *testing.T, b *testBundle, c badCase, documented map[string][]int) {
	t.Helper()
	if c.prepare != nil {
		c.prepare(t, b)
	}
	method, pattern, _ := strings.Cut(c.route, " ")
	path := c.path
	switch {
	case c.pathf != nil:
		path = c.pathf(b)
	case path == "":
		path = b.path(pattern)
	}
	var body io.Reader
	raw := c.body
	if c.bodyf != nil {
		raw = c.bodyf(b)
	}
	if raw != "" || method == http.MethodPost {
		body = strings.NewReader(raw) // an empty POST still says its content type
	}
	ct := c.contentType
	if ct == "" {
		ct = "application/json"
	}
	before, err := b.app.Store.Snapshot(t.Context())
	require.NoError(t, err)
	a := b.send(t, c.key, method, path, ct, body)
	after, err := b.app.Store.Snapshot(t.Context())
	require.NoError(t, err)

	require.Equal(t, c.status, a.status, "%s %s: %.300s", method, path, a.body)
	if statuses, ok := documented[c.route]; ok && c.status >= 400 {
		require.Contains(t, statuses, c.status, "the OpenAPI document declares this answer of %s", c.route)
	}
	switch {
	case c.status == http.StatusSeeOther:
		require.True(t, strings.HasPrefix(a.header.Get("Location"), "/login?next="), a.header.Get("Location"))
	case c.html:
		require.Contains(t, a.header.Get("Content-Type"), "text/html")
		for _, s := range []string{c.rule, c.field, c.contains} {
			if s != "" && s != "-" {
				require.Contains(t, string(a.body), s)
			}
		}
	default:
		require.Contains(t, a.header.Get("Content-Type"), "application/json")
		e := a.errorBody(t)
		require.NotEmpty(t, e.Error)
		if c.rule != "" {
			require.Equal(t, strings.TrimPrefix(c.rule, "-"), e.Rule, "rule: %s", a.body)
		}
		if c.field != "" {
			require.Equal(t, strings.TrimPrefix(c.field, "-"), e.Field, "field: %s", a.body)
		}
		if c.contains != "" {
			require.Contains(t, e.Error, c.contains)
		}
	}
	requireUnchanged(t, b, c, before, after)
}

// requireUnchanged: nothing changed, except the one audited denial of a
// 403 answered to an authenticated caller, or of a 404 that hides another
// tenant's record (c.tenant).
func requireUnchanged(t *testing.T, b *testBundle, c badCase, before, after sqlstore.Snapshot) {
	t.Helper()
	denied := c.key != "" && (c.status == http.StatusForbidden || c.kind == kTenant && c.status == http.StatusNotFound)
	if !denied {
		require.Empty(t, before.Changed(after), "the request changed the database")
		require.Equal(t, before.Digest(), after.Digest())
		return
	}
	require.Equal(t, []string{"access_log", "audit"}, before.Changed(after), "a denial changes the access log only")
	old, now := before["audit"], after["audit"]
	require.Len(t, now, len(old)+1, "exactly one audit entry")
	require.Equal(t, old, now[:len(old)], "no earlier audit entry changed")
	p := auth.DemoKeys()[c.key]
	trail, err := b.app.Store.AuditTrail(t.Context(), "access_log/"+p.Name)
	require.NoError(t, err)
	require.NotEmpty(t, trail)
	require.Equal(t, fmt.Sprintf("denied %d %s", c.status, c.route), trail[len(trail)-1].Type)
	require.Contains(t, now[len(now)-1], "access_log/"+p.Name)
	// access_log: the principal's row (new or with a new head), nothing else.
	other := func(rows []string) []string {
		return slices.DeleteFunc(slices.Clone(rows), func(r string) bool {
			return strings.Contains(r, `"s`+p.Name+`";`) || strings.Contains(r, ":s"+p.Name+";")
		})
	}
	require.ElementsMatch(t, other(before["access_log"]), other(after["access_log"]))
}

// checkCompleteness fails when a route has no cases of a kind that applies
// to it, so a route added later without cases is caught.
func checkCompleteness(t *testing.T, routes []httpx.Route, cases []badCase) {
	t.Helper()
	have := map[string]map[badKind]int{}
	for _, c := range cases {
		if have[c.route] == nil {
			have[c.route] = map[badKind]int{}
		}
		have[c.route][c.kind]++
	}
	patterns := map[string]bool{}
	for _, r := range routes {
		patterns[r.Pattern] = true
		kinds := have[r.Pattern]
		need := func(k badKind, why string) {
			require.NotZero(t, kinds[k], "route %s has no %q case (%s)", r.Pattern, k, why)
		}
		if r.Roles != nil {
			need(kAnonymous, "it is not public")
		}
		if mutates(r.Pattern) {
			if _, ok := jsonRoutes[r.Pattern]; ok {
				for _, k := range bodyKinds {
					if k == kEmpty && emptyAllowed[r.Pattern] {
						continue
					}
					need(k, "it reads a JSON body")
				}
			} else {
				require.Contains(t, withoutBody, r.Pattern, "state-changing route %s: list it in jsonRoutes or withoutBody", r.Pattern)
			}
			if strings.Contains(r.Pattern, "{") {
				require.True(t, kinds[kUnknownID]+kinds[kBadParam] > 0, "route %s has no unknown-ID or bad-path case", r.Pattern)
			}
			if r.Roles != nil && len(r.Roles) < 4 {
				need(kWrongRole, "some role may not call it")
			}
			if r.Roles != nil {
				domain := kinds[kOrder] + kinds[kDate] + kinds[kChecksum] + kinds[kTenant] + kinds[kInvalid] + kinds[kContentType]
				require.NotZero(t, domain, "route %s has no domain case (order, date, checksum, tenant, value, content type)", r.Pattern)
			}
			continue
		}
		if slices.Contains(noParameters, r.Pattern) {
			continue
		}
		require.True(t, kinds[kUnknownID]+kinds[kBadParam]+kinds[kTenant]+kinds[kChecksum] > 0, "%s takes parameters but has no bad-parameter, unknown-ID or tenant case (or list it in noParameters)", r.Pattern)
	}
	for route := range have {
		require.True(t, patterns[route], "a case names route %q, which App.Routes does not have", route)
	}
}

// documentedStatuses reads the OpenAPI document's answers of each /v1
// operation, by route pattern.
func documentedStatuses(t *testing.T) map[string][]int {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(openapi.Document, &doc))
	out := map[string][]int{}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			var op struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if json.Unmarshal(raw, &op) != nil || op.Responses == nil {
				continue
			}
			pattern := strings.ToUpper(method) + " " + strings.Replace(path, "{id}", "{id...}", 1)
			if !strings.HasPrefix(path, "/v1/audit/") || strings.HasSuffix(path, "verify") {
				pattern = strings.ToUpper(method) + " " + path
			}
			for code := range op.Responses {
				var n int
				if _, err := fmt.Sscan(code, &n); err == nil {
					out[pattern] = append(out[pattern], n)
				}
			}
		}
	}
	return out
}

// at formats an instant for a JSON body.
func at(tm time.Time) string { return tm.Format(time.RFC3339) }
