package reportsapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/examples/internal/reportsapi"
	"github.com/qyzmet/qyzmet/reports"
)

// routes returns the route table over the bundle's app, by pattern.
func routes(b *testBundle) map[string]httpx.Route {
	out := map[string]httpx.Route{}
	for _, r := range reportsapi.Routes(reportsapi.Deps{
		Reports: b.app.Reports, Appeals: b.app.Store, Catalogue: b.app.Store, Onboardings: b.app.Store, Ledgers: b.app.Store,
		Audit: b.app.Store, Calendar: kz.Calendar(), Clock: b.clock,
	}) {
		out[r.Pattern] = r
	}
	return out
}

func TestRoutesAreClosedToCitizensAndAnonymous(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rs := routes(b)
	require.Len(t, rs, 18, "patterns are unique")
	for pattern, r := range rs {
		require.NotNil(t, r.Roles, "%s is not public", pattern)
		require.NotContains(t, r.Roles, auth.Citizen, pattern)
		if strings.Contains(pattern, " /v1/audit") {
			require.ElementsMatch(t, []auth.Role{auth.Operator, auth.QualityAuthority}, r.Roles, pattern)
			continue // staff's, reading or verifying
		}
		if strings.HasPrefix(pattern, "POST ") && !slices.Contains([]string{"POST /v1/reconciliations", "POST /v1/reports/monthly/{period}/{recipient}/acknowledged"}, pattern) {
			require.Equal(t, []auth.Role{auth.Operator}, r.Roles, pattern)
		}
	}
}

// TestHandlersScopeByPrincipal calls the handlers without the auth
// middleware, with the principal put into the context as auth does.
func TestHandlersScopeByPrincipal(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mux := http.NewServeMux()
	for _, r := range routes(b) {
		mux.Handle(r.Pattern, r.Handler) // no auth.Allow: the handlers' own scoping only
	}
	serve := func(p *auth.Principal, path string) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(t.Context(), "GET", path, nil)
		if p != nil {
			req = req.WithContext(auth.WithPrincipal(req.Context(), *p))
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}
	keys := auth.DemoKeys()
	education, registry, quality := keys[educationKey], keys[registryKey], keys[qualityKey]
	id := b.seeded(feb, "education-department")[0].ID

	require.Equal(t, http.StatusUnauthorized, serve(nil, "/v1/appeals/"+id).Code, "no principal, no answer")
	require.Equal(t, http.StatusNotFound, serve(&registry, "/v1/appeals/"+id).Code)
	rec := serve(&education, "/v1/appeals/"+id)
	require.Equal(t, http.StatusOK, rec.Code)
	var a reports.Appeal
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a))
	require.True(t, strings.HasSuffix(a.ApplicantIIN, "******"))

	rec = serve(&quality, "/v1/appeals?period=2025-02&body=education-department")
	require.Equal(t, http.StatusOK, rec.Code)
	var list []reports.Appeal
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	require.Len(t, list, len(b.seeded(feb, "education-department")))

	require.Equal(t, http.StatusNotFound, serve(&registry, "/v1/reports/monthly/2025-02/json?body=education-department").Code)
	require.Equal(t, http.StatusOK, serve(&registry, "/v1/reports/monthly/2025-02/json").Code)
}
