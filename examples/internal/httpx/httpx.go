// Package httpx is what the demo server's handlers share: the one mapping
// of domain errors to HTTP status, and JSON reading and writing.
package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/qyzmet/qyzmet/deadlines"
)

// ErrorBody is the JSON body of every error answer.
type ErrorBody struct {
	Error string `json:"error"`
	Rule  string `json:"rule,omitempty"`  // the citation, e.g. "Rules130 p.5"
	Field string `json:"field,omitempty"` // the input field
}

// Status maps a domain error to its HTTP status: ErrInvalid 400,
// ErrCalendarNotConfirmed 422, ErrNotFound 404, ErrConflict and
// ErrTermExpired 409, ErrForbidden 403, any other *deadlines.RuleError
// 400, anything else 500.
func Status(err error) int {
	var re *deadlines.RuleError
	switch {
	case errors.Is(err, deadlines.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, deadlines.ErrCalendarNotConfirmed):
		return http.StatusUnprocessableEntity
	case errors.Is(err, deadlines.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, deadlines.ErrConflict), errors.Is(err, deadlines.ErrTermExpired):
		return http.StatusConflict
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.As(err, &re):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// WriteError is the one place that turns an error into an answer. Internal
// errors are logged and answered without detail.
func WriteError(w http.ResponseWriter, logger *slog.Logger, err error) {
	status := Status(err)
	if status == http.StatusInternalServerError {
		logger.Error("internal error", "err", err)
		WriteJSON(w, status, ErrorBody{Error: "internal error"})
		return
	}
	body := ErrorBody{Error: err.Error()}
	var re *deadlines.RuleError
	if errors.As(err, &re) {
		body.Rule, body.Field = re.Rule.String(), re.Field
	}
	WriteJSON(w, status, body)
}

// WriteJSON writes v with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the status is sent; a failed write means the client went away
}

// MaxBody is the largest request body ReadJSON accepts.
const MaxBody = 1 << 20

// ReadJSON decodes the request body into v strictly (unknown fields and
// trailing data are errors wrapping deadlines.ErrInvalid).
func ReadJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &deadlines.RuleError{Field: "body", Err: fmt.Errorf("%w: %v", deadlines.ErrInvalid, err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &deadlines.RuleError{Field: "body", Err: fmt.Errorf("%w: trailing data after the JSON document", deadlines.ErrInvalid)}
	}
	return nil
}

// RenameFields renames the fields of the *deadlines.RuleError values in
// err's tree by names (domain name → request name) and returns err: the
// domain names a field as its own types spell it ("sent_at"), a handler
// whose request spells it otherwise ("at") answers the request's name.
func RenameFields(err error, names map[string]string) error {
	switch e := err.(type) {
	case nil:
	case *deadlines.RuleError:
		if to, ok := names[e.Field]; ok {
			e.Field = to
		}
		RenameFields(e.Err, names)
	case interface{ Unwrap() []error }:
		for _, x := range e.Unwrap() {
			RenameFields(x, names)
		}
	default:
		RenameFields(errors.Unwrap(err), names)
	}
	return err
}
