package ncanode

import (
	"errors"
	"fmt"

	"github.com/qyzmet/qyzmet/deadlines"
)

// Sentinel errors. Every error Verify returns wraps ErrUnavailable or
// ErrBadResponse; New's errors wrap ErrInvalid. Match them with errors.Is.
var (
	// ErrUnavailable: NCANode could not be asked or could not answer now:
	// a network error, ctx done (the error also wraps ctx.Err()), HTTP 5xx,
	// 408 or 429. Trying again later may help.
	ErrUnavailable = errors.New("ncanode unavailable")

	// ErrBadResponse: the server answered something that is not NCANode's
	// documented CMS verification answer: malformed or oversized JSON, or a
	// status such as 404 (wrong base URL) or 401/403 (a proxy in the way).
	// Trying again will not help; the configuration needs a look.
	ErrBadResponse = errors.New("unexpected answer from ncanode")

	// ErrInvalid: New was given a bad base URL or option.
	ErrInvalid = deadlines.ErrInvalid
)

// StatusError is an error status from NCANode: the HTTP status, or the
// "status" field of the JSON body when the HTTP status was 2xx. It
// unwraps to ErrUnavailable or ErrBadResponse.
type StatusError struct {
	Code    int    // HTTP status, or the body's "status"
	Message string // the body's "message", if it had one
	err     error
}

func (e *StatusError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("ncanode: status %d: %v", e.Code, e.err)
	}
	return fmt.Sprintf("ncanode: status %d: %v: %s", e.Code, e.err, e.Message)
}

// Unwrap returns ErrUnavailable or ErrBadResponse.
func (e *StatusError) Unwrap() error { return e.err }
