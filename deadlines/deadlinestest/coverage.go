package deadlinestest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qyzmet/qyzmet/deadlines"
)

var ruleTest = regexp.MustCompile(`^Test(Rules130|Rules472)_P(\d+)_[A-Z]`)

// Points turns a package's table of the points of one act it implements
// into citations, for CitationCoverage.
func Points(act deadlines.Act, points map[int]string) map[deadlines.Citation]string {
	out := make(map[deadlines.Citation]string, len(points))
	for p, what := range points {
		out[deadlines.Cite(act, p)] = what
	}
	return out
}

// CitationCoverage fails t for every point in points that has no
// Test<Act>_P<N>_ test function in the _test.go files of the current
// directory (the package under test).
func CitationCoverage(t testing.TB, points map[deadlines.Citation]string) {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	tested := map[deadlines.Citation]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), e.Name(), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil {
				if m := ruleTest.FindStringSubmatch(fn.Name.Name); m != nil {
					p, _ := strconv.Atoi(m[2])
					tested[deadlines.Cite(deadlines.Act(m[1]), p)] = true
				}
			}
		}
	}
	if len(points) == 0 {
		t.Fatal("the package lists no points")
	}
	for c, what := range points {
		if !tested[c] {
			t.Errorf("%s (%s) has no Test%s_P%d_ test", c, what, c.Act, c.Point)
		}
	}
}
