package units

import (
	"bytes"
	"compress/gzip"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestBuiltinCounts(t *testing.T) {
	tree := builtinTree(t)
	if got, want := tree.Len(), 1+63+696+10047; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
	root := tree.Root()
	if root.Code != "VN" || root.Name != "Ban Chỉ đạo Quốc gia" || root.Level != "quốc gia" || root.Depth != 0 || root.Parent != nil {
		t.Errorf("root = %+v", root)
	}
	var got []string
	for _, d := range tree.CountByDepth() {
		got = append(got, d.String())
	}
	want := []string{"quốc gia: 1", "tỉnh/thành phố: 63", "huyện/quận/thị xã/thành phố: 696", "xã/phường/thị trấn: 10047"}
	if !slices.Equal(got, want) {
		t.Errorf("CountByDepth = %q, want %q", got, want)
	}
	if tree.Source() != BuiltinSource || tree.DataDate() != BuiltinDataDate {
		t.Errorf("Source, DataDate = %q, %q", tree.Source(), tree.DataDate())
	}
	again, _ := Builtin()
	if again != tree {
		t.Error("Builtin built the tree twice")
	}
}

// The embedded file says where it comes from, in agreement with the
// constants the rest of the program shows.
func TestBuiltinHeader(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(builtinData))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(data), "\n", 4)
	want := []string{compactMagic, "# source: " + BuiltinSource, "# data_date: " + BuiltinDataDate}
	if !slices.Equal(lines[:3], want) {
		t.Errorf("header = %q, want %q", lines[:3], want)
	}
}

// The embedded tree is what reading the GSO export gives: every unit of a
// GSO-format excerpt (whole provinces and single districts) is in the
// built-in tree with the same name, level and parent.
func TestBuiltinMatchesGSO(t *testing.T) {
	sample := loadFixture(t, "gso_sample.json")
	if sample.DataDate() != BuiltinDataDate {
		t.Errorf("sample DataDate = %q", sample.DataDate())
	}
	tree := builtinTree(t)
	for _, u := range sample.Units() {
		b, ok := tree.Get(u.Code)
		if !ok {
			t.Errorf("unit %s not built in", u.Code)
			continue
		}
		pb, pu := "", ""
		if b.Parent != nil {
			pb = b.Parent.Code
		}
		if u.Parent != nil {
			pu = u.Parent.Code
		}
		if b.Name != u.Name || b.Level != u.Level || pb != pu || b.Depth != u.Depth {
			t.Errorf("unit %s: built in %q %q parent %q depth %d, GSO %q %q parent %q depth %d",
				u.Code, b.Name, b.Level, pb, b.Depth, u.Name, u.Level, pu, u.Depth)
		}
	}
	// Whole provinces in the sample have all their units.
	for _, code := range []string{"12", "04"} {
		s, b := sample.Descendants(code), tree.Descendants(code)
		if !slices.Equal(codes(s), codes(b)) {
			t.Errorf("province %s: %d units in the sample, %d built in", code, len(s), len(b))
		}
	}
}

func TestGSONames(t *testing.T) {
	tree := loadFixture(t, "gso_sample.json")
	tests := []struct {
		code, name, level, full string
	}{
		{"12", "Lai Châu", "tỉnh", "tỉnh Lai Châu"},
		{"01", "Hà Nội", "thành phố", "thành phố Hà Nội"}, // type "Thành phố Trung ương"
		{"105", "Lai Châu", "thành phố", "thành phố Lai Châu"},
		{"111", "Tân Uyên", "huyện", "huyện Tân Uyên"},
		{"03418", "Bản Giang", "xã", "xã Bản Giang"},
		{"03598", "Tân Uyên", "thị trấn", "thị trấn Tân Uyên"},
		{"00001", "Phúc Xá", "phường", "phường Phúc Xá"},
		{"760", "1", "quận", "quận 1"},
		{"27046", "5", "phường", "phường 5"}, // typed "Xã" in the catalogue
		{"24289", "Cư M'gar", "xã", "xã Cư M'gar"},
		{"VN", "Ban Chỉ đạo Quốc gia", "quốc gia", "Ban Chỉ đạo Quốc gia"},
	}
	for _, tt := range tests {
		u, ok := tree.Get(tt.code)
		if !ok {
			t.Errorf("%s missing", tt.code)
			continue
		}
		if u.Name != tt.name || u.Level != tt.level || u.FullName() != tt.full {
			t.Errorf("%s: name %q level %q full %q, want %q %q %q", tt.code, u.Name, u.Level, u.FullName(), tt.name, tt.level, tt.full)
		}
	}
	// Repeated and outer spaces of the catalogue are gone.
	for _, u := range tree.Units() {
		if u.Name != strings.Join(strings.Fields(u.Name), " ") {
			t.Errorf("%s: name %q has stray spaces", u.Code, u.Name)
		}
	}
}
