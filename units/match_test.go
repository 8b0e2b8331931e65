package units

import (
	"slices"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	tree := builtinTree(t)
	tests := []struct {
		query string
		want  []string
	}{
		{"03418", []string{"03418"}},
		{" 03418 ", []string{"03418"}},
		{"xã Bản Giang", []string{"03418"}},
		{"Bản Giang", []string{"03418"}},
		{"Ban Giang", []string{"03418"}},
		{"xa ban giang", []string{"03418"}},
		{"XÃ BẢN GIANG", []string{"03418"}},
		{"X. Bản Giang", []string{"03418"}},
		{"xã Bản Giang (03418)", []string{"03418"}},
		{"TT Tân Uyên", []string{"03598"}},
		{"T.T. Tân Uyên", []string{"03598"}},
		{"thị trấn Tân Uyên", []string{"03598"}},
		{"H. Tân Uyên", []string{"111"}},
		{"huyện Tân Uyên", []string{"111"}},
		{"Tân Uyên", []string{"111", "03598", "723"}},    // ambiguous: all candidates
		{"xã Tân Uyên", []string{"111", "03598", "723"}}, // no xã of that name: the others
		{"thành phố Tân Uyên", []string{"723"}},
		{"P. Phúc Xá", []string{"00001"}},
		{"phuong phuc xa", []string{"00001"}},
		{"TP Lai Châu", []string{"105"}},
		{"thành phố Lai Châu", []string{"105"}},
		{"tỉnh Lai Châu", []string{"12"}},
		{"Lai Châu", []string{"12", "105"}},
		{"thành phố Hà Nội", []string{"01"}},
		{"TP.HCM", []string{"79"}},
		{"HCM", []string{"79"}},
		{"Sài Gòn", []string{"79"}},
		{"Q1", []string{"760"}},
		{"Quận 1", []string{"760"}},
		{"Cư M'gar", []string{"648", "24289"}},
		{"cu mgar", []string{"648", "24289"}},
		{"huyện Cư Mgar", []string{"648"}},
		{"Xã K'Dang", []string{"23698"}},
		{"vn", []string{"VN"}},
		{"Ban Chỉ đạo Quốc gia", []string{"VN"}},
		{"1", nil}, // digits alone are a code, and there is none "1"
		{"Không Có", nil},
		{"", nil},
		{"xã", nil},
	}
	for _, tt := range tests {
		got := codes(tree.Lookup(tt.query))
		if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("Lookup(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
	// Many communes share a name; all come back, in tree order.
	tanThanh := tree.Lookup("xã Tân Thành")
	if len(tanThanh) < 20 {
		t.Errorf("xã Tân Thành: %d candidates", len(tanThanh))
	}
	for _, u := range tanThanh {
		if u.Name != "Tân Thành" || u.Level != "xã" {
			t.Errorf("xã Tân Thành candidate %v", u)
		}
	}
	// Without diacritics the query means all of Tân Thành, Tân Thạnh, Tân Thanh.
	folded := tree.Lookup("xa tan thanh")
	if len(folded) <= len(tanThanh) {
		t.Errorf("xa tan thanh: %d candidates, xã Tân Thành %d", len(folded), len(tanThanh))
	}
	for _, u := range folded {
		if normalize(u.Name) != "tan thanh" {
			t.Errorf("xa tan thanh candidate %v", u)
		}
	}
	// Both tone styles name the same units.
	if a, b := tree.Lookup("Hoà Bình"), tree.Lookup("Hòa Bình"); !slices.Equal(codes(a), codes(b)) || len(a) < 10 {
		t.Errorf("Hoà Bình %d units, Hòa Bình %d", len(a), len(b))
	}
	if !slices.IsSortedFunc(tanThanh, func(a, b *Unit) int { return a.pre - b.pre }) {
		t.Error("candidates not in tree order")
	}
	if got := len(tree.Lookup("phường 1")); got < 20 {
		t.Errorf("phường 1: %d candidates", got)
	}
}

func TestLookupWithin(t *testing.T) {
	tree := builtinTree(t)
	tests := []struct {
		scope, query string
		want         []string
	}{
		{"12", "Lai Châu", []string{"12", "105"}},
		{"105", "Lai Châu", []string{"105"}},
		{"111", "Tân Uyên", []string{"111", "03598"}},
		{"106", "Tân Uyên", nil},
		{"106", "Bản Giang", []string{"03418"}},
		{"111", "Bản Giang", nil},
		{"111", "03418", nil}, // a code outside the scope
		{"12", "03418", []string{"03418"}},
		{"12", "xã Tân Thành", nil},
		{"nope", "Bản Giang", nil},
	}
	for _, tt := range tests {
		got := codes(tree.LookupWithin(tt.scope, tt.query))
		if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("LookupWithin(%s, %q) = %v, want %v", tt.scope, tt.query, got, tt.want)
		}
	}
}

func TestFindPrefix(t *testing.T) {
	tree := builtinTree(t)
	tests := []struct {
		text string
		want []string
		rest string // text after the name
	}{
		{"xã Bản Giang: F0 2", []string{"03418"}, ": F0 2"},
		{"Bản Giang F0 2", []string{"03418"}, " F0 2"},
		{"ban giang f0 2", []string{"03418"}, " f0 2"},
		{"  Xã Bản Giang - F0: 2", []string{"03418"}, " - F0: 2"},
		{"03418: F0 2", []string{"03418"}, ": F0 2"},
		{"03418 f0=2", []string{"03418"}, " f0=2"},
		{"TT Tân Uyên f1 3", []string{"03598"}, " f1 3"},
		{"Tân Uyên: f1 3", []string{"111", "03598", "723"}, ": f1 3"},
		{"H. Tân Uyên f1 3", []string{"111"}, " f1 3"},
		{"TP Lai Châu F0 1", []string{"105"}, " F0 1"},
		{"Lai Châu F0 1", []string{"12", "105"}, " F0 1"},
		{"phường 5 F0 1", nil, ""}, // checked separately: many phường 5
		{"Q1 F0 1", []string{"760"}, " F0 1"},
		{"Cư M'gar F0 1", []string{"648", "24289"}, " F0 1"},
		{"Văn Miếu - Quốc Tử Giám: F0 1", []string{"00181"}, ": F0 1"},
		{"Văn Miếu F0 1", []string{"08611"}, " F0 1"},
		// Longest name wins: "Tân Uyên" before any shorter name.
		{"thị trấn Tân Uyên", []string{"03598"}, ""},
		// Not units.
		{"F0: 3 (cộng đồng 1), F1 25", nil, ""},
		{"bao cao ngay 8/11: f0 3", nil, ""},
		{"/baocao f0=3", nil, ""},
		{"", nil, ""},
		// One-word names and numbers need a separator or a type word.
		{"Tư F0 2", nil, ""},
		{"Tư: F0 2", []string{"20482"}, ": F0 2"},
		{"xã Tư F0 2", []string{"20482"}, " F0 2"},
		{"5 ca F0", nil, ""},
		{"12 F1, 3 F0", nil, ""}, // 12 is Lai Châu's code, but reads as a count here
		{"12: F1 3", []string{"12"}, ": F1 3"},
		{"111 - F1 3", []string{"111"}, " - F1 3"},
		{"vn: F0 1", []string{"VN"}, ": F0 1"},
	}
	for _, tt := range tests {
		got, n := tree.FindPrefix(tt.text)
		if tt.text == "phường 5 F0 1" {
			if len(got) < 10 || tt.text[n:] != " F0 1" {
				t.Errorf("FindPrefix(%q) = %d units, rest %q", tt.text, len(got), tt.text[n:])
			}
			continue
		}
		if !slices.Equal(codes(got), tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("FindPrefix(%q) = %v, want %v", tt.text, codes(got), tt.want)
			continue
		}
		if len(got) == 0 {
			if n != 0 {
				t.Errorf("FindPrefix(%q): no unit but n = %d", tt.text, n)
			}
			continue
		}
		if rest := tt.text[n:]; rest != tt.rest {
			t.Errorf("FindPrefix(%q): rest %q, want %q", tt.text, rest, tt.rest)
		}
	}
}

func TestFindPrefixWithin(t *testing.T) {
	tree := builtinTree(t)
	tests := []struct {
		scope, text string
		want        []string
	}{
		{"12", "Tân Uyên: F0 1", []string{"111", "03598"}},
		{"111", "Tân Uyên F0 1", []string{"111", "03598"}},
		{"03598", "Tân Uyên F0 1", []string{"03598"}},
		{"106", "Tân Uyên F0 1", nil},
		{"106", "Bản Giang F0 1", []string{"03418"}},
		{"12", "phường 5 F0 1", nil},
		{"12", "xã Tân Thành F0 1", nil},
		{"nope", "Bản Giang F0 1", nil},
	}
	for _, tt := range tests {
		got, _ := tree.FindPrefixWithin(tt.scope, tt.text)
		if !slices.Equal(codes(got), tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("FindPrefixWithin(%s, %q) = %v, want %v", tt.scope, tt.text, codes(got), tt.want)
		}
	}
}

// Aliases and levels of a units file take part in matching.
func TestLookupCustomLevels(t *testing.T) {
	tree := loadFixture(t, "laichau.yaml")
	tests := []struct {
		query string
		want  []string
	}{
		{"chốt Km 5 Bản Giang", []string{"C03418-1"}},
		{"Chốt Km5", []string{"C03418-1"}},
		{"chot km5", []string{"C03418-1"}},
		{"c03418-1", []string{"C03418-1"}},
	}
	for _, tt := range tests {
		if got := codes(tree.Lookup(tt.query)); !slices.Equal(got, tt.want) {
			t.Errorf("Lookup(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
	got, n := tree.FindPrefix("Chốt Km5: F0 1")
	if !slices.Equal(codes(got), []string{"C03418-1"}) || !strings.HasPrefix("Chốt Km5: F0 1"[n:], ":") {
		t.Errorf("FindPrefix checkpoint = %v, %d", codes(got), n)
	}
	got, _ = tree.FindPrefix("C03418-1: F0 1")
	if !slices.Equal(codes(got), []string{"C03418-1"}) {
		t.Errorf("FindPrefix by code = %v", codes(got))
	}
}

func TestTokenize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Xã Bản Giang", "xa ban giang"},
		{"  xã   Bản\tGiang: F0 2", "xa ban giang f0 2"},
		{"Cư M'gar", "cu mgar"},
		{"Cư M’gar", "cu mgar"},
		{"Xã K' Dang", "xa kdang"},
		{"Ea H'leo", "ea hleo"},
		{"'Bản Giang' F0", "ban giang f0"}, // quotes are not part of the name
		{"Văn Miếu - Quốc Tử Giám", "van mieu quoc tu giam"},
		{"P.Phúc Xá", "p phuc xa"},
		{"Xa\u0300 Ba\u0309n", "xa ban"},
		{"ĐẮK LẮK", "dak lak"},
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Spans point at the words in the text.
	text := "xã  Bản Giang: F0"
	for _, tok := range tokenize(text, 0) {
		if normalize(text[tok.start:tok.end]) != tok.key {
			t.Errorf("token %q spans %q", tok.key, text[tok.start:tok.end])
		}
	}
	if got := tokenize("a b c d e", 2); len(got) != 2 {
		t.Errorf("limit: %d tokens", len(got))
	}
}
