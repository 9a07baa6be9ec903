// Package examples holds qyzmet's runnable demos. The documentation examples
// (Example… functions) live next to the packages they document; this tree
// shows the library behind an HTTP server.
//
// # Contents
//
//   - server: the demo. It serves the
//     Kazakhstan calendar and the term API until SIGINT or SIGTERM:
//     go run ./examples/server -addr 127.0.0.1:8080
//   - loadgen: a bounded load generator for the demo (loopback targets
//     only) that reports reads/s, writes/s and p50/p99 and reconciles the
//     writes with the database:
//     go run ./examples/loadgen -targets http://127.0.0.1:8080 -duration 30s -clients 64
//   - internal/calendarapi: the calendar and terms HTTP API. GET
//     /v1/calendar/kz/{year} lists a year's holidays, weekend shifts and
//     decree transfers; GET /v1/terms computes when a legal term (for example
//     Rules130 p.5, "within 5 working days") is due and which non-working
//     days it skipped. It is a thin adapter: a Go 1.22 ServeMux with method
//     patterns, one function mapping domain errors to HTTP status, and
//     httptest tests.
//   - internal/api, internal/deskpage: the onboarding, composite
//     application and UCC desk endpoints, each a route table with the roles
//     that may call it (the policy table is in the api package doc).
//   - internal/auth: principals, roles, bearer keys and login sessions.
//   - internal/demoapp: the wiring: App.Routes mounted behind
//     authentication and internal/middleware (secure headers, panic
//     recovery, timeouts, the request log); internal/metrics (Prometheus),
//     internal/logmask (IIN/BIN masking for slog), internal/openapi (the
//     OpenAPI 3 document of every /v1 route).
package examples
