package units

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Every name of the shipped trees is written as a proper name: each word
// starts with a capital letter or a digit or sign ("Pa Ủ", not the
// catalogue's "Pa ủ"; "Phường 1"; "Văn Miếu - Quốc Tử Giám"). The only
// exception is the root, the project's own "Ban Chỉ đạo Quốc gia", whose
// "đạo" and "gia" are not syllables of a place name.
func TestBuiltinNamesProperCase(t *testing.T) {
	for _, name := range BuiltinNames() {
		tree, err := BuiltinNamed(name)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, u := range tree.Units() {
			if u == tree.Root() {
				if u.Name != msgRootName {
					t.Errorf("%s: root name %q", name, u.Name)
				}
				continue
			}
			n++
			for _, w := range strings.Fields(u.Name) {
				if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
					t.Errorf("%s: %s %q: %q starts in lower case", name, u.Code, u.FullName(), w)
				}
			}
		}
		if n < 3000 {
			t.Errorf("%s: only %d units checked", name, n)
		}
	}
	tree := builtinTree(t)
	for code, want := range map[string]string{
		"03442": "xã Pa Ủ", "03727": "xã Mường É", "03742": "xã É Tòng", "06337": "xã Đồng Ý",
		"00679": "xã Đại Áng", "23554": "xã Ya Ly", "24289": "xã Cư M'gar", "00181": "phường Văn Miếu - Quốc Tử Giám",
	} {
		if u, ok := tree.Get(code); !ok {
			t.Errorf("%s missing", code)
		} else if u.FullName() != want {
			t.Errorf("%s: %q, want %q", code, u.FullName(), want)
		}
	}
}

func TestProperName(t *testing.T) {
	for in, want := range map[string]string{
		"Pa ủ": "Pa Ủ", "é Tòng": "É Tòng", "Ya ly": "Ya Ly", "Cư M'gar": "Cư M'gar",
		"1": "1", "Bà Rịa - Vũng Tàu": "Bà Rịa - Vũng Tàu", "Lai Châu": "Lai Châu",
	} {
		if got := properName(in); got != want {
			t.Errorf("properName(%q) = %q, want %q", in, got, want)
		}
	}
}
