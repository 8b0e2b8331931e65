// Package texts checks the user-facing texts of a package — every string
// written in its messages.go — against a golden file, so that a change of
// wording shows in review as a diff of one file and the texts are read as
// a whole.
package texts

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Dump lists the strings of the Go file at path, one per line, each
// after the name of the declaration it belongs to ("msgPointer: 👋 Cần
// giúp? …"); line breaks inside a text are written \n.
func Dump(path string) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, v := range vs.Values {
					name := vs.Names[min(i, len(vs.Names)-1)].Name
					strs(&b, name, v)
				}
			}
		case *ast.FuncDecl:
			if d.Body != nil {
				strs(&b, d.Name.Name+"()", d.Body)
			}
		}
	}
	return b.String(), nil
}

// strs writes the string literals under n.
func strs(b *strings.Builder, name string, n ast.Node) {
	ast.Inspect(n, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || strings.TrimSpace(s) == "" {
			return true
		}
		fmt.Fprintf(b, "%s: %s\n", name, strings.ReplaceAll(s, "\n", `\n`))
		return true
	})
}

// Check compares the dump of the messages.go in dir with
// dir/testdata/messages.golden (see Golden).
func Check(t *testing.T, dir string) {
	t.Helper()
	got, err := Dump(filepath.Join(dir, "messages.go"))
	if err != nil {
		t.Fatal(err)
	}
	Golden(t, filepath.Join(dir, "testdata", "messages.golden"), got)
}

// Golden compares got with the file at path, reporting the first line
// that differs; with CHIHUY_UPDATE_GOLDEN=1 in the environment it writes
// got to the file instead (review the diff before committing).
func Golden(t *testing.T, path, got string) {
	t.Helper()
	if os.Getenv("CHIHUY_UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%v (CHIHUY_UPDATE_GOLDEN=1 go test creates it)", err)
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Errorf("%s differs at line %d:\n got: %s\nwant: %s\n(review, then CHIHUY_UPDATE_GOLDEN=1 go test)", path, i+1, g, w)
			return
		}
	}
}
