// Package export owns the files that carry report data out of the bot
// (§9): the CSV of per-unit per-day values, its aggregate form, and the
// XLSX workbook sent by /xuat and written by `chihuy export`, including
// the weekly table compiled for the province (§7).
//
// It writes and reads neutral tables; reading the figures from the store
// is the caller's job. Nothing here touches Redis or the network.
//
// # CSV
//
// UTF-8 without byte-order mark, comma-separated, "\n" line ends, quoted
// only where a field needs it. The header row is
//
//	date,unit,name,level,<code>,<code>,…
//
// with one column per element code in data-set order. Each row is one
// unit and one day: date is YYYY-MM-DD; a cell is empty where the element
// was not reported. In the aggregate form (one row per unit of the
// subtree, holding its aggregate over a period) the date cell holds the
// period as "YYYY-MM-DD..YYYY-MM-DD", first and last day included, even
// when both are the same day; so a reader always tells a day's report
// from an aggregate.
//
// # XLSX
//
// Sheet "Số liệu theo ngày" holds the rows of the table (named "Số liệu
// tổng hợp" when the rows are period aggregates), sheet "Tổng hợp theo
// cấp" the totals by level, then one sheet per weekly table. Headers are
// Vietnamese (element labels), bold, frozen; numbers are numeric cells
// with a thousands separator; days are real dates shown dd/mm/yyyy.
package export

import (
	"strings"

	"github.com/chihuy/chihuy"
)

// Column is one element of the data set, as a column of a table.
type Column struct {
	// Code is the element code ("f0", "cltt"): the CSV header.
	Code string
	// Label is the Vietnamese label ("F0 mới"): the XLSX header. Empty
	// means the code is shown. ReadCSV leaves it empty.
	Label string
	// Stock is true for elements aggregated as "latest" (people in
	// quarantine now, oxygen on hand): a total over several days takes
	// each unit's last value instead of adding the days.
	Stock bool
}

// header is the text shown above the column in a workbook.
func (c Column) header() string {
	if c.Label != "" {
		return c.Label
	}
	return c.Code
}

// Table is per-unit values: one row per unit and day, or one row per
// unit with its aggregate over a period.
type Table struct {
	Columns []Column
	Rows    []Row
}

// Row is one unit's values for one day or one period.
type Row struct {
	// Day is the day of the values; for a period aggregate, its first day.
	Day chihuy.Day
	// To is zero for a day's values. When set, the row is an aggregate
	// over Day..To, both included.
	To chihuy.Day
	// Unit is the unit code, Name its display name ("Xã Bản Giang"),
	// Level its level name ("xã").
	Unit, Name, Level string
	// Values maps element codes to values; an absent code is an empty
	// cell (not reported), which is not the same as 0.
	Values map[string]int64
}

// IsPeriod reports whether the row is an aggregate over a period.
func (r Row) IsPeriod() bool { return !r.To.IsZero() }

// periodSep separates the first and last day of a period in a date cell.
const periodSep = ".."

// dateCell formats the CSV date cell of r.
func (r Row) dateCell() string {
	if r.IsPeriod() {
		return r.Day.String() + periodSep + r.To.String()
	}
	return r.Day.String()
}

// checkColumns refuses empty, blank-containing or repeated codes.
func checkColumns(cols []Column) (map[string]bool, error) {
	if len(cols) == 0 {
		return nil, chihuy.Errorf(chihuy.EINVALID, errNoColumns)
	}
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		if c.Code == "" || strings.ContainsAny(c.Code, " \t\r\n") {
			return nil, chihuy.Errorf(chihuy.EINVALID, errBadColumnCode, c.Code)
		}
		if seen[c.Code] {
			return nil, chihuy.Errorf(chihuy.EINVALID, errDupColumn, c.Code)
		}
		seen[c.Code] = true
	}
	return seen, nil
}

// checkRows refuses what ReadCSV could not read back: a row without a
// unit or day, a period ending before it starts, and a value for a code
// that has no column (it would be silently lost).
func checkRows(known map[string]bool, rows []Row) error {
	for i, r := range rows {
		switch {
		case r.Unit == "":
			return chihuy.Errorf(chihuy.EINVALID, errRowUnit, i+1)
		case r.Day.IsZero():
			return chihuy.Errorf(chihuy.EINVALID, errRowDay, i+1, r.Unit)
		case r.IsPeriod() && r.To.Before(r.Day):
			return chihuy.Errorf(chihuy.EINVALID, errRowPeriod, i+1, r.Unit, r.Day, r.To)
		}
		for code := range r.Values {
			if !known[code] {
				return chihuy.Errorf(chihuy.EINVALID, errUnknownValue, i+1, r.Unit, code)
			}
		}
	}
	return nil
}
