package store_test

import (
	"context"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// laiChau is the province 12 of the built-in tree, as its own tree: its
// districts are the shards.
func laiChau(t *testing.T) *units.Tree {
	t.Helper()
	vn, err := units.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tree, err := vn.Subtree("12")
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// The store answers in units: what it records and reads by unit code is
// where the shard-level calls, addressed by hand, find it.
func TestStoreInUnits(t *testing.T) {
	ctx := context.Background()
	tree := laiChau(t)
	base := newReportStore(t)
	if _, _, err := base.UnitReport(ctx, "03418", day8); chihuy.ErrorCode(err) != chihuy.EINTERNAL {
		t.Fatalf("without a tree: %v, want EINTERNAL", err)
	}
	st := base.In(tree)
	if base.Tree() != nil || st.Tree() != tree {
		t.Fatalf("In changed the store's own tree")
	}
	aggs := dataset.Aggregations{"f0": dataset.Sum, "oxy": dataset.Max}
	for _, r := range []struct {
		unit string
		v    report.Values
	}{{"03418", report.Values{"f0": 2, "oxy": 5}}, {"03421", report.Values{"f0": 3, "oxy": 4}}, {"03601", report.Values{"f0": 7}}} {
		if _, err := st.RecordUnitReport(ctx, report.Input{Unit: r.unit, Day: day8, Values: r.v, Agg: aggs}); err != nil {
			t.Fatal(err)
		}
	}
	rep, ok, err := st.UnitReport(ctx, "03418", day8)
	byHand, _, _ := base.Report(ctx, store.UnitShard{Unit: "03418", Shard: "106"}, day8)
	if err != nil || !ok || rep.Values["f0"] != 2 || byHand.Values["f0"] != 2 {
		t.Errorf("UnitReport = %+v %v %v; by hand %+v", rep, ok, err, byHand)
	}
	agg, err := st.UnitAggregates(ctx, []string{"12", "106"}, []chihuy.Day{day8}, aggs)
	if err != nil || agg["12"][day8]["f0"] != 12 || agg["12"][day8]["oxy"] != 5 || agg["106"][day8]["f0"] != 5 {
		t.Errorf("UnitAggregates = %v, %v", agg, err)
	}
	cum, err := st.UnitCumulative(ctx, []string{"12", "03418"})
	if err != nil || cum["12"]["f0"] != 12 || cum["03418"]["f0"] != 2 {
		t.Errorf("UnitCumulative = %v, %v", cum, err)
	}
	rows, err := st.UnitReports(ctx, []string{"03421", "03418"}, day8, day8)
	if err != nil || len(rows) != 2 || rows[0].Unit != "03421" || rows[1].Unit != "03418" {
		t.Errorf("UnitReports = %+v, %v", rows, err)
	}
	hist, err := st.UnitHistory(ctx, "03601", day8)
	if err != nil || len(hist) != 1 || hist[0].Values["f0"] != 7 {
		t.Errorf("UnitHistory = %+v, %v", hist, err)
	}
	in106, err := st.ReportedIn(ctx, "106", day8)
	all, _ := st.ReportedIn(ctx, "12", day8)
	if err != nil || len(in106) != 2 || len(all) != 3 {
		t.Errorf("ReportedIn 106 = %v (%v), 12 = %v", in106, err, all)
	}
	if fire, err := st.UnitAlertOnce(ctx, store.Alert{Unit: "03601", Rule: "f0>5", Day: day8, Value: 7}); err != nil || !fire {
		t.Fatalf("UnitAlertOnce = %v, %v", fire, err)
	}
	as106, err := st.AlertsIn(ctx, "106", day8)
	as12, _ := st.AlertsIn(ctx, "12", day8)
	if err != nil || len(as106) != 0 || len(as12) != 1 || as12[0].Unit != "03601" {
		t.Errorf("AlertsIn 106 = %v (%v), 12 = %v", as106, err, as12)
	}
	// The tree in force follows SetTree; a view closes nothing.
	base.SetTree(tree)
	if rep, ok, _ := base.UnitReport(ctx, "03421", day8); !ok || rep.Values["f0"] != 3 {
		t.Errorf("after SetTree: %+v %v", rep, ok)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := base.Ping(ctx); err != nil {
		t.Errorf("closing a view closed the store: %v", err)
	}
}
