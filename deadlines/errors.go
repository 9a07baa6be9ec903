package deadlines

import "errors"

// Sentinel errors. Match them with errors.Is; every error the package returns
// for bad input is a *RuleError wrapping one of them.
var (
	// ErrInvalid: the input breaks a rule or a field's format; nothing changed.
	ErrInvalid = errors.New("invalid input")
	// ErrNotFound: the record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the record exists already, or its state does not allow the
	// operation (for example resuming a timer that is not paused).
	ErrConflict = errors.New("conflict")
	// ErrTermExpired: the operation needs a running term, but it has ended.
	ErrTermExpired = errors.New("term expired")
	// ErrCalendarNotConfirmed: a strict calendar was asked about a year whose
	// lunar holidays and decree transfers are not confirmed by data.
	ErrCalendarNotConfirmed = errors.New("calendar year not confirmed")
)

// RuleError reports which rule and which field an error is about. It is
// shaped like *fs.PathError: Error() reads "Rules130 p.5: appointment_date: …"
// and Unwrap returns the underlying error (a sentinel or an error wrapping one).
type RuleError struct {
	Rule  Citation // the point the input breaks; zero when no rule applies
	Field string   // the input field, in snake_case as it appears in JSON
	Err   error
}

func (e *RuleError) Error() string {
	s := ""
	if !e.Rule.IsZero() {
		s = e.Rule.String() + ": "
	}
	if e.Field != "" {
		s += e.Field + ": "
	}
	if e.Err == nil {
		return s + "<nil>"
	}
	return s + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *RuleError) Unwrap() error { return e.Err }

// Invalid returns a *RuleError wrapping ErrInvalid with a message.
func Invalid(rule Citation, field, msg string) error {
	return &RuleError{Rule: rule, Field: field, Err: &reason{sentinel: ErrInvalid, msg: msg}}
}

// reason joins a sentinel with a human message without string formatting at
// the call site: Error() is "invalid input: msg", and errors.Is finds the sentinel.
type reason struct {
	sentinel error
	msg      string
}

func (r *reason) Error() string { return r.sentinel.Error() + ": " + r.msg }
func (r *reason) Unwrap() error { return r.sentinel }

// Wrap returns a *RuleError wrapping sentinel with a message.
func Wrap(rule Citation, field string, sentinel error, msg string) error {
	return &RuleError{Rule: rule, Field: field, Err: &reason{sentinel: sentinel, msg: msg}}
}
