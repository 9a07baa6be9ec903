package reports_test

import (
	"testing"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/deadlinestest"
	"github.com/qyzmet/qyzmet/reports"
)

// TestCitationCoverage fails when a point the package claims to implement
// has no TestRules130_P<N>_ test.
func TestCitationCoverage(t *testing.T) {
	t.Parallel()
	deadlinestest.CitationCoverage(t, deadlinestest.Points(deadlines.Rules130, reports.Points))
}
