package handlers

import (
	"context"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/units"
)

// Figures as §8 shows them: no figure is 0 because nobody reported it — a
// flow says how many units gave it; a stock carries, for every unit that
// did not give it that day, the unit's last value (up to carryDays old)
// with its date; the change against the day before compares like with
// like, the units that reported both days.
//
// The day's reports of the units that reported are read in one batch;
// older ones day by day, only for the units that still miss a stock the
// subtree reported in the window, and yesterday's of the units that
// reported yesterday and not today.

// carryDays is how far back a stock's last value is carried; partialDays
// how far back for a unit that reported the day but left the stock out.
const (
	carryDays   = 7
	partialDays = 2
)

// ownFigure is one element of a subtree for one day.
type ownFigure struct {
	reported int        // reporting units (leaves) that gave the element that day
	carried  int        // stocks: units whose value is their last report before the day
	since    chihuy.Day // the oldest of those reports
	value    int64      // stocks: the sum of the carried values
	change   int64      // the change over the units that reported both days
	compared bool       // some unit reported both days
}

// dayFigures are the §8 figures of a subtree for one day.
type dayFigures struct {
	elements map[string]*ownFigure
	leaves   int // reporting units (leaves) of the subtree
	// have is false when no unit of the subtree reported within
	// carryDays: the caller shows the aggregates as they are.
	have bool
}

// ownFigures computes the §8 figures of u's subtree for day from its
// aggregates of the day and the days before (window[i] is day-i's, up to
// carryDays) and the own reports they miss. A unit that reported the day
// but left a stock out carries its last value of up to partialDays
// before; a unit silent that day carries its last values of up to
// carryDays before.
func (h *Handler) ownFigures(ctx context.Context, u *units.Unit, day chihuy.Day, window []map[string]int64) (dayFigures, error) {
	out := dayFigures{elements: make(map[string]*ownFigure, len(h.DataSet.Elements))}
	agg, agg1 := window[0], window[1]
	on := make([]map[string]int64, carryDays+1) // on[i]: units that reported day-i
	for i := range on {
		m, err := h.reportedIn(ctx, u, day.AddDays(-i))
		if err != nil {
			return out, err
		}
		on[i] = m
		out.have = out.have || len(m) > 0
	}
	leaf := map[string]bool{}
	for _, l := range h.reporters(u) {
		leaf[l.Code] = true
	}
	out.leaves = len(leaf)
	if !out.have {
		return out, nil
	}
	readDay := func(set map[string]bool, d chihuy.Day) ([]report.Stored, error) {
		if len(set) == 0 {
			return nil, nil
		}
		codes := make([]string, 0, len(set))
		for code := range set {
			codes = append(codes, code)
		}
		return h.figures().UnitReports(ctx, codes, d, d)
	}
	// the stocks worth carrying: those the subtree reported in the window
	var stocks []string
	for _, e := range h.DataSet.Elements {
		out.elements[e.Code] = &ownFigure{}
		if e.Aggregation != dataset.Latest {
			continue
		}
		for i := 0; i <= carryDays; i++ {
			if _, ok := window[i][e.Code]; ok {
				stocks = append(stocks, e.Code)
				break
			}
		}
	}
	// carry adds the stocks of a unit's report of day d that it still
	// wants, and forgets them
	carry := func(d chihuy.Day, vals map[string]int64, want map[string]bool) {
		for st := range want {
			if v, ok := vals[st]; ok {
				f := out.elements[st]
				f.value += v
				f.carried++
				if f.since.IsZero() || d.Before(f.since) {
					f.since = d
				}
				delete(want, st)
			}
		}
	}
	// the day's reports: who gave what, and which stocks each unit left out
	todaySet := map[string]bool{}
	for code := range on[0] {
		todaySet[code] = true
	}
	today, err := readDay(todaySet, day)
	if err != nil {
		return out, err
	}
	onlyToday := map[string]int64{}
	// need: the stocks each unit still has to carry, and how far back it
	// looks — a unit that reported the day but left a stock out looks
	// back partialDays (a unit that has not given it for that long does
	// not report it); a unit silent that day looks back carryDays
	type want struct {
		stocks map[string]bool
		until  int
	}
	need := map[string]*want{}
	for _, r := range today {
		_, both := on[1][r.Unit]
		for code, v := range r.Values {
			if f := out.elements[code]; f != nil && leaf[r.Unit] {
				f.reported++
			}
			if !both {
				onlyToday[code] += v
			}
		}
		for _, st := range stocks {
			if _, ok := r.Values[st]; !ok {
				if need[r.Unit] == nil {
					need[r.Unit] = &want{stocks: map[string]bool{}, until: partialDays}
				}
				need[r.Unit].stocks[st] = true
			}
		}
	}
	for i := 1; i <= carryDays; i++ {
		for code := range on[i] {
			if !todaySet[code] && need[code] == nil && len(stocks) > 0 {
				w := &want{stocks: map[string]bool{}, until: carryDays}
				for _, st := range stocks {
					w.stocks[st] = true
				}
				need[code] = w
			}
		}
	}
	onlyPrev := map[string]int64{}
	for i := 1; i <= carryDays; i++ {
		set := map[string]bool{}
		for code := range on[i] {
			if w := need[code]; w != nil && len(w.stocks) > 0 && i <= w.until || i == 1 && !todaySet[code] {
				set[code] = true
			}
		}
		reps, err := readDay(set, day.AddDays(-i))
		if err != nil {
			return out, err
		}
		for _, r := range reps {
			if i == 1 && !todaySet[r.Unit] {
				// yesterday only: it leaves the comparison
				for code, v := range r.Values {
					onlyPrev[code] += v
				}
			}
			if w := need[r.Unit]; w != nil {
				carry(r.Day, r.Values, w.stocks)
			}
		}
	}
	both := false
	for code := range on[0] {
		if _, ok := on[1][code]; ok {
			both = true
			break
		}
	}
	for code, f := range out.elements {
		t, okToday := agg[code]
		y, okPrev := agg1[code]
		f.change = (t - onlyToday[code]) - (y - onlyPrev[code])
		f.compared = okToday && okPrev && both
	}
	return out, nil
}
