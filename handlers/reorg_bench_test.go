package handlers

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/reorg"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// BenchmarkReorganiseCountry measures the reorganisation of the whole
// country to the tree of July 2025: 10,047 commune chats bound, a lead in
// every district and province, CHIHUY_BENCH_DAYS days of reports (default
// 30) already stored. One iteration applies it (journal, 10,047 bindings
// moved or unbound, roles, every chat told) and undoes it; the national
// digest across the date is then computed from the old units.
func BenchmarkReorganiseCountry(b *testing.B) {
	h, st, tree, _ := nationalEnv(b)
	effective := chihuy.Day{Year: 2025, Month: 7, Day: 1}
	days := 30
	if n, err := strconv.Atoi(os.Getenv("CHIHUY_BENCH_DAYS")); err == nil && n > 0 {
		days = n
	}
	fillReports(b, h, st, tree, days, effective.AddDays(-1))
	ctx := context.Background()
	chats := 0
	for i, u := range tree.Units() {
		var err error
		switch u.Depth {
		case 3:
			err = st.Bind(ctx, store.Binding{Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.Itoa(-1_000_000 - i)}, Unit: u.Code, Kind: chihuy.Group})
			chats++
		case 1, 2:
			err = st.Grant(ctx, chihuy.UserRef{Platform: chihuy.Telegram, ID: strconv.Itoa(2_000_000 + i)}, u.Code, chihuy.RoleLead)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	if chats != 10047 {
		b.Fatalf("%d chats bound", chats)
	}
	july, err := units.July2025()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		plan, err := reorg.Load(tree, july, reorg.MappingBuiltin, effective)
		if err != nil {
			b.Fatal(err)
		}
		res, err := plan.Apply(ctx, st, reorg.Options{})
		if err != nil {
			b.Fatal(err)
		}
		applied := time.Since(start)
		if len(res.Moved)+len(res.ReEnrol) != chats {
			b.Fatalf("%d moved, %d to enrol again", len(res.Moved), len(res.ReEnrol))
		}
		b.StopTimer()
		nh := New(configured(Deps{Store: st, Tree: plan.To, Reorg: plan, Clock: h.Clock, Loc: vnLoc, Log: h.Log}))
		start = time.Now()
		d, err := nh.Summarize(ctx, plan.To.Root(), effective)
		if err != nil || len(d.Figures) == 0 {
			b.Fatalf("national summary across the date: %v", err)
		}
		across := time.Since(start)
		b.StartTimer()
		start = time.Now()
		if _, err := plan.Undo(ctx, st); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(applied.Milliseconds()), "ms/apply")
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/undo")
		b.ReportMetric(float64(across.Milliseconds()), "ms/national-7-days-across")
		b.ReportMetric(float64(len(res.Moved)), "chats-moved")
		b.ReportMetric(float64(len(res.ReEnrol)), "chats-to-reenrol")
		b.ReportMetric(float64(len(res.RemovedRoles())), "leads-listed")
		b.ReportMetric(float64(res.Told), "told")
	}
	reportMemory(b, st)
}
