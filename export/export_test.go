package export

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
)

func TestWriteRejects(t *testing.T) {
	nov8 := chihuy.Day{Year: 2021, Month: 11, Day: 8}
	tests := []struct {
		name string
		tab  Table
		want string
	}{
		{"no columns", Table{}, "không có cột chỉ tiêu"},
		{"repeated column", Table{Columns: []Column{{Code: "f0"}, {Code: "f0"}}}, `"f0" xuất hiện hai lần`},
		{"blank code", Table{Columns: []Column{{Code: "f 0"}}}, `"f 0" không hợp lệ`},
		{"value without column", Table{
			Columns: []Column{{Code: "f0"}},
			Rows:    []Row{{Day: nov8, Unit: "111", Values: map[string]int64{"f1": 3}}},
		}, `Dòng 1 (đơn vị 111): có giá trị cho chỉ tiêu "f1"`},
		{"row without unit", Table{
			Columns: []Column{{Code: "f0"}},
			Rows:    []Row{{Day: nov8, Unit: "111"}, {Day: nov8}},
		}, "Dòng 2: thiếu mã đơn vị"},
		{"row without day", Table{
			Columns: []Column{{Code: "f0"}},
			Rows:    []Row{{To: nov8, Unit: "111"}},
		}, "Dòng 1 (đơn vị 111): thiếu ngày"},
		{"period backwards", Table{
			Columns: []Column{{Code: "f0"}},
			Rows:    []Row{{Day: nov8, To: nov8.AddDays(-1), Unit: "111"}},
		}, "khoảng ngày 2021-11-08..2021-11-07 có ngày đầu sau ngày cuối"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for format, write := range map[string]func() error{
				"csv":  func() error { return WriteCSV(&bytes.Buffer{}, tt.tab) },
				"xlsx": func() error { return WriteXLSX(&bytes.Buffer{}, Book{Table: tt.tab}) },
			} {
				err := write()
				if chihuy.ErrorCode(err) != chihuy.EINVALID || !strings.Contains(chihuy.ErrorMessage(err), tt.want) {
					t.Errorf("%s: error %v, want EINVALID containing %q", format, err, tt.want)
				}
			}
		})
	}
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// columns reads testdata/columns.tsv: code, label, aggregation.
func columns(t *testing.T) []Column {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "columns.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cols []Column
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 {
			t.Fatalf("columns.tsv: bad line %q", line)
		}
		cols = append(cols, Column{Code: parts[0], Label: parts[1], Stock: parts[2] == "latest"})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cols
}

// fixture reads a CSV fixture and gives its columns their labels.
func fixture(t *testing.T, name string) Table {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := ReadCSV(f)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	byCode := map[string]Column{}
	for _, c := range columns(t) {
		byCode[c.Code] = c
	}
	for i, c := range tab.Columns {
		full, ok := byCode[c.Code]
		if !ok {
			t.Fatalf("%s: column %q not in columns.tsv", name, c.Code)
		}
		tab.Columns[i] = full
	}
	return tab
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// handWritten is a table built in code, written to testdata/written.csv:
// it covers quoting, empty cells against zeros, negative numbers and both
// row forms.
func handWritten() Table {
	nov8 := chihuy.Day{Year: 2021, Month: 11, Day: 8}
	return Table{
		Columns: []Column{{Code: "f0", Label: "F0 mới"}, {Code: "f1", Label: "F1 mới truy vết"}, {Code: "cltt", Label: "Đang cách ly tập trung", Stock: true}},
		Rows: []Row{
			{Day: nov8, Unit: "03598", Name: "Thị trấn Tân Uyên", Level: "xã", Values: map[string]int64{"f0": 0, "f1": 1200}},
			{Day: nov8, Unit: "03622", Name: `Xã "Tà Mít", bản Nà Ít`, Level: "xã", Values: map[string]int64{"cltt": -3}},
			{Day: nov8, Unit: "03616", Name: "Xã Pắc Ta\nthôn Mới", Level: "xã"},
			{Day: nov8.AddDays(-6), To: nov8, Unit: "111", Name: "Huyện Tân Uyên", Level: "huyện", Values: map[string]int64{"f0": 31, "f1": 410, "cltt": 118}},
			{Day: nov8, To: nov8, Unit: "110", Name: "Huyện Than Uyên", Level: "huyện", Values: map[string]int64{"f0": 9223372036854775807}},
		},
	}
}

// province is a table the size of a province's month: 150 units × 30 days
// × 22 elements.
func province(b *testing.B) Table {
	cols := make([]Column, 22)
	for i := range cols {
		cols[i] = Column{Code: fmt.Sprintf("e%d", i), Label: fmt.Sprintf("Chỉ tiêu số %d", i), Stock: i%4 == 0}
	}
	tab := Table{Columns: cols}
	day := chihuy.Day{Year: 2021, Month: 11, Day: 1}
	for d := range 30 {
		for u := range 150 {
			vals := make(map[string]int64, len(cols))
			for i, c := range cols {
				vals[c.Code] = int64(u*i + d)
			}
			tab.Rows = append(tab.Rows, Row{Day: day.AddDays(d), Unit: fmt.Sprintf("%05d", 3000+u),
				Name: fmt.Sprintf("Xã Nậm Cần số %d", u), Level: "xã", Values: vals})
		}
	}
	return tab
}
