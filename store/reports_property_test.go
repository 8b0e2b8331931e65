package store_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/report"
)

// propAggs mixes every aggregation, two elements of each.
var propAggs = dataset.Aggregations{
	"f0": dataset.Sum, "f1": dataset.Sum,
	"cltt": dataset.Latest, "clnha": dataset.Latest,
	"oxy": dataset.Max, "cho12h": dataset.Max,
}

// laiChauTree is shaped like Lai Châu under the national root: 8 districts
// and 106 communes, five checkpoints below communes (a fourth level), and
// a small second province so the root reads two shards.
func laiChauTree() *repTree {
	t := newRepTree("VN")
	t.add("12", "VN")
	communes := []int{7, 13, 14, 22, 17, 12, 10, 11} // 106
	seq := 385
	for i, n := range communes {
		district := fmt.Sprint(105 + i)
		t.add(district, "12")
		for range n {
			t.add(fmt.Sprintf("03%03d", seq), district)
			seq += 3
		}
	}
	for i := range 5 {
		t.add(fmt.Sprintf("chot%d", i+1), fmt.Sprintf("03%03d", 385+3*i*7))
	}
	t.add("04", "VN")
	for d := range 2 {
		district := fmt.Sprintf("04%d", d)
		t.add(district, "04")
		for c := range 4 {
			t.add(fmt.Sprintf("01%d%02d", d, c), district)
		}
	}
	return t
}

// TestAggregatesEqualRecomputation records 1,000 random reports and
// corrections at every level of the tree over several days and checks,
// along the way and at the end, that every aggregate equals a full
// recomputation from the stored reports, and the stored reports the model.
func TestAggregatesEqualRecomputation(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := laiChauTree()
	if got := len(tree.order); got != 1+1+8+106+5+1+2+8 {
		t.Fatalf("tree has %d units", got)
	}
	days := []chihuy.Day{day8, day9, day10, day10.AddDays(1)}
	elems := slices.Sorted(maps.Keys(propAggs))
	rng := rand.New(rand.NewPCG(2021, 11))
	type unitDay struct {
		unit string
		day  chihuy.Day
	}
	model := map[unitDay]report.Values{}
	var reported []unitDay
	for i := range 1000 {
		var ud unitDay
		values := report.Values{}
		if len(reported) > 0 && rng.IntN(10) < 3 { // a correction of an earlier report
			ud = reported[rng.IntN(len(reported))]
			for e := range model[ud] {
				if rng.IntN(2) == 0 || len(values) == 0 {
					values[e] = rng.Int64N(31)
				}
			}
		} else {
			ud = unitDay{tree.order[rng.IntN(len(tree.order))], days[rng.IntN(len(days))]}
			for range 1 + rng.IntN(4) {
				values[elems[rng.IntN(len(elems))]] = rng.Int64N(31)
			}
		}
		rec, err := st.RecordReport(ctx, tree.input(ud.unit, ud.day, propAggs, values))
		if err != nil {
			t.Fatalf("report %d: %v", i, err)
		}
		before := model[ud]
		if before == nil {
			before = report.Values{}
			reported = append(reported, ud)
		}
		wantPrev := report.Values{}
		after := maps.Clone(before)
		for e, v := range values {
			if old, ok := before[e]; ok {
				wantPrev[e] = old
			}
			after[e] = v
		}
		model[ud] = after
		if !maps.Equal(rec.Previous, wantPrev) || !maps.Equal(rec.Report, after) {
			t.Fatalf("report %d (%s %s %v): previous %v report %v, want %v %v",
				i, ud.unit, ud.day, values, rec.Previous, rec.Report, wantPrev, after)
		}
		if (i+1)%250 == 0 {
			checkAggregates(t, st, tree, days, propAggs)
		}
	}

	stored, err := st.ReportRange(ctx, tree.all(), days[0], days[len(days)-1])
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(model) {
		t.Errorf("%d reports stored, model has %d", len(stored), len(model))
	}
	for _, r := range stored {
		if want := model[unitDay{r.Unit, r.Day}]; !maps.Equal(r.Values, want) {
			t.Errorf("stored report of %s on %s = %v, model %v", r.Unit, r.Day, r.Values, want)
		}
	}
	// Every shard-day's completeness matches the model too.
	for _, d := range days {
		for _, shard := range []string{"VN", "12", "04"} {
			units, err := st.ReportedUnits(ctx, shard, d)
			if err != nil {
				t.Fatal(err)
			}
			for u := range units {
				if _, ok := model[unitDay{u, d}]; !ok || tree.shard(u) != shard {
					t.Errorf("ReportedUnits(%s, %s) has %s, which did not report there", shard, d, u)
				}
			}
			for ud := range model {
				if ud.day == d && tree.shard(ud.unit) == shard && units[ud.unit].IsZero() {
					t.Errorf("ReportedUnits(%s, %s) misses %s", shard, d, ud.unit)
				}
			}
		}
	}
}

// TestConcurrentReportsAggregateExactly sends reports from several
// goroutines at once (as several bot processes would) to the same units:
// the scripts are atomic, so the aggregates still equal a recomputation.
func TestConcurrentReportsAggregateExactly(t *testing.T) {
	ctx := context.Background()
	st := newReportStore(t)
	tree := laiChauTree()
	units := append([]string{"03385", "03388", "03391", "105", "12", "chot1"}, tree.children["106"]...)
	elems := slices.Sorted(maps.Keys(propAggs))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for range 60 {
				v := report.Values{elems[rng.IntN(len(elems))]: rng.Int64N(20), elems[rng.IntN(len(elems))]: rng.Int64N(20)}
				u := units[rng.IntN(len(units))]
				if _, err := st.RecordReport(ctx, tree.input(u, day8, propAggs, v)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	checkAggregates(t, st, tree, []chihuy.Day{day8}, propAggs)
}
