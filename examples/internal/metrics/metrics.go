package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Source is what the store gauges read; *sqlstore.Store implements it.
type Source interface {
	OpenTimers(ctx context.Context) (int, error)
	SweepBacklog(ctx context.Context, now time.Time) (int, error)
	OutboxStats(ctx context.Context) (pending int, oldest time.Time, failing int, err error)
}

// Config is what New needs.
type Config struct {
	Source Source
	// Overdue counts the breached open onboarding steps; nil leaves the
	// gauge out.
	Overdue func(ctx context.Context) (int, error)
	Clock   deadlines.Clock
	// Timeout bounds each scrape's store reads; zero means 2s.
	Timeout time.Duration
}

// Metrics is one server's registry and instruments. Each App has its own
// registry, so tests can run several side by side.
type Metrics struct {
	Registry     *prometheus.Registry
	requests     *prometheus.HistogramVec
	escalations  *prometheus.CounterVec
	scrapeErrors *prometheus.CounterVec
}

// New registers the instruments and the store gauges on a new registry.
func New(cfg Config) *Metrics {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Second
	}
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "qyzmet_http_request_duration_seconds", Help: "HTTP request latency by route pattern and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "status"}),
		escalations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qyzmet_escalations_fired_total", Help: "Escalation rungs fired by the sweeper, by kind and rule.",
		}, []string{"kind", "rule"}),
		scrapeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qyzmet_scrape_errors_total", Help: "Store reads that failed or timed out while collecting a gauge.",
		}, []string{"gauge"}),
	}
	m.Registry.MustRegister(m.requests, m.escalations, m.scrapeErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if cfg.Source != nil {
		m.Registry.MustRegister(&storeCollector{cfg: cfg, errs: m.scrapeErrors})
	}
	return m
}

// ObserveRequest records one request's latency.
func (m *Metrics) ObserveRequest(route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched" // one series for every unknown path, not one per path
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Observe(d.Seconds())
}

// Escalated counts one fired escalation rung of kind (onboarding, chain,
// desk) under its rule.
func (m *Metrics) Escalated(kind string, rule deadlines.Citation) {
	m.escalations.WithLabelValues(kind, rule.String()).Inc()
}

// Handler serves the registry in the Prometheus exposition format. A
// gauge whose store read failed is left out of the answer (and counted in
// qyzmet_scrape_errors_total); the rest is still served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry, ErrorHandling: promhttp.ContinueOnError})
}

var (
	openTimersDesc   = prometheus.NewDesc("qyzmet_open_timers", "Timers with a rung not handled yet: still to fire, or fired and its handler has not succeeded.", nil, nil)
	backlogDesc      = prometheus.NewDesc("qyzmet_sweep_backlog", "Rungs due and not handled yet: not claimed by a sweeper, or claimed and their handler has not succeeded.", nil, nil)
	overdueDesc      = prometheus.NewDesc("qyzmet_overdue_steps", "Breached open onboarding steps and Rules130 p.12 notices.", nil, nil)
	outboxPendDesc   = prometheus.NewDesc("qyzmet_outbox_pending", "Outbox messages not yet delivered.", nil, nil)
	outboxLagDesc    = prometheus.NewDesc("qyzmet_outbox_lag_seconds", "Age of the oldest pending outbox message (0 when none).", nil, nil)
	storeDescriptors = []*prometheus.Desc{openTimersDesc, backlogDesc, overdueDesc, outboxPendDesc, outboxLagDesc}
)

// storeCollector reads the store gauges at scrape time.
type storeCollector struct {
	cfg  Config
	errs *prometheus.CounterVec
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range storeDescriptors {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer cancel()
	now := c.cfg.Clock.Now()
	gauge := func(d *prometheus.Desc, name string, v float64, err error) {
		if err != nil {
			if name != "" {
				c.errs.WithLabelValues(name).Inc()
			}
			ch <- prometheus.NewInvalidMetric(d, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	n, err := c.cfg.Source.OpenTimers(ctx)
	gauge(openTimersDesc, "open_timers", float64(n), err)
	n, err = c.cfg.Source.SweepBacklog(ctx, now)
	gauge(backlogDesc, "sweep_backlog", float64(n), err)
	if c.cfg.Overdue != nil {
		n, err = c.cfg.Overdue(ctx)
		gauge(overdueDesc, "overdue_steps", float64(n), err)
	}
	pending, oldest, _, err := c.cfg.Source.OutboxStats(ctx)
	gauge(outboxPendDesc, "outbox", float64(pending), err)
	// sqlstore stamps the outbox with its own wall clock, not the domain's
	// Clock, so the lag is measured against the wall clock too.
	lag := 0.0
	if wall := time.Now(); err == nil && pending > 0 && wall.After(oldest) {
		lag = wall.Sub(oldest).Seconds()
	}
	gauge(outboxLagDesc, "", lag, err) // the same read: counted once, as "outbox"
}
