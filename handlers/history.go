package handlers

import (
	"context"
	"fmt"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/directive"
	"github.com/chihuy/chihuy/reorg"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// History across a reorganisation (SPEC §1): the tree in force is the new
// one, but figures of days before the effective date are stored under the
// old units, untouched. A new unit's figures for such a day are read as
// the combination of the old units that went into it whole; the old units
// split across several new ones are left out, and the texts say so.

// readAggregates returns the full aggregate of every unit of tree for
// every day, like store.Aggregates, reading days before plan's effective
// date from the old units (plan may be nil: no reorganisation).
func readAggregates(ctx context.Context, st *store.Store, tree *units.Tree, plan *reorg.Plan, us []*units.Unit, days []chihuy.Day, aggs dataset.Aggregations) (map[string]map[chihuy.Day]report.Values, error) {
	var after, before []chihuy.Day
	for _, d := range days {
		if plan != nil && plan.Before(d) {
			before = append(before, d)
		} else {
			after = append(after, d)
		}
	}
	out, err := st.In(tree).UnitAggregates(ctx, codesOf(us), after, aggs)
	if err != nil || len(before) == 0 {
		return out, err
	}
	var oldCodes []string
	seen := map[string]bool{}
	for _, u := range us {
		whole, _ := plan.Sources(u.Code)
		for _, o := range whole {
			if !seen[o.Code] {
				seen[o.Code] = true
				oldCodes = append(oldCodes, o.Code)
			}
		}
	}
	old, err := st.In(plan.From).UnitAggregates(ctx, oldCodes, before, aggs)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		if out[u.Code] == nil {
			out[u.Code] = make(map[chihuy.Day]report.Values, len(days))
		}
		whole, _ := plan.Sources(u.Code)
		for _, d := range before {
			v := report.Values{}
			for _, o := range whole {
				v.Merge(old[o.Code][d], aggs)
			}
			out[u.Code][d] = v
		}
	}
	return out, nil
}

// readCumulative returns the running totals of the units, like
// store.Cumulative, adding those of the old units that went into each
// whole before plan's effective date.
func readCumulative(ctx context.Context, st *store.Store, tree *units.Tree, plan *reorg.Plan, us []*units.Unit) (map[string]report.Values, error) {
	out, err := st.In(tree).UnitCumulative(ctx, codesOf(us))
	if err != nil || plan == nil {
		return out, err
	}
	var oldCodes []string
	for _, u := range us {
		whole, _ := plan.Sources(u.Code)
		for _, o := range whole {
			oldCodes = append(oldCodes, o.Code)
		}
	}
	old, err := st.In(plan.From).UnitCumulative(ctx, oldCodes)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		whole, _ := plan.Sources(u.Code)
		for _, o := range whole {
			if out[u.Code] == nil {
				out[u.Code] = report.Values{}
			}
			for e, x := range old[o.Code] {
				out[u.Code][e] += x
			}
		}
	}
	return out, nil
}

// codesOf returns the codes of us, in order.
func codesOf(us []*units.Unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Code
	}
	return out
}

// historyNote says how u's figures before the effective date were
// computed, when from is before it; "" otherwise. below counts the split
// old units left out of u's descendants' figures.
func historyNote(tree *units.Tree, plan *reorg.Plan, u *units.Unit, from chihuy.Day) string {
	if plan == nil || !plan.Before(from) {
		return ""
	}
	whole, left := plan.Sources(u.Code)
	note := fmt.Sprintf(msgHistoryFrom, plan.Effective.Short(), u.FullName(), unitList(whole))
	if len(whole) == 0 {
		note = fmt.Sprintf(msgHistoryNone, plan.Effective.Short(), u.FullName())
	}
	if len(left) > 0 {
		note += fmt.Sprintf(msgHistoryLeftOut, unitList(left))
	}
	below := 0
	tree.Walk(u.Code, func(d *units.Unit) bool {
		if d != u {
			_, l := plan.Sources(d.Code)
			below += len(l)
		}
		return true
	})
	if below > 0 {
		note += fmt.Sprintf(msgHistoryBelow, below)
	}
	return note
}

// unitList names units, the first few of a long list.
func unitList(us []*units.Unit) string {
	const most = 8
	var b []byte
	for i, u := range us {
		if i == most {
			b = fmt.Appendf(b, msgHistoryMore, len(us)-most)
			break
		}
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, u.String()...)
	}
	return string(b)
}

// Directives issued before the reorganisation was applied name old units:
// their targets stay as they were, shown with the new names, and the new
// unit an old one went into whole acts (acknowledges, reports results,
// receives reminders) for it.

// oldDirective reports whether d's unit codes are of the old tree.
func (h *Handler) oldDirective(d directive.Directive) bool {
	return h.Reorg != nil && !h.Reorg.AppliedAt.IsZero() && d.Created.Before(h.Reorg.AppliedAt)
}

// dirUnit is the unit of the tree in force that acts for code of d: the
// new unit an old one went into whole; false for a split or gone one.
func (h *Handler) dirUnit(d directive.Directive, code string) (*units.Unit, bool) {
	if h.oldDirective(d) {
		f, ok := h.Reorg.Fate(code)
		if !ok || f.Into == nil {
			return nil, false
		}
		return f.Into, true
	}
	return h.Tree.Get(code)
}

// dirShown is the unit shown for code of d: the new unit an old one went
// into whole, else the old unit itself; nil when unknown.
func (h *Handler) dirShown(d directive.Directive, code string) *units.Unit {
	if u, ok := h.dirUnit(d, code); ok {
		return u
	}
	if h.oldDirective(d) {
		if f, ok := h.Reorg.Fate(code); ok {
			return f.Old
		}
	}
	return nil
}

// dirName is the name of code of d as written mid-sentence, the code
// itself when unknown.
func (h *Handler) dirName(d directive.Directive, code string) string {
	if u := h.dirShown(d, code); u != nil {
		return u.FullName()
	}
	return code
}

// dirChats is the unit whose chats receive d's messages for code: ""
// when none does (a split or gone unit).
func (h *Handler) dirChats(d directive.Directive, code string) string {
	if u, ok := h.dirUnit(d, code); ok {
		return u.Code
	}
	return ""
}

// actingCodes are the target codes of d that unit answers for: its own,
// or for a directive of the old tree, the old units that went into it
// whole (and are targets: the store refuses the others).
func (h *Handler) actingCodes(ctx context.Context, id string, unit *units.Unit) ([]string, error) {
	if h.Reorg == nil {
		return []string{unit.Code}, nil
	}
	d, err := h.Store.Directive(ctx, id)
	if err != nil || !h.oldDirective(d) {
		return []string{unit.Code}, err
	}
	st, err := h.Store.DirectiveStatus(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range st.Units {
		if x, ok := h.dirUnit(d, u.Unit); ok && x == unit {
			out = append(out, u.Unit)
		}
	}
	if len(out) == 0 {
		out = []string{unit.Code} // the store says it is not a target
	}
	return out, nil
}
