package desk_test

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

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/onboarding/desk"
)

// TestCitationCoverage fails when a point the package claims to implement
// has no TestRules130_P<N>_ or TestRules472_P<N>_ test.
func TestCitationCoverage(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	name := regexp.MustCompile(`^Test(Rules130|Rules472)_P(\d+)_[A-Z]`)
	tested := map[deadlines.Citation]bool{}
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
				p, _ := strconv.Atoi(m[2])
				tested[deadlines.Cite(deadlines.Act(m[1]), p)] = true
			}
		}
	}
	require.NotEmpty(t, desk.Points)
	for c, what := range desk.Points {
		require.True(t, tested[c], "%s (%s) has no Test%s_P%d_ test", c, what, c.Act, c.Point)
	}
}
