package export

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/chihuy/chihuy"
)

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

func TestWriteXLSXTooManyRows(t *testing.T) {
	rows := make([]Row, MaxXLSXRows+1)
	for i := range rows {
		rows[i] = Row{Day: chihuy.Day{Year: 2021, Month: 11, Day: 8}, Unit: "03598"}
	}
	tab := Table{Columns: []Column{{Code: "f0"}}, Rows: rows}
	err := WriteXLSX(&bytes.Buffer{}, Book{Table: tab})
	if chihuy.ErrorCode(err) != chihuy.EINVALID || !strings.Contains(chihuy.ErrorMessage(err), "xuất CSV") {
		t.Errorf("error %v, want EINVALID pointing to CSV", err)
	}
}

func openXLSX(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func cell(t *testing.T, f *excelize.File, sheet string, col, row int) (formatted, raw string, typ excelize.CellType) {
	t.Helper()
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		t.Fatal(err)
	}
	if formatted, err = f.GetCellValue(sheet, name); err != nil {
		t.Fatal(err)
	}
	if raw, err = f.GetCellValue(sheet, name, excelize.Options{RawCellValue: true}); err != nil {
		t.Fatal(err)
	}
	if typ, err = f.GetCellType(sheet, name); err != nil {
		t.Fatal(err)
	}
	return formatted, raw, typ
}

// isNumber reports whether a cell of type typ holds a number, not text.
func isNumber(typ excelize.CellType) bool {
	return typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber
}

func bold(t *testing.T, f *excelize.File, sheet string, col, row int) bool {
	t.Helper()
	name, _ := excelize.CoordinatesToCellName(col, row)
	id, err := f.GetCellStyle(sheet, name)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Font != nil && st.Font.Bold
}

// excelDate is the serial number Excel stores for d (1900 date system).
func excelDate(d chihuy.Day) string {
	return strconv.Itoa(d.Sub(chihuy.Day{Year: 1899, Month: 12, Day: 30}))
}

func TestWriteXLSXDaily(t *testing.T) {
	tab := fixture(t, "daily.csv")
	var out bytes.Buffer
	if err := WriteXLSX(&out, Book{Table: tab, Levels: []string{"tỉnh", "huyện", "xã"}}); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, out.Bytes())
	if got, want := f.GetSheetList(), []string{sheetDaily, sheetLevels}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}

	// Header: Vietnamese, bold, frozen with the unit columns.
	wantHead := []string{"Ngày", "Mã", "Đơn vị", "Cấp"}
	for _, c := range tab.Columns {
		wantHead = append(wantHead, c.Label)
	}
	for i, want := range wantHead {
		if got, _, _ := cell(t, f, sheetDaily, i+1, 1); got != want {
			t.Errorf("header %d = %q, want %q", i+1, got, want)
		}
		if !bold(t, f, sheetDaily, i+1, 1) {
			t.Errorf("header %q is not bold", want)
		}
	}
	panes, err := f.GetPanes(sheetDaily)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 4 {
		t.Errorf("panes %+v, want frozen at row 1 and 4 columns", panes)
	}
	if w, err := f.GetColWidth(sheetDaily, "C"); err != nil || w < float64(len([]rune("Chốt kiểm dịch Km 22, QL4D"))) || w > widthNameMax {
		t.Errorf("name column width %v (%v), want the longest name within %d", w, err, widthNameMax)
	}

	// Every cell equals the input; numbers are numeric cells.
	for i, r := range tab.Rows {
		row := i + 2
		formatted, raw, typ := cell(t, f, sheetDaily, 1, row)
		if formatted != r.Day.Short() || raw != excelDate(r.Day) || !isNumber(typ) {
			t.Errorf("row %d date = %q (raw %q, type %v), want %s as a date", row, formatted, raw, typ, r.Day.Short())
		}
		for j, want := range []string{r.Unit, r.Name, r.Level} {
			if got, _, _ := cell(t, f, sheetDaily, j+2, row); got != want {
				t.Errorf("row %d col %d = %q, want %q", row, j+2, got, want)
			}
		}
		for j, c := range tab.Columns {
			formatted, raw, typ := cell(t, f, sheetDaily, j+5, row)
			v, ok := r.Values[c.Code]
			switch {
			case !ok && raw != "":
				t.Errorf("row %d %s = %q, want empty", row, c.Code, raw)
			case ok && (raw != strconv.FormatInt(v, 10) || !isNumber(typ)):
				t.Errorf("row %d %s = %q (type %v), want the number %d", row, c.Code, raw, typ, v)
			case ok && v >= 1000 && !strings.ContainsAny(formatted, ",."):
				t.Errorf("row %d %s shown as %q, want a thousands separator", row, c.Code, formatted)
			}
		}
	}

	// Totals by level, in the order asked, then the level not listed.
	col := func(code string) int {
		return 3 + slices.IndexFunc(tab.Columns, func(c Column) bool { return c.Code == code })
	}
	tests := []struct {
		row   int
		level string
		units int
		want  map[string]string
	}{
		{2, "huyện", 1, map[string]string{"f0": "3", "cltt": "118", "oxy": "31", "xn": ""}},
		// cltt is a stock: 21 (Thị trấn, last day) + 55 (Nậm Cần), not 15+21+55.
		{3, "xã", 3, map[string]string{"f0": "20", "f1": "225", "cltt": "76", "clnha": "31", "m1": "2990", "xn": "6645"}},
		{4, "chốt", 1, map[string]string{"xn": "64", "duongtinh": "0", "f0": ""}},
		{5, "Tổng cộng", 5, map[string]string{"f0": "23", "cltt": "194", "xn": "6709", "oxy": "31"}},
	}
	for _, tt := range tests {
		if got, _, _ := cell(t, f, sheetLevels, 1, tt.row); got != tt.level {
			t.Errorf("levels row %d = %q, want %q", tt.row, got, tt.level)
		}
		if _, raw, typ := cell(t, f, sheetLevels, 2, tt.row); raw != strconv.Itoa(tt.units) || !isNumber(typ) {
			t.Errorf("%s: units = %q, want %d", tt.level, raw, tt.units)
		}
		for code, want := range tt.want {
			_, raw, typ := cell(t, f, sheetLevels, col(code), tt.row)
			if raw != want || (want != "" && !isNumber(typ)) {
				t.Errorf("%s %s = %q (type %v), want %q", tt.level, code, raw, typ, want)
			}
		}
	}
	if !bold(t, f, sheetLevels, 1, 5) {
		t.Error("the total row is not bold")
	}

	golden(t, "daily.xlsx.txt", dump(t, f))
}

func TestWriteXLSXAggregate(t *testing.T) {
	tab := fixture(t, "aggregate.csv")
	var out bytes.Buffer
	if err := WriteXLSX(&out, Book{Table: tab}); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, out.Bytes())
	if got := f.GetSheetList(); got[0] != sheetAggregate {
		t.Fatalf("first sheet %q, want %q", got[0], sheetAggregate)
	}
	for i, want := range []string{"Từ ngày", "Đến ngày", "Mã", "Đơn vị", "Cấp", "F0 mới"} {
		if got, _, _ := cell(t, f, sheetAggregate, i+1, 1); got != want {
			t.Errorf("header %d = %q, want %q", i+1, got, want)
		}
	}
	if from, _, _ := cell(t, f, sheetAggregate, 1, 2); from != "02/11/2021" {
		t.Errorf("from = %q", from)
	}
	if to, _, _ := cell(t, f, sheetAggregate, 2, 2); to != "08/11/2021" {
		t.Errorf("to = %q", to)
	}
	golden(t, "aggregate.xlsx.txt", dump(t, f))
}

// weekly builds the weekly table of the province from the aggregate
// fixture: one row per district.
func weekly(t *testing.T) Weekly {
	tab := fixture(t, "aggregate.csv")
	wk := Weekly{Title: "Tỉnh Lai Châu — kết quả phòng, chống dịch COVID-19", Columns: tab.Columns}
	for _, r := range tab.Rows {
		wk.From, wk.To = r.Day, r.To
		wk.Rows = append(wk.Rows, WeeklyRow{Unit: r.Unit, Name: r.Name, Values: r.Values})
	}
	return wk
}

func TestWeeklyXLSX(t *testing.T) {
	wk := weekly(t)
	var out bytes.Buffer
	if err := WriteWeeklyXLSX(&out, wk); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, out.Bytes())
	sheet := "Tuần 02.11–08.11.2021"
	if got := f.GetSheetList(); !slices.Equal(got, []string{sheet}) {
		t.Fatalf("sheets %q, want [%q]", got, sheet)
	}
	if got, _, _ := cell(t, f, sheet, 1, 1); got != "Tỉnh Lai Châu — kết quả phòng, chống dịch COVID-19 — tuần từ 02/11/2021 đến 08/11/2021" {
		t.Errorf("title %q", got)
	}
	for i, r := range wk.Rows {
		if got, _, _ := cell(t, f, sheet, 2, i+3); got != r.Name {
			t.Errorf("row %d name %q, want %q", i+3, got, r.Name)
		}
		for j, c := range wk.Columns {
			_, raw, typ := cell(t, f, sheet, j+3, i+3)
			if v, ok := r.Values[c.Code]; ok && (raw != strconv.FormatInt(v, 10) || !isNumber(typ)) {
				t.Errorf("%s %s = %q, want %d", r.Name, c.Code, raw, v)
			}
		}
	}
	totalRow := len(wk.Rows) + 3
	if got, _, _ := cell(t, f, sheet, 1, totalRow); got != rowTotal {
		t.Errorf("total row label %q", got)
	}
	for code, want := range map[string]string{"f0": "44", "f1": "592", "m1": "10900", "f2": "600", "hetcl": "", "giuong": "158"} {
		j := slices.IndexFunc(wk.Columns, func(c Column) bool { return c.Code == code })
		if _, raw, _ := cell(t, f, sheet, j+3, totalRow); raw != want {
			t.Errorf("total %s = %q, want %q", code, raw, want)
		}
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes %+v (%v): want the title and header frozen", panes, err)
	}
	golden(t, "weekly.xlsx.txt", dump(t, f))

	// In a book, the weekly table follows the two sheets.
	out.Reset()
	if err := WriteXLSX(&out, Book{Table: fixture(t, "daily.csv"), Weekly: []Weekly{wk}}); err != nil {
		t.Fatal(err)
	}
	if got := openXLSX(t, out.Bytes()).GetSheetList(); !slices.Equal(got, []string{sheetDaily, sheetLevels, sheet}) {
		t.Errorf("book sheets %q", got)
	}

	bad := wk
	bad.From, bad.To = wk.To, wk.From
	if err := WriteWeeklyXLSX(&out, bad); chihuy.ErrorCode(err) != chihuy.EINVALID {
		t.Errorf("reversed week: error %v, want EINVALID", err)
	}
}

// dump writes every sheet of f as text: panes, widths, then each
// non-empty cell with its type, raw value, shown value and boldness. It
// is what the golden files hold.
func dump(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, sheet := range f.GetSheetList() {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s (freeze=%v x=%d y=%d)\n", sheet, panes.Freeze, panes.XSplit, panes.YSplit)
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		width := 0
		for _, r := range rows {
			width = max(width, len(r))
		}
		var widths []string
		for c := 1; c <= width; c++ {
			name, _ := excelize.ColumnNumberToName(c)
			w, err := f.GetColWidth(sheet, name)
			if err != nil {
				t.Fatal(err)
			}
			widths = append(widths, strconv.FormatFloat(w, 'g', -1, 64))
		}
		fmt.Fprintf(&b, "widths %s\n", strings.Join(widths, " "))
		for i, r := range rows {
			for j := range r {
				formatted, raw, typ := cell(t, f, sheet, j+1, i+1)
				if raw == "" {
					continue
				}
				name, _ := excelize.CoordinatesToCellName(j+1, i+1)
				kind := "text"
				if isNumber(typ) {
					kind = "num"
				}
				mark := ""
				if bold(t, f, sheet, j+1, i+1) {
					mark = " bold"
				}
				fmt.Fprintf(&b, "%s %s %q %q%s\n", name, kind, raw, formatted, mark)
			}
		}
	}
	return b.Bytes()
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

func BenchmarkWriteCSV(b *testing.B) {
	tab := province(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSV(&bytes.Buffer{}, tab); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteXLSX(b *testing.B) {
	tab := province(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteXLSX(&bytes.Buffer{}, Book{Table: tab}); err != nil {
			b.Fatal(err)
		}
	}
}
