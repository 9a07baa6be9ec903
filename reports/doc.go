// Package reports implements the UCC's statutory reporting under the rules
// of interaction (Order No. 130, cited "Rules130 p.N"): the appeal
// register, the monthly analytical report (p.14, Appendix 2) with the
// tracking of each recipient's delivery, the Appendix 1 request form (p.4),
// the notice of refusals to the quality authority (p.12), and the
// reconciliation of a body's reporting figures with the UCC's (p.16). It is
// pure domain: it reads records through the ports it declares (Source,
// Store), renders them through the Writer interface, and imports no
// database, HTTP, driver or spreadsheet package. XLSX and HTML renderings
// live in adapters/xlsx and adapters/htmlreport.
//
// # The appeal register
//
// An Appeal is a complaint or application about a state service: when it
// was received, who is responsible for the forum, the region, the
// applicant's full name and IIN, its nature (a violation of the service
// standard, actions or inaction of employees, or both), its content, the
// measure taken (a request number), and the body and service concerned.
// Service.RecordAppeal validates every field before touching the store and
// reports all problems at once. The IIN is personal data: Appeal's String,
// GoString and LogValue mask it ("850101******"), errors never repeat it,
// and no report prints it.
//
// Service.ImportAppeals enters a whole import (an iter.Seq2 of appeals, for
// example decoded from a file as it is read) through the store's bulk path,
// the AppealImporter port: every line is validated as RecordAppeal
// validates, and the import is stored all or nothing. Each problem is a
// *LineError naming the line; an ID already in the register is ErrConflict
// (DuplicateAppeal).
//
// # The monthly report (p.14)
//
// A month is a calendar month in the UCC's zone (WithZone; the calendar's
// by default): an appeal belongs to it when its instant falls in
// [1st 00:00, next 1st 00:00) there, whatever zone it was recorded in.
// OpenMonth records the duties: the full report for the quality authority
// and one for each central state body and local executive body that
// provides a registered service, covering the appeals about it. Each is due
// by the 5th of the following month, rolled forward to a working day
// (TermMonthly), and owns a deadlines.Timer with a warning and a breach
// rung citing p.14, so a deadlines.Sweeper with Service.HandleFiring
// escalates a late report exactly once. A delivery moves from owed to
// generated (Generate, after the month has ended; again until it is sent),
// sent (Send stops the timer, met or late) and acknowledged (Acknowledge).
// Deadlines lists the reports not yet sent, overdue first.
//
// # Rendering and streaming
//
// Render and Generate stream: appeals flow one at a time from
// Source.Appeals (an iter.Seq2) through a Writer's Begin, Row and End, and
// only the Summary (totals by nature, counts by region, body and service)
// is kept, so a month of any size renders in bounded memory. CSVWriter
// writes UTF-8 with a BOM through encoding/csv, headings in kk (the form's
// own Kazakh headings), ru or en; JSONWriter writes one document with the
// headings in all three languages. Appendix2Columns are the form's columns
// 1–9 plus the body and the service.
//
// # Forms of the onboarding (p.4, p.12)
//
// Appendix1From renders the request of Appendix 1 from onboardings of
// services with one body: the Register entry's requisites and, once
// appointed, the responsible person. NoticeFrom renders a p.12 notice of a
// refusal ledger for the quality authority: the refusals it reports, the
// supporting documents attached and its due date. Both write CSV (headings
// in kk, ru or en) and JSON.
//
// # Reconciliation (p.16)
//
// DecodeFiguresCSV and DecodeFiguresJSON read a body's reporting figures
// (period, body, dimension: total, region, nature or service, key, count),
// checking the file's form and naming the line and field of every problem.
// Reconcile checks them against the catalogue, computes the UCC's own
// figures of each body from the register (Figures; WriteFiguresCSV exports
// them) and lists every discrepancy in the dimensions the body reported.
// Each owes one explanation, due immediately (TermExplanation: by the end of
// the working day the figures came in), with its own timer whose breach
// escalates through HandleFiring. Explain records one; the reconciliation
// closes when every discrepancy is explained, or at once when there is none.
//
// # Errors
//
// The sentinels are deadlines', so errors.Is works across packages:
//
//	ErrInvalid   bad input (every field problem is reported, joined); nothing changed
//	ErrNotFound  no such appeal, body, service, month, delivery or reconciliation
//	ErrConflict  exists already, or the step is out of order or repeated
//
// Use errors.As with *deadlines.RuleError for the rule ("Rules130 p.14")
// and the field ("received_at"); an error in an imported file is also a
// *LineError naming the line. Points lists the points implemented, and a
// test checks that each has a TestRules130_P<N>_ test.
package reports
