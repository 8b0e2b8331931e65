package export

import (
	"fmt"
	"io"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/chihuy/chihuy"
)

// Book is what WriteXLSX puts in a workbook.
type Book struct {
	// Table gives the first sheet (its rows) and the second (totals by
	// level).
	Table Table
	// Levels orders the rows of the totals sheet, top level first
	// ("tỉnh", "huyện", "xã"). Levels found in the rows but not listed
	// follow in the order they first appear.
	Levels []string
	// Weekly adds one sheet per weekly table, after the two.
	Weekly []Weekly
}

// Weekly is the table compiled for the week (§7): one row per unit
// (usually the districts of a province), one column per element, and a
// total row.
type Weekly struct {
	// Title heads the sheet, e.g. "Tỉnh Lai Châu — kết quả phòng, chống
	// dịch"; the week is added after it.
	Title    string
	From, To chihuy.Day
	Columns  []Column
	Rows     []WeeklyRow
}

// WeeklyRow is one unit's figures for the week; an absent code is an
// empty cell.
type WeeklyRow struct {
	Unit, Name string
	Values     map[string]int64
}

// MaxXLSXRows is how many data rows fit on a sheet under its header
// (Excel's limit is 1,048,576 rows in all). A longer table must be cut
// by period or exported as CSV.
const MaxXLSXRows = excelize.TotalRows - 1

// Widths of columns, in characters of the default font.
const (
	widthDate    = 12
	widthCodeMin = 7
	widthNameMin = 14
	widthNameMax = 45
	widthLevel   = 10
	widthUnits   = 12
	widthNumMin  = 9
	widthNumMax  = 16
	// headerHeight fits three lines of a wrapped element label.
	headerHeight = 48
)

// styles are the cell styles of a workbook, registered once per file.
type styles struct {
	header, text, number, date, total, totalText, title int
}

func newStyles(f *excelize.File) (styles, error) {
	dateFmt := "dd/mm/yyyy"
	above := []excelize.Border{{Type: "top", Color: "808080", Style: 1}}
	bold := &excelize.Font{Bold: true}
	var s styles
	for _, d := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.header, excelize.Style{
			Font:      bold,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		}},
		{&s.text, excelize.Style{}},
		{&s.number, excelize.Style{NumFmt: 3}}, // #,##0
		{&s.date, excelize.Style{CustomNumFmt: &dateFmt}},
		{&s.total, excelize.Style{NumFmt: 3, Font: bold, Border: above}},
		{&s.totalText, excelize.Style{Font: bold, Border: above}},
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}},
	} {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return styles{}, fmt.Errorf("xlsx style: %w", err)
		}
		*d.id = id
	}
	return s, nil
}

// WriteXLSX writes b as a workbook to w: the table, the totals by level,
// then the weekly tables (see the package doc).
func WriteXLSX(w io.Writer, b Book) error {
	if n := len(b.Table.Rows); n > MaxXLSXRows {
		return chihuy.Errorf(chihuy.EINVALID, errTooManyRows, n, MaxXLSXRows)
	}
	known, err := checkColumns(b.Table.Columns)
	if err != nil {
		return err
	}
	if err := checkRows(known, b.Table.Rows); err != nil {
		return err
	}
	for _, wk := range b.Weekly {
		if err := checkWeekly(wk); err != nil {
			return err
		}
	}
	return write(w, func(f *excelize.File, st styles) error {
		first := sheetDaily
		if slices.ContainsFunc(b.Table.Rows, Row.IsPeriod) {
			first = sheetAggregate
		}
		if err := f.SetSheetName(f.GetSheetName(0), first); err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", first, err)
		}
		if err := tableSheet(f, st, first, b.Table); err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", first, err)
		}
		if _, err := f.NewSheet(sheetLevels); err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", sheetLevels, err)
		}
		if err := levelSheet(f, st, sheetLevels, b.Table, b.Levels); err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", sheetLevels, err)
		}
		for _, wk := range b.Weekly {
			name := weeklySheetName(wk)
			if _, err := f.NewSheet(name); err != nil {
				return fmt.Errorf("xlsx sheet %s: %w", name, err)
			}
			if err := weeklySheet(f, st, name, wk); err != nil {
				return fmt.Errorf("xlsx sheet %s: %w", name, err)
			}
		}
		return nil
	})
}

// WriteWeeklyXLSX writes a workbook holding only the weekly table: the
// file the health department compiles for the province.
func WriteWeeklyXLSX(w io.Writer, wk Weekly) error {
	if err := checkWeekly(wk); err != nil {
		return err
	}
	return write(w, func(f *excelize.File, st styles) error {
		name := weeklySheetName(wk)
		if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", name, err)
		}
		if err := weeklySheet(f, st, name, wk); err != nil {
			return fmt.Errorf("xlsx sheet %s: %w", name, err)
		}
		return nil
	})
}

// write makes a workbook with fill and writes it to w.
func write(w io.Writer, fill func(*excelize.File, styles) error) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close xlsx: %w", cerr)
		}
	}()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := fill(f, st); err != nil {
		return err
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func checkWeekly(wk Weekly) error {
	known, err := checkColumns(wk.Columns)
	if err != nil {
		return err
	}
	if wk.To.Before(wk.From) {
		return chihuy.Errorf(chihuy.EINVALID, errWeeklyPeriod, wk.From.Short(), wk.To.Short())
	}
	for i, r := range wk.Rows {
		for code := range r.Values {
			if !known[code] {
				return chihuy.Errorf(chihuy.EINVALID, errUnknownValue, i+1, r.Unit, code)
			}
		}
	}
	return nil
}

// weeklySheetName is "Tuần 01.11–07.11.2021": unique per week and within
// Excel's 31 characters, with none of the characters it forbids.
func weeklySheetName(wk Weekly) string {
	from := fmt.Sprintf("%02d.%02d", wk.From.Day, int(wk.From.Month))
	to := fmt.Sprintf("%02d.%02d.%04d", wk.To.Day, int(wk.To.Month), wk.To.Year)
	return fmt.Sprintf(sheetWeekly, from, to)
}

func date(d chihuy.Day) time.Time { return d.Time(time.UTC) }

func runeWidth(s string) int { return utf8.RuneCountInString(s) }

// numberWidth is the width of an element column: its label over at most
// three lines, within bounds.
func numberWidth(c Column) float64 {
	w := (runeWidth(c.header()) + 2) / 2
	return float64(min(max(w, widthNumMin), widthNumMax))
}

// tableSheet writes the rows of t, streaming: an export may hold a year
// of a province's communes.
func tableSheet(f *excelize.File, st styles, sheet string, t Table) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	period := slices.ContainsFunc(t.Rows, Row.IsPeriod)
	var head []any
	if period {
		head = []any{headFrom, headTo}
	} else {
		head = []any{headDay}
	}
	fixed := len(head) + 3
	head = append(head, headCode, headUnit, headLevel)
	for _, c := range t.Columns {
		head = append(head, c.header())
	}
	for i := range head {
		head[i] = excelize.Cell{StyleID: st.header, Value: head[i]}
	}

	codeW, nameW := widthCodeMin, widthNameMin
	for _, r := range t.Rows {
		codeW = max(codeW, runeWidth(r.Unit)+2)
		nameW = max(nameW, runeWidth(r.Name)+2)
	}
	widths := make([]float64, 0, len(head))
	for range fixed - 3 {
		widths = append(widths, widthDate)
	}
	widths = append(widths, float64(codeW), float64(min(nameW, widthNameMax)), widthLevel)
	for _, c := range t.Columns {
		widths = append(widths, numberWidth(c))
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := freeze(sw.SetPanes, fixed, 1); err != nil {
		return err
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: headerHeight}); err != nil {
		return err
	}

	row := make([]any, 0, len(head))
	for i, r := range t.Rows {
		row = row[:0]
		if period {
			to := r.To
			if to.IsZero() {
				to = r.Day
			}
			row = append(row, excelize.Cell{StyleID: st.date, Value: date(r.Day)},
				excelize.Cell{StyleID: st.date, Value: date(to)})
		} else {
			row = append(row, excelize.Cell{StyleID: st.date, Value: date(r.Day)})
		}
		row = append(row,
			excelize.Cell{StyleID: st.text, Value: r.Unit},
			excelize.Cell{StyleID: st.text, Value: r.Name},
			excelize.Cell{StyleID: st.text, Value: r.Level})
		row = appendValues(row, st.number, t.Columns, r.Values)
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("row %d (unit %s): %w", i+1, r.Unit, err)
		}
	}
	return sw.Flush()
}

// appendValues appends one numeric cell per column, or an empty one.
func appendValues(row []any, style int, cols []Column, vals map[string]int64) []any {
	for _, c := range cols {
		if v, ok := vals[c.Code]; ok {
			row = append(row, excelize.Cell{StyleID: style, Value: v})
		} else {
			row = append(row, nil)
		}
	}
	return row
}

// freeze keeps the first x columns and y rows in view.
func freeze(set func(*excelize.Panes) error, x, y int) error {
	top, err := excelize.CoordinatesToCellName(x+1, y+1)
	if err != nil {
		return err
	}
	return set(&excelize.Panes{
		Freeze: true, XSplit: x, YSplit: y, TopLeftCell: top, ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomRight"}},
	})
}

// levelTotal is the totals of one level.
type levelTotal struct {
	level  string
	units  map[string]bool
	sums   map[string]int64
	latest map[string]map[string]stockValue // code → unit → last value
}

type stockValue struct {
	day chihuy.Day
	v   int64
}

// levelTotals adds up t by level: flows are summed over every row; a
// stock counts each unit's last value (by day) once.
func levelTotals(t Table, order []string) []*levelTotal {
	byLevel := map[string]*levelTotal{}
	var seen []string
	for _, r := range t.Rows {
		lv := r.Level
		if lv == "" {
			lv = levelUnknown
		}
		tot := byLevel[lv]
		if tot == nil {
			tot = &levelTotal{level: lv, units: map[string]bool{}, sums: map[string]int64{},
				latest: map[string]map[string]stockValue{}}
			byLevel[lv] = tot
			seen = append(seen, lv)
		}
		tot.units[r.Unit] = true
		last := r.Day
		if r.IsPeriod() {
			last = r.To
		}
		for _, c := range t.Columns {
			v, ok := r.Values[c.Code]
			if !ok {
				continue
			}
			if !c.Stock {
				tot.sums[c.Code] += v
				continue
			}
			m := tot.latest[c.Code]
			if m == nil {
				m = map[string]stockValue{}
				tot.latest[c.Code] = m
			}
			if old, ok := m[r.Unit]; !ok || !last.Before(old.day) {
				m[r.Unit] = stockValue{last, v}
			}
		}
	}
	for _, tot := range byLevel {
		for code, m := range tot.latest {
			for _, sv := range m {
				tot.sums[code] += sv.v
			}
		}
	}
	var out []*levelTotal
	for _, lv := range order {
		if tot := byLevel[lv]; tot != nil {
			out = append(out, tot)
			delete(byLevel, lv)
		}
	}
	for _, lv := range seen {
		if tot := byLevel[lv]; tot != nil {
			out = append(out, tot)
		}
	}
	return out
}

func levelSheet(f *excelize.File, st styles, sheet string, t Table, order []string) error {
	head := []any{headLevel, headUnits}
	for _, c := range t.Columns {
		head = append(head, c.header())
	}
	if err := setRow(f, sheet, 1, st.header, head); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, headerHeight); err != nil {
		return err
	}
	totals := levelTotals(t, order)
	grand := map[string]int64{}
	present := map[string]bool{}
	units := 0
	for i, tot := range totals {
		row := []any{
			excelize.Cell{StyleID: st.text, Value: tot.level},
			excelize.Cell{StyleID: st.number, Value: len(tot.units)},
		}
		vals := map[string]int64{}
		for _, c := range t.Columns {
			if v, ok := tot.sums[c.Code]; ok {
				vals[c.Code] = v
				grand[c.Code] += v
				present[c.Code] = true
			}
		}
		units += len(tot.units)
		if err := setRow(f, sheet, i+2, 0, appendValues(row, st.number, t.Columns, vals)); err != nil {
			return err
		}
	}
	row := []any{
		excelize.Cell{StyleID: st.totalText, Value: rowTotal},
		excelize.Cell{StyleID: st.total, Value: units},
	}
	row = appendValues(row, st.total, t.Columns, grand)
	if err := setRow(f, sheet, len(totals)+2, 0, row); err != nil {
		return err
	}
	if err := styleEmpty(f, sheet, len(totals)+2, 3, len(t.Columns), st.total); err != nil {
		return err
	}
	if err := setWidths(f, sheet, append([]float64{widthLevel + 4, widthUnits}, columnWidths(t.Columns)...)); err != nil {
		return err
	}
	return freeze(func(p *excelize.Panes) error { return f.SetPanes(sheet, p) }, 1, 1)
}

func weeklySheet(f *excelize.File, st styles, sheet string, wk Weekly) error {
	title := fmt.Sprintf(weeklyTitleBare, wk.From.Short(), wk.To.Short())
	if wk.Title != "" {
		title = fmt.Sprintf(weeklyTitle, wk.Title, wk.From.Short(), wk.To.Short())
	}
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", st.title); err != nil {
		return err
	}
	head := []any{headCode, headUnit}
	for _, c := range wk.Columns {
		head = append(head, c.header())
	}
	if err := setRow(f, sheet, 2, st.header, head); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 2, headerHeight); err != nil {
		return err
	}
	total := map[string]int64{}
	codeW, nameW := widthCodeMin, widthNameMin
	for i, r := range wk.Rows {
		row := []any{
			excelize.Cell{StyleID: st.text, Value: r.Unit},
			excelize.Cell{StyleID: st.text, Value: r.Name},
		}
		for code, v := range r.Values {
			total[code] += v
		}
		codeW = max(codeW, runeWidth(r.Unit)+2)
		nameW = max(nameW, runeWidth(r.Name)+2)
		if err := setRow(f, sheet, i+3, 0, appendValues(row, st.number, wk.Columns, r.Values)); err != nil {
			return err
		}
	}
	last := len(wk.Rows) + 3
	row := []any{
		excelize.Cell{StyleID: st.totalText, Value: rowTotal},
		excelize.Cell{StyleID: st.totalText, Value: ""},
	}
	if err := setRow(f, sheet, last, 0, appendValues(row, st.total, wk.Columns, total)); err != nil {
		return err
	}
	if err := styleEmpty(f, sheet, last, 3, len(wk.Columns), st.total); err != nil {
		return err
	}
	widths := append([]float64{float64(codeW), float64(min(nameW, widthNameMax))}, columnWidths(wk.Columns)...)
	if err := setWidths(f, sheet, widths); err != nil {
		return err
	}
	return freeze(func(p *excelize.Panes) error { return f.SetPanes(sheet, p) }, 2, 2)
}

func columnWidths(cols []Column) []float64 {
	out := make([]float64, len(cols))
	for i, c := range cols {
		out[i] = numberWidth(c)
	}
	return out
}

// setRow writes values from column A of row; a non-zero style applies to
// every plain value, a Cell carries its own.
func setRow(f *excelize.File, sheet string, row, style int, values []any) error {
	for i, v := range values {
		cell, err := excelize.CoordinatesToCellName(i+1, row)
		if err != nil {
			return err
		}
		id := style
		if c, ok := v.(excelize.Cell); ok {
			v, id = c.Value, c.StyleID
		}
		if v != nil {
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				return err
			}
		}
		if id != 0 {
			if err := f.SetCellStyle(sheet, cell, cell, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// styleEmpty gives the n cells of row from column first the style, so
// that the total row's border runs across empty cells too.
func styleEmpty(f *excelize.File, sheet string, row, first, n, style int) error {
	if n == 0 {
		return nil
	}
	from, err := excelize.CoordinatesToCellName(first, row)
	if err != nil {
		return err
	}
	to, err := excelize.CoordinatesToCellName(first+n-1, row)
	if err != nil {
		return err
	}
	return f.SetCellStyle(sheet, from, to, style)
}

func setWidths(f *excelize.File, sheet string, widths []float64) error {
	for i, w := range widths {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	return nil
}
