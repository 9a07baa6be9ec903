package reports_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qyzmet/qyzmet/reports"
)

// TestCitationCoverage fails when a point the package claims to implement
// has no TestRules130_P<N>_ test.
func TestCitationCoverage(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	name := regexp.MustCompile(`^TestRules130_P(\d+)_[A-Z]`)
	tested := map[int]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), e.Name(), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil {
				continue
			}
			if m := name.FindStringSubmatch(fn.Name.Name); m != nil {
				p, _ := strconv.Atoi(m[1])
				tested[p] = true
			}
		}
	}
	require.NotEmpty(t, reports.Points)
	for p, what := range reports.Points {
		require.True(t, tested[p], "Rules130 p.%d (%s) has no TestRules130_P%d_ test", p, what, p)
	}
}
