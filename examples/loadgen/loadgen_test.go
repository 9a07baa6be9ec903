package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/adapters/sqlstore/sqlstoretest"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
)

func TestParseTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "http://127.0.0.1:8080", want: []string{"http://127.0.0.1:8080"}},
		{in: "http://127.0.0.1:1/, http://[::1]:2,http://localhost:3", want: []string{"http://127.0.0.1:1", "http://[::1]:2", "http://localhost:3"}},
		{in: "http://127.9.9.9:1", want: []string{"http://127.9.9.9:1"}},
		{in: "http://10.0.0.1:8080", wantErr: "loopback"},
		{in: "http://127.0.0.1:8080,https://example.com", wantErr: "loopback"},
		{in: "http://localhost.example.com:80", wantErr: "loopback"},
		{in: "ftp://127.0.0.1", wantErr: "http or https"},
		{in: " , ", wantErr: "at least one"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseTargets(tt.in)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			var s []string
			for _, u := range got {
				s = append(s, u.String())
			}
			require.Equal(t, tt.want, s)
		})
	}
}

func TestParseMix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"reads=90,writes=10", 90, true},
		{"writes=100,reads=0", 0, true},
		{"reads=90", 0, false},
		{"reads=50,writes=60", 0, false},
		{"reads=-10,writes=110", 0, false},
		{"reeds=90,writes=10", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseMix(tt.in)
			if !tt.ok {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestRun_BadArguments(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-targets", "http://192.0.2.1:8080"},
		{"-clients", "0"},
		{"-duration", "0s"},
		{"-mix", "reads=1"},
		{"stray"},
	} {
		require.Error(t, run(t.Context(), args, &bytes.Buffer{}), "%q", args)
	}
}

// instances opens n demo apps on one database, each with its own pool,
// seeds it once and serves each over HTTP: n server instances.
func instances(t *testing.T, dsn string, n int) []string {
	t.Helper()
	cal := kz.Calendar()
	var targets []string
	for i := range n {
		app, err := demoapp.Open(t.Context(), demoapp.Config{DSN: dsn, Calendar: cal, Clock: deadlines.SystemClock{}})
		require.NoError(t, err)
		t.Cleanup(func() { app.Close() })
		if i == 0 {
			require.NoError(t, app.Seed(t.Context(), time.Now()))
		}
		srv := httptest.NewServer(app.Handler)
		t.Cleanup(srv.Close)
		targets = append(targets, srv.URL)
	}
	return targets
}

// TestLoad runs the generator for about five seconds with 16 clients
// against three instances sharing one database: no request fails and the
// database holds exactly the writes that succeeded.
func TestLoad(t *testing.T) {
	t.Parallel()
	dbs := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "load.db") },
		"postgres": func(t *testing.T) string {
			base := os.Getenv("QYZMET_TEST_POSTGRES")
			if base == "" {
				t.Skip("QYZMET_TEST_POSTGRES is not set")
			}
			return sqlstoretest.Schema(t, base, "load")
		},
	}
	for name, dsn := range dbs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			targets := instances(t, dsn(t), 3)
			var out bytes.Buffer
			err := run(t.Context(), []string{"-targets", strings.Join(targets, ","), "-duration", "5s", "-clients", "16", "-mix", "reads=90,writes=10"}, &out)
			t.Log("\n" + out.String())
			require.NoError(t, err, "no request failed and no write was lost")
			require.Contains(t, out.String(), "reconciled: ")
			require.NotContains(t, out.String(), "reads         0 ok")
			require.NotContains(t, out.String(), "writes        0 ok")
		})
	}
}

// TestRun_RequestsBound: -requests stops the run before -duration.
func TestRun_RequestsBound(t *testing.T) {
	t.Parallel()
	targets := instances(t, "sqlite://"+filepath.Join(t.TempDir(), "bound.db"), 1)
	u, err := parseTargets(targets[0])
	require.NoError(t, err)
	rep, err := Run(t.Context(), Config{Targets: u, Duration: time.Minute, Clients: 4, Requests: 40, ReadPercent: 50})
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	require.Equal(t, 40, rep.Kinds[Read].OK+rep.Kinds[Write].OK)
	require.Less(t, rep.Elapsed, time.Minute)
	require.Equal(t, rep.Submitted, rep.SubmittedStored)
	require.Equal(t, rep.Completed, rep.CompletedStored)
}
