package bot_test

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/bot/telegram"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

var fanoutN = flag.Int("fanout.n", 0,
	"messages, to as many distinct chats, per BenchmarkFanout run (default: 300 at 30/s, 2000 at 1000/s; the goal is 10047)")

// limitedPlatform is an in-memory platform that enforces a global limit
// the way the Bot API does: more than limit messages within any second
// get a 429.
type limitedPlatform struct {
	limit int

	mu       sync.Mutex
	recent   []time.Time
	seq      int
	rejected atomic.Int64
}

func (p *limitedPlatform) Name() string                                     { return chihuy.Telegram }
func (p *limitedPlatform) TextLimit() int                                   { return 4096 }
func (p *limitedPlatform) HasButtons() bool                                 { return true }
func (p *limitedPlatform) Me(context.Context) (bot.Info, error)             { return bot.Info{ID: "1"}, nil }
func (p *limitedPlatform) SetCommands(context.Context, []bot.Command) error { return nil }

func (p *limitedPlatform) Send(_ context.Context, m chihuy.Message, _ string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	i := 0
	for i < len(p.recent) && !p.recent[i].After(now.Add(-time.Second)) {
		i++
	}
	p.recent = p.recent[i:]
	if len(p.recent) >= p.limit {
		p.rejected.Add(1)
		return "", &bot.SendError{Platform: chihuy.Telegram, Failure: bot.RateLimited, Code: 429,
			RetryAfter: time.Second, Description: "Too Many Requests: retry after 1"}
	}
	p.recent = append(p.recent, now)
	p.seq++
	return strconv.Itoa(p.seq), nil
}

// BenchmarkFanout sends one message to each of N distinct chats through
// the outbox, at a global limit of 30/s and of 1000/s, into the in-memory
// platform and through the Telegram adapter into the fake Bot API, both
// enforcing the limit. It reports the rate achieved as a share of the
// limit and the 429s received. Run it with -benchtime=1x; set N with
// -fanout.n.
func BenchmarkFanout(b *testing.B) {
	for _, limit := range []int{30, 1000} {
		b.Run(fmt.Sprintf("memory/limit=%d", limit), func(b *testing.B) {
			p := &limitedPlatform{limit: limit}
			benchFanout(b, limit, p, func() int { return int(p.rejected.Load()) })
		})
		b.Run(fmt.Sprintf("telegram/limit=%d", limit), func(b *testing.B) {
			srv := telegramtest.Start(telegramtest.WithLimits(telegramtest.Limits{
				PerSecond: limit, PerChatPerSecond: 1, PerGroupPerMinute: 20}))
			b.Cleanup(srv.Close)
			c, err := telegram.New(context.Background(), srv.Token(), srv.URL())
			if err != nil {
				b.Fatal(err)
			}
			benchFanout(b, limit, c, srv.TooManyRequests)
		})
	}
}

func benchFanout(b *testing.B, limit int, p bot.Platform, rejected func() int) {
	n := *fanoutN
	if n <= 0 {
		n = map[int]int{30: 300, 1000: 2000}[limit]
	}
	client := redistest.Shared(b).Client(b)
	var elapsed time.Duration
	sent, limited := 0, 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := store.New(client, store.WithPrefix(redistest.Prefix(b)))
		msgs := make([]chihuy.Message, n)
		for j := range msgs {
			msgs[j] = chihuy.Message{Key: fmt.Sprintf("bench:%d:%d", i, j), Priority: chihuy.PriorityBulk,
				Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.Itoa(1_000_000 + i*n + j)},
				Text: "Công điện khẩn: triển khai ngay các biện pháp phòng, chống dịch COVID-19."}
		}
		if _, err := st.Enqueue(context.Background(), msgs...); err != nil {
			b.Fatal(err)
		}
		var delivered atomic.Int64
		done := make(chan struct{})
		o := bot.NewOutbox(st, p, bot.Limits{PerSecond: float64(limit), PerChatPerSecond: 1, PerGroupPerMinute: 20},
			bot.OnSent(func(context.Context, chihuy.Message, []string) {
				if delivered.Add(1) == int64(n) {
					close(done)
				}
			}))
		before := rejected()
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan error, 1)
		b.StartTimer()
		start := time.Now()
		go func() { ran <- o.Run(ctx) }()
		select {
		case <-done:
		case <-time.After(2*time.Duration(n/limit)*time.Second + time.Minute):
			b.Fatalf("%d of %d messages delivered in time", delivered.Load(), n)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		cancel()
		if err := <-ran; err != nil {
			b.Fatal(err)
		}
		sent += n
		limited += rejected() - before
	}
	rate := float64(sent) / elapsed.Seconds()
	b.ReportMetric(rate, "msgs/s")
	b.ReportMetric(100*rate/float64(limit), "%limit")
	b.ReportMetric(float64(limited), "429s")
}
