package reports

import (
	"strconv"

	"github.com/qyzmet/qyzmet/deadlines"
)

// The package's error categories are deadlines' sentinels, so one errors.Is
// works across qyzmet's packages. Every error for bad input is a
// *deadlines.RuleError naming the rule and the field; an import error is
// also a *LineError naming the line.
var (
	ErrInvalid  = deadlines.ErrInvalid  // bad input; nothing changed
	ErrNotFound = deadlines.ErrNotFound // no such appeal, body, service, month, delivery or reconciliation
	ErrConflict = deadlines.ErrConflict // exists already, or the step is out of order or repeated
)

// rule is the citation of point p of Rules130.
func rule(p int) deadlines.Citation { return deadlines.Cite(deadlines.Rules130, p) }

// Points are the points of Rules130 this package implements, and where.
var Points = map[int]string{
	4:  "the Appendix 1 request form rendered from the onboarding: Appendix1From, WriteAppendix1CSV, WriteAppendix1JSON",
	12: "the notice to the quality authority listing the refusals and the attached documents: NoticeFrom, WriteNoticeCSV, WriteNoticeJSON",
	16: "reconciliation of a body's figures with the UCC's, one explanation per discrepancy, due immediately, closed when all are explained: DecodeFiguresCSV, DecodeFiguresJSON, Reconcile, Explain",
	14: "the appeal register and the monthly analytical report (Appendix 2) to the quality authority and each providing body, due by the 5th of the next month: RecordAppeal, ImportAppeals, OpenMonth, Generate, Send, Acknowledge",
}

// LineError locates a problem in an imported file: the line (CSV) or the
// line where the record starts (JSON), and the field. Its Err is a
// *deadlines.RuleError wrapping ErrInvalid, so errors.Is and errors.As find
// the category, the rule and the field as for any other input.
type LineError struct {
	Line  int    // 1-based; the header is line 1 of a CSV file
	Field string // the column or JSON key
	Err   error
}

func (e *LineError) Error() string {
	s := "line " + strconv.Itoa(e.Line)
	if re, ok := e.Err.(*deadlines.RuleError); e.Field != "" && (!ok || re.Field != e.Field) {
		s += ": " + e.Field
	}
	if e.Err == nil {
		return s + ": <nil>"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// lineErr returns a *LineError around a p.16 *deadlines.RuleError.
func lineErr(line int, field, msg string) error {
	return &LineError{Line: line, Field: field, Err: deadlines.Invalid(rule(16), field, msg)}
}
