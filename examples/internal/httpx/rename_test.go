package httpx_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/examples/internal/httpx"
)

func TestRenameFieldsNamesTheRequestsFields(t *testing.T) {
	names := map[string]string{"sent_at": "at", "number": "protocol.number"}
	rule := deadlines.Cite(deadlines.Rules130, 4)
	fields := func(err error) []string {
		var out []string
		var walk func(error)
		walk = func(err error) {
			var re *deadlines.RuleError
			if errors.As(err, &re) {
				out = append(out, re.Field)
			}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				for _, e := range j.Unwrap() {
					walk(e)
				}
			}
		}
		walk(err)
		return out
	}
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"nil", nil, nil},
		{"plain", deadlines.Invalid(rule, "sent_at", "in the future"), []string{"at"}},
		{"wrapped", fmt.Errorf("onboarding o-1: %w", deadlines.Invalid(rule, "sent_at", "x")), []string{"at"}},
		{"unknown name kept", deadlines.Invalid(rule, "actor", "x"), []string{"actor"}},
		{"joined", fmt.Errorf("o: %w", errors.Join(deadlines.Invalid(rule, "number", "x"), deadlines.Invalid(rule, "trainer", "y"))), []string{"protocol.number", "trainer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := httpx.RenameFields(tc.err, names)
			require.Equal(t, tc.err, err, "the same error comes back")
			if tc.err == nil {
				return
			}
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			var got []string
			if j, ok := errors.Unwrap(err).(interface{ Unwrap() []error }); ok {
				for _, e := range j.Unwrap() {
					got = append(got, fields(e)...)
				}
			} else {
				got = fields(err)
			}
			require.Equal(t, tc.want, got)
		})
	}
}
