package export

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/chihuy/chihuy"
)

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

func BenchmarkWriteXLSX(b *testing.B) {
	tab := province(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteXLSX(&bytes.Buffer{}, Book{Table: tab}); err != nil {
			b.Fatal(err)
		}
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
