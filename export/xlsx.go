package export

import (
	"fmt"
	"io"
	"slices"

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
