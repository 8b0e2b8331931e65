package bot

// The outbox tests' harness: a fast clock, a fake platform that records
// and gates sends, a store on a real Redis, and the outbox run on them.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

// obFastClock is the tests' injected clock: its time runs scale times
// faster than real time, so a 7 s retry_after takes 7 ms. Every wait of
// the outbox goes through it, so what the outbox computes from it (a pause,
// a chat's next send) holds on the time the fake platform records.
type obFastClock struct {
	base  time.Time
	start time.Time
	scale time.Duration
}

func newObFastClock(scale int) *obFastClock {
	now := time.Now()
	return &obFastClock{base: now.Truncate(time.Second), start: now, scale: time.Duration(scale)}
}

func (c *obFastClock) Now() time.Time { return c.base.Add(time.Since(c.start) * c.scale) }

func (c *obFastClock) After(d time.Duration) <-chan time.Time { return time.After(d / c.scale) }

// obCall is one Send call the fake platform received.
type obCall struct {
	At     time.Time
	Msg    chihuy.Message
	EditID string
	ID     string // the id answered; empty when the call failed
	Err    error
}

// obPlatform is an in-memory Platform: it records calls with the injected
// clock's time and fails them as the test scripts.
type obPlatform struct {
	name  string
	limit int
	clock chihuy.Clock

	mu    sync.Mutex
	calls []obCall
	seq   int
	// fail decides the outcome of a call; attempt counts the earlier calls
	// with the same key and text.
	fail func(m chihuy.Message, attempt int) error
	// gate, when set for a key, holds its sends until closed or ctx ends.
	gate map[string]chan struct{}
	// onCall is called with the number of calls so far, after recording.
	onCall func(n int)
}

func newObPlatform(clock chihuy.Clock) *obPlatform {
	return &obPlatform{name: chihuy.Telegram, limit: 4096, clock: clock, gate: map[string]chan struct{}{}}
}

func (p *obPlatform) Name() string { return p.name }

func (p *obPlatform) TextLimit() int { return p.limit }

func (p *obPlatform) HasButtons() bool { return true }

func (p *obPlatform) Me(context.Context) (Info, error) {
	return Info{ID: "1", Username: "chihuy_bot"}, nil
}

func (p *obPlatform) SetCommands(context.Context, []Command) error { return nil }

func (p *obPlatform) setFail(f func(chihuy.Message, int) error) {
	p.mu.Lock()
	p.fail = f
	p.mu.Unlock()
}

func (p *obPlatform) setGate(key string, g chan struct{}) {
	p.mu.Lock()
	p.gate[key] = g
	p.mu.Unlock()
}

func (p *obPlatform) setOnCall(f func(int)) { p.mu.Lock(); p.onCall = f; p.mu.Unlock() }

func (p *obPlatform) Send(ctx context.Context, m chihuy.Message, editID string) (string, error) {
	p.mu.Lock()
	gate := p.gate[m.Key]
	p.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	p.mu.Lock()
	c := obCall{At: p.clock.Now(), Msg: m, EditID: editID}
	attempt := 0
	for _, prev := range p.calls {
		if prev.Msg.Key == m.Key && prev.Msg.Text == m.Text {
			attempt++
		}
	}
	if p.fail != nil {
		c.Err = p.fail(m, attempt)
	}
	if c.Err == nil {
		if editID != "" {
			c.ID = editID
		} else {
			p.seq++
			c.ID = fmt.Sprint(p.seq)
		}
	}
	p.calls = append(p.calls, c)
	n, onCall := len(p.calls), p.onCall
	p.mu.Unlock()
	if onCall != nil {
		onCall(n)
	}
	return c.ID, c.Err
}

func (p *obPlatform) Calls() []obCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

// sent returns the successful calls.
func (p *obPlatform) sent() []obCall {
	var out []obCall
	for _, c := range p.Calls() {
		if c.Err == nil {
			out = append(out, c)
		}
	}
	return out
}

// obHarness is a store on the shared test Redis with the fast clock.
type obHarness struct {
	st  *store.Store
	clk *obFastClock
}

func newObHarness(t *testing.T, scale int) *obHarness {
	t.Helper()
	srv := redistest.Shared(t)
	clk := newObFastClock(scale)
	st := store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)), store.WithClock(clk))
	return &obHarness{st: st, clk: clk}
}

// obRun is a running Outbox.
type obRun struct {
	cancel context.CancelFunc // ends Run's context; does not wait
	stop   func()             // ends it and waits for Run to return
}

// run starts an Outbox on p, stopped at the test's end at the latest.
func (h *obHarness) run(t *testing.T, p Platform, lim Limits, opts ...OutboxOption) obRun {
	t.Helper()
	base := []OutboxOption{WithClock(h.clk), WithLeaseTTL(300 * time.Millisecond),
		WithReservationLease(time.Hour), WithPollInterval(20 * time.Millisecond), WithWorkers(4)}
	o := NewOutbox(h.st, p, lim, append(base, opts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Error("Run did not return after its context ended")
			}
		})
	}
	t.Cleanup(stop)
	return obRun{cancel: cancel, stop: stop}
}

func (h *obHarness) enqueue(t *testing.T, msgs ...chihuy.Message) {
	t.Helper()
	if _, err := h.st.Enqueue(context.Background(), msgs...); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
}

// obWait polls cond until it holds, failing the test after 20 s.
func obWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// obSettleFor lets the outbox run for d of the fast clock's time.
func obSettleFor(clk *obFastClock, d time.Duration) { <-clk.After(d) }

func obText(key, chat string, prio chihuy.Priority, text string) chihuy.Message {
	return chihuy.Message{Key: key, Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: chat}, Priority: prio, Text: text}
}

var errBadGateway = &SendError{Platform: chihuy.Telegram, Failure: Retry, Code: 502, Description: "Bad Gateway"}

// fastLimits lets the per-chat limit be the only one that matters.
var fastLimits = Limits{PerSecond: 1000, PerChatPerSecond: 1, PerGroupPerMinute: 20}

func obLongText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "outbox", "long_vi.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if n := utf8.RuneCountInString(text); n < 10000 {
		t.Fatalf("fixture has %d runes, want at least 10,000", n)
	}
	return text
}
