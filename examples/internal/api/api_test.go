package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
	"github.com/qyzmet/qyzmet/onboarding"
)

type testBundle struct {
	srv   *httptest.Server
	clock *deadlinestest.Clock
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	cal := kz.Calendar()
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()))
	app, err := demoapp.Open(t.Context(), demoapp.Config{DSN: "sqlite://" + filepath.Join(t.TempDir(), "api.db"), Calendar: cal, Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { app.Close() })
	require.NoError(t, app.Seed(t.Context(), clock.Now()))
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	return &testBundle{srv: srv, clock: clock}
}

// do sends a JSON request as the demo operator and decodes the answer into out (if not nil),
// returning the status.
func (b *testBundle) do(t *testing.T, method, path string, in, out any) int {
	t.Helper()
	var body bytes.Buffer
	if in != nil {
		require.NoError(t, json.NewEncoder(&body).Encode(in))
	}
	req, err := http.NewRequestWithContext(t.Context(), method, b.srv.URL+path, &body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer demo-operator")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if out != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	}
	return resp.StatusCode
}

func TestOnboardingOverHTTP(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var list []onboarding.Onboarding
	require.Equal(t, http.StatusOK, b.do(t, "GET", "/v1/onboardings", nil, &list))
	require.Len(t, list, 1, "the seeded onboarding")
	id := list[0].ID
	var board []onboarding.StepStatus
	require.Equal(t, http.StatusOK, b.do(t, "GET", "/v1/deadlines", nil, &board))
	require.Len(t, board, 1)
	require.Equal(t, "request", board[0].Step, "the Appendix 1 request is due (p.4)")
	require.Equal(t, "Rules130 p.4", board[0].Rule.String())

	var o onboarding.Onboarding
	require.Equal(t, http.StatusOK, b.do(t, "POST", "/v1/onboardings/"+id+"/request", map[string]any{"at": b.clock.Now(), "actor": "ucc"}, &o))
	require.Equal(t, onboarding.StateRequestSent, o.State)

	// Repeating the step is a conflict naming the rule; nothing changes.
	var e httpx.ErrorBody
	require.Equal(t, http.StatusConflict, b.do(t, "POST", "/v1/onboardings/"+id+"/request", map[string]any{"at": b.clock.Now(), "actor": "ucc"}, &e))
	require.Equal(t, "Rules130 p.4", e.Rule)
	// Bad input names the field.
	require.Equal(t, http.StatusBadRequest, b.do(t, "POST", "/v1/onboardings/"+id+"/receipt", map[string]any{"actor": "body"}, &e))
	require.Equal(t, "at", e.Field, "the request's name for the time, not the domain's received_at")
	require.Equal(t, http.StatusBadRequest, b.do(t, "POST", "/v1/onboardings/"+id+"/receipt", map[string]any{"actor": "body", "colour": "red"}, &e))
	require.Equal(t, "body", e.Field)
	require.Equal(t, http.StatusNotFound, b.do(t, "POST", "/v1/onboardings/nope/receipt", map[string]any{"at": b.clock.Now(), "actor": "body"}, &e))
}

func TestCompositeApplicationOverHTTP(t *testing.T) {
	t.Parallel()
	b := setup(t)
	recipient := demoapp.DemoRecipient
	var a chain.Application
	require.Equal(t, http.StatusCreated, b.do(t, "POST", "/v1/applications", map[string]any{
		"definition_id": "birth-of-a-child", "recipient": recipient, "actor": "portal",
		"document": []byte(`{"child":"Dana"}`), "signature": chaintest.Sign(recipient), "facts": []string{"filed_late"},
	}, &a))
	require.Equal(t, chain.StatusInProgress, a.Component("birth-registration").Status)

	path := "/v1/applications/" + a.ID + "/components/"
	require.Equal(t, http.StatusOK, b.do(t, "POST", path+"birth-registration/result", map[string]any{
		"actor": "registrar", "at": b.clock.Now(), "channel": "electronic", "reference": "AB-1",
		"fields": map[string]string{"child_iin": "250315600012", "birth_record_number": "1"},
	}, &a))
	require.Equal(t, chain.StatusInProgress, a.Component("birth-allowance").Status)

	var e httpx.ErrorBody
	require.Equal(t, http.StatusBadRequest, b.do(t, "POST", path+"kindergarten-queue/refusal", map[string]any{
		"actor": "edu", "at": b.clock.Now(), "ground": "too-young", "reason": "x",
	}, &e))
	require.Equal(t, "Rules472 p.10", e.Rule)

	var view chain.RecipientView
	require.Equal(t, http.StatusOK, b.do(t, "GET", "/v1/recipients/"+recipient+"/applications/"+a.ID+"?lang=ru", nil, &view))
	require.Equal(t, "Исполнено", view.Components[0].StatusLabel)
	require.Equal(t, http.StatusNotFound, b.do(t, "GET", "/v1/recipients/900101300027/applications/"+a.ID, nil, &e), "only the recipient's own")

	var u chain.UCCView
	require.Equal(t, http.StatusOK, b.do(t, "GET", "/v1/applications/"+a.ID+"/ucc", nil, &u))
	require.Equal(t, "Registry office", u.Components[0].Provider)
	require.NotEmpty(t, u.History)

	require.Equal(t, http.StatusBadRequest, b.do(t, "POST", "/v1/applications", map[string]any{
		"definition_id": "birth-of-a-child", "recipient": recipient, "actor": "portal",
		"document": []byte(`{}`), "signature": []byte("forged"),
	}, &e))
	require.Equal(t, "Rules472 p.8", e.Rule)
	require.Equal(t, "signature", e.Field)
}
