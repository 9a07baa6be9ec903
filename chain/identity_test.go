package chain_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/chain/chaintest"
	"github.com/qyzmet/qyzmet/deadlines"
)

// ruleErrors are the *deadlines.RuleError inside err, joined or not.
func ruleErrors(err error) map[string]string {
	out := map[string]string{}
	var walk func(error)
	walk = func(err error) {
		var re *deadlines.RuleError
		if errors.As(err, &re) {
			out[re.Field] = re.Rule.String()
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

// Identity numbers in an application's data (keys ending in _iin or _bin)
// are checked with their checksums before anything is stored (p.3: the
// data the components need).
func TestRules472_P3_IdentityNumbersInTheDataAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  map[string]string
		field string
	}{
		{"IIN with a wrong check digit", map[string]string{"parent_iin": "900101300018"}, "data.parent_iin"},
		{"IIN with an impossible birth date", map[string]string{"parent_iin": "901301300017"}, "data.parent_iin"},
		{"BIN with a wrong entity type", map[string]string{"employer_bin": "000170000015"}, "data.employer_bin"},
		{"letters", map[string]string{"parent_iin": "90010130001x"}, "data.parent_iin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := setup(t)
			_, err := b.router.Submit(b.ctx, chain.Submission{
				DefinitionID: "birth-of-a-child", Recipient: b.parent, Document: []byte(`{}`),
				Signature: chaintest.Sign(b.parent), Data: tc.data, Actor: "portal",
			})
			require.ErrorIs(t, err, deadlines.ErrInvalid)
			assert.Equal(t, map[string]string{tc.field: "Rules472 p.3"}, ruleErrors(err))
			apps, err := b.store.ListApplications(b.ctx, chain.ApplicationFilter{})
			require.NoError(t, err)
			assert.Empty(t, apps, "nothing is stored")
		})
	}
	b := setup(t)
	a := b.submitBirth(t) // a valid parent_iin and a field that is no identity number pass
	assert.Equal(t, b.parent, a.Data["parent_iin"])
}

// A result's fields that enrich the application (p.7) are checked the same
// way: a bad child IIN is refused with the field named and changes nothing.
func TestRules472_P7_IdentityNumbersInAResultAreChecked(t *testing.T) {
	b := setup(t)
	a := b.submitBirth(t)
	_, err := b.router.Complete(b.ctx, a.ID, "birth-registration", chain.Issued{
		Channel: chain.Electronic, Reference: "AB-1", At: b.clock.Now(), Actor: "registrar",
		Fields: map[string]string{"child_iin": "250315600019", "birth_record_number": "0001"},
	})
	require.ErrorIs(t, err, deadlines.ErrInvalid)
	assert.Equal(t, map[string]string{"fields.child_iin": "Rules472 p.7"}, ruleErrors(err))
	after := b.get(t, a.ID)
	assert.Equal(t, a, after, "nothing changed")
	assert.Equal(t, chain.StatusInProgress, after.Component("birth-registration").Status)
}
