package store_test

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
)

var (
	day8  = chihuy.Day{Year: 2021, Month: time.November, Day: 8}
	day9  = day8.AddDays(1)
	day10 = day8.AddDays(2)

	// testAggs has one element of each aggregation and a second Sum.
	testAggs = dataset.Aggregations{"f0": dataset.Sum, "f1": dataset.Sum, "cltt": dataset.Latest, "oxy": dataset.Max}
)

func TestRecordReportReplacesAndKeepsHistory(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	steps := []struct {
		name      string
		unit      string
		day       chihuy.Day
		values    report.Values
		by        string
		raw       string
		wantPrev  report.Values
		wantAll   report.Values
		wantFirst bool
	}{
		{"first report", "03418", day8, report.Values{"f0": 3, "f1": 25}, "1", "F0: 3, F1 25",
			report.Values{}, report.Values{"f0": 3, "f1": 25}, true},
		{"correction replaces one element", "03418", day8, report.Values{"f0": 2}, "2", "/sua f0=2",
			report.Values{"f0": 3}, report.Values{"f0": 2, "f1": 25}, false},
		{"new element joins", "03418", day8, report.Values{"cltt": 15, "f1": 25}, "1", "cách ly tập trung 15, F1 25",
			report.Values{"f1": 25}, report.Values{"f0": 2, "f1": 25, "cltt": 15}, false},
		{"another day is another report", "03418", day9, report.Values{"f0": 7}, "1", "f0 7",
			report.Values{}, report.Values{"f0": 7}, true},
		{"another unit the same day", "03419", day8, report.Values{"f0": 1}, "3", "f0 1",
			report.Values{}, report.Values{"f0": 1}, true},
		{"zero is a value", "03418", day8, report.Values{"f0": 0}, "2", "f0 0",
			report.Values{"f0": 2}, report.Values{"f0": 0, "f1": 25, "cltt": 15}, false},
	}
	for _, s := range steps {
		in := tree.input(s.unit, s.day, testAggs, s.values)
		in.By = chihuy.UserRef{Platform: chihuy.Zalo, ID: s.by}
		in.Raw = s.raw
		rec, err := st.RecordReport(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !maps.Equal(rec.Previous, s.wantPrev) || !maps.Equal(rec.Report, s.wantAll) || rec.First != s.wantFirst {
			t.Errorf("%s: got previous %v report %v first %v, want %v %v %v",
				s.name, rec.Previous, rec.Report, rec.First, s.wantPrev, s.wantAll, s.wantFirst)
		}
	}

	r, ok, err := st.Report(ctx, tree.at("03418"), day8)
	if err != nil || !ok {
		t.Fatalf("Report: ok %v err %v", ok, err)
	}
	if want := (report.Values{"f0": 0, "f1": 25, "cltt": 15}); !maps.Equal(r.Values, want) {
		t.Errorf("Report values %v, want %v", r.Values, want)
	}
	if r.By.ID != "2" || r.Chat.ID != "-10003418" || !r.First.Before(r.At) {
		t.Errorf("Report meta: by %v chat %v first %v at %v", r.By, r.Chat, r.First, r.At)
	}
	if _, ok, err := st.Report(ctx, tree.at("03400"), day8); ok || err != nil {
		t.Errorf("Report of a unit that did not report: ok %v err %v", ok, err)
	}

	hist, err := st.ReportHistory(ctx, tree.at("03418"), day8)
	if err != nil {
		t.Fatal(err)
	}
	var raws []string
	for i, h := range hist {
		raws = append(raws, h.Raw)
		if h.Unit != "03418" || h.Chat.Platform != chihuy.Telegram || h.By.Platform != chihuy.Zalo {
			t.Errorf("history %d: %+v", i, h)
		}
		if i > 0 && !h.At.Before(hist[i-1].At) {
			t.Errorf("history not newest first: %v after %v", h.At, hist[i-1].At)
		}
	}
	wantRaws := []string{"f0 0", "cách ly tập trung 15, F1 25", "/sua f0=2", "F0: 3, F1 25"}
	if !slices.Equal(raws, wantRaws) {
		t.Errorf("history raws %q, want %q", raws, wantRaws)
	}
	if want := (report.Values{"cltt": 15, "f1": 25}); !maps.Equal(hist[1].Values, want) {
		t.Errorf("history values %v, want %v", hist[1].Values, want)
	}
}

func TestHistoryKeepsAnyText(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	raws := []string{"", "dòng 1\ndòng 2\tcó tab", "03418\tgiả mạo\t1\t2\t3\tf0=9", strings.Repeat("rất dài ", 300)}
	for _, raw := range raws {
		in := tree.input("03418", day8, testAggs, report.Values{"f0": 1})
		in.Raw = raw
		in.By = chihuy.UserRef{}
		if _, err := st.RecordReport(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	hist, err := st.ReportHistory(ctx, tree.at("03418"), day8)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hist {
		if want := raws[len(raws)-1-i]; h.Raw != want || h.By != (chihuy.UserRef{}) {
			t.Errorf("entry %d: raw %q by %v, want %q and no sender", i, h.Raw, h.By, want)
		}
	}
	if len(hist) != len(raws) {
		t.Errorf("%d entries, want %d", len(hist), len(raws))
	}
}

// TestAggregationUpTheTree follows the aggregates of a three-level tree
// through reports and corrections at every level.
func TestAggregationUpTheTree(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	type agg = map[string]report.Values
	steps := []struct {
		name   string
		unit   string
		values report.Values
		want   agg
	}{
		{"a commune reports", "03418", report.Values{"f0": 3, "cltt": 10, "oxy": 5}, agg{
			"03418": {"f0": 3, "cltt": 10, "oxy": 5}, "106": {"f0": 3, "cltt": 10, "oxy": 5},
			"12": {"f0": 3, "cltt": 10, "oxy": 5}, "VN": {"f0": 3, "cltt": 10, "oxy": 5}, "105": {}}},
		{"its neighbour adds up, max rises", "03419", report.Values{"f0": 2, "cltt": 4, "oxy": 8}, agg{
			"106": {"f0": 5, "cltt": 14, "oxy": 8}, "12": {"f0": 5, "cltt": 14, "oxy": 8}}},
		{"a correction adjusts by the difference", "03418", report.Values{"f0": 1, "cltt": 12, "oxy": 2}, agg{
			"106": {"f0": 3, "cltt": 16, "oxy": 8}, "VN": {"f0": 3, "cltt": 16, "oxy": 8}}},
		{"the max falls to the next largest", "03419", report.Values{"oxy": 1}, agg{
			"106": {"f0": 3, "cltt": 16, "oxy": 2}, "12": {"f0": 3, "cltt": 16, "oxy": 2}}},
		{"a district reports its own figures", "106", report.Values{"oxy": 7, "f1": 4}, agg{
			"106": {"f0": 3, "f1": 4, "cltt": 16, "oxy": 7}, "12": {"f0": 3, "f1": 4, "cltt": 16, "oxy": 7},
			"03418": {"f0": 1, "cltt": 12, "oxy": 2}}},
		{"another district", "03400", report.Values{"f0": 4, "oxy": 3}, agg{
			"105": {"f0": 4, "oxy": 3}, "12": {"f0": 7, "f1": 4, "cltt": 16, "oxy": 7}}},
		{"the district's own max falls below a commune's", "106", report.Values{"oxy": 0}, agg{
			"106": {"f0": 3, "f1": 4, "cltt": 16, "oxy": 2}, "12": {"f0": 7, "f1": 4, "cltt": 16, "oxy": 3}}},
		{"another shard", "01000", report.Values{"f0": 10, "oxy": 9}, agg{
			"040": {"f0": 10, "oxy": 9}, "04": {"f0": 10, "oxy": 9},
			"12": {"f0": 7, "f1": 4, "cltt": 16, "oxy": 3}, "VN": {"f0": 17, "f1": 4, "cltt": 16, "oxy": 9}}},
		{"the province reports itself", "12", report.Values{"f0": 1, "oxy": 20}, agg{
			"12": {"f0": 8, "f1": 4, "cltt": 16, "oxy": 20}, "VN": {"f0": 18, "f1": 4, "cltt": 16, "oxy": 20}}},
		{"the root reports itself", "VN", report.Values{"f0": 2, "oxy": 1}, agg{
			"VN": {"f0": 20, "f1": 4, "cltt": 16, "oxy": 20}, "12": {"f0": 8, "f1": 4, "cltt": 16, "oxy": 20}}},
		{"the province's max falls back to its subtree", "12", report.Values{"oxy": 0}, agg{
			"12": {"f0": 8, "f1": 4, "cltt": 16, "oxy": 3}, "VN": {"f0": 20, "f1": 4, "cltt": 16, "oxy": 9}}},
		{"a correction to zero", "01000", report.Values{"f0": 0, "oxy": 0}, agg{
			"040": {"f0": 0, "oxy": 0}, "VN": {"f0": 10, "f1": 4, "cltt": 16, "oxy": 3}}},
	}
	for _, s := range steps {
		if _, err := st.RecordReport(ctx, tree.input(s.unit, day8, testAggs, s.values)); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for u, want := range s.want {
			got, err := st.Aggregate(ctx, tree.at(u), day8, testAggs)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s: aggregate of %s = %v, want %v", s.name, u, got, want)
			}
		}
		checkAggregates(t, st, tree, []chihuy.Day{day8, day9}, testAggs)
	}
	// The other day was never touched.
	if got, err := st.Aggregate(ctx, tree.at("VN"), day9, testAggs); err != nil || len(got) != 0 {
		t.Errorf("aggregate of another day: %v, %v", got, err)
	}
}

func TestRecordReportRoundTrips(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, false) // its own server: the test flushes the script cache
	rdb := srv.Client(t)
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	hook := &roundTrips{}
	rdb.AddHook(hook)
	st := store.New(rdb, store.WithPrefix("rt"))
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	in := tree.input("03418", day8, testAggs, report.Values{"f0": 3, "f1": 2, "cltt": 9, "oxy": 4})

	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	hook.n.Store(0)
	if _, err := st.RecordReport(ctx, in); err != nil {
		t.Fatal(err)
	}
	if n := hook.n.Load(); n > 2 {
		t.Errorf("first report after a script flush: %d round trips, want at most 2", n)
	}
	for i := range 10 {
		in.Values = report.Values{"f0": int64(i), "oxy": int64(10 - i), "cltt": int64(i * 3)}
		hook.n.Store(0)
		if _, err := st.RecordReport(ctx, in); err != nil {
			t.Fatal(err)
		}
		if n := hook.n.Load(); n != 1 {
			t.Errorf("report %d: %d round trips, want 1", i, n)
		}
	}
}

// TestReportHashesStayListpack checks the compact encoding of a full
// report and of an aggregate, with realistic sender and chat ids.
func TestReportHashesStayListpack(t *testing.T) {
	if redistest.Embedded() {
		t.Skip("memory encodings are Redis's own: the embedded store has none (this test runs on redis-server in the same go test)")
	}
	ctx := context.Background()
	st := newReportStore(t)
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	aggs, values := covidSet(25)
	in := tree.input("03418", day8, aggs, values)
	in.By = chihuy.UserRef{Platform: chihuy.Zalo, ID: "8a7f3c2b1d0e9f8a7b6c5d4e"}
	in.Chat = chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-1001234567890"}
	if _, err := st.RecordReport(ctx, in); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{
		st.Key("s:12", "r", "20211108", "03418"),
		st.Key("s:12", "a", "20211108", "106"),
		st.Key("s:12", "a", "20211108", "12"),
	} {
		enc, err := st.Client().ObjectEncoding(ctx, key).Result()
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if enc != "listpack" {
			t.Errorf("%s is %s, want listpack", key, enc)
		}
	}
}

func TestRecordReportRejects(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	ok := func() store.PlacedReport { return tree.input("03418", day8, testAggs, report.Values{"f0": 1}) }
	tests := []struct {
		name     string
		edit     func(*store.PlacedReport)
		wantCode string
	}{
		{"no values", func(in *store.PlacedReport) { in.Values = nil }, chihuy.EINVALID},
		{"no day", func(in *store.PlacedReport) { in.Day = chihuy.Day{} }, chihuy.EINVALID},
		{"value too large", func(in *store.PlacedReport) { in.Values["f0"] = report.MaxValue + 1 }, chihuy.EINVALID},
		{"value too small", func(in *store.PlacedReport) { in.Values["f0"] = -report.MaxValue - 1 }, chihuy.EINVALID},
		{"element without aggregation", func(in *store.PlacedReport) { in.Values["f9"] = 1 }, chihuy.EINTERNAL},
		{"element with a comma", func(in *store.PlacedReport) {
			in.Values["a,b"] = 1
			in.Agg = dataset.Aggregations{"a,b": dataset.Sum, "f0": dataset.Sum}
		}, chihuy.EINTERNAL},
		{"meta-like element", func(in *store.PlacedReport) {
			in.Values["_b"] = 1
			in.Agg = dataset.Aggregations{"_b": dataset.Sum, "f0": dataset.Sum}
		}, chihuy.EINTERNAL},
		{"ancestors not up to the shard", func(in *store.PlacedReport) { in.Ancestors = []string{"106"} }, chihuy.EINTERNAL},
		{"no ancestors below the shard", func(in *store.PlacedReport) { in.Ancestors = nil }, chihuy.EINTERNAL},
		{"unit among its ancestors", func(in *store.PlacedReport) { in.Ancestors = []string{"03418", "12"} }, chihuy.EINTERNAL},
		{"brace in a shard", func(in *store.PlacedReport) { in.Shard = "1}2"; in.Ancestors = []string{"106", "1}2"} }, chihuy.EINTERNAL},
		{"space in a unit", func(in *store.PlacedReport) { in.Unit = "034 18" }, chihuy.EINTERNAL},
		{"tab in a chat id", func(in *store.PlacedReport) { in.Chat.ID = "-1\t2" }, chihuy.EINTERNAL},
	}
	for _, tc := range tests {
		in := ok()
		tc.edit(&in)
		_, err := st.RecordReport(ctx, in)
		if got := chihuy.ErrorCode(err); got != tc.wantCode {
			t.Errorf("%s: error %v (code %q), want code %q", tc.name, err, got, tc.wantCode)
		}
	}
	// Nothing of the refused reports was written.
	if r, err := st.ReportRange(ctx, tree.all(), day8, day8); err != nil || len(r) != 0 {
		t.Errorf("after refused reports: %v, %v", r, err)
	}
	if _, err := st.RecordReport(ctx, ok()); err != nil {
		t.Errorf("valid report: %v", err)
	}
}

func TestReportRangeAndReportedUnits(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := loadRepTree(t, "testdata/reports_tree.txt")
	reports := []struct {
		unit string
		day  chihuy.Day
		v    report.Values
	}{
		{"03418", day8, report.Values{"f0": 1}},
		{"03419", day8, report.Values{"f1": 2}},
		{"03418", day8, report.Values{"f0": 3}},
		{"106", day9, report.Values{"cltt": 4}},
		{"01000", day10, report.Values{"oxy": 5}},
		{"VN", day10, report.Values{"f0": 6}},
	}
	for _, r := range reports {
		if _, err := st.RecordReport(ctx, tree.input(r.unit, r.day, testAggs, r.v)); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := st.ReportRange(ctx, tree.all(), day8, day10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Day.String()+" "+r.Unit+" "+fmtValues(r.Values))
		if r.First.IsZero() || r.At.Before(r.First) {
			t.Errorf("%s %s: first %v at %v", r.Day, r.Unit, r.First, r.At)
		}
	}
	want := []string{
		"2021-11-08 03418 f0=3", "2021-11-08 03419 f1=2",
		"2021-11-09 106 cltt=4",
		"2021-11-10 VN f0=6", "2021-11-10 01000 oxy=5",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ReportRange:\n got %q\nwant %q", got, want)
	}
	if _, err := st.ReportRange(ctx, tree.all(), day10, day8); chihuy.ErrorCode(err) != chihuy.EINVALID {
		t.Errorf("reversed range: %v", err)
	}

	units, err := st.ReportedUnits(ctx, "12", day8)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 || units["03418"].IsZero() || !units["03418"].Before(units["03419"]) {
		t.Errorf("ReportedUnits: %v (want 03418 first, then 03419)", units)
	}
	r, _, err := st.Report(ctx, tree.at("03418"), day8)
	if err != nil {
		t.Fatal(err)
	}
	if !r.First.Equal(units["03418"]) || !r.At.After(r.First) {
		t.Errorf("first report %v, latest %v; ReportedUnits says %v", r.First, r.At, units["03418"])
	}
}

func fmtValues(v report.Values) string {
	var parts []string
	for _, e := range slices.Sorted(maps.Keys(v)) {
		parts = append(parts, e+"="+itoa(v[e]))
	}
	return strings.Join(parts, ",")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
