package handlers

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/digest"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
	"github.com/chihuy/chihuy/vntext"
)

// Summaries: the figures of a unit for a day, computed from the stored
// aggregates, as /tonghop answers them and digests send them.

// maxTop is how many children the "most new F0" list names.
const maxTop = 5

// figures is the store answering in the handler's tree: the store itself
// when the tree in force is the handler's (the application sets it), else
// a view of it in the handler's tree.
func (h *Handler) figures() *store.Store {
	if h.Store.Tree() == h.Tree {
		return h.Store
	}
	return h.Store.In(h.Tree)
}

// cumulativeTo takes out of cum, u's running totals as of now, the
// figures of the days after day: the cumulative of a past day counts the
// days up to it.
func (h *Handler) cumulativeTo(ctx context.Context, u *units.Unit, day chihuy.Day, cum report.Values) error {
	today := h.today()
	if cum == nil || !today.After(day) {
		return nil
	}
	var later []chihuy.Day
	for d := day.AddDays(1); !d.After(today); d = d.AddDays(1) {
		later = append(later, d)
	}
	vals, err := readAggregates(ctx, h.Store, h.Tree, h.Reorg, []*units.Unit{u}, later, h.DataSet.Aggregations())
	if err != nil {
		return err
	}
	for _, d := range later {
		for code, v := range vals[u.Code][d] {
			if _, ok := cum[code]; ok {
				cum[code] -= v
			}
		}
	}
	return nil
}

// headline is the element the "most new cases" list ranks by: the data
// set's first element (f0 in the COVID-19 set).
func (h *Handler) headline() string {
	if len(h.DataSet.Elements) == 0 {
		return ""
	}
	return h.DataSet.Elements[0].Code
}

// Summarize computes the digest data of unit u for day: figures with the
// change against the day before and 7-day totals, the children with the
// most new cases, completeness of the children's reports, and the day's
// alerts in the subtree. Callers check scope.
func (h *Handler) Summarize(ctx context.Context, u *units.Unit, day chihuy.Day) (digest.Digest, error) {
	d := digest.Digest{Unit: u.Name, Level: u.Level, Day: day}
	if u.Parent == nil && u.Level == "" {
		d.Unit = u.Title()
	}
	days := make([]chihuy.Day, 7)
	for i := range days {
		days[i] = day.AddDays(-i) // days[0] is day
	}
	prev := day.AddDays(-1)
	days = append(days, day.AddDays(-7))
	us := append([]*units.Unit{u}, u.Children...)
	aggs := h.DataSet.Aggregations()
	vals, err := readAggregates(ctx, h.Store, h.Tree, h.Reorg, us, days, aggs)
	if err != nil {
		return d, err
	}
	mine := vals[u.Code]
	cum, err := readCumulative(ctx, h.Store, h.Tree, h.Reorg, us[:1])
	if err != nil {
		return d, err
	}
	if err := h.cumulativeTo(ctx, u, day, cum[u.Code]); err != nil {
		return d, err
	}
	if note := historyNote(h.Tree, h.Reorg, u, days[len(days)-1]); note != "" {
		d.Notes = append(d.Notes, note)
	}
	window := make([]map[string]int64, carryDays+1)
	for i := range window {
		window[i] = mine[day.AddDays(-i)]
	}
	own, err := h.ownFigures(ctx, u, day, window)
	if err != nil {
		return d, err
	}
	for _, e := range h.DataSet.Elements {
		f := digest.Figure{Label: e.Label, Stock: e.Aggregation == dataset.Latest}
		today, hasToday := mine[day][e.Code]
		yesterday, hasPrev := mine[prev][e.Code]
		var week int64
		hasWeek := false
		for _, dd := range days[:7] {
			if v, ok := mine[dd][e.Code]; ok {
				week, hasWeek = week+v, true
			}
		}
		o := own.elements[e.Code]
		if o == nil {
			o = &ownFigure{}
		}
		if !hasToday && !hasPrev && !hasWeek && o.carried == 0 {
			continue
		}
		f.Value, f.Change = today, today-yesterday
		if !f.Stock {
			f.Week, f.Total = week, cum[u.Code][e.Code]
		}
		if own.have {
			// §8: what nobody reported is said so; stocks carry their
			// last value; changes compare like with like
			f.Expected, f.Reported, f.Change, f.NoChange = own.leaves, o.reported, o.change, !o.compared
			if hasToday && o.reported == 0 {
				f.Expected = 0 // given by a unit above the reporting ones only
			}
			if f.Stock {
				f.Value += o.value
				f.Carried, f.Since = o.carried, o.since
			}
		}
		d.Figures = append(d.Figures, f)
	}
	if hl := h.headline(); hl != "" {
		for _, c := range u.Children {
			if v := vals[c.Code][day][hl]; v > 0 {
				d.Top = append(d.Top, digest.Count{Name: c.FullName(), Value: v})
			}
		}
		sort.SliceStable(d.Top, func(i, j int) bool { return d.Top[i].Value > d.Top[j].Value })
		if len(d.Top) > maxTop {
			d.Top = d.Top[:maxTop]
		}
	}
	if d.Progress, err = h.progress(ctx, u, day); err != nil {
		return d, err
	}
	if d.Alerts, err = h.alertsOfDay(ctx, u, day); err != nil {
		return d, err
	}
	return d, nil
}

// reportedIn returns, for day, every unit of u's subtree that reported,
// with the time of its first report.
func (h *Handler) reportedIn(ctx context.Context, u *units.Unit, day chihuy.Day) (map[string]int64, error) {
	m, err := h.figures().ReportedIn(ctx, u.Code, day)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(m))
	for code, at := range m {
		out[code] = at.UnixMilli()
	}
	return out, nil
}

// progress is the completeness and timeliness of reporting below u for
// day, as DHIS2 counts reporting rates: expected are the reporting units
// (the leaves) of the subtree, reported those with a report that day, on
// time those that reported before the daily deadline — summed up the
// tree. Missing names the children not complete, with their own counts
// when they have units below them ("huyện Mường Tè (0/14)").
func (h *Handler) progress(ctx context.Context, u *units.Unit, day chihuy.Day) (digest.Progress, error) {
	var p digest.Progress
	if len(u.Children) == 0 {
		return p, nil
	}
	reported, err := h.reportedIn(ctx, u, day)
	if err != nil {
		return p, err
	}
	deadline := day.Time(h.Loc).Add(h.DailyDeadline).UnixMilli()
	for _, c := range u.Children {
		leaves := h.reporters(c)
		done := 0
		for _, l := range leaves {
			at, ok := reported[l.Code]
			if !ok {
				continue
			}
			done++
			if at <= deadline {
				p.OnTime++
			}
		}
		p.Expected += len(leaves)
		p.Reported += done
		switch {
		case done == len(leaves):
		case c.IsLeaf():
			p.Missing = append(p.Missing, c.FullName())
		default:
			p.Missing = append(p.Missing, fmt.Sprintf("%s (%d/%d)", c.FullName(), done, len(leaves)))
		}
	}
	return p, nil
}

// alertsOfDay lists the alerts fired in u's subtree on day.
func (h *Handler) alertsOfDay(ctx context.Context, u *units.Unit, day chihuy.Day) ([]digest.Alert, error) {
	as, err := h.figures().AlertsIn(ctx, u.Code, day)
	if err != nil {
		return nil, err
	}
	var out []digest.Alert
	for _, a := range as {
		au, ok := h.Tree.Get(a.Unit)
		name := a.Unit
		if ok {
			name = au.FullName()
		}
		out = append(out, digest.Alert{Unit: name, Text: h.ruleText(a.Rule, a.Value)})
	}
	return out, nil
}

// ruleText describes a fired rule from its stored name and value, as
// "tử vong 1 ca": the label, the value and the element's unit word.
func (h *Handler) ruleText(rule string, value int64) string {
	for _, r := range h.DataSet.Rules {
		if ruleName(r) == rule {
			text := h.DataSet.Label(r.Element) + " " + vntext.Number(value)
			if e, ok := h.DataSet.Element(r.Element); ok && e.Unit != "" {
				text += " " + e.Unit
			}
			return strings.TrimSpace(text)
		}
	}
	return rule + " " + vntext.Number(value)
}

// ruleName is the stable name of an alert rule in the store.
func ruleName(r dataset.Rule) string {
	op := map[dataset.Operator]string{dataset.OpGT: "gt", dataset.OpGE: "ge", dataset.OpLT: "lt", dataset.OpLE: "le"}[r.Op]
	return r.Element + "_" + op + "_" + strconv.FormatInt(r.Threshold, 10)
}
