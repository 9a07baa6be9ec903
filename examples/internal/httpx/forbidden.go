package httpx

import (
	"errors"
	"fmt"

	"github.com/qyzmet/qyzmet/deadlines"
)

// ErrForbidden is the category of an input the caller's role may not give:
// a citizen filing for another IIN, a body's person starting another body's
// onboarding. Status maps it to 403. Reading another tenant's record is not
// forbidden but not found (404), so that it cannot be told from a missing
// one.
var ErrForbidden = errors.New("forbidden")

// Forbidden returns an error wrapping ErrForbidden that names the input
// field (and the rule, if rule is not zero), for a 403 body like a 400's.
func Forbidden(rule deadlines.Citation, field, msg string) error {
	return &deadlines.RuleError{Rule: rule, Field: field, Err: fmt.Errorf("%w: %s", ErrForbidden, msg)}
}
