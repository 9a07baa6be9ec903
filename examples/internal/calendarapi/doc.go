// Package calendarapi is the demo server's HTTP API over a working-day
// calendar: which days of a year are not working days, and when a
// legal term is due and why.
//
// # Endpoints
//
// NewHandler serves, on a Go 1.22 [net/http.ServeMux] with method patterns:
//
//	GET /v1/calendar/kz/{year}   every non-working day of the year with its reason
//	                             (weekend, holiday, weekend shift, decree transfer),
//	                             names and source, the weekend days made working by
//	                             decree, and the counts; year is 1992–2100
//	GET /v1/terms?from=2025-03-20&kind=working-days&n=5&rule=Rules130+p.5
//	                             the deadline of a term, the non-working days it
//	                             skipped and one English sentence that says so
//	GET /healthz                 {"status":"ok"}
//
// from is a civil date (YYYY-MM-DD, in the calendar's location) or an RFC 3339
// instant; kind is a [deadlines.TermKind] name; n defaults to 0 and is at
// most 1000; rule is an optional citation such as "Rules130 p.5". Every
// answer is JSON.
//
// # Errors
//
// One function maps errors to HTTP status, with errors.Is and errors.As:
//
//	deadlines.ErrInvalid                                 400
//	deadlines.ErrNotFound                                404
//	deadlines.ErrConflict, deadlines.ErrTermExpired      409
//	deadlines.ErrCalendarNotConfirmed (strict calendar)  422
//	another *deadlines.RuleError                         400
//	anything else                                        500
//
// A 4xx body names the rule and the input field when the error carries them:
//
//	{"error":"Rules130 p.5: n: invalid input: a term cannot be negative, got -1","rule":"Rules130 p.5","field":"n"}
//
// A 500 body says only "internal error"; the real error goes to the logger.
package calendarapi
