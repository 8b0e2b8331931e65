package handlers

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/digest"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// National-scale benchmarks: the built-in tree (10,047 communes) on a real
// Redis. Setup (binding every commune, filling days of reports) is outside
// the timed part. See BENCHMARKS.md.

func nationalEnv(b testing.TB) (*Handler, *store.Store, *units.Tree, *clock) {
	b.Helper()
	tree, err := units.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	srv := redistest.Start(b, false)
	c := &clock{t: time.Date(2021, 11, 8, 19, 0, 0, 0, vnLoc)}
	st := store.New(srv.Client(b), store.WithClock(c))
	h := New(configured(Deps{Store: st, Tree: tree, Clock: c, Loc: vnLoc, Log: zerolog.Nop(),
		Admins:    []chihuy.UserRef{{Platform: chihuy.Telegram, ID: admin}},
		Platforms: map[string]PlatformInfo{chihuy.Telegram: {Buttons: true, CanReadAll: true}}}))
	return h, st, tree, c
}

// bindAll binds one Telegram group to every unit, pipelined.
func bindAll(b testing.TB, st *store.Store, tree *units.Tree) {
	b.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	us := tree.Units()
	sem := make(chan struct{}, 16)
	for i, u := range us {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, u *units.Unit) {
			defer wg.Done()
			defer func() { <-sem }()
			st.Bind(ctx, store.Binding{Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.Itoa(-1_000_000 - i)}, Unit: u.Code, Kind: chihuy.Group})
		}(i, u)
	}
	wg.Wait()
}

// BenchmarkNationalDirective measures issuing a directive from the
// national root to every commune: /chidao (stored, waiting for
// confirmation) and /xacnhan (10,047 copies queued in the outbox).
func BenchmarkNationalDirective(b *testing.B) {
	h, st, tree, _ := nationalEnv(b)
	bindAll(b, st, tree)
	ctx := context.Background()
	chat := chihuy.ChatRef{Platform: chihuy.Telegram, ID: admin}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		send := func(text string) {
			u := chihuy.Update{ID: fmt.Sprintf("b:%d:%s", i, text[:5]), Chat: chat, ChatKind: chihuy.Private,
				From: chihuy.UserRef{Platform: chihuy.Telegram, ID: admin}, Text: text}
			if err := h.Handle(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
		start := time.Now()
		send("/chidao Tổng rà soát người về từ vùng dịch. Các xã, phường, thị trấn, hạn 17h ngày mai")
		send("/xacnhan")
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/directive")
		b.StopTimer()
		reply, bulk, err := st.OutboxDepth(ctx, chihuy.Telegram)
		if err != nil || bulk < 10047 {
			b.Fatalf("queued %d bulk, %d reply (%v)", bulk, reply, err)
		}
		st.CancelQueued(ctx, "cd:")
		b.StartTimer()
	}
}

// fillReports records days of reports for every commune, 8 elements each.
func fillReports(b *testing.B, h *Handler, st *store.Store, tree *units.Tree, days int, last chihuy.Day) {
	b.Helper()
	ctx := context.Background()
	aggs := h.DataSet.Aggregations()
	var leaves []*units.Unit
	for _, u := range tree.Units() {
		if u.IsLeaf() {
			leaves = append(leaves, u)
		}
	}
	inTree := st.In(tree)
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				u := leaves[i%len(leaves)]
				d := last.AddDays(-(i / len(leaves)))
				n := int64(i % 7)
				_, err := inTree.RecordUnitReport(ctx, report.Input{Unit: u.Code, Day: d,
					Values: report.Values{"f0": n, "f0cd": n / 3, "f1": 4 * n, "f2": 6 * n, "cltt": 10 + n, "clnha": 20 + n, "xn": 100 + n, "m1": 50},
					Agg:    aggs})
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	for i := 0; i < len(leaves)*days; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
}

// BenchmarkNationalDigest measures the national digest with 7 days of
// reports from every commune: computing the root's figures, and computing
// and rendering the digest text of every unit with children (~760).
func BenchmarkNationalDigest(b *testing.B) {
	h, st, tree, _ := nationalEnv(b)
	day := chihuy.Day{Year: 2021, Month: 11, Day: 8}
	days := 7
	if n, err := strconv.Atoi(os.Getenv("CHIHUY_BENCH_DAYS")); err == nil && n > 0 {
		days = n // e.g. 30 for the memory figure
	}
	fillReports(b, h, st, tree, days, day)
	ctx := context.Background()
	var parents []*units.Unit
	for _, u := range tree.Units() {
		if !u.IsLeaf() {
			parents = append(parents, u)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		d, err := h.Digest(ctx, tree.Root(), day)
		if err != nil {
			b.Fatal(err)
		}
		root := time.Since(start)
		// Every leaf reports: the communes and the few districts without
		// communes (islands).
		if leaves := len(h.reporters(tree.Root())); len(d.Figures) == 0 || d.Progress.Expected != leaves || d.Progress.Reported != leaves {
			b.Fatalf("national digest: %+v", d.Progress)
		}
		start = time.Now()
		parts := 0
		for _, u := range parents {
			d, err := h.Digest(ctx, u, day)
			if err != nil {
				b.Fatal(err)
			}
			parts += len(digest.Render(d, 4096))
		}
		all := time.Since(start)
		if i == 0 { // the evening job itself: digests, charts, queued
			b.StopTimer()
			bindAll(b, st, tree)
			b.StartTimer()
			start = time.Now()
			n, err := h.SendDigests(ctx, day)
			if err != nil || n != len(parents) {
				b.Fatalf("SendDigests: %d units, %v", n, err)
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/send-all-with-charts")
		}
		b.ReportMetric(float64(root.Milliseconds()), "ms/national")
		b.ReportMetric(float64(all.Milliseconds()), "ms/all-digests")
		b.ReportMetric(float64(len(parents)), "digests")
		b.ReportMetric(float64(parts), "parts")
	}
	reportMemory(b, st)
}

// reportMemory reports the process's heap and peak RSS and Redis's used
// memory.
func reportMemory(b *testing.B, st *store.Store) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "MB-heap")
	if rss, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(rss), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				kb, _ := strconv.Atoi(strings.Fields(line)[1])
				b.ReportMetric(float64(kb)/1024, "MB-peak-RSS")
			}
		}
	}
	info, _ := st.Client().Info(context.Background(), "memory").Result()
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, _ := strconv.ParseFloat(v, 64)
			b.ReportMetric(n/(1<<20), "MB-redis")
		}
	}
}

// roundTrips counts Redis round trips (a pipeline counts once).
type roundTrips struct{ n atomic.Int64 }

func (c *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

// BenchmarkHandleReport measures handling one commune report in its group
// (parse, authorize, record and aggregate, queue the echo) and counts the
// Redis round trips it takes.
func BenchmarkHandleReport(b *testing.B) {
	srv := redistest.Start(b, false)
	client := redis.NewClient(redistest.Options(srv.Addr))
	b.Cleanup(func() { client.Close() })
	rt := &roundTrips{}
	client.AddHook(rt)
	c := &clock{t: time.Date(2021, 11, 8, 9, 0, 0, 0, vnLoc)}
	st := store.New(client, store.WithClock(c))
	tree := laiChauTree(b)
	h := New(configured(Deps{Store: st, Tree: tree, Clock: c, Loc: vnLoc, Log: zerolog.Nop(),
		Platforms: map[string]PlatformInfo{chihuy.Telegram: {Buttons: true, CanReadAll: true}}}))
	ctx := context.Background()
	var communes []*units.Unit
	for i, u := range tree.Units() {
		if u.IsLeaf() {
			communes = append(communes, u)
			st.Bind(ctx, store.Binding{Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.Itoa(-1000 - i)}, Unit: u.Code, Kind: chihuy.Group})
		}
	}
	chats := map[string]string{}
	for i, u := range tree.Units() {
		chats[u.Code] = strconv.Itoa(-1000 - i)
	}
	// Warm the script cache.
	h.Handle(ctx, chihuy.Update{ID: "warm", Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: chats[communes[0].Code]}, ChatKind: chihuy.Group,
		From: chihuy.UserRef{Platform: chihuy.Telegram, ID: "1"}, Text: "F0 0"})
	rt.n.Store(0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u := communes[i%len(communes)]
		err := h.Handle(ctx, chihuy.Update{ID: "u" + strconv.Itoa(i), Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: chats[u.Code]},
			ChatKind: chihuy.Group, From: chihuy.UserRef{Platform: chihuy.Telegram, ID: "7"}, MessageID: strconv.Itoa(i),
			Text: fmt.Sprintf("F0: %d, F1 %d, F2 40; cách ly tập trung 15, tại nhà 30, xét nghiệm 1.200", i%5, i%30)})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/report")
}
