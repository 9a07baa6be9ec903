package desk_test

import (
	"testing"

	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// TestCitationCoverage fails when a point the package claims to implement
// has no TestRules130_P<N>_ or TestRules472_P<N>_ test.
func TestCitationCoverage(t *testing.T) {
	t.Parallel()
	deadlinestest.CitationCoverage(t, desk.Points)
}
