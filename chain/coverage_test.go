package chain_test

import (
	"testing"

	"github.com/qyzmet/qyzmet/chain"
	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
)

// TestCitationCoverage fails when a point the package claims to implement
// has no TestRules472_P<N>_ test.
func TestCitationCoverage(t *testing.T) {
	t.Parallel()
	deadlinestest.CitationCoverage(t, deadlinestest.Points(deadlines.Rules472, chain.Points))
}
