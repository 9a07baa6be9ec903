package reportsapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/deadlines/kz"
	"github.com/qyzmet/qyzmet/examples/internal/auth"
	"github.com/qyzmet/qyzmet/examples/internal/demoapp"
	"github.com/qyzmet/qyzmet/reports"
)

// BenchmarkMonthlyDownload measures the HTTP download of February's full
// report (240 appeals, SQLite) against its baseline, reports.Service.Render
// of the same month to the same writer in process: the difference is what
// the API adds (routing, auth, headers, the response).
func BenchmarkMonthlyDownload(b *testing.B) {
	cal := kz.Calendar()
	clock := deadlinestest.NewClock(time.Date(2025, time.March, 17, 10, 0, 0, 0, cal.Location()))
	app, err := demoapp.Open(b.Context(), demoapp.Config{DSN: "sqlite://" + filepath.Join(b.TempDir(), "bench.db"), Calendar: cal, Clock: clock})
	require.NoError(b, err)
	b.Cleanup(func() { app.Close() })
	require.NoError(b, app.Seed(b.Context(), clock.Now()))
	authn, err := auth.NewAuthenticator(auth.DemoKeys(), bytes.Repeat([]byte("k"), 32), clock.Now)
	require.NoError(b, err)
	h := authn.Middleware(app.Handler)

	b.Run("baseline=Render/csv", func(b *testing.B) {
		for b.Loop() {
			_, err := app.Reports.Render(b.Context(), feb, "quality-authority", reports.NewCSVWriter(io.Discard, "kk"))
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, format := range []string{"csv", "json", "xlsx", "html"} {
		b.Run("http/"+format, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequestWithContext(b.Context(), "GET", "/v1/reports/monthly/2025-02/"+format+"?lang=kk", nil)
				req.Header.Set("Authorization", "Bearer "+qualityKey)
				rec := &discardRecorder{header: http.Header{}}
				h.ServeHTTP(rec, req)
				if rec.status != http.StatusOK {
					b.Fatal(rec.status)
				}
			}
		})
	}
}

// discardRecorder is a ResponseWriter that keeps only the status.
type discardRecorder struct {
	header http.Header
	status int
}

func (d *discardRecorder) Header() http.Header { return d.header }
func (d *discardRecorder) Write(p []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	return len(p), nil
}
func (d *discardRecorder) WriteHeader(s int) { d.status = s }
