package export

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/chihuy/chihuy"
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

func columnWidths(cols []Column) []float64 {
	out := make([]float64, len(cols))
	for i, c := range cols {
		out[i] = numberWidth(c)
	}
	return out
}

// numberWidth is the width of an element column: its label over at most
// three lines, within bounds.
func numberWidth(c Column) float64 {
	w := (runeWidth(c.header()) + 2) / 2
	return float64(min(max(w, widthNumMin), widthNumMax))
}

func runeWidth(s string) int { return utf8.RuneCountInString(s) }

func date(d chihuy.Day) time.Time { return d.Time(time.UTC) }

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
