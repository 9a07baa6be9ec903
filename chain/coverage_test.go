package chain_test

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

	"github.com/qyzmet/qyzmet/chain"
)

// TestCitationCoverage fails when a point the package claims to implement
// has no TestRules472_P<N>_ test.
func TestCitationCoverage(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	name := regexp.MustCompile(`^TestRules472_P(\d+)_[A-Z]`)
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
	require.NotEmpty(t, chain.Points)
	for p, what := range chain.Points {
		require.True(t, tested[p], "Rules472 p.%d (%s) has no TestRules472_P%d_ test", p, what, p)
	}
}
