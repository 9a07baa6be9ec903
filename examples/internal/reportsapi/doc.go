// Package reportsapi is the demo server's reporting and audit API over
// reports.Service and the store's audit log (Rules130 p.4, p.12, p.14,
// p.16): the appeal register, the monthly analytical report (Appendix 2)
// in CSV, JSON, XLSX and HTML with the tracking of each recipient's
// delivery, the Appendix 1 request of an onboarding, the p.12 notice of
// refusals, the reconciliation of a body's figures with the UCC's, and the
// audit trail with its verification.
//
// # Routes and roles
//
// Routes returns the route table; demoapp mounts it with httpx.Mount, which
// puts every route behind auth.Allow. The quality authority and UCC
// operators see everything; a body's person sees only its own body's
// appeals, report, notices and reconciliations, and another body's answer
// 404 exactly as a missing one; citizens see nothing (403). Only operators
// record appeals, move a report through its delivery and explain
// discrepancies; a body's person and the quality authority acknowledge the
// reports addressed to them; the audit log is for operators and the
// quality authority.
//
// # Personal data
//
// An appeal carries the applicant's IIN. Only operators get it in full;
// everyone else gets it masked ("850101******"), and the log never has it
// (reports.Appeal masks it in LogValue).
//
// # Streaming
//
// The appeal list and the report downloads stream from reports.Source: one
// appeal at a time from the database to the response, never a month in
// memory. An error after the first byte was sent aborts the response
// (http.ErrAbortHandler), so a client never takes a truncated file for a
// whole one.
//
// # Errors
//
// Every error answer is an httpx.ErrorBody ({error, rule, field}); bad
// input is 400 naming the rule and the field, and when there are several
// problems (an appeal with three bad fields, an import with bad lines)
// "problems" lists each with its rule, field and, for imports, line.
// Nothing is stored on bad input. 404 is a missing or another tenant's
// record, 409 a step out of order or repeated, and a tampered audit log.
package reportsapi
