package handlers

import (
	"context"
	"fmt"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/reorg"
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
func readAggregates(ctx context.Context, st *store.Store, tree *units.Tree, plan *reorg.Plan, us []*units.Unit, days []chihuy.Day, aggs store.Aggregations) (map[string]map[chihuy.Day]store.Values, error) {
	var after, before []chihuy.Day
	for _, d := range days {
		if plan != nil && plan.Before(d) {
			before = append(before, d)
		} else {
			after = append(after, d)
		}
	}
	addr := make([]store.UnitShard, len(us))
	for i, u := range us {
		addr[i] = shardOf(tree, u)
	}
	out, err := st.Aggregates(ctx, addr, after, aggs)
	if err != nil || len(before) == 0 {
		return out, err
	}
	var oldAddr []store.UnitShard
	seen := map[string]bool{}
	for _, u := range us {
		whole, _ := plan.Sources(u.Code)
		for _, o := range whole {
			if !seen[o.Code] {
				seen[o.Code] = true
				oldAddr = append(oldAddr, shardOf(plan.From, o))
			}
		}
	}
	old, err := st.Aggregates(ctx, oldAddr, before, aggs)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		if out[u.Code] == nil {
			out[u.Code] = make(map[chihuy.Day]store.Values, len(days))
		}
		whole, _ := plan.Sources(u.Code)
		for _, d := range before {
			v := store.Values{}
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
func readCumulative(ctx context.Context, st *store.Store, tree *units.Tree, plan *reorg.Plan, us []*units.Unit) (map[string]store.Values, error) {
	addr := make([]store.UnitShard, len(us))
	for i, u := range us {
		addr[i] = shardOf(tree, u)
	}
	out, err := st.Cumulative(ctx, addr)
	if err != nil || plan == nil {
		return out, err
	}
	var oldAddr []store.UnitShard
	for _, u := range us {
		whole, _ := plan.Sources(u.Code)
		for _, o := range whole {
			oldAddr = append(oldAddr, shardOf(plan.From, o))
		}
	}
	old, err := st.Cumulative(ctx, oldAddr)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		whole, _ := plan.Sources(u.Code)
		for _, o := range whole {
			if out[u.Code] == nil {
				out[u.Code] = store.Values{}
			}
			for e, x := range old[o.Code] {
				out[u.Code][e] += x
			}
		}
	}
	return out, nil
}

// historyNote says how u's figures before the effective date were
// computed, when from is before it; "" otherwise. below counts the split
// old units left out of u's descendants' figures.
func historyNote(tree *units.Tree, plan *reorg.Plan, u *units.Unit, from chihuy.Day) string {
	if plan == nil || !plan.Before(from) {
		return ""
	}
	whole, left := plan.Sources(u.Code)
	note := fmt.Sprintf(msgHistoryFrom, plan.Effective.Short(), u.Title(), unitList(whole))
	if len(whole) == 0 {
		note = fmt.Sprintf(msgHistoryNone, plan.Effective.Short(), u.Title())
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
