package handlers

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/export"
	"github.com/chihuy/chihuy/reorg"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// Export (§9): the per-unit per-day values of a subtree, or each unit's
// aggregate over a period, as a table the export package writes to CSV or
// XLSX. /xuat sends it; `chihuy export` writes it.

// maxExportDays bounds one export's period.
const maxExportDays = 400

// Columns are the data set's elements as export columns.
func Columns(ds *dataset.DataSet) []export.Column {
	cols := make([]export.Column, len(ds.Elements))
	for i, e := range ds.Elements {
		cols[i] = export.Column{Code: e.Code, Label: e.Label, Stock: e.Aggregation == dataset.Latest}
	}
	return cols
}

// ExportTable reads the subtree of unit from the store: with aggregate
// false, one row per unit and day that has a stored report of the unit's
// own; with aggregate true, one row per unit of the subtree with its
// aggregate over from..to (flows added, stocks the last value, maxima the
// largest). Callers check scope.
func ExportTable(ctx context.Context, st *store.Store, tree *units.Tree, ds *dataset.DataSet, unit string, from, to chihuy.Day, aggregate bool) (export.Table, error) {
	t, _, err := ExportHistory(ctx, st, tree, nil, ds, unit, from, to, aggregate)
	return t, err
}

// ExportHistory is ExportTable across a reorganisation (plan, nil when
// none): for days before its effective date, a unit's row holds the
// combined values of the old units that went into it whole (their own
// reports, or their aggregates). The notes say so, naming the old units
// split and left out.
func ExportHistory(ctx context.Context, st *store.Store, tree *units.Tree, plan *reorg.Plan, ds *dataset.DataSet, unit string, from, to chihuy.Day, aggregate bool) (export.Table, []string, error) {
	t := export.Table{Columns: Columns(ds)}
	root, ok := tree.Get(unit)
	if !ok {
		return t, nil, chihuy.Errorf(chihuy.ENOTFOUND, msgUnitUnknown, unit)
	}
	if to.Before(from) {
		return t, nil, chihuy.Errorf(chihuy.EINVALID, msgExportRange, from.Short(), to.Short())
	}
	if n := to.Sub(from) + 1; n > maxExportDays {
		return t, nil, chihuy.Errorf(chihuy.EINVALID, msgExportTooLong, n, maxExportDays)
	}
	var notes []string
	if note := historyNote(tree, plan, root, from); note != "" {
		notes = append(notes, note)
	}
	var subtree []*units.Unit
	tree.Walk(root.Code, func(u *units.Unit) bool { subtree = append(subtree, u); return true })
	aggs := ds.Aggregations()
	if !aggregate {
		rows, err := ownRows(ctx, st, tree, plan, subtree, from, to, aggs)
		t.Rows = rows
		return t, notes, err
	}
	var days []chihuy.Day
	for d := from; !d.After(to); d = d.AddDays(1) {
		days = append(days, d)
	}
	vals, err := readAggregates(ctx, st, tree, plan, subtree, days, aggs)
	if err != nil {
		return t, notes, err
	}
	for _, u := range subtree {
		total := map[string]int64{}
		for _, d := range days { // in order: the last day wins for stocks
			for code, v := range vals[u.Code][d] {
				old, seen := total[code]
				switch aggs.Of(code) {
				case dataset.Latest:
					total[code] = v
				case dataset.Max:
					if !seen || v > old {
						total[code] = v
					}
				default:
					total[code] = old + v
				}
			}
		}
		t.Rows = append(t.Rows, export.Row{Day: from, To: to, Unit: u.Code, Name: u.FullName(), Level: u.Level, Values: total})
	}
	return t, notes, nil
}

// ownRows are the rows of the units' own reports from..to, by day then
// unit; days before plan's effective date combine the own reports of the
// old units that went into each unit whole.
func ownRows(ctx context.Context, st *store.Store, tree *units.Tree, plan *reorg.Plan, subtree []*units.Unit, from, to chihuy.Day, aggs dataset.Aggregations) ([]export.Row, error) {
	var rows []export.Row
	if plan != nil && plan.Before(from) {
		last := plan.Effective.AddDays(-1)
		if to.Before(last) {
			last = to
		}
		var oldCodes []string
		for _, u := range subtree {
			whole, _ := plan.Sources(u.Code)
			for _, o := range whole {
				oldCodes = append(oldCodes, o.Code)
			}
		}
		reps, err := st.In(plan.From).UnitReports(ctx, oldCodes, from, last)
		if err != nil {
			return nil, err
		}
		byDay := map[chihuy.Day]map[string]report.Values{}
		for _, r := range reps {
			if byDay[r.Day] == nil {
				byDay[r.Day] = map[string]report.Values{}
			}
			byDay[r.Day][r.Unit] = r.Values
		}
		for d := from; !d.After(last); d = d.AddDays(1) {
			for _, u := range subtree {
				whole, _ := plan.Sources(u.Code)
				v, any := report.Values{}, false
				for _, o := range whole {
					if w, ok := byDay[d][o.Code]; ok {
						v.Merge(w, aggs)
						any = true
					}
				}
				if any {
					rows = append(rows, export.Row{Day: d, Unit: u.Code, Name: u.FullName(), Level: u.Level, Values: v})
				}
			}
		}
		if from = plan.Effective; from.After(to) {
			return rows, nil
		}
	}
	byCode := make(map[string]*units.Unit, len(subtree))
	for _, u := range subtree {
		byCode[u.Code] = u
	}
	reps, err := st.In(tree).UnitReports(ctx, codesOf(subtree), from, to)
	if err != nil {
		return nil, err
	}
	for _, r := range reps {
		u := byCode[r.Unit]
		rows = append(rows, export.Row{Day: r.Day, Unit: r.Unit, Name: u.FullName(), Level: u.Level, Values: r.Values})
	}
	return rows, nil
}

// Levels lists the level names of tree from the top, for the totals
// sheet.
func Levels(tree *units.Tree) []string {
	var out []string
	seen := map[string]bool{}
	for _, u := range tree.Units() {
		if !seen[u.Level] {
			seen[u.Level] = true
			out = append(out, u.Level)
		}
	}
	return out
}

// cmdXuat sends the export of a subtree: "/xuat [đơn vị] [từ ngày] [đến
// ngày] [csv]". The default period is the last 7 days.
func (h *Handler) cmdXuat(ctx context.Context, r *request) error {
	home, err := h.homeUnit(ctx, r)
	if err != nil {
		return err
	}
	args := strings.TrimSpace(r.args)
	asCSV := false
	if f := strings.Fields(args); len(f) > 0 && strings.EqualFold(f[len(f)-1], "csv") {
		asCSV = true
		args = strings.TrimSpace(args[:strings.LastIndex(strings.ToLower(args), "csv")])
	}
	rest, to, err := h.splitDay(args)
	if err != nil {
		return err
	}
	from := to.AddDays(-6)
	if rest2, d, err := h.splitDay(rest); err != nil {
		return err
	} else if rest2 != rest {
		rest, from = rest2, d
	}
	u, err := h.readableUnit(ctx, r, home, rest)
	if err != nil {
		return err
	}
	t, notes, err := ExportHistory(ctx, h.Store, h.Tree, h.Reorg, h.DataSet, u.Code, from, to, false)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("chihuy-%s-%s-%s", u.Code, from, to)
	if asCSV {
		err = export.WriteCSV(&buf, t)
		name += ".csv"
	} else {
		err = export.WriteXLSX(&buf, export.Book{Table: t, Levels: Levels(h.Tree)})
		name += ".xlsx"
	}
	if err != nil {
		return err
	}
	caption := strings.Join(append([]string{fmt.Sprintf(msgXuatCaption, u.FullName(), from.Short(), to.Short(), len(t.Rows))}, notes...), "\n")
	return h.replyWith(ctx, r, chihuy.Message{Text: caption, File: &chihuy.File{Name: name, Data: buf.Bytes()}})
}
