package export

import (
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/chihuy/chihuy"
)

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
