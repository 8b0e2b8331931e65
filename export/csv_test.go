package export

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
)

func TestCSVRoundTrip(t *testing.T) {
	for _, name := range []string{"daily.csv", "aggregate.csv", "written.csv"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			tab, err := ReadCSV(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if len(tab.Rows) == 0 {
				t.Fatal("no rows read")
			}
			var out bytes.Buffer
			if err := WriteCSV(&out, tab); err != nil {
				t.Fatal(err)
			}
			if out.String() != string(raw) {
				t.Errorf("written back differently:\n%s\nwant:\n%s", out.String(), raw)
			}
		})
	}
}

func TestReadCSV(t *testing.T) {
	tab := fixture(t, "daily.csv")
	if got, want := len(tab.Columns), 22; got != want {
		t.Fatalf("%d columns, want %d", got, want)
	}
	if got, want := len(tab.Rows), 8; got != want {
		t.Fatalf("%d rows, want %d", got, want)
	}
	tests := []struct {
		row     int
		day     string
		unit    string
		name    string
		level   string
		values  map[string]int64
		periods bool
	}{
		{0, "2021-11-07", "111", "Huyện Tân Uyên", "huyện",
			map[string]int64{"f0": 2, "f0cd": 0, "f1": 14, "cltt": 120, "oxy": 35, "giuong": 40}, false},
		{3, "2021-11-07", "03610-C1", "Chốt kiểm dịch Km 22, QL4D", "chốt",
			map[string]int64{"xn": 64, "duongtinh": 0}, false},
		{7, "2021-11-08", "03610", "Xã Nậm Cần", "xã",
			map[string]int64{"f0": 12, "f0cd": 12, "f0kr": 4, "f1": 140, "cltt": 55, "xn": 3100, "duongtinh": 12, "tuvong": 1}, false},
	}
	for _, tt := range tests {
		r := tab.Rows[tt.row]
		if r.Day.String() != tt.day || r.Unit != tt.unit || r.Name != tt.name || r.Level != tt.level || r.IsPeriod() != tt.periods {
			t.Errorf("row %d = %s %s %q %q period=%v, want %s %s %q %q period=%v", tt.row,
				r.Day, r.Unit, r.Name, r.Level, r.IsPeriod(), tt.day, tt.unit, tt.name, tt.level, tt.periods)
		}
		if !maps.Equal(r.Values, tt.values) {
			t.Errorf("row %d values = %v, want %v", tt.row, r.Values, tt.values)
		}
	}

	agg := fixture(t, "aggregate.csv")
	r := agg.Rows[0]
	if !r.IsPeriod() || r.Day.String() != "2021-11-02" || r.To.String() != "2021-11-08" {
		t.Errorf("aggregate row period = %s..%s (period=%v), want 2021-11-02..2021-11-08", r.Day, r.To, r.IsPeriod())
	}
}

func TestReadCSVSkipsBOM(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "daily.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := ReadCSV(bytes.NewReader(append([]byte("\uFEFF"), raw...)))
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 8 || tab.Columns[0].Code != "f0" {
		t.Errorf("with a BOM: %d rows, first code %q", len(tab.Rows), tab.Columns[0].Code)
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		file string
		want string // part of the Vietnamese message
	}{
		{"empty.csv", "thiếu dòng tiêu đề"},
		{"header.csv", `phải bắt đầu bằng "date,unit,name,level,…"`},
		{"nocodes.csv", "không có cột chỉ tiêu"},
		{"dupcode.csv", `"f0" xuất hiện hai lần`},
		{"emptycode.csv", "Cột 6 của dòng tiêu đề"},
		{"date.csv", `Dòng 3: ngày "08/11/2021" không hợp lệ`},
		{"period.csv", "Dòng 2: khoảng ngày"},
		{"periodbad.csv", `Dòng 2: ngày "2021-11-02..2021-13-08"`},
		{"nounit.csv", "Dòng 2: thiếu mã đơn vị"},
		{"value.csv", `Dòng 3, cột "f0": giá trị "1.200"`},
		{"fields.csv", "Dòng 3 của tệp CSV không đọc được"},
		{"quote.csv", "Dòng 2 của tệp CSV không đọc được"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "bad", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			tab, err := ReadCSV(f)
			if err == nil {
				t.Fatalf("accepted, read %d rows", len(tab.Rows))
			}
			if chihuy.ErrorCode(err) != chihuy.EINVALID {
				t.Errorf("code %q, want %q: %v", chihuy.ErrorCode(err), chihuy.EINVALID, err)
			}
			if msg := chihuy.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not contain %q", msg, tt.want)
			}
		})
	}
}

func TestWriteCSV(t *testing.T) {
	var out bytes.Buffer
	if err := WriteCSV(&out, handWritten()); err != nil {
		t.Fatal(err)
	}
	golden(t, "written.csv", out.Bytes())

	back, err := ReadCSV(&out)
	if err != nil {
		t.Fatal(err)
	}
	want := handWritten()
	for i, r := range back.Rows {
		w := want.Rows[i]
		if r.Day != w.Day || r.To != w.To || r.Unit != w.Unit || r.Name != w.Name || r.Level != w.Level || !maps.Equal(r.Values, w.Values) {
			t.Errorf("row %d read back as %+v, want %+v", i, r, w)
		}
	}
}

func BenchmarkWriteCSV(b *testing.B) {
	tab := province(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSV(&bytes.Buffer{}, tab); err != nil {
			b.Fatal(err)
		}
	}
}
