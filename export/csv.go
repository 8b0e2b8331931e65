package export

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chihuy/chihuy"
)

// fixedHeader is the start of every CSV header row, before the codes.
var fixedHeader = []string{"date", "unit", "name", "level"}

// WriteCSV writes t to w in the format of the package doc, rows in the
// order given. A value for a code that has no column is an error, not a
// silently dropped figure.
func WriteCSV(w io.Writer, t Table) error {
	known, err := checkColumns(t.Columns)
	if err != nil {
		return err
	}
	if err := checkRows(known, t.Rows); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	record := make([]string, 0, len(fixedHeader)+len(t.Columns))
	record = append(record, fixedHeader...)
	for _, c := range t.Columns {
		record = append(record, c.Code)
	}
	if err := cw.Write(record); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	for i, r := range t.Rows {
		record = append(record[:0], r.dateCell(), r.Unit, r.Name, r.Level)
		for _, c := range t.Columns {
			if v, ok := r.Values[c.Code]; ok {
				record = append(record, strconv.FormatInt(v, 10))
			} else {
				record = append(record, "")
			}
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("write csv row %d (unit %s): %w", i+1, r.Unit, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// ReadCSV reads a table written by WriteCSV (or by hand in the same
// format). Columns come back with codes only: labels and aggregations are
// not in the file. A leading UTF-8 byte-order mark, as spreadsheet
// programs add when saving, is skipped. Errors name the line.
func ReadCSV(r io.Reader) (Table, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		_, _ = br.Discard(3) // cannot fail after a successful Peek
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return Table{}, chihuy.Errorf(chihuy.EINVALID, errCSVEmpty)
	} else if err != nil {
		return Table{}, csvError(err)
	}
	want := strings.Join(fixedHeader, ",")
	if len(header) < len(fixedHeader) || strings.Join(header[:len(fixedHeader)], ",") != want {
		return Table{}, chihuy.Errorf(chihuy.EINVALID, errCSVHeader, want+",…", strings.Join(header, ","))
	}
	if len(header) == len(fixedHeader) {
		return Table{}, chihuy.Errorf(chihuy.EINVALID, errCSVNoCodes, want)
	}
	var t Table
	seen := map[string]bool{}
	for i, code := range header[len(fixedHeader):] {
		if code == "" || strings.ContainsAny(code, " \t\r\n") {
			return Table{}, chihuy.Errorf(chihuy.EINVALID, errCSVCode, len(fixedHeader)+i+1, code)
		}
		if seen[code] {
			return Table{}, chihuy.Errorf(chihuy.EINVALID, errCSVDupCode, code)
		}
		seen[code] = true
		t.Columns = append(t.Columns, Column{Code: code})
	}

	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return Table{}, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		row, err := parseRow(line, t.Columns, record)
		if err != nil {
			return Table{}, err
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// csvError turns a parse error of encoding/csv into an application error
// naming the line.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return chihuy.Errorf(chihuy.EINVALID, errCSVRead, pe.StartLine, pe.Err)
	}
	return fmt.Errorf("read csv: %w", err)
}

func parseRow(line int, cols []Column, record []string) (Row, error) {
	row := Row{Unit: record[1], Name: record[2], Level: record[3]}
	if row.Unit == "" {
		return Row{}, chihuy.Errorf(chihuy.EINVALID, errCSVUnit, line)
	}
	date := record[0]
	from, to, isPeriod := strings.Cut(date, periodSep)
	var err error
	if row.Day, err = chihuy.ParseDay(from); err != nil {
		return Row{}, chihuy.Errorf(chihuy.EINVALID, errCSVDate, line, date)
	}
	if isPeriod {
		if row.To, err = chihuy.ParseDay(to); err != nil {
			return Row{}, chihuy.Errorf(chihuy.EINVALID, errCSVDate, line, date)
		}
		if row.To.Before(row.Day) {
			return Row{}, chihuy.Errorf(chihuy.EINVALID, errCSVPeriod, line, date)
		}
	}
	for i, c := range cols {
		cell := record[len(fixedHeader)+i]
		if cell == "" {
			continue
		}
		v, err := strconv.ParseInt(cell, 10, 64)
		if err != nil {
			return Row{}, chihuy.Errorf(chihuy.EINVALID, errCSVValue, line, c.Code, cell)
		}
		if row.Values == nil {
			row.Values = make(map[string]int64, len(cols))
		}
		row.Values[c.Code] = v
	}
	return row, nil
}
