package store_test

import (
	"context"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
)

func TestCumulativeTotals(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	aggs := dataset.Aggregations{"f0": dataset.Sum, "cltt": dataset.Latest, "nang": dataset.Max}
	d1 := chihuy.Day{Year: 2021, Month: 11, Day: 8}
	steps := []struct {
		unit  string
		anc   []string
		day   chihuy.Day
		value report.Values
	}{
		{"03418", []string{"106"}, d1, report.Values{"f0": 3, "cltt": 15, "nang": 1}},
		{"03418", []string{"106"}, d1.AddDays(1), report.Values{"f0": 2, "cltt": 20}},
		{"03394", []string{"106"}, d1, report.Values{"f0": 4}},
		{"03418", []string{"106"}, d1, report.Values{"f0": 1}}, // correction 3 → 1
		{"03601", []string{"111"}, d1, report.Values{"f0": 7}},
		{"106", nil, d1, report.Values{"f0": 1}}, // the district's own report
	}
	for _, s := range steps {
		shard := "106"
		if s.unit == "03601" {
			shard = "111"
		}
		if _, err := st.RecordReport(ctx, store.PlacedReport{Shard: shard, Ancestors: s.anc, Input: report.Input{Unit: s.unit, Day: s.day, Values: s.value, Agg: aggs}}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Cumulative(ctx, []store.UnitShard{
		{Unit: "03418", Shard: "106"}, {Unit: "106", Shard: "106"}, {Unit: "111", Shard: "111"},
		store.RootUnit("12", []string{"106", "111"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]report.Values{
		"03418": {"f0": 3},  // 1 (corrected) + 2
		"106":   {"f0": 8},  // 3 + 4 + 1 own
		"111":   {"f0": 7},  // the commune below it
		"12":    {"f0": 15}, // both districts
	}
	for unit, w := range want {
		if len(got[unit]) != len(w) || got[unit]["f0"] != w["f0"] {
			t.Errorf("cumulative of %s = %v, want %v (stocks and maxima have no cumulative)", unit, got[unit], w)
		}
	}
}
