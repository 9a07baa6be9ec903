// Package middleware is what wraps the demo server's whole handler: secure
// response headers, panic recovery, per-request timeouts and the request
// log with metrics. demoapp stacks them, outermost first:
//
//	Observe → Recover → SecureHeaders → http.CrossOriginProtection → MaxBytes → auth → Route → (denial audit) → mux → auth.Allow → Timeout → handler
//
// # Headers
//
// SecureHeaders sets, on every answer:
//
//	Content-Security-Policy   default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;
//	                          object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'
//	X-Content-Type-Options    nosniff
//	X-Frame-Options           DENY
//	Referrer-Policy           no-referrer
//	Cross-Origin-Opener-Policy same-origin
//
// and Cache-Control: no-store on the JSON API (/v1/…), /metrics and the
// login pages. Pages may use inline styles but no inline scripts and no
// other origin.
//
// # Logging
//
// Observe writes one line per request: method, route (the mux pattern,
// never the path, which may carry an IIN), status, duration, role and
// bytes. It never logs the Authorization header, the session cookie or a
// body. The server's logger additionally masks every 12-digit run
// (IIN/BIN) with logmask.
package middleware
