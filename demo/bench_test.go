package demo

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

// BenchmarkIngest measures reports per second end to end: messages waiting
// at the fake Telegram server, fetched by the real client's long poll,
// recorded in the journal, parsed, authorized, recorded and aggregated,
// and their echo queued in the outbox (the queue then drains at the
// platform's rate, which is not measured here).
func BenchmarkIngest(b *testing.B) {
	srv := redistest.Start(b, false)
	clock := &Clock{}
	st := store.New(srv.Client(b), store.WithClock(clock))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := Start(ctx, Options{Store: st, Clock: clock, ZaloUnder: "-", Log: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	var communes []string
	for _, u := range w.Tree.Units() {
		if u.IsLeaf() {
			communes = append(communes, u.Code)
		}
	}
	const n = 3000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < n; j++ {
			c := communes[j%len(communes)]
			w.Say(c, fmt.Sprintf("F0: %d (cộng đồng 0), F1 %d, F2 40; cách ly tập trung 15, tại nhà 30", j%4, j%30))
		}
		b.StartTimer()
		start := time.Now()
		for w.Telegram.Pending() > 0 {
			time.Sleep(2 * time.Millisecond)
		}
		for {
			left, err := st.PendingUpdates(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if left == 0 {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		took := time.Since(start)
		b.ReportMetric(n/took.Seconds(), "reports/s")
	}
}
