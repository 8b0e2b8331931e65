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
