package zalo_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/bot/zalo"
	"github.com/chihuy/chihuy/bot/zalo/zalotest"
)

// recorder is a RecordFunc keeping what it was given.
type recorder struct {
	mu      sync.Mutex
	got     []chihuy.Update
	calls   int
	failing int // fail this many calls first
	onCall  func(u chihuy.Update)
	done    chan struct{}
	want    int
}

func newRecorder(want int) *recorder { return &recorder{want: want, done: make(chan struct{})} }

func (r *recorder) record(_ context.Context, u chihuy.Update) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.onCall != nil {
		r.onCall(u)
	}
	if r.failing > 0 {
		r.failing--
		return errors.New("redis: connection refused")
	}
	r.got = append(r.got, u)
	if len(r.got) == r.want {
		close(r.done)
	}
	return nil
}

func (r *recorder) updates() []chihuy.Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]chihuy.Update(nil), r.got...)
}

// poll runs Poll until the recorder has its updates or the test times out.
func poll(t *testing.T, c *zalo.Client, rec *recorder) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- c.Poll(ctx, rec.record) }()
	select {
	case <-rec.done:
	case err := <-errc:
		cancel()
		t.Fatalf("Poll returned early: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("Poll recorded %d of %d updates", len(rec.updates()), rec.want)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Poll: %v", err)
	}
}

func pollPair(t *testing.T, copts ...zalo.Option) (*zalotest.Server, *zalo.Client) {
	return newPair(t, []zalotest.Option{zalotest.WithPollCap(20 * time.Millisecond)},
		append([]zalo.Option{zalo.WithPollTimeout(time.Second)}, copts...)...)
}

// logBuffer is a zerolog logger into a buffer, safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var _ bot.Receiver = (*zalo.Client)(nil)
