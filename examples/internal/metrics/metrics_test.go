package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/metrics"
)

type source struct {
	open, backlog, pending int
	oldest                 time.Time
	err                    error
	block                  bool
}

func (s source) wait(ctx context.Context) error {
	if s.block {
		<-ctx.Done()
		return ctx.Err()
	}
	return s.err
}

func (s source) OpenTimers(ctx context.Context) (int, error) { return s.open, s.wait(ctx) }
func (s source) SweepBacklog(ctx context.Context, _ time.Time) (int, error) {
	return s.backlog, s.wait(ctx)
}

func (s source) OutboxStats(ctx context.Context) (int, time.Time, int, error) {
	return s.pending, s.oldest, 0, s.wait(ctx)
}

func scrape(t *testing.T, m *metrics.Metrics) (int, string) {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, err := io.ReadAll(w.Body)
	require.NoError(t, err)
	return w.Code, string(body)
}

func TestGaugesAndCounters(t *testing.T) {
	t.Parallel()
	clock := deadlines.ClockFunc(func() time.Time { return time.Date(2025, 3, 17, 10, 0, 0, 0, time.UTC) })
	m := metrics.New(metrics.Config{
		Source: source{open: 4, backlog: 2, pending: 3, oldest: time.Now().Add(-time.Minute)}, Clock: clock,
		Overdue: func(context.Context) (int, error) { return 5, nil },
	})
	m.ObserveRequest("GET /v1/bodies", 200, 3*time.Millisecond)
	m.ObserveRequest("", 404, time.Millisecond)
	m.Escalated("onboarding", deadlines.Cite(deadlines.Rules130, 12))
	m.Escalated("onboarding", deadlines.Cite(deadlines.Rules130, 12))
	status, body := scrape(t, m)
	require.Equal(t, http.StatusOK, status)
	for _, want := range []string{
		"qyzmet_open_timers 4\n", "qyzmet_sweep_backlog 2\n", "qyzmet_overdue_steps 5\n", "qyzmet_outbox_pending 3\n",
		`qyzmet_http_request_duration_seconds_count{route="GET /v1/bodies",status="200"} 1`,
		`qyzmet_http_request_duration_seconds_count{route="unmatched",status="404"} 1`,
		`qyzmet_escalations_fired_total{kind="onboarding",rule="Rules130 p.12"} 2`,
		"go_goroutines ",
	} {
		require.Contains(t, body, want)
	}
	require.Regexp(t, `qyzmet_outbox_lag_seconds (5\d|6\d)(\.\d+)?(e\+\d+)?\n`, body, "about a minute")
}

// TestSlowOrFailingStoreDoesNotHangTheScrape: a store read that fails or
// outlives the timeout leaves its gauge out, is counted per gauge, and the
// scrape still answers promptly with everything else.
func TestSlowOrFailingStoreDoesNotHangTheScrape(t *testing.T) {
	t.Parallel()
	clock := deadlines.ClockFunc(time.Now)
	for _, src := range []source{{err: errors.New("db down")}, {block: true}} {
		m := metrics.New(metrics.Config{Source: src, Clock: clock, Timeout: 50 * time.Millisecond})
		start := time.Now()
		status, body := scrape(t, m)
		require.Less(t, time.Since(start), 5*time.Second)
		require.Equal(t, http.StatusOK, status, body)
		require.NotContains(t, body, "qyzmet_open_timers ")
		require.Contains(t, body, "go_goroutines ")
		_, body = scrape(t, m)
		// The counter is gathered alongside the gauges: it shows at least
		// the first scrape's error.
		require.Regexp(t, `qyzmet_scrape_errors_total\{gauge="open_timers"\} [12]\n`, body)
		require.Regexp(t, `qyzmet_scrape_errors_total\{gauge="outbox"\} [12]\n`, body)
	}
}
