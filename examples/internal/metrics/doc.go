// Package metrics is the demo server's Prometheus instrumentation: request
// latency by route and status, escalations fired, and gauges read from the
// store at scrape time (open timers, the sweeper's backlog, overdue
// onboarding steps, the outbox's lag).
//
// # Metrics
//
//	qyzmet_http_request_duration_seconds{route,status}  histogram; route is the mux pattern ("GET /v1/onboardings/{id}"), "unmatched" for 404s of no route
//	qyzmet_escalations_fired_total{kind,rule}          counter; kind is onboarding, chain or desk, rule the rung's citation
//	qyzmet_open_timers                                 timers with a rung not handled yet (to fire, or pending)
//	qyzmet_sweep_backlog                               rungs due and not handled yet (unclaimed or pending)
//	qyzmet_overdue_steps                               breached open onboarding steps and p.12 notices (Rules130)
//	qyzmet_outbox_pending                              outbox messages not yet delivered
//	qyzmet_outbox_lag_seconds                          age of the oldest pending outbox message (0 when none)
//	qyzmet_scrape_errors_total{gauge}                  store reads that failed or timed out during a scrape
//
// plus the Go runtime and process collectors. The store gauges are read
// with a short timeout on each scrape, so a slow or failing database
// leaves those gauges out of the scrape (and counts the error) rather than
// hang it or fail it whole.
//
// # Access
//
// demoapp mounts the handler at GET /metrics for the operator role only: a
// Prometheus server scrapes it with the operator's key
// (scrape_config authorization: {type: Bearer, credentials: <key>}).
package metrics
