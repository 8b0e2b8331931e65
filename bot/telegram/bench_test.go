package telegram

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/chihuy/chihuy"
)

// BenchmarkIntake: updates per second from the fake Bot API through Poll
// into Redis with the store's deduplicating record.
func BenchmarkIntake(b *testing.B) {
	srv := fake(b)
	c := connect(b, srv)
	st := newStore(b)
	for i := range b.N {
		srv.PushMessage(groupID-int64(i%500), "supergroup", "BCĐ xã", int64(3000+i%50), "Lò Văn Hùng",
			"/baocao@chihuy_test_bot F0 3 F1 12 xét nghiệm 240")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	recorded := 0
	b.ResetTimer()
	err := c.Poll(ctx, func(ctx context.Context, u chihuy.Update) error {
		if err := st.Record(ctx, u); err != nil {
			return err
		}
		if recorded++; recorded == b.N {
			cancel()
		}
		return nil
	})
	b.StopTimer()
	if !errors.Is(err, context.Canceled) || recorded != b.N {
		b.Fatalf("Poll = %v after %d of %d updates", err, recorded, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkSend: sendMessage calls per second from one sender to the fake.
func BenchmarkSend(b *testing.B) {
	srv := fake(b)
	c := connect(b, srv)
	m := chihuy.Message{Chat: chatRef(groupID), Text: "Chỉ thị số 12: tăng cường xét nghiệm tại các chốt.", Buttons: ackButtons}
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if _, err := c.Send(ctx, m, ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
}

// BenchmarkSendParallel: sendMessage calls per second from concurrent
// senders to many chats, as a broadcast fans out.
func BenchmarkSendParallel(b *testing.B) {
	srv := fake(b)
	c := connect(b, srv)
	ctx := context.Background()
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1)
			m := chihuy.Message{Chat: chatRef(-1000000 - n%10000), Text: "Chỉ thị số " + strconv.FormatInt(n, 10)}
			if _, err := c.Send(ctx, m, ""); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
}
