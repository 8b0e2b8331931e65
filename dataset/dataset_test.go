package dataset

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
)

func TestBuiltinCodes(t *testing.T) {
	want := strings.Fields("f0 f0cd f0kr f1 f2 cltt clnha hetcl xn duongtinh cho12h nang tuvong khoi m1 m2 m3 m4 m1217 m511 oxy giuong dttn dangdt chuyenvien thooxy maytho")
	if got := Builtin().Codes(); !slices.Equal(got, want) {
		t.Fatalf("codes\n got %v\nwant %v", got, want)
	}
}

func TestBuiltinElements(t *testing.T) {
	ds := Builtin()
	tests := []struct {
		code   string
		agg    Aggregation
		parent string
		denom  Denominator
		unit   string
	}{
		{"f0", Sum, "", "", "ca"},
		{"f0cd", Sum, "f0", "", "ca"},
		{"f0kr", Sum, "f0", "", "ca"},
		{"f1", Sum, "", "", "người"},
		{"f2", Sum, "", "", "người"},
		{"cltt", Latest, "", "", "người"},
		{"clnha", Latest, "", "", "người"},
		{"hetcl", Sum, "", "", "người"},
		{"xn", Sum, "", "", "mẫu"},
		{"duongtinh", Sum, "xn", "", "mẫu"},
		{"cho12h", Latest, "", "", "mẫu"},
		{"nang", Latest, "", "", "ca"},
		{"tuvong", Sum, "", "", "ca"},
		{"khoi", Sum, "", "", "ca"},
		{"m1", Sum, "", DenomAdults, "mũi"},
		{"m2", Sum, "", DenomAdults, "mũi"},
		{"m3", Sum, "", DenomAdults, "mũi"},
		{"m4", Sum, "", DenomAdults, "mũi"},
		{"m1217", Sum, "", DenomAge12to17, "mũi"},
		{"m511", Sum, "", DenomAge5to11, "mũi"},
		{"oxy", Latest, "", "", "bình"},
		{"giuong", Latest, "", "", "giường"},
		{"dttn", Latest, "dangdt", "", "ca"},
		{"dangdt", Latest, "", "", "ca"},
		{"chuyenvien", Sum, "", "", "ca"},
		{"thooxy", Latest, "", "", "ca"},
		{"maytho", Latest, "", "", "máy"},
	}
	for _, tt := range tests {
		e, ok := ds.Element(tt.code)
		if !ok {
			t.Errorf("%s: missing", tt.code)
			continue
		}
		if e.Aggregation != tt.agg || e.Parent != tt.parent || e.Denominator != tt.denom || e.Unit != tt.unit {
			t.Errorf("%s: aggregation %s parent %q denominator %q unit %q, want %s %q %q %q",
				tt.code, e.Aggregation, e.Parent, e.Denominator, e.Unit, tt.agg, tt.parent, tt.denom, tt.unit)
		}
		if e.Label == "" || e.Short == "" || e.Max <= 0 {
			t.Errorf("%s: label %q short %q max %d", tt.code, e.Label, e.Short, e.Max)
		}
	}
	if _, ok := ds.Element("f3"); ok {
		t.Error("Element(f3) found")
	}
	if ds.Period != Daily || ds.Name != "covid19" || ds.Title != "COVID-19" {
		t.Errorf("name %q title %q period %q", ds.Name, ds.Title, ds.Period)
	}
}

// lookup finds the element a name stands for anywhere (not only in a
// context group), the way the parser does: by its folded words.
func lookup(ds *DataSet, name string) string {
	w := Words(name)
	for _, a := range ds.AliasesFrom(w[0]) {
		if !a.Contextual && slices.Equal(a.Words, w) {
			return a.Code
		}
	}
	return ""
}

func TestBuiltinAliases(t *testing.T) {
	ds := Builtin()
	tests := []struct{ name, code string }{
		{"F0", "f0"}, {"ca mắc mới", "f0"}, {"ca mac moi", "f0"}, {"ca dương tính mới", "f0"},
		{"cộng đồng", "f0cd"}, {"cong dong", "f0cd"}, {"CĐ", "f0cd"},
		{"không rõ nguồn", "f0kr"}, {"không rõ nguồn lây", "f0kr"}, {"khong ro nguon", "f0kr"}, {"KRN", "f0kr"},
		{"F1", "f1"}, {"tiếp xúc gần", "f1"}, {"F2", "f2"},
		{"cách ly tập trung", "cltt"}, {"cl tt", "cltt"}, {"cltt", "cltt"}, {"CLTT", "cltt"}, {"cach ly tap trung", "cltt"},
		{"cách ly tại nhà", "clnha"}, {"cl nhà", "clnha"}, {"tại nhà", "clnha"}, {"cl nha", "clnha"},
		{"hết cách ly", "hetcl"}, {"hoàn thành cách ly", "hetcl"},
		{"xét nghiệm", "xn"}, {"xn", "xn"}, {"mẫu xét nghiệm", "xn"}, {"lấy mẫu", "xn"},
		{"dương tính", "duongtinh"},
		{"chờ kết quả quá 12h", "cho12h"}, {"chờ KQ quá 12h", "cho12h"},
		{"nặng", "nang"}, {"ca nặng", "nang"},
		{"tử vong", "tuvong"}, {"tv", "tuvong"}, {"TV", "tuvong"},
		{"khỏi", "khoi"}, {"ra viện", "khoi"}, {"khỏi bệnh", "khoi"},
		{"mũi 1", "m1"}, {"m1", "m1"}, {"mui 2", "m2"}, {"m3", "m3"}, {"mũi 4", "m4"},
		{"mũi trẻ 12-17", "m1217"}, {"12-17 tuổi", "m1217"},
		{"5-11 tuổi", "m511"}, {"trẻ 5-11", "m511"},
		{"bình oxy", "oxy"}, {"oxy", "oxy"}, {"ô xy", "oxy"},
		{"giường trống", "giuong"}, {"giường", "giuong"},
	}
	for _, tt := range tests {
		if got := lookup(ds, tt.name); got != tt.code {
			t.Errorf("%q names %q, want %q", tt.name, got, tt.code)
		}
	}
}

func TestBuiltinContextAliases(t *testing.T) {
	ds := Builtin()
	want := map[string]string{"tap trung": "cltt", "tt": "cltt", "nha": "clnha", "het": "hetcl"}
	for words, code := range want {
		w := strings.Fields(words)
		found := false
		for _, a := range ds.AliasesFrom(w[0]) {
			if a.Contextual && slices.Equal(a.Words, w) {
				found = true
				if a.Code != code || a.Group != "cách ly" {
					t.Errorf("%q: code %q group %q, want %q in cách ly", words, a.Code, a.Group, code)
				}
			}
		}
		if !found {
			t.Errorf("%q: no contextual name", words)
		}
	}
	if lookup(ds, "nhà") != "" || lookup(ds, "tt") != "" {
		t.Error("context names must not name elements everywhere")
	}
	var heads []string
	for _, a := range ds.Aliases() {
		if a.Head() {
			heads = append(heads, strings.Join(a.Words, " "))
		}
	}
	if !slices.Contains(heads, "cach ly") || !slices.Contains(heads, "cl") {
		t.Errorf("heads %v, want cach ly and cl", heads)
	}
}

func TestAliasesFromLongestFirst(t *testing.T) {
	list := Builtin().AliasesFrom("ca")
	if len(list) < 2 {
		t.Fatalf("%d names start with ca", len(list))
	}
	for i := 1; i < len(list); i++ {
		if len(list[i].Words) > len(list[i-1].Words) {
			t.Fatalf("not longest first: %v before %v", list[i-1].Words, list[i].Words)
		}
	}
}

func TestBuiltinRules(t *testing.T) {
	want := []struct {
		element   string
		op        Operator
		threshold int64
	}{
		{"f0cd", OpGT, 0}, {"f0kr", OpGT, 0}, {"tuvong", OpGT, 0}, {"cho12h", OpGT, 0}, {"oxy", OpLT, 10},
	}
	rules := Builtin().Rules
	if len(rules) != len(want) {
		t.Fatalf("%d rules, want %d", len(rules), len(want))
	}
	for i, w := range want {
		r := rules[i]
		if r.Element != w.element || r.Op != w.op || r.Threshold != w.threshold || r.Level != 2 || r.Message == "" {
			t.Errorf("rule %d = %+v, want %s %s %d level 2", i, r, w.element, w.op, w.threshold)
		}
	}
}

func TestBuiltinIsItsFile(t *testing.T) {
	ds, err := Parse(BuiltinYAML())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ds, Builtin()) {
		t.Error("parsing BuiltinYAML does not give Builtin")
	}
	b := BuiltinYAML()
	b[0] = '!'
	if BuiltinYAML()[0] == '!' {
		t.Error("BuiltinYAML shares its bytes")
	}
}

func TestLoadDengue(t *testing.T) {
	ds, err := Load(filepath.Join("testdata", "dengue.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields("camac nhapvien nang tuvong odich odichxl phun lqbg xn duongtinh")
	if got := ds.Codes(); !slices.Equal(got, want) {
		t.Errorf("codes %v, want %v", got, want)
	}
	if ds.Period != Weekly || ds.Title != "Sốt xuất huyết Dengue" {
		t.Errorf("period %q title %q", ds.Period, ds.Title)
	}
	if got := lookup(ds, "phun hoá chất"); got != "phun" {
		t.Errorf("phun hoá chất names %q", got)
	}
	if !ds.IsUnitWord("o") || !ds.IsUnitWord("ho") {
		t.Error("unit words ổ and hộ not known")
	}
	fired := ds.Alerts(map[string]int64{"camac": 25, "odich": 1, "tuvong": 0})
	var got []string
	for _, f := range fired {
		got = append(got, f.Message)
	}
	wantMsgs := []string{"Phát hiện 1 ổ dịch sốt xuất huyết mới.", "Ca mắc sốt xuất huyết tăng cao: 25 ca trong kỳ."}
	if !slices.Equal(got, wantMsgs) {
		t.Errorf("alerts %q, want %q", got, wantMsgs)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "nope.yaml"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("err = %v, want not-exist naming the file", err)
	}
}

// TestInvalid loads each file of testdata/invalid; its "# want:" lines
// give parts of the error it must produce.
func TestInvalid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil || len(files) < 20 {
		t.Fatalf("%d invalid files (%v)", len(files), err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var wants []string
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				if w, ok := strings.CutPrefix(sc.Text(), "# want: "); ok {
					wants = append(wants, w)
				}
			}
			if len(wants) == 0 {
				t.Fatal("no # want: line")
			}
			_, err = Load(path)
			if err == nil {
				t.Fatal("loaded")
			}
			if chihuy.ErrorCode(err) != chihuy.EINVALID {
				t.Errorf("code %q, want %q", chihuy.ErrorCode(err), chihuy.EINVALID)
			}
			for _, w := range wants {
				if !strings.Contains(chihuy.ErrorMessage(err), w) {
					t.Errorf("error %q\ndoes not contain %q", chihuy.ErrorMessage(err), w)
				}
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"F0 (ca mắc mới)", []string{"f0", "ca", "mac", "moi"}},
		{"Cách ly tập trung", []string{"cach", "ly", "tap", "trung"}},
		{"12-17 tuổi", []string{"12", "17", "tuoi"}},
		{"3ca", []string{"3", "ca"}},
		{"12h", []string{"12", "h"}},
		{"m1217", []string{"m1217"}},
		{"Đ\u0110đ", []string{"ddd"}},
		{"Xa\u0303 Ba\u0309n", []string{"xa", "ban"}},
		{"--", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := Words(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAlerts(t *testing.T) {
	ds := Builtin()
	tests := []struct {
		name   string
		values map[string]int64
		want   []string
	}{
		{"nothing reported", nil, nil},
		{"routine report", map[string]int64{"f0": 3, "f0cd": 0, "f0kr": 0, "tuvong": 0, "oxy": 40}, nil},
		{"community case", map[string]int64{"f0": 3, "f0cd": 1}, []string{"Phát hiện 1 ca F0 tại cộng đồng."}},
		{"oxygen at the threshold", map[string]int64{"oxy": 10}, nil},
		{"oxygen below the threshold", map[string]int64{"oxy": 9}, []string{"Bình oxy chỉ còn 9, dưới ngưỡng 10."}},
		{"everything at once, in rule order", map[string]int64{"oxy": 0, "tuvong": 2, "cho12h": 1500, "f0kr": 1, "f0cd": 2}, []string{
			"Phát hiện 2 ca F0 tại cộng đồng.",
			"Có 1 ca F0 không rõ nguồn lây.",
			"Có 2 ca tử vong.",
			"Có 1.500 mẫu xét nghiệm chờ kết quả quá 12 giờ.",
			"Bình oxy chỉ còn 0, dưới ngưỡng 10.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range ds.Alerts(tt.values) {
				got = append(got, f.Message)
				if f.Rule.Level != 2 || f.Value != tt.values[f.Rule.Element] {
					t.Errorf("fired %+v", f)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("alerts %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOperators(t *testing.T) {
	tests := []struct {
		op   Operator
		v, t int64
		want bool
	}{
		{OpGT, 1, 0, true}, {OpGT, 0, 0, false},
		{OpGE, 0, 0, true}, {OpGE, -1, 0, false},
		{OpLT, 9, 10, true}, {OpLT, 10, 10, false},
		{OpLE, 10, 10, true}, {OpLE, 11, 10, false},
		{"!=", 1, 0, false},
	}
	for _, tt := range tests {
		if got := tt.op.Holds(tt.v, tt.t); got != tt.want {
			t.Errorf("%d %s %d = %v, want %v", tt.v, tt.op, tt.t, got, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	ds := Builtin()
	tests := []struct {
		values map[string]int64
		want   string
	}{
		{nil, ""},
		{map[string]int64{"f1": 25, "f0": 3}, "F0 (ca mắc mới): 3; F1: 25"},
		{map[string]int64{"clnha": 30, "f0cd": 1, "f0": 3, "cltt": 15, "f2": 40, "f1": 25},
			"F0 (ca mắc mới): 3; F0 tại cộng đồng: 1; F1: 25; F2: 40; cách ly tập trung: 15; cách ly tại nhà: 30"},
		{map[string]int64{"xn": 1250000, "m1": 1200}, "xét nghiệm: 1.250.000; mũi 1: 1.200"},
		{map[string]int64{"zz": 2, "oxy": 5, "aa": 1}, "bình oxy: 5; aa: 1; zz: 2"},
	}
	for _, tt := range tests {
		if got := ds.Format(tt.values); got != tt.want {
			t.Errorf("Format(%v)\n got %q\nwant %q", tt.values, got, tt.want)
		}
	}
	if got := ds.Label("tuvong"); got != "tử vong" {
		t.Errorf("Label(tuvong) = %q", got)
	}
	if got := ds.Label("nope"); got != "nope" {
		t.Errorf("Label(nope) = %q", got)
	}
}

func TestPosition(t *testing.T) {
	ds := Builtin()
	if ds.Position("f0") != 0 || ds.Position("giuong") != 21 || ds.Position("x") != -1 {
		t.Errorf("positions %d %d %d", ds.Position("f0"), ds.Position("giuong"), ds.Position("x"))
	}
	if !ds.Has("m511") || ds.Has("m5") {
		t.Error("Has")
	}
}

func TestViolations(t *testing.T) {
	ds := Builtin()
	tests := []struct {
		values map[string]int64
		want   []Violation
	}{
		{map[string]int64{"f0": 1, "f0cd": 2}, []Violation{{Sub: "f0cd", Parent: "f0", SubValue: 2, ParentValue: 1}}},
		{map[string]int64{"f0": 2, "f0cd": 2, "f0kr": 1}, nil},
		{map[string]int64{"f0cd": 2}, nil}, // no parent given: nothing to compare
		{map[string]int64{"xn": 10, "duongtinh": 11}, []Violation{{Sub: "duongtinh", Parent: "xn", SubValue: 11, ParentValue: 10}}},
		{map[string]int64{"dangdt": 3, "dttn": 4}, []Violation{{Sub: "dttn", Parent: "dangdt", SubValue: 4, ParentValue: 3}}},
	}
	for _, tt := range tests {
		if got := ds.Violations(tt.values); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%v: %+v, want %+v", tt.values, got, tt.want)
		}
	}
}
