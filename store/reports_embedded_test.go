package store_test

import (
	"context"
	"maps"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
)

// TestReportsOnEmbeddedStore runs reports, corrections, history, alerts
// and retention on the embedded in-memory server that `chihuy demo` and
// an empty CHIHUY_REDIS_URL use: the scripts must run there too.
func TestReportsOnEmbeddedStore(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "", store.WithClock(steppingClock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tree := laiChauTree()
	days := []chihuy.Day{day8, day9}
	steps := []struct {
		unit string
		day  chihuy.Day
		v    report.Values
	}{
		{"03385", day8, report.Values{"f0": 3, "oxy": 5, "cltt": 2}},
		{"03388", day8, report.Values{"f0": 1, "oxy": 9}},
		{"03388", day8, report.Values{"oxy": 1}},
		{"chot1", day8, report.Values{"cho12h": 4}},
		{"105", day8, report.Values{"oxy": 2}},
		{"12", day9, report.Values{"f1": 6}},
		{"VN", day9, report.Values{"f0": 1}},
		{"01000", day9, report.Values{"f0": 2, "oxy": 3}},
	}
	for _, s := range steps {
		if _, err := st.RecordReport(ctx, tree.input(s.unit, s.day, propAggs, s.v)); err != nil {
			t.Fatalf("%s: %v", s.unit, err)
		}
	}
	checkAggregates(t, st, tree, days, propAggs)
	if got, err := st.Aggregate(ctx, tree.at("12"), day8, propAggs); err != nil ||
		!maps.Equal(got, report.Values{"f0": 4, "oxy": 5, "cltt": 2, "cho12h": 4}) {
		t.Errorf("aggregate of 12: %v, %v", got, err)
	}
	if h, err := st.ReportHistory(ctx, tree.at("03388"), day8); err != nil || len(h) != 2 || h[0].Values["oxy"] != 1 {
		t.Errorf("history: %+v, %v", h, err)
	}
	for i, want := range []bool{true, false, true} {
		fire, err := st.AlertOnce(ctx, "12", store.Alert{Unit: "03385", Rule: "f0cd", Day: day8, Value: int64(1 + i/2*5)})
		if err != nil || fire != want {
			t.Errorf("alert %d: fire %v, %v; want %v", i, fire, err, want)
		}
	}
	n, err := st.ExpireBefore(ctx, day9, func(context.Context, store.DayArchive) error { return nil })
	if err != nil || n != 1 {
		t.Errorf("ExpireBefore: %d, %v", n, err)
	}
	if r, err := st.ReportRange(ctx, tree.all(), day8, day9); err != nil || len(r) != 3 {
		t.Errorf("reports left after expiry: %d, %v", len(r), err)
	}
}
