package store_test

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
)

// repTree is a unit tree for the report tests: what the units package
// computes for the bot (shards, ancestors), written out plainly.
type repTree struct {
	root     string
	parent   map[string]string
	children map[string][]string
	order    []string // every unit, parents before children
}

func newRepTree(root string) *repTree {
	return &repTree{root: root, parent: map[string]string{}, children: map[string][]string{}, order: []string{root}}
}

func (t *repTree) add(code, parent string) {
	t.parent[code] = parent
	t.children[parent] = append(t.children[parent], code)
	t.order = append(t.order, code)
}

// loadRepTree reads "code parent" lines; the root's parent is "-".
func loadRepTree(tb testing.TB, path string) *repTree {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var t *repTree
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		code, parent, ok := strings.Cut(line, " ")
		if !ok {
			tb.Fatalf("%s: bad line %q", path, line)
		}
		if parent == "-" {
			t = newRepTree(code)
			continue
		}
		t.add(code, parent)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return t
}

// ancestors are the unit's ancestors, parent first, up to the shard,
// without the root.
func (t *repTree) ancestors(u string) []string {
	var out []string
	for p := t.parent[u]; p != "" && p != t.root; p = t.parent[p] {
		out = append(out, p)
	}
	return out
}

func (t *repTree) shard(u string) string {
	if u == t.root {
		return u
	}
	for t.parent[u] != t.root {
		u = t.parent[u]
	}
	return u
}

func (t *repTree) at(u string) store.UnitShard {
	if u == t.root {
		return store.RootUnit(u, t.children[u])
	}
	return store.UnitShard{Unit: u, Shard: t.shard(u)}
}

func (t *repTree) all() []store.UnitShard {
	out := make([]store.UnitShard, len(t.order))
	for i, u := range t.order {
		out[i] = t.at(u)
	}
	return out
}

func (t *repTree) input(u string, day chihuy.Day, aggs dataset.Aggregations, v report.Values) store.PlacedReport {
	return store.PlacedReport{Shard: t.shard(u), Ancestors: t.ancestors(u), Input: report.Input{Unit: u, Day: day, Values: v, Agg: aggs,
		By: chihuy.UserRef{Platform: chihuy.Telegram, ID: "1001"}, Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-100" + u},
		Raw: fmt.Sprintf("báo cáo %s: %v", u, v)}}
}

// recompute is the full recomputation the aggregates must always equal:
// for every unit, its own report combined with every report of its
// subtree, straight from the stored reports.
func (t *repTree) recompute(own map[string]report.Values, aggs dataset.Aggregations) map[string]report.Values {
	out := map[string]report.Values{}
	for i := len(t.order) - 1; i >= 0; i-- { // children before parents
		u := t.order[i]
		v := report.Values{}
		combine(v, own[u], aggs)
		for _, c := range t.children[u] {
			combine(v, out[c], aggs)
		}
		out[u] = v
	}
	return out
}

func combine(dst, src report.Values, aggs dataset.Aggregations) {
	for e, x := range src {
		cur, ok := dst[e]
		switch {
		case !ok:
			dst[e] = x
		case aggs.Of(e) == dataset.Max:
			dst[e] = max(cur, x)
		default:
			dst[e] = cur + x
		}
	}
}

// checkAggregates compares every unit's aggregate for every day, the
// root's read-time one included, with a full recomputation from the
// reports stored.
func checkAggregates(t *testing.T, st *store.Store, tree *repTree, days []chihuy.Day, aggs dataset.Aggregations) {
	t.Helper()
	ctx := context.Background()
	got, err := st.Aggregates(ctx, tree.all(), days, aggs)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := st.ReportRange(ctx, tree.all(), days[0], days[len(days)-1])
	if err != nil {
		t.Fatal(err)
	}
	own := map[chihuy.Day]map[string]report.Values{}
	for _, r := range stored {
		if own[r.Day] == nil {
			own[r.Day] = map[string]report.Values{}
		}
		own[r.Day][r.Unit] = r.Values
	}
	bad := 0
	for _, d := range days {
		want := tree.recompute(own[d], aggs)
		for _, u := range tree.order {
			if !maps.Equal(got[u][d], want[u]) {
				if bad++; bad <= 5 {
					t.Errorf("aggregate of %s on %s = %v, recomputed %v", u, d, got[u][d], want[u])
				}
			}
		}
	}
	if bad > 5 {
		t.Errorf("... %d aggregates differ in all", bad)
	}
}

// newReportStore is a store on the test binary's Redis with its own
// prefix and a clock that steps one second per call from a fixed instant.
func newReportStore(t testing.TB) *store.Store {
	t.Helper()
	srv := redistest.Shared(t)
	return store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)), store.WithClock(steppingClock()))
}

func steppingClock() chihuy.Clock {
	start := time.Date(2021, 11, 8, 9, 0, 0, 0, time.UTC)
	var n atomic.Int64
	return chihuy.ClockFunc(func() time.Time { return start.Add(time.Duration(n.Add(1)) * time.Second) })
}

// roundTrips counts what a client sends: each command and each pipeline
// is one round trip, except the handshake of a new connection (HELLO,
// CLIENT SETINFO), which is the pool's and not the caller's.
type roundTrips struct{ n atomic.Int64 }

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() != "hello" {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !slices.ContainsFunc(cmds, func(c redis.Cmder) bool { return c.Name() != "client" }) {
			return next(ctx, cmds)
		}
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// covidElements are the default data set's codes (SPEC §3) with their
// aggregations; covidSet pads them to n elements for sizing.
var covidElements = []struct {
	code string
	agg  dataset.Aggregation
}{
	{"f0", dataset.Sum}, {"f0cd", dataset.Sum}, {"f0kr", dataset.Sum}, {"f1", dataset.Sum}, {"f2", dataset.Sum},
	{"cltt", dataset.Latest}, {"clnha", dataset.Latest}, {"hetcl", dataset.Sum}, {"xn", dataset.Sum},
	{"duongtinh", dataset.Sum}, {"cho12h", dataset.Latest}, {"nang", dataset.Latest}, {"tuvong", dataset.Sum},
	{"khoi", dataset.Sum}, {"m1", dataset.Sum}, {"m2", dataset.Sum}, {"m3", dataset.Sum}, {"m4", dataset.Sum},
	{"m1217", dataset.Sum}, {"m511", dataset.Sum}, {"oxy", dataset.Latest}, {"giuong", dataset.Latest},
}

// covidSet returns n elements (the COVID set, then sxh1, sxh2 … for a
// second disease) with plausible values.
func covidSet(n int) (dataset.Aggregations, report.Values) {
	aggs, values := dataset.Aggregations{}, report.Values{}
	for i := range n {
		code, agg := fmt.Sprintf("sxh%d", i-len(covidElements)+1), dataset.Sum
		if i < len(covidElements) {
			code, agg = covidElements[i].code, covidElements[i].agg
		}
		aggs[code] = agg
		values[code] = int64((i*37)%250 + i)
	}
	return aggs, values
}
