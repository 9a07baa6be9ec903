package deadlines_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/qyzmet/qyzmet"

// domainDirs are the pure packages (and everything below them).
var domainDirs = []string{"deadlines", "onboarding", "chain", "reports"}

// allowedThirdParty are the only non-stdlib modules a domain package may import.
var allowedThirdParty = []string{"github.com/rickar/cal/v2"}

// forbidden are infrastructure imports no domain package may use.
var forbidden = []string{"database/sql", "database/sql/driver", "net/http", "os/exec", "time/tzdata", module + "/adapters", module + "/examples"}

type goFile struct {
	path string
	fset *token.FileSet
	ast  *ast.File
}

// domainFiles parses every non-test Go file of the domain packages.
func domainFiles(t *testing.T) []goFile {
	t.Helper()
	var out []goFile
	for _, dir := range domainDirs {
		root := filepath.Join("..", dir)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == root {
					return fs.SkipDir // the package does not exist yet
				}
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return fs.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			out = append(out, goFile{path: path, fset: fset, ast: f})
			return nil
		})
		require.NoError(t, err)
	}
	require.NotEmpty(t, out)
	return out
}

func TestArchitectureDomainImportsNoInfrastructure(t *testing.T) {
	t.Parallel()
	for _, f := range domainFiles(t) {
		for _, imp := range f.ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				require.False(t, path == bad || strings.HasPrefix(path, bad+"/"), "%s imports %s: domain packages stay pure", f.path, path)
			}
			first, _, _ := strings.Cut(path, "/")
			if !strings.Contains(first, ".") || strings.HasPrefix(path, module+"/") {
				continue // standard library or this module's domain packages
			}
			ok := false
			for _, allowed := range allowedThirdParty {
				ok = ok || path == allowed || strings.HasPrefix(path, allowed+"/")
			}
			require.True(t, ok, "%s imports %s: add a dependency to a domain package deliberately (allowedThirdParty)", f.path, path)
		}
	}
}

// TestArchitectureNoInfrastructureInDomainDependencies checks the whole
// dependency graph of the domain packages, as the go tool resolves it: a
// third-party library can pull in database/sql/driver (as UUID libraries
// do) even when the domain imports no infrastructure itself.
func TestArchitectureNoInfrastructureInDomainDependencies(t *testing.T) {
	t.Parallel()
	var pkgs []string
	for _, dir := range domainDirs {
		if _, err := os.Stat(filepath.Join("..", dir)); err == nil {
			pkgs = append(pkgs, module+"/"+dir+"/...")
		}
	}
	args := append([]string{"list", "-deps", "-f", "{{.ImportPath}}"}, pkgs...)
	out, err := exec.Command("go", args...).Output()
	require.NoError(t, err, "go list")
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range append(forbidden, "modernc.org", "github.com/jackc", "github.com/xuri") {
			require.False(t, dep == bad || strings.HasPrefix(dep, bad+"/"), "a domain package depends on %s", dep)
		}
	}
}

// TestArchitectureNoWallClockInDomain: domain code takes time from an
// injected deadlines.Clock; only SystemClock.Now reads the wall clock.
func TestArchitectureNoWallClockInDomain(t *testing.T) {
	t.Parallel()
	found := 0
	for _, f := range domainFiles(t) {
		timeName := ""
		for _, imp := range f.ast.Imports {
			if imp.Path.Value == `"time"` {
				timeName = "time"
				if imp.Name != nil {
					timeName = imp.Name.Name
				}
			}
		}
		if timeName == "" {
			continue
		}
		for _, decl := range f.ast.Decls {
			fn, _ := decl.(*ast.FuncDecl)
			ast.Inspect(decl, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pkg, ok := sel.X.(*ast.Ident)
				if !ok || pkg.Name != timeName || (sel.Sel.Name != "Now" && sel.Sel.Name != "Since" && sel.Sel.Name != "Until") {
					return true
				}
				if fn != nil && fn.Recv != nil && fn.Name.Name == "Now" && recvType(fn) == "SystemClock" {
					found++
					return true
				}
				t.Errorf("%s: time.%s outside SystemClock.Now: inject a deadlines.Clock", f.fset.Position(sel.Pos()), sel.Sel.Name)
				return true
			})
		}
	}
	require.Equal(t, 1, found, "SystemClock.Now is the one reader of the wall clock")
}

func recvType(fn *ast.FuncDecl) string {
	switch r := fn.Recv.List[0].Type.(type) {
	case *ast.Ident:
		return r.Name
	case *ast.StarExpr:
		if id, ok := r.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}
