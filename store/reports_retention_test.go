package store_test

// Retention: archiving and dropping old shard-days. Helpers are in
// reports_helpers_test.go and reports_test.go.

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
)

func TestExpireBeforeArchivesThenDrops(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	days := []chihuy.Day{day8, day9, day10}
	for _, d := range days {
		for _, u := range []string{"03418", "03419", "106", "01000", "VN"} {
			if _, err := st.RecordReport(ctx, tree.input(u, d, testAggs, report.Values{"f0": int64(d.Day), "oxy": 2})); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.AlertOnce(ctx, "12", store.Alert{Unit: "03418", Rule: "f0cd", Day: d, Value: 1}); err != nil {
			t.Fatal(err)
		}
	}

	var archived []store.DayArchive
	n, err := st.ExpireBefore(ctx, day10, func(_ context.Context, a store.DayArchive) error {
		archived = append(archived, a)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range archived {
		var units []string
		for _, r := range a.Reports {
			units = append(units, r.Unit)
			if r.Values["f0"] != int64(a.Day.Day) || r.First.IsZero() || r.At.IsZero() {
				t.Errorf("archived report %+v", r)
			}
		}
		got = append(got, a.Shard+" "+a.Day.String()+" "+strings.Join(units, ",")+" h"+itoa(int64(len(a.History)))+" a"+itoa(int64(len(a.Alerts))))
	}
	want := []string{
		"04 2021-11-08 01000 h1 a0", "04 2021-11-09 01000 h1 a0",
		"12 2021-11-08 03418,03419,106 h3 a1", "12 2021-11-09 03418,03419,106 h3 a1",
		"VN 2021-11-08 VN h1 a0", "VN 2021-11-09 VN h1 a0",
	}
	if n != len(want) || !slices.Equal(got, want) {
		t.Errorf("archived %d:\n got %q\nwant %q", n, got, want)
	}

	// Nothing of the expired days is left in Redis; the last day is whole.
	keys, err := st.Client().Keys(ctx, st.Prefix()+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if strings.Contains(k, "20211108") || strings.Contains(k, "20211109") {
			t.Errorf("key left after expiry: %s", k)
		}
	}
	if r, err := st.ReportRange(ctx, tree.all(), day8, day9); err != nil || len(r) != 0 {
		t.Errorf("reports left: %v, %v", r, err)
	}
	checkAggregates(t, st, tree, days, testAggs)
	if agg, err := st.Aggregate(ctx, tree.at("VN"), day10, testAggs); err != nil || agg["f0"] != 50 {
		t.Errorf("aggregate of the day kept: %v, %v", agg, err)
	}
	if alerts, err := st.AlertsOfDay(ctx, "12", day10); err != nil || len(alerts) != 1 {
		t.Errorf("alerts of the day kept: %v, %v", alerts, err)
	}
	if n, err := st.ExpireBefore(ctx, day10, func(context.Context, store.DayArchive) error { return nil }); n != 0 || err != nil {
		t.Errorf("second expiry: %d, %v", n, err)
	}
}

func TestExpireBeforeKeepsWhatTheArchiveRefused(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	if _, err := st.RecordReport(ctx, tree.input("03418", day8, testAggs, report.Values{"f0": 1})); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("disk full")
	n, err := st.ExpireBefore(ctx, day9, func(context.Context, store.DayArchive) error { return refused })
	if !errors.Is(err, refused) || n != 0 {
		t.Fatalf("ExpireBefore with a failing archive: %d, %v", n, err)
	}
	if r, _, err := st.Report(ctx, tree.at("03418"), day8); err != nil || r.Values["f0"] != 1 {
		t.Errorf("report after a refused archive: %v, %v", r, err)
	}
	if agg, err := st.Aggregate(ctx, tree.at("12"), day8, testAggs); err != nil || agg["f0"] != 1 {
		t.Errorf("aggregate after a refused archive: %v, %v", agg, err)
	}
}

func TestExpireBeforeRereadsADayWrittenWhileArchived(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	if _, err := st.RecordReport(ctx, tree.input("03418", day8, testAggs, report.Values{"f0": 1})); err != nil {
		t.Fatal(err)
	}
	var seen []int
	n, err := st.ExpireBefore(ctx, day9, func(ctx context.Context, a store.DayArchive) error {
		seen = append(seen, len(a.History))
		if len(seen) == 1 { // a late report arrives while the day is archived
			_, err := st.RecordReport(ctx, tree.input("03419", day8, testAggs, report.Values{"f0": 2}))
			return err
		}
		return nil
	})
	if err != nil || n != 1 {
		t.Fatalf("ExpireBefore: %d, %v", n, err)
	}
	if !slices.Equal(seen, []int{1, 2}) {
		t.Errorf("archive saw histories of %v entries, want the day again with the late report: [1 2]", seen)
	}
	if r, err := st.ReportRange(ctx, tree.all(), day8, day8); err != nil || len(r) != 0 {
		t.Errorf("reports left: %v, %v", r, err)
	}
}

// TestExpireBeforeByTwoProcesses lets a second retention run drop the day
// while the first is archiving it: the day is archived by one of them
// only, never handed over empty.
func TestExpireBeforeByTwoProcesses(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	if _, err := st.RecordReport(ctx, tree.input("03418", day8, testAggs, report.Values{"f0": 1})); err != nil {
		t.Fatal(err)
	}
	var calls, innerDropped int
	outerDropped, err := st.ExpireBefore(ctx, day9, func(ctx context.Context, a store.DayArchive) error {
		calls++
		if len(a.Reports) != 1 {
			t.Errorf("archive %d got %d reports", calls, len(a.Reports))
		}
		if calls > 1 {
			return nil
		}
		n, err := st.ExpireBefore(ctx, day9, func(_ context.Context, a store.DayArchive) error {
			calls++
			if len(a.Reports) != 1 {
				t.Errorf("inner archive got %d reports", len(a.Reports))
			}
			return nil
		})
		innerDropped = n
		return err
	})
	if err != nil || outerDropped != 1 || innerDropped != 1 || calls != 2 {
		t.Errorf("dropped %d and %d, archive called %d times, err %v; want 1, 1, 2, nil", outerDropped, innerDropped, calls, err)
	}
	if days, err := st.Client().ZCard(ctx, st.Key("s:12", "days")).Result(); err != nil || days != 0 {
		t.Errorf("days index left with %d entries, %v", days, err)
	}
}
