package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/onboarding"
)

// fuzzRoutes are the API's request-body decode paths: every POST route,
// each step and action, reached through httpx.ReadJSON into its request
// type and on into the domain. {onboarding} is the seeded onboarding, {application} the
// seeded application.
var fuzzRoutes = []string{
	"/v1/onboardings",
	"/v1/onboardings/{onboarding}/request",
	"/v1/onboardings/{onboarding}/receipt",
	"/v1/onboardings/{onboarding}/appointment",
	"/v1/onboardings/{onboarding}/information",
	"/v1/onboardings/{onboarding}/entry",
	"/v1/onboardings/{onboarding}/change",
	"/v1/onboardings/{onboarding}/update",
	"/v1/onboardings/{onboarding}/replacement",
	"/v1/onboardings/{onboarding}/questions",
	"/v1/onboardings/{onboarding}/training",
	"/v1/onboardings/{onboarding}/protocol",
	"/v1/applications",
	"/v1/applications/{application}/components/birth-registration/result",
	"/v1/applications/{application}/components/birth-registration/refusal",
	"/v1/applications/{application}/components/birth-registration/payment",
	"/v1/applications/{application}/components/birth-registration/appeal",
	"/v1/applications/{application}/components/birth-registration/decision",
	"/v1/applications/{application}/components/birth-allowance/result",
}

// fuzzKeys are tried in order until one is not refused (403): the demo
// keys of the roles that may write, whatever the route table grants.
var fuzzKeys = []string{"demo-operator", "demo-citizen", "demo-registry", "demo-education", "demo-quality"}

// FuzzRequestBodies sends arbitrary bodies to every write route. Whatever
// the body, the server answers a 2xx with a JSON document, or a 4xx whose
// JSON error body names what is wrong (400 and 422 name the field); it
// never answers 500 and never panics.
func FuzzRequestBodies(f *testing.F) {
	cal := kz.Calendar()
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()))
	app, err := demoapp.Open(f.Context(), demoapp.Config{DSN: "sqlite://" + filepath.Join(f.TempDir(), "fuzz.db"), Calendar: cal, Clock: clock})
	require.NoError(f, err)
	f.Cleanup(func() { app.Close() })
	require.NoError(f, app.Seed(f.Context(), clock.Now()))
	obs, err := app.Store.ListOnboardings(f.Context(), onboarding.OnboardingFilter{})
	require.NoError(f, err)
	require.NotEmpty(f, obs)
	apps, err := app.Store.ListApplications(f.Context(), chain.ApplicationFilter{Recipient: demoapp.DemoRecipient})
	require.NoError(f, err)
	require.NotEmpty(f, apps)
	onboardingID, applicationID := obs[0].ID, apps[0].ID

	now := clock.Now().Format(time.RFC3339)
	sig, err := json.Marshal(chaintest.Sign(demoapp.DemoRecipient))
	require.NoError(f, err)
	f.Add(uint8(0), []byte(`{"service_id":"birth-registration","body_id":"registry-office","registered_on":"`+now+`","standard_approved_on":"`+now+`","actor":"ucc"}`))
	f.Add(uint8(1), []byte(`{"at":"`+now+`","actor":"ucc"}`))
	f.Add(uint8(3), []byte(`{"at":"`+now+`","actor":"body","person":{"name":"A","iin":"900101300017"}}`))
	f.Add(uint8(9), []byte(`{"at":"`+now+`","actor":"ucc","questions":["a","b"]}`))
	f.Add(uint8(12), []byte(`{"definition_id":"birth-of-a-child","recipient":"900101300017","document":"e30=","signature":`+string(sig)+`,"data":{"parent_iin":"900101300017"},"actor":"portal"}`))
	f.Add(uint8(13), []byte(`{"actor":"registrar","at":"`+now+`","channel":"electronic","reference":"AB-1","fields":{"child_iin":"250315600012","birth_record_number":"1"}}`))
	f.Add(uint8(14), []byte(`{"actor":"registrar","at":"`+now+`","ground":"false-data","reason":"x"}`))
	f.Add(uint8(17), []byte(`{"seq":1,"outcome":"upheld","at":"`+now+`"}`))
	f.Add(uint8(2), []byte(`{"at":"0001-01-01T00:00:00Z"} {}`))
	f.Add(uint8(5), []byte(`{"version":-1}`))
	f.Add(uint8(16), []byte(`{"at":"9999-12-31T23:59:59Z","reason":""}`))

	ids := strings.NewReplacer("{onboarding}", onboardingID, "{application}", applicationID)
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		path := ids.Replace(fuzzRoutes[int(route)%len(fuzzRoutes)])
		var rec *httptest.ResponseRecorder
		for _, key := range fuzzKeys {
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, path, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			rec = httptest.NewRecorder()
			app.Handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusForbidden {
				break
			}
		}
		switch rec.Code {
		case http.StatusOK, http.StatusCreated:
			require.True(t, json.Valid(rec.Body.Bytes()), "%s %q: %s", path, body, rec.Body)
		case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusNotFound, http.StatusConflict, http.StatusForbidden, http.StatusRequestEntityTooLarge:
			var e httpx.ErrorBody
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), "%s %q: %s", path, body, rec.Body)
			require.NotEmpty(t, e.Error, "%s %q", path, body)
			if rec.Code == http.StatusBadRequest || rec.Code == http.StatusUnprocessableEntity {
				require.NotEmpty(t, e.Field, "%s %q: %s", path, body, rec.Body)
			}
		default:
			require.Failf(t, "unexpected status", "%s %q: %d %s", path, body, rec.Code, rec.Body)
		}
	})
}
