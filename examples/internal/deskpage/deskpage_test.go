package deskpage_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

func setup(t *testing.T) *httptest.Server {
	t.Helper()
	cal := kz.Calendar()
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()))
	app, err := demoapp.Open(t.Context(), demoapp.Config{DSN: "sqlite://" + filepath.Join(t.TempDir(), "desk.db"), Calendar: cal, Clock: clock})
	require.NoError(t, err)
	t.Cleanup(func() { app.Close() })
	require.NoError(t, app.Seed(t.Context(), clock.Now()))
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer demo-operator") // the desk is the operator's
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestDeskPageAnswersByIINAndByName(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	status, body := get(t, srv, "/desk?lang=ru&q="+demoapp.DemoRecipient)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Рождение ребенка", "the citizen's composite application")
	require.Contains(t, body, "900101******", "the answer masks the IIN")
	require.Equal(t, 1, strings.Count(body, demoapp.DemoRecipient), "only the search box echoes what the operator typed")

	// The same service by its Kazakh and Russian names: not accepted for
	// consultation yet (Rules130 p.3), so no information is given.
	for _, q := range []string{"тууын тіркеу", "регистрация рождения", "РОЖДЕНИЯ"} {
		status, body := get(t, srv, "/desk?lang=ru&q="+url.QueryEscape(q))
		require.Equal(t, http.StatusOK, status, q)
		require.Contains(t, body, "Регистрация рождения ребенка", q)
		require.Contains(t, body, "Rules130 p.3", q)
	}
}

func TestDeskJSON(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	status, body := get(t, srv, "/v1/desk/recipients/"+demoapp.DemoRecipient+"?lang=en")
	require.Equal(t, http.StatusOK, status, body)
	var apps []desk.ApplicationAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &apps))
	require.Len(t, apps, 1)
	require.True(t, apps[0].Composite)
	require.Len(t, apps[0].Components, 3)

	status, body = get(t, srv, "/v1/desk/recipients/900101300027?lang=en")
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, "[]", body, "another citizen sees nothing of the demo's")
	status, _ = get(t, srv, "/v1/desk/recipients/123?lang=en")
	require.Equal(t, http.StatusBadRequest, status)
}
