package store_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
)

// BenchmarkRecordReport records full reports (the 22 COVID elements and
// three more) of random Lai Châu communes, in parallel, against a real
// Redis: reports/s is the throughput of one Redis for the update script.
func BenchmarkRecordReport(b *testing.B) {
	ctx := context.Background()
	st := newReportStore(b)
	tree := laiChauTree()
	var communes []string
	for _, u := range tree.order {
		if len(u) == 5 && strings.HasPrefix(u, "03") {
			communes = append(communes, u)
		}
	}
	if len(communes) != 106 {
		b.Fatalf("%d communes", len(communes))
	}
	aggs, values := covidSet(25)
	var seed atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(seed.Add(1), 1))
		v := make(report.Values, len(values))
		for pb.Next() {
			for e := range values {
				v[e] = rng.Int64N(500)
			}
			u := communes[rng.IntN(len(communes))]
			if _, err := st.RecordReport(ctx, tree.input(u, day8.AddDays(rng.IntN(7)), aggs, v)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

// BenchmarkAggregatesDigest reads what a province digest needs: the
// aggregates of every unit of Lai Châu for 8 days (today, yesterday and
// the 7-day window), in one pipelined round trip.
func BenchmarkAggregatesDigest(b *testing.B) {
	ctx := context.Background()
	st := newReportStore(b)
	tree := laiChauTree()
	aggs, values := covidSet(25)
	var days []chihuy.Day
	for i := range 8 {
		days = append(days, day8.AddDays(i))
	}
	for _, d := range days {
		for _, u := range tree.order[2:] {
			if _, err := st.RecordReport(ctx, tree.input(u, d, aggs, values)); err != nil {
				b.Fatal(err)
			}
		}
	}
	units := tree.all()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		got, err := st.Aggregates(ctx, units, days, aggs)
		if err != nil {
			b.Fatal(err)
		}
		if len(got) != len(units) {
			b.Fatalf("%d units read", len(got))
		}
	}
}

// BenchmarkReportMemory sizes the layout: one province shaped like the
// national average (11 districts, 160 communes; 10,047 communes and 696
// districts in 63 provinces), every commune sending one report a day with
// its /baocao message, for 30 days, into a Redis of its own. It reports
// used_memory per commune-day and the extrapolation to 10,047 communes ×
// 365 days, for reports of all 25 elements (the sizing of SPEC §11) and of
// 10 (a usual daily report).
func BenchmarkReportMemory(b *testing.B) {
	for _, elements := range []int{25, 10} {
		b.Run(fmt.Sprintf("elements=%d", elements), func(b *testing.B) { benchmarkReportMemory(b, elements) })
	}
}

func benchmarkReportMemory(b *testing.B, elements int) {
	const (
		districts = 11
		communes  = 160
		days      = 30
	)
	ctx := context.Background()
	srv := redistest.Start(b, false)
	rdb := srv.Client(b)
	// Redis documents 128 entries as the listpack limit of a hash; some
	// builds ship 512. Size for the documented default.
	if err := rdb.ConfigSet(ctx, "hash-max-listpack-entries", "128").Err(); err != nil {
		b.Fatal(err)
	}
	aggs, values := covidSet(elements)
	var raw strings.Builder
	raw.WriteString("/baocao")
	for _, e := range slices.Sorted(maps.Keys(values)) {
		fmt.Fprintf(&raw, " %s=%d", e, values[e])
	}
	before := usedMemory(b, rdb.Info(ctx, "memory").Val())
	for i := range b.N {
		st := store.New(rdb, store.WithPrefix("chihuy"+strconv.Itoa(i)))
		tree := newRepTree("VN")
		tree.add("38", "VN")
		for d := range districts {
			tree.add(fmt.Sprint(380+d), "38")
		}
		for c := range communes {
			tree.add(fmt.Sprintf("%05d", 14000+c), fmt.Sprint(380+c%districts))
		}
		for d := range days {
			for _, u := range tree.order[2+districts:] {
				in := tree.input(u, day8.AddDays(d), aggs, values)
				in.By = chihuy.UserRef{Platform: chihuy.Zalo, ID: "8a7f3c2b1d0e9f8a"}
				in.Chat = chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-1001234567890"}
				in.Raw = raw.String()
				if _, err := st.RecordReport(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		}
		if i == 0 && b.N == 1 {
			for _, key := range []string{
				st.Key("s:38", "r", "20211108", "14000"), st.Key("s:38", "a", "20211108", "380"),
				st.Key("s:38", "u", "20211108"), st.Key("s:38", "h", "20211108"),
			} {
				n, _ := rdb.MemoryUsage(ctx, key).Result()
				enc, _ := rdb.ObjectEncoding(ctx, key).Result()
				b.Logf("MEMORY USAGE %s = %d bytes (%s)", key, n, enc)
			}
			b.Logf("message: %d bytes", raw.Len())
		}
	}
	after := usedMemory(b, rdb.Info(ctx, "memory").Val())
	perCommuneDay := float64(after-before) / float64(b.N*communes*days)
	b.ReportMetric(perCommuneDay, "B/commune-day")
	b.ReportMetric(perCommuneDay*10047*365/1e9, "GB/year")
}

func usedMemory(tb testing.TB, info string) int64 {
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return n
		}
	}
	tb.Fatalf("no used_memory in INFO memory")
	return 0
}
