package demoapp_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/onboarding"
)

// TestAccessPolicyIsTheDocumentedOne pins the roles of the routes to the
// table in the api package doc, so that loosening one is a visible change.
func TestAccessPolicyIsTheDocumentedOne(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const (
		all     = "operator body quality citizen"
		opsBody = "operator body"
		opsCit  = "operator citizen"
	)
	want := map[string]string{
		"GET /healthz": "", "GET /readyz": "", "GET /login": "", "POST /login": "", "POST /logout": "", "GET /openapi.json": "",
		"GET /v1/calendar/kz/{year}": "", "GET /v1/terms": "",
		"GET /metrics": "operator",
		"GET /desk":    "operator", "GET /v1/desk/services": "operator", "GET /v1/desk/services/{key}": "operator",
		"GET /v1/desk/recipients/{recipient}": "operator", "GET /v1/desk/applications/{number}": "operator",
		"GET /v1/bodies": all, "GET /v1/services": all, "GET /v1/consultable": all, "GET /v1/definitions/{id}": all,
		"GET /v1/onboardings": opsBody, "POST /v1/onboardings": opsBody, "GET /v1/onboardings/{id}": opsBody,
		"POST /v1/onboardings/{id}/{step}":                           opsBody,
		"GET /v1/deadlines":                                          "operator quality body",
		"POST /v1/applications":                                      opsCit,
		"POST /v1/applications/{id}/components/{component}/result":   opsBody,
		"POST /v1/applications/{id}/components/{component}/refusal":  opsBody,
		"POST /v1/applications/{id}/components/{component}/decision": opsBody,
		"POST /v1/applications/{id}/components/{component}/payment":  opsCit,
		"POST /v1/applications/{id}/components/{component}/appeal":   opsCit,
		"GET /v1/applications/{id}/ucc":                              "operator quality",
		"GET /v1/recipients/{recipient}/applications":                opsCit,
		"GET /v1/recipients/{recipient}/applications/{id}":           opsCit,
	}
	got := map[string]string{}
	for _, r := range b.app.Routes {
		roles := make([]string, len(r.Roles))
		for i, role := range r.Roles {
			roles[i] = string(role)
		}
		got[r.Pattern] = strings.Join(roles, " ")
	}
	for pattern, roles := range want {
		g, ok := got[pattern]
		require.True(t, ok, "route %s is missing", pattern)
		w := strings.Fields(roles)
		slices.Sort(w)
		gs := strings.Fields(g)
		slices.Sort(gs)
		require.Equal(t, w, gs, pattern)
	}
}

// TestBodiesSeeOnlyTheirOwnOnboardings: the education department's person
// cannot see, list, filter for or advance the registry office's
// onboarding; the answer is the one for a missing onboarding, and nothing
// changes.
func TestBodiesSeeOnlyTheirOwnOnboardings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	day := b.clock.Now().AddDate(0, 0, -1)
	a := b.call(t, "demo-registry", "POST", "/v1/onboardings", map[string]any{
		"service_id": "marriage-registration", "body_id": "registry-office",
		"registered_on": day, "standard_approved_on": day, "actor": "registry",
	})
	require.Equal(t, http.StatusCreated, a.status, string(a.body))
	registryOB := onboardingOf(t, a).ID
	a = b.call(t, "demo-registry", "POST", "/v1/onboardings/"+registryOB+"/request", map[string]any{"at": b.clock.Now(), "actor": "registry"})
	require.Equal(t, http.StatusOK, a.status, string(a.body))

	// Reading or advancing another body's onboarding is 404, exactly as a
	// missing one's.
	foreign := b.call(t, "demo-education", "GET", "/v1/onboardings/"+registryOB, nil)
	missing := b.call(t, "demo-education", "GET", "/v1/onboardings/no-such-onboarding", nil)
	require.Equal(t, http.StatusNotFound, foreign.status)
	require.Equal(t, http.StatusNotFound, missing.status)
	require.Equal(t, strings.ReplaceAll(foreign.errorBody(t).Error, registryOB, "ID"), strings.ReplaceAll(missing.errorBody(t).Error, "no-such-onboarding", "ID"))
	step := b.call(t, "demo-education", "POST", "/v1/onboardings/"+registryOB+"/receipt", map[string]any{"at": b.clock.Now(), "actor": "edu"})
	require.Equal(t, http.StatusNotFound, step.status, string(step.body))
	o, err := b.app.Onboarding.Get(t.Context(), registryOB)
	require.NoError(t, err)
	require.Equal(t, onboarding.StateRequestSent, o.State, "nothing changed: the receipt would have been valid")

	// Starting an onboarding for another body is forbidden, naming the field.
	start := b.call(t, "demo-education", "POST", "/v1/onboardings", map[string]any{
		"service_id": "marriage-registration", "body_id": "registry-office", "registered_on": day, "standard_approved_on": day, "actor": "edu",
	})
	require.Equal(t, http.StatusForbidden, start.status)
	require.Equal(t, "body_id", start.errorBody(t).Field)

	// Lists are scoped; asking for another body is forbidden.
	var list []onboarding.Onboarding
	decode(t, b.call(t, "demo-education", "GET", "/v1/onboardings", nil), &list)
	require.Len(t, list, 1)
	require.Equal(t, "education-department", list[0].BodyID)
	decode(t, b.call(t, "demo-operator", "GET", "/v1/onboardings", nil), &list)
	require.Len(t, list, 2, "the operator sees both")
	for _, path := range []string{"/v1/onboardings?body=registry-office", "/v1/deadlines?body=registry-office"} {
		a := b.call(t, "demo-education", "GET", path, nil)
		require.Equal(t, http.StatusForbidden, a.status, path)
		require.Equal(t, "body", a.errorBody(t).Field, path)
	}
	var board []onboarding.StepStatus
	decode(t, b.call(t, "demo-education", "GET", "/v1/deadlines", nil), &board)
	require.NotEmpty(t, board)
	for _, s := range board {
		require.Equal(t, "education-department", s.BodyID)
	}

	// The registry office's own person may; and not the education's.
	a = b.call(t, "demo-registry", "POST", "/v1/onboardings/"+registryOB+"/receipt", map[string]any{"at": b.clock.Now(), "actor": "registry"})
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	require.Equal(t, http.StatusNotFound, b.call(t, "demo-registry", "GET", "/v1/onboardings/"+b.onboardingID, nil).status)
}

// TestProvidersActOnlyOnTheirOwnComponents: birth registration is the
// registry office's; the education department cannot record its result.
func TestProvidersActOnlyOnTheirOwnComponents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	path := "/v1/applications/" + b.applicationID + "/components/birth-registration/result"
	result := map[string]any{
		"actor": "registrar", "at": b.clock.Now(), "channel": "electronic", "reference": "AB-1",
		"fields": map[string]string{"child_iin": "250315600012", "birth_record_number": "1"},
	}
	foreign := b.call(t, "demo-education", "POST", path, result)
	require.Equal(t, http.StatusNotFound, foreign.status, string(foreign.body))
	missing := b.call(t, "demo-education", "POST", "/v1/applications/no-such-app/components/birth-registration/result", result)
	require.Equal(t, http.StatusNotFound, missing.status)
	require.Equal(t, strings.ReplaceAll(foreign.errorBody(t).Error, b.applicationID, "ID"), strings.ReplaceAll(missing.errorBody(t).Error, "no-such-app", "ID"))
	app, err := b.app.Store.GetApplication(t.Context(), b.applicationID)
	require.NoError(t, err)
	require.Nil(t, app.Component("birth-registration").Result, "nothing changed")

	delete(result, "actor")
	a := b.call(t, "demo-registry", "POST", path, result)
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	var done chain.Application
	require.NoError(t, json.Unmarshal(a.body, &done))
	require.NotNil(t, done.Component("birth-registration").Result)
	var last chain.Event
	for _, e := range done.History {
		if e.Component == "birth-registration" {
			last = e
		}
	}
	require.Equal(t, "Registry office", last.Actor, "without an actor the caller is recorded: %+v", last)
}

// TestCitizensSeeOnlyTheirOwnApplications: the second citizen cannot read,
// pay for, appeal or file the first one's applications.
func TestCitizensSeeOnlyTheirOwnApplications(t *testing.T) {
	t.Parallel()
	b := setup(t)
	own := "/v1/recipients/" + demoapp.DemoRecipient + "/applications"
	require.Equal(t, http.StatusOK, b.call(t, "demo-citizen", "GET", own, nil).status)
	require.Equal(t, http.StatusOK, b.call(t, "demo-citizen", "GET", own+"/"+b.applicationID, nil).status)
	require.Equal(t, http.StatusOK, b.call(t, "demo-operator", "GET", own, nil).status)
	for _, path := range []string{own, own + "/" + b.applicationID} {
		a := b.call(t, "demo-citizen2", "GET", path, nil)
		require.Equal(t, http.StatusNotFound, a.status, path)
		require.NotContains(t, string(a.body), "Aisulu", path)
	}
	for _, action := range []string{"payment", "appeal"} {
		a := b.call(t, "demo-citizen2", "POST", "/v1/applications/"+b.applicationID+"/components/birth-registration/"+action, map[string]any{"actor": "c2", "at": b.clock.Now(), "reason": "x"})
		require.Equal(t, http.StatusNotFound, a.status, action)
	}

	submit := map[string]any{
		"definition_id": "birth-of-a-child", "recipient": demoapp.DemoRecipient, "actor": "portal",
		"document": []byte(`{}`), "signature": chaintest.Sign(demoapp.DemoRecipient),
	}
	a := b.call(t, "demo-citizen2", "POST", "/v1/applications", submit)
	require.Equal(t, http.StatusForbidden, a.status, string(a.body))
	e := a.errorBody(t)
	require.Equal(t, "recipient", e.Field)
	require.Equal(t, "Rules472 p.8", e.Rule)
	a = b.call(t, "demo-citizen", "POST", "/v1/applications", submit)
	require.Equal(t, http.StatusCreated, a.status, string(a.body))

	var views []map[string]any
	decode(t, b.call(t, "demo-citizen", "GET", own, nil), &views)
	require.Len(t, views, 2, "the seeded one and the new one; citizen2's attempt filed nothing")
}

// TestLoginSessionReachesTheAPI: a browser logs in with a key and its
// session cookie authenticates API calls with the same principal.
func TestLoginSessionReachesTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.send(t, "", "POST", "/login", "application/x-www-form-urlencoded", strings.NewReader("key=demo-citizen2&next=/v1/bodies"))
	require.Equal(t, http.StatusSeeOther, a.status)
	var cookie string
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		if c.Name == auth.SessionCookie {
			cookie = c.Value
		}
	}
	require.NotEmpty(t, cookie)
	get := func(path string) int {
		req, err := http.NewRequestWithContext(t.Context(), "GET", b.srv.URL+path, nil)
		require.NoError(t, err)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, get("/v1/recipients/850515400012/applications"))
	require.Equal(t, http.StatusNotFound, get("/v1/recipients/"+demoapp.DemoRecipient+"/applications"))
	require.Equal(t, http.StatusForbidden, get("/v1/deadlines"))
}

// TestDenialsAreAudited: each 403 of an authenticated caller, and each 404
// that hides another tenant's record, lands in their access chain of the
// tamper-evident audit log, naming the route; a 404 for a record that does
// not exist does not.
func TestDenialsAreAudited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.Equal(t, http.StatusForbidden, b.call(t, "demo-citizen2", "GET", "/v1/deadlines", nil).status)
	require.Equal(t, http.StatusForbidden, b.call(t, "demo-citizen2", "POST", "/v1/applications", map[string]any{"recipient": demoapp.DemoRecipient}).status)
	require.Equal(t, http.StatusOK, b.call(t, "demo-citizen2", "GET", "/v1/bodies", nil).status)
	require.Equal(t, http.StatusUnauthorized, b.call(t, "", "GET", "/v1/deadlines", nil).status)
	require.Equal(t, http.StatusNotFound, b.call(t, "demo-citizen2", "GET", "/v1/recipients/"+demoapp.DemoRecipient+"/applications", nil).status)
	require.Equal(t, http.StatusNotFound, b.call(t, "demo-citizen2", "GET", "/v1/recipients/850515400012/applications/no-such-application", nil).status)

	trail, err := b.app.Store.AuditTrail(t.Context(), "access_log/Citizen 850515400012")
	require.NoError(t, err)
	var got []string
	for _, e := range trail {
		got = append(got, e.Type)
	}
	require.Equal(t, []string{"denied 403 GET /v1/deadlines", "denied 403 POST /v1/applications", "denied 404 GET /v1/recipients/{recipient}/applications"}, got)
	require.NoError(t, b.app.Store.VerifyAudit(t.Context()))
}

// TestAnonymousBrowserLogsInAndComesBack: an HTML page sends an anonymous
// browser to the log-in form and the form back to the page; a wrong role
// still gets 403, and the JSON API still answers 401.
func TestAnonymousBrowserLogsInAndComesBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.call(t, "", "GET", "/desk?lang=ru", nil)
	require.Equal(t, http.StatusSeeOther, a.status)
	loc := a.header.Get("Location")
	require.Equal(t, "/login?next=%2Fdesk%3Flang%3Dru", loc)
	page := b.call(t, "", "GET", loc, nil)
	require.Equal(t, http.StatusOK, page.status)
	require.Contains(t, string(page.body), `name="next" value="/desk?lang=ru"`)

	a = b.send(t, "", "POST", "/login", "application/x-www-form-urlencoded", strings.NewReader("key=demo-operator&next=%2Fdesk%3Flang%3Dru"))
	require.Equal(t, http.StatusSeeOther, a.status)
	require.Equal(t, "/desk?lang=ru", a.header.Get("Location"))

	require.Equal(t, http.StatusForbidden, b.call(t, "demo-citizen", "GET", "/desk", nil).status)
	require.Equal(t, http.StatusUnauthorized, b.call(t, "", "GET", "/v1/desk/services", nil).status)
}
