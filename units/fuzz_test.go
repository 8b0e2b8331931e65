package units

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzMatch checks that lookups never fail on arbitrary text and that
// FindPrefix cuts text at a character boundary after the name.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"xã Bản Giang: F0 2", "Q1 f0", "Cư M' gar", "K'", "'", "TP.HCM", "03418", "x\u0300", "P5", "thị xã", "Bản\xffGiang", "a\xff"} {
		f.Add(s)
	}
	tree := builtinTree(f)
	f.Fuzz(func(t *testing.T, text string) {
		tree.Lookup(text)
		tree.LookupWithin("12", text)
		units, n := tree.FindPrefix(text)
		if n < 0 || n > len(text) || (len(units) == 0) != (n == 0) {
			t.Fatalf("FindPrefix(%q) = %d units, n %d", text, len(units), n)
		}
		if utf8.ValidString(text) && !utf8.ValidString(text[n:]) {
			t.Fatalf("FindPrefix(%q) cut inside a character at %d", text, n)
		}
		for _, tok := range tokenize(text, 0) {
			if tok.start < 0 || tok.start >= tok.end || tok.end > len(text) {
				t.Fatalf("tokenize(%q): token %q spans %d..%d", text, tok.key, tok.start, tok.end)
			}
		}
	})
}

// FuzzParseYAML checks that any input gives a tree or an *InvalidError.
func FuzzParseYAML(f *testing.F) {
	for _, s := range []string{
		"- {code: A, name: Một}\n- {code: B, name: Hai, parent: A}\n",
		"units:\n  - {code: B, name: Hai, parent: B}\n",
		"- &a {code: A, name: *a}\n",
		"source: [x]\nunits: {}\n",
		"- {code: A, name: Một, population: {total: 1_000}}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := Parse(data, "f.yaml")
		var inv *InvalidError
		switch {
		case err == nil && (tree == nil || tree.Len() == 0):
			t.Fatal("no error and no tree")
		case err != nil && !errors.As(err, &inv):
			t.Fatalf("error %v is not *InvalidError", err)
		}
	})
}
