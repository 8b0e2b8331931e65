package units

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func builtinTree(t testing.TB) *Tree {
	t.Helper()
	tree, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	return tree
}

func loadFixture(t testing.TB, name string) *Tree {
	t.Helper()
	tree, err := LoadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("LoadFile %s: %v", name, err)
	}
	return tree
}

func codes(us []*Unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Code
	}
	return out
}

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

func TestUnitText(t *testing.T) {
	tree := loadFixture(t, "laichau.yaml")
	u, _ := tree.Get("03418")
	if got := u.Title(); got != "Xã Bản Giang" {
		t.Errorf("Title = %q", got)
	}
	if got := u.String(); got != "xã Bản Giang (03418)" {
		t.Errorf("String = %q", got)
	}
	c, _ := tree.Get("C03418-1")
	if got := c.FullName(); got != "chốt Km 5 Bản Giang" {
		t.Errorf("FullName = %q", got)
	}
}

func TestSubtree(t *testing.T) {
	tree := builtinTree(t)
	sub, err := tree.Subtree("12")
	if err != nil {
		t.Fatal(err)
	}
	root := sub.Root()
	if root.Code != "12" || root.FullName() != "tỉnh Lai Châu" || root.Depth != 0 || root.Parent != nil {
		t.Errorf("root = %v depth %d", root, root.Depth)
	}
	if got := sub.Len(); got != 1+8+106 {
		t.Errorf("Len = %d", got)
	}
	if _, ok := sub.Get("VN"); ok {
		t.Error("VN in the Lai Châu subtree")
	}
	if _, ok := sub.Get("01"); ok {
		t.Error("Hà Nội in the Lai Châu subtree")
	}
	u, ok := sub.Get("03418")
	if !ok || u.Depth != 2 || u.Parent.Code != "106" {
		t.Errorf("03418 = %v", u)
	}
	if got := sub.Shard("03418"); got != "106" {
		t.Errorf("Shard in subtree = %q, want the district", got)
	}
	if got := tree.Shard("03418"); got != "12" {
		t.Errorf("Shard in national tree = %q", got)
	}
	// The national tree is untouched.
	if n, _ := tree.Get("12"); n.Depth != 1 || n.Parent.Code != "VN" {
		t.Errorf("national 12 changed: %+v", n)
	}
	var got []string
	for _, d := range sub.CountByDepth() {
		got = append(got, d.String())
	}
	if want := []string{"tỉnh: 1", "huyện/thành phố: 8", "xã/phường/thị trấn: 106"}; !slices.Equal(got, want) {
		t.Errorf("CountByDepth = %q, want %q", got, want)
	}
	if same, _ := tree.Subtree("VN"); same != tree {
		t.Error("Subtree of the root is not the tree")
	}
	if _, err := tree.Subtree("99"); err == nil || !strings.Contains(err.Error(), `"99"`) {
		t.Errorf("Subtree(99) error = %v", err)
	}
}

func TestStructure(t *testing.T) {
	tree := loadFixture(t, "laichau.yaml")
	if got := codes(tree.Ancestors("C03418-1")); !slices.Equal(got, []string{"03418", "106", "12"}) {
		t.Errorf("Ancestors = %v", got)
	}
	if got := tree.Ancestors("12"); len(got) != 0 {
		t.Errorf("Ancestors(root) = %v", got)
	}
	if got := tree.Ancestors("nope"); got != nil {
		t.Errorf("Ancestors(unknown) = %v", got)
	}
	within := []struct {
		code, anc string
		want      bool
	}{
		{"03418", "03418", true},
		{"03418", "106", true},
		{"03418", "12", true},
		{"C03418-1", "106", true},
		{"03418", "111", false},
		{"106", "03418", false},
		{"03598", "106", false},
		{"12", "12", true},
		{"nope", "12", false},
		{"03418", "nope", false},
	}
	for _, tt := range within {
		if got := tree.Within(tt.code, tt.anc); got != tt.want {
			t.Errorf("Within(%s, %s) = %v", tt.code, tt.anc, got)
		}
	}
	if got := codes(tree.Descendants("106")); !slices.Equal(got, []string{"03418", "C03418-1", "03405"}) {
		t.Errorf("Descendants(106) = %v", got)
	}
	if got := tree.Descendants("03405"); len(got) != 0 {
		t.Errorf("Descendants(leaf) = %v", got)
	}
	var walked []string
	tree.Walk("12", func(u *Unit) bool {
		walked = append(walked, u.Code)
		return u.Code != "106" // skip below Tam Đường
	})
	if want := []string{"12", "106", "111", "03598", "105"}; !slices.Equal(walked, want) {
		t.Errorf("Walk = %v, want %v", walked, want)
	}
	if got := tree.Shard("12"); got != "12" {
		t.Errorf("Shard(root) = %q", got)
	}
	if got := tree.Shard("C03418-1"); got != "106" {
		t.Errorf("Shard = %q", got)
	}
	if got := tree.Shard("nope"); got != "" {
		t.Errorf("Shard(unknown) = %q", got)
	}
}

func TestYAMLFixture(t *testing.T) {
	tree := loadFixture(t, "laichau.yaml")
	if tree.Len() != 8 || tree.Root().Code != "12" {
		t.Fatalf("Len %d root %v", tree.Len(), tree.Root())
	}
	if want := filepath.Join("testdata", "laichau.yaml") + " — Ban Chỉ đạo tỉnh Lai Châu, 11/2021"; tree.Source() != want {
		t.Errorf("Source = %q", tree.Source())
	}
	if tree.DataDate() != "08/11/2021" {
		t.Errorf("DataDate = %q", tree.DataDate())
	}
	u, _ := tree.Get("03418")
	if want := (Population{Total: 5210, Adults: 3120, Age12to17: 610, Age5to11: 820}); u.Population != want {
		t.Errorf("population = %+v", u.Population)
	}
	pops := []struct {
		code string
		want Population
	}{
		{"106", Population{Total: 10080, Adults: 6020, Age12to17: 1170, Age5to11: 1610}},
		{"111", Population{Total: 62000}}, // own figure; the thị trấn has none
		{"12", Population{}},              // thành phố Lai Châu has none
		{"C03418-1", Population{}},
	}
	for _, tt := range pops {
		u, _ := tree.Get(tt.code)
		if got := u.EffectivePopulation(); got != tt.want {
			t.Errorf("EffectivePopulation(%s) = %+v, want %+v", tt.code, got, tt.want)
		}
	}
	c, _ := tree.Get("C03418-1")
	if c.Level != "chốt" || !slices.Equal(c.Aliases, []string{"Chốt Km5"}) {
		t.Errorf("checkpoint = %+v", c)
	}
}

func TestYAMLForms(t *testing.T) {
	tests := []struct {
		name, src string
		codes     []string
	}{
		{"bare list", "- {code: A, name: Một}\n- {code: B, name: Hai, parent: A}\n", []string{"A", "B"}},
		{"child first", "units:\n  - {code: B, name: Hai, parent: A}\n  - {code: A, name: Một}\n", []string{"A", "B"}},
		{"leading zero kept", "- {code: 03418, name: Bản Giang}\n", []string{"03418"}},
		{"anchors", "- &a {code: A, name: Một}\n- {code: B, name: Hai, parent: A}\n", []string{"A", "B"}},
		{"decomposed text", "- {code: A, name: \"Xa\u0300 Ba\u0309n\", level: \"XA\u0300\"}\n", []string{"A"}},
	}
	for _, tt := range tests {
		tree, err := ParseYAML([]byte(tt.src), "t.yaml")
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := codes(tree.Units()); !slices.Equal(got, tt.codes) {
			t.Errorf("%s: units %v, want %v", tt.name, got, tt.codes)
		}
	}
	tree, _ := ParseYAML([]byte("- {code: A, name: \"Xa\u0300 Ba\u0309n\", level: \"XA\u0300\"}\n"), "t.yaml")
	if u := tree.Root(); u.Name != "Xà Bản" || u.Level != "xà" {
		t.Errorf("NFC: %q %q", u.Name, u.Level)
	}
}

func TestInvalidFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string // each must appear in the error, in this order
	}{
		{"cycle.yaml", []string{`cycle.yaml:3: đơn vị "106": vòng lặp cha–con: 106 → 03418 → 106`}},
		{"unknown_parent.yaml", []string{`unknown_parent.yaml:4: đơn vị "03418": đơn vị cha "999" không có trong tệp`}},
		{"duplicate.yaml", []string{`duplicate.yaml:4: đơn vị "106": mã trùng với đơn vị ở dòng 3`}},
		{"two_roots.yaml", []string{`two_roots.yaml:3: đơn vị "04": thêm một đơn vị không có cha (gốc đã là "12" ở dòng 2)`}},
		{"self_parent.yaml", []string{`self_parent.yaml:3: đơn vị "106": đơn vị là cha của chính nó`}},
		{"empty_fields.yaml", []string{
			"empty_fields.yaml:3: thiếu mã đơn vị",
			`empty_fields.yaml:4: đơn vị "03418": thiếu tên đơn vị`,
			`empty_fields.yaml:5: đơn vị "bad code": mã đơn vị chỉ được gồm`,
		}},
		{"unknown_key.yaml", []string{
			`unknown_key.yaml:4: đơn vị "12": khóa "levle" không được hỗ trợ`,
			`unknown_key.yaml:8: đơn vị "106": population.total: số dân phải là số nguyên không âm`,
			`unknown_key.yaml:8: đơn vị "106": khóa "population.children" không được hỗ trợ`,
		}},
		{"empty.yaml", []string{"empty.yaml: tệp không có đơn vị nào"}},
		{"syntax.yaml", []string{"syntax.yaml: không đọc được YAML"}},
		{"no_root.yaml", []string{`no_root.yaml:1: đơn vị "1": vòng lặp cha–con: 1 → 2 → 1`}},
	}
	for _, tt := range tests {
		tree, err := LoadFile(filepath.Join("testdata", "invalid", tt.file))
		if tree != nil {
			t.Errorf("%s: got a tree", tt.file)
		}
		var inv *InvalidError
		if !errors.As(err, &inv) {
			t.Errorf("%s: error %v is not *InvalidError", tt.file, err)
			continue
		}
		msg := err.Error()
		at := 0
		for _, w := range tt.want {
			i := strings.Index(msg[at:], w)
			if i < 0 {
				t.Errorf("%s: error lacks (in order) %q:\n%s", tt.file, w, msg)
				break
			}
			at += i + len(w)
		}
		if len(inv.Problems) != len(tt.want) {
			t.Errorf("%s: %d problems, want %d:\n%s", tt.file, len(inv.Problems), len(tt.want), msg)
		}
	}
}

func TestInvalidGSO(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"not json", `{"data": [`, "không đọc được tệp GSO JSON"},
		{"no data", `{"data_date": "01/03/2025", "data": null}`, "không có mục data"},
		{"duplicate code", `{"data": [{"level1_id": "12", "name": "Tỉnh Lai Châu", "type": "Tỉnh"},
			{"level1_id": "12", "name": "Tỉnh Lai Châu", "type": "Tỉnh"}]}`, `đơn vị "12": mã bị trùng`},
		{"empty name", `{"data": [{"level1_id": "12", "name": "", "type": "Tỉnh"}]}`, `đơn vị "12": thiếu tên`},
	}
	for _, tt := range tests {
		_, err := ParseGSO([]byte(tt.src), "gso.json")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestLoadFileFormats(t *testing.T) {
	if tree := loadFixture(t, "gso_sample.json"); tree.Root().Code != "VN" {
		t.Errorf("GSO root = %v", tree.Root())
	}
	if tree := loadFixture(t, "laichau.yaml"); tree.Root().Code != "12" {
		t.Errorf("YAML root = %v", tree.Root())
	}
	// A JSON list is YAML of our format.
	tree, err := Parse([]byte(`[{"code": "A", "name": "Một"}]`), "a.json")
	if err != nil || tree.Root().Code != "A" {
		t.Errorf("JSON list: %v, %v", tree, err)
	}
	_, err = LoadFile(filepath.Join("testdata", "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestCompactRoundTrip(t *testing.T) {
	for _, file := range []string{"laichau.yaml", "gso_sample.json"} {
		tree := loadFixture(t, file)
		var buf bytes.Buffer
		if err := tree.WriteCompact(&buf); err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		tree.WriteCompact(&again)
		if !bytes.Equal(buf.Bytes(), again.Bytes()) {
			t.Errorf("%s: WriteCompact is not deterministic", file)
		}
		zr, err := gzip.NewReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(zr)
		raws, o, probs := parseCompact(data, "x")
		back, err := build(raws, o, probs)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if back.Source() != tree.Source() || back.DataDate() != tree.DataDate() || back.Len() != tree.Len() {
			t.Errorf("%s: source %q date %q len %d", file, back.Source(), back.DataDate(), back.Len())
		}
		for _, u := range tree.Units() {
			b, ok := back.Get(u.Code)
			if !ok || b.Name != u.Name || b.Level != u.Level || b.Depth != u.Depth ||
				b.Population != u.Population || !slices.Equal(b.Aliases, u.Aliases) {
				t.Errorf("%s: unit %s came back as %+v", file, u.Code, b)
			}
		}
	}
	if _, _, probs := parseCompact([]byte("code\tparent\n"), "x"); len(probs) != 1 {
		t.Errorf("bad magic: %v", probs)
	}
	raws, o, probs := parseCompact([]byte(compactMagic+"\nA\t\t\tMột\t\tx\nB\tA\n"), "x")
	if _, err := build(raws, o, probs); err == nil || !strings.Contains(err.Error(), "x:2") || !strings.Contains(err.Error(), "x:3") {
		t.Errorf("bad rows: %v", err)
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

func TestInvalidInline(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"repeated key", "- {code: A, name: Một, name: Hai}\n", `t.yaml:1: đơn vị "A": khóa "name" lặp lại`},
		{"aliases not a list", "- {code: A, name: Một, aliases: {x: 1}}\n", `t.yaml:1: đơn vị "A": aliases phải là danh sách tên`},
		{"alias not a name", "- {code: A, name: Một, aliases: [[x]]}\n", `t.yaml:1: đơn vị "A": aliases phải là danh sách tên`},
		{"item not a mapping", "- just text\n", "t.yaml:1: mỗi đơn vị phải là một bảng"},
		{"top scalar", "hello\n", "t.yaml:1: tệp phải là danh sách đơn vị"},
		{"units not a list", "units: {a: 1}\n", "t.yaml:1: khóa units phải là một danh sách"},
		{"unknown top key", "unit: []\n", `t.yaml:1: khóa "unit" không được hỗ trợ`},
		{"name not a scalar", "- {code: A, name: [x]}\n", `t.yaml:1: đơn vị "A": giá trị phải là một chuỗi hoặc số`},
		{"population not a mapping", "- {code: A, name: Một, population: 5}\n", `t.yaml:1: đơn vị "A": mỗi đơn vị phải là một bảng`},
	}
	for _, tt := range tests {
		_, err := ParseYAML([]byte(tt.src), "t.yaml")
		var inv *InvalidError
		if !errors.As(err, &inv) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	// Scalar aliases and null values are accepted.
	tree, err := ParseYAML([]byte("- {code: A, name: Một, aliases: Số Một, level: ~, population: ~}\n"), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if u := tree.Root(); !slices.Equal(u.Aliases, []string{"Số Một"}) || u.Level != "" || !u.IsLeaf() {
		t.Errorf("unit = %+v", u)
	}
	if got := tree.CountByDepth()[0].String(); got != "cấp 0: 1" {
		t.Errorf("depth without level = %q", got)
	}
}

// A file with very many defects lists the first ones and counts the rest.
func TestManyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("- {code: R, name: Gốc}\n")
	for i := range 60 {
		fmt.Fprintf(&b, "- {code: U%d, name: Đơn vị %d, parent: X}\n", i, i)
	}
	_, err := ParseYAML([]byte(b.String()), "t.yaml")
	var inv *InvalidError
	if !errors.As(err, &inv) || len(inv.Problems) != 60 {
		t.Fatalf("error %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "tệp đơn vị có 60 lỗi") || !strings.Contains(msg, "… và 10 lỗi khác") ||
		strings.Count(msg, "\n") != maxListed+1 {
		t.Errorf("error text:\n%s", msg)
	}
}
