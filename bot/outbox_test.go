package bot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/vntext"
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

func (p *obPlatform) Name() string     { return p.name }
func (p *obPlatform) TextLimit() int   { return p.limit }
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

func TestOutboxKeepsOrderWithinAChat(t *testing.T) {
	h := newObHarness(t, 1000)
	p := newObPlatform(h.clk)
	// Chat B's second message fails twice before it goes through.
	p.setFail(func(m chihuy.Message, attempt int) error {
		if m.Key == "B-2" && attempt < 2 {
			return errBadGateway
		}
		return nil
	})
	var mu sync.Mutex
	sentKeys := map[string][]string{}
	h.run(t, p, fastLimits, WithRetryPolicy(RetryPolicy{Base: time.Second, Max: time.Minute, GiveUpAfter: time.Hour}),
		OnSent(func(_ context.Context, m chihuy.Message, ids []string) {
			mu.Lock()
			sentKeys[m.Key] = ids
			mu.Unlock()
		}))
	var msgs []chihuy.Message
	for i := 1; i <= 5; i++ {
		for _, chat := range []string{"A", "B", "C"} {
			msgs = append(msgs, obText(fmt.Sprintf("%s-%d", chat, i), chat, chihuy.PriorityBulk, fmt.Sprintf("tin %d", i)))
		}
	}
	h.enqueue(t, msgs...)
	obWait(t, "15 sends", func() bool { return len(p.sent()) == 15 })
	order := map[string][]string{}
	for _, c := range p.sent() {
		order[c.Msg.Chat.ID] = append(order[c.Msg.Chat.ID], c.Msg.Text)
	}
	for _, chat := range []string{"A", "B", "C"} {
		if got := strings.Join(order[chat], ","); got != "tin 1,tin 2,tin 3,tin 4,tin 5" {
			t.Errorf("chat %s received %s, want tin 1..5 in order", chat, got)
		}
	}
	obWait(t, "OnSent for every message", func() bool { mu.Lock(); defer mu.Unlock(); return len(sentKeys) == 15 })
	mu.Lock()
	defer mu.Unlock()
	for _, c := range p.sent() {
		if ids := sentKeys[c.Msg.Key]; len(ids) != 1 || ids[0] != c.ID {
			t.Errorf("OnSent(%s) ids %v, want [%s]", c.Msg.Key, ids, c.ID)
		}
	}
}

func TestOutbox429PausesThePlatformForRetryAfter(t *testing.T) {
	const retryAfter = 7 * time.Second
	h := newObHarness(t, 1000)
	p := newObPlatform(h.clk)
	p.setFail(func(m chihuy.Message, attempt int) error {
		if m.Key == "m2" && attempt == 0 {
			return &SendError{Platform: chihuy.Telegram, Failure: RateLimited, Code: 429,
				RetryAfter: retryAfter, Description: "Too Many Requests: retry after 7"}
		}
		return nil
	})
	h.run(t, p, Limits{PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20}, WithWorkers(1))
	for i := 1; i <= 6; i++ {
		h.enqueue(t, obText(fmt.Sprintf("m%d", i), fmt.Sprint(i), chihuy.PriorityBulk, "x"))
	}
	obWait(t, "all six sent", func() bool { return len(p.sent()) == 6 })
	calls := p.Calls()
	at429 := -1
	for i, c := range calls {
		if FailureOf(c.Err) == RateLimited {
			at429 = i
		}
	}
	if at429 < 0 {
		t.Fatal("the scripted 429 never happened")
	}
	limit := calls[at429].At.Add(retryAfter)
	for _, c := range calls[at429+1:] {
		if c.At.Before(limit) {
			t.Errorf("%s was sent %v after the 429, before its retry_after of %v", c.Msg.Key, c.At.Sub(calls[at429].At), retryAfter)
		}
	}
	if !slices.ContainsFunc(calls[at429+1:], func(c obCall) bool { return c.Msg.Key == "m2" && c.Err == nil }) {
		t.Error("the rate-limited m2 was not sent again after the pause")
	}
	if n := len(calls); n != 7 {
		t.Errorf("%d calls, want 7 (six messages, one 429)", n)
	}
}

func TestOutboxRetriesWithBackoffThenSends(t *testing.T) {
	h := newObHarness(t, 1000)
	p := newObPlatform(h.clk)
	p.setFail(func(m chihuy.Message, attempt int) error {
		if attempt < 4 {
			return errBadGateway
		}
		return nil
	})
	policy := RetryPolicy{Base: 2 * time.Second, Max: 10 * time.Second, GiveUpAfter: time.Hour}
	h.run(t, p, fastLimits, WithRetryPolicy(policy))
	h.enqueue(t, obText("m", "A", chihuy.PriorityReply, "Đã nhận báo cáo"))
	obWait(t, "the send to go through", func() bool { return len(p.sent()) == 1 })
	calls := p.Calls()
	if len(calls) != 5 {
		t.Fatalf("%d calls, want 4 failures then success", len(calls))
	}
	for i := 1; i < len(calls); i++ {
		full := min(policy.Base<<(i-1), policy.Max)
		if gap := calls[i].At.Sub(calls[i-1].At); gap < full/2 {
			t.Errorf("retry %d came %v after the failure, want at least %v", i, gap, full/2)
		}
	}
	if dead, _ := h.st.DeadLetters(context.Background(), chihuy.Telegram, 10); len(dead) != 0 {
		t.Errorf("dead letters %v after a successful retry", dead)
	}
}

func TestOutboxGivesUpAfterTheRetryBound(t *testing.T) {
	h := newObHarness(t, 100)
	p := newObPlatform(h.clk)
	p.setFail(func(chihuy.Message, int) error { return errBadGateway })
	var mu sync.Mutex
	var dead []string
	h.run(t, p, fastLimits,
		WithRetryPolicy(RetryPolicy{Base: time.Second, Max: 4 * time.Second, GiveUpAfter: 30 * time.Second}),
		OnDead(func(_ context.Context, m chihuy.Message, reason string) {
			mu.Lock()
			dead = append(dead, m.Key+": "+reason)
			mu.Unlock()
		}))
	h.enqueue(t, obText("m", "A", chihuy.PriorityBulk, "x"))
	obWait(t, "OnDead", func() bool { mu.Lock(); defer mu.Unlock(); return len(dead) > 0 })
	calls := p.Calls()
	if span := calls[len(calls)-1].At.Sub(calls[0].At); span < 30*time.Second {
		t.Errorf("gave up %v after the first failure, want at least 30s", span)
	}
	if len(calls) < 4 {
		t.Errorf("only %d tries in 30 s with waits of at most 4 s", len(calls))
	}
	letters, err := h.st.DeadLetters(context.Background(), chihuy.Telegram, 10)
	if err != nil || len(letters) != 1 || !strings.Contains(letters[0].Reason, "gave up after") {
		t.Fatalf("dead letters %+v, %v; want m, given up", letters, err)
	}
	n := len(p.Calls())
	obSettleFor(h.clk, time.Minute)
	mu.Lock()
	defer mu.Unlock()
	if len(p.Calls()) != n || len(dead) != 1 {
		t.Errorf("a dead message was tried again (%d calls, then %d) or reported twice (%v)", n, len(p.Calls()), dead)
	}
}

func TestOutboxPermanentErrorIsDeadAtOnce(t *testing.T) {
	h := newObHarness(t, 1000)
	p := newObPlatform(h.clk)
	p.setFail(func(m chihuy.Message, _ int) error {
		if m.Key == "bad" {
			return &SendError{Platform: chihuy.Telegram, Failure: Permanent, Code: 400, Description: "Bad Request: can't parse entities"}
		}
		return nil
	})
	var mu sync.Mutex
	var reasons []string
	h.run(t, p, fastLimits, OnDead(func(_ context.Context, m chihuy.Message, reason string) {
		mu.Lock()
		reasons = append(reasons, reason)
		mu.Unlock()
	}))
	h.enqueue(t, obText("bad", "A", chihuy.PriorityBulk, "<b"), obText("good", "A", chihuy.PriorityBulk, "ok"))
	obWait(t, "the next message of the chat", func() bool { return len(p.sent()) == 1 })
	obSettleFor(h.clk, 10*time.Second)
	if n := len(p.Calls()); n != 2 {
		t.Errorf("%d calls, want 2: a permanent error is not retried", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reasons) != 1 || !strings.Contains(reasons[0], "can't parse entities") {
		t.Errorf("OnDead reasons %q", reasons)
	}
	letters, _ := h.st.DeadLetters(context.Background(), chihuy.Telegram, 10)
	if len(letters) != 1 || letters[0].Key != "bad" {
		t.Errorf("dead letters %+v, want bad", letters)
	}
}

func TestOutboxChatGone(t *testing.T) {
	h := newObHarness(t, 1000)
	p := newObPlatform(h.clk)
	gone := &SendError{Platform: chihuy.Telegram, Failure: ChatGone, Code: 403, Description: "Forbidden: bot was kicked from the group chat"}
	p.setFail(func(m chihuy.Message, _ int) error {
		if m.Chat.ID == "-100123" {
			return gone
		}
		return nil
	})
	var mu sync.Mutex
	var hooks []string
	h.run(t, p, fastLimits, OnChatGone(func(_ context.Context, chat chihuy.ChatRef, err error) {
		mu.Lock()
		hooks = append(hooks, chat.String()+" "+err.Error())
		mu.Unlock()
	}))
	var msgs []chihuy.Message
	for i := 0; i < 3; i++ {
		g := obText(fmt.Sprintf("g%d", i), "-100123", chihuy.PriorityBulk, "chỉ đạo")
		g.Group = true
		msgs = append(msgs, g, obText(fmt.Sprintf("a%d", i), "A", chihuy.PriorityBulk, "chỉ đạo"))
	}
	h.enqueue(t, msgs...)
	obWait(t, "chat A's messages", func() bool { return len(p.sent()) == 3 })
	obSettleFor(h.clk, time.Minute)
	toGroup := 0
	for _, c := range p.Calls() {
		if c.Msg.Chat.ID == "-100123" {
			toGroup++
		}
	}
	if toGroup != 1 {
		t.Errorf("%d calls to the gone chat, want 1", toGroup)
	}
	mu.Lock()
	if len(hooks) != 1 || !strings.HasPrefix(hooks[0], "telegram:-100123 ") || !strings.Contains(hooks[0], "kicked") {
		t.Errorf("OnChatGone calls %q, want one for telegram:-100123", hooks)
	}
	mu.Unlock()
	letters, _ := h.st.DeadLetters(context.Background(), chihuy.Telegram, 10)
	if len(letters) != 3 {
		t.Fatalf("%d dead letters, want the gone chat's 3", len(letters))
	}
	for _, d := range letters {
		if d.Chat.ID != "-100123" || !strings.Contains(d.Reason, "kicked") {
			t.Errorf("dead letter %s for %s: %q", d.Key, d.Chat, d.Reason)
		}
	}
}

func TestOutboxRestartDoesNotResendConfirmedSends(t *testing.T) {
	h := newObHarness(t, 1000)
	first := newObPlatform(h.clk)
	run := h.run(t, first, fastLimits, WithOwner("first"))
	first.setOnCall(func(n int) {
		if n == 15 {
			run.cancel() // mid-queue
		}
	})
	var msgs []chihuy.Message
	for i := 0; i < 4; i++ {
		for c := 0; c < 10; c++ {
			msgs = append(msgs, obText(fmt.Sprintf("c%d-%d", c, i), fmt.Sprint(c), chihuy.PriorityBulk, fmt.Sprint(i)))
		}
	}
	h.enqueue(t, msgs...)
	obWait(t, "the first outbox to stop", func() bool { return len(first.Calls()) >= 15 })
	run.stop()
	sentFirst := len(first.Calls())
	if sentFirst >= 40 {
		t.Fatalf("the first outbox sent everything (%d) before stopping", sentFirst)
	}
	second := newObPlatform(h.clk)
	h.run(t, second, fastLimits, WithOwner("second"))
	obWait(t, "the rest", func() bool { return sentFirst+len(second.sent()) >= 40 })
	obSettleFor(h.clk, 5*time.Second)
	count := map[string]int{}
	byChat := map[string][]string{}
	for _, c := range append(first.Calls(), second.Calls()...) {
		count[c.Msg.Key]++
		byChat[c.Msg.Chat.ID] = append(byChat[c.Msg.Chat.ID], c.Msg.Text)
	}
	for _, m := range msgs {
		if count[m.Key] != 1 {
			t.Errorf("%s sent %d times", m.Key, count[m.Key])
		}
	}
	for chat, texts := range byChat {
		if strings.Join(texts, "") != "0123" {
			t.Errorf("chat %s received %v across the restart, want 0..3 in order", chat, texts)
		}
	}
}

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

func TestOutboxSplitsLongTextAndResumesAtThePart(t *testing.T) {
	text := obLongText(t)
	want := vntext.Split(text, 4096)
	if len(want) != 3 {
		t.Fatalf("fixture splits into %d parts, want 3", len(want))
	}
	h := newObHarness(t, 1000)
	first := newObPlatform(h.clk)
	run := h.run(t, first, fastLimits)
	// The second part fails once; the outbox is stopped right then, as a
	// crash or a deploy would.
	first.setFail(func(m chihuy.Message, attempt int) error {
		if m.Text == want[1] {
			return errBadGateway
		}
		return nil
	})
	first.setOnCall(func(n int) {
		if n == 2 {
			run.cancel()
		}
	})
	m := obText("digest", "-100200", chihuy.PriorityBulk, text)
	m.ReplyTo = "99"
	m.Buttons = [][]chihuy.Button{{{Text: "Đã nhận", Data: "ack:digest"}}}
	h.enqueue(t, m)
	obWait(t, "the failed second part", func() bool { return len(first.Calls()) == 2 })
	run.stop()
	second := newObPlatform(h.clk)
	h.run(t, second, fastLimits)
	obWait(t, "the rest of the parts", func() bool { return len(second.sent()) == 2 })
	obSettleFor(h.clk, 5*time.Second)

	c1, c2 := first.Calls(), second.Calls()
	if len(c1) != 2 || c1[0].Err != nil || c1[1].Err == nil || len(c2) != 2 {
		t.Fatalf("first outbox %d calls, second %d: want part 1 + failed part 2, then parts 2 and 3", len(c1), len(c2))
	}
	parts := []obCall{c1[0], c2[0], c2[1]}
	for i, c := range parts {
		if c.Msg.Text != want[i] {
			t.Errorf("part %d is not the %d-th split of the text", i+1, i+1)
		}
		if !utf8.ValidString(c.Msg.Text) || utf8.RuneCountInString(c.Msg.Text) > 4096 {
			t.Errorf("part %d: valid UTF-8 %v, %d runes", i+1, utf8.ValidString(c.Msg.Text), utf8.RuneCountInString(c.Msg.Text))
		}
		if (c.Msg.ReplyTo != "") != (i == 0) {
			t.Errorf("part %d ReplyTo %q, want it on the first part only", i+1, c.Msg.ReplyTo)
		}
		if (c.Msg.Buttons != nil) != (i == 2) {
			t.Errorf("part %d buttons %v, want them on the last part only", i+1, c.Msg.Buttons)
		}
	}
	if got := strings.Join([]string{parts[0].Msg.Text, parts[1].Msg.Text, parts[2].Msg.Text}, " "); strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(text), " ") {
		t.Error("the parts do not add up to the text")
	}
	ids, err := h.st.SentMessageIDs(context.Background(), "digest")
	if err != nil || len(ids) != 3 || ids[0] != c1[0].ID || ids[2] != c2[1].ID {
		t.Errorf("SentMessageIDs = %v, %v", ids, err)
	}
}

func TestOutboxPlan(t *testing.T) {
	long := strings.Repeat("Báo cáo số ca mắc mới trong ngày. ", 60) // 2,040 runes
	file := &chihuy.File{Name: "bieudo.png", Photo: true, Data: []byte{1, 2, 3}}
	buttons := [][]chihuy.Button{{{Text: "Đã nhận", Data: "ack"}}}
	type part struct {
		text    bool // has text
		file    bool
		reply   bool
		buttons bool
	}
	cases := []struct {
		name string
		m    chihuy.Message
		want []part
	}{
		{"short text", chihuy.Message{Text: "Chào xã", ReplyTo: "5", Buttons: buttons},
			[]part{{true, false, true, true}}},
		{"file with caption", chihuy.Message{Text: "Biểu đồ", File: file, ReplyTo: "5", Buttons: buttons},
			[]part{{true, true, true, true}}},
		{"file with text too long for a caption", chihuy.Message{Text: long, File: file, ReplyTo: "5", Buttons: buttons},
			[]part{{false, true, true, false}, {true, false, false, true}}},
		{"text over the limit", chihuy.Message{Text: long + long, ReplyTo: "5", Buttons: buttons},
			[]part{{true, false, true, false}, {true, false, false, true}}},
		{"edit over the limit is cut", chihuy.Message{Text: long + long, EditOf: "p"},
			[]part{{true, false, false, false}}},
	}
	o := NewOutbox(nil, &obPlatform{name: "zalo", limit: 2040}, DefaultLimits())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := o.plan(c.m)
			if len(got) != len(c.want) {
				t.Fatalf("%d parts, want %d", len(got), len(c.want))
			}
			for i, w := range c.want {
				g := got[i]
				if n := utf8.RuneCountInString(g.Text); n > 2040 || (n > 0) != w.text {
					t.Errorf("part %d has %d runes", i, n)
				}
				if (g.File != nil) != w.file || (g.ReplyTo != "") != w.reply || (g.Buttons != nil) != w.buttons {
					t.Errorf("part %d: file %v reply %q buttons %v; want file %v reply %v buttons %v",
						i, g.File != nil, g.ReplyTo, g.Buttons, w.file, w.reply, w.buttons)
				}
			}
		})
	}
}

func TestOutboxEditsCoalesceAndWaitForTheirTarget(t *testing.T) {
	h := newObHarness(t, 1000)
	p := newObPlatform(h.clk)
	gate := make(chan struct{})
	p.setGate("cd:1:progress", gate)
	h.run(t, p, fastLimits)
	edit := func(key, text string) chihuy.Message {
		m := obText(key, "L", chihuy.PriorityBulk, text)
		m.EditOf = "cd:1:progress"
		return m
	}
	h.enqueue(t, obText("cd:1:progress", "L", chihuy.PriorityBulk, "Đã gửi 0/5"))
	for i := 1; i <= 5; i++ { // progress while the target is still being sent
		h.enqueue(t, edit(fmt.Sprintf("cd:1:progress:%d", i), fmt.Sprintf("Đã gửi %d/5", i)))
	}
	obSettleFor(h.clk, 5*time.Second)
	if n := len(p.Calls()); n != 0 {
		t.Fatalf("%d calls while the target send is held", n)
	}
	close(gate)
	obWait(t, "the target and one edit", func() bool { return len(p.sent()) == 2 })
	// Two edits queued together: only the newer goes out.
	h.enqueue(t, edit("cd:1:progress:6", "Đã gửi 5/5, đã nhận 1/5"), edit("cd:1:progress:7", "Đã gửi 5/5, đã nhận 2/5"))
	obWait(t, "the last edit", func() bool { return len(p.sent()) == 3 })
	obSettleFor(h.clk, 5*time.Second)
	calls := p.Calls()
	if len(calls) != 3 {
		t.Fatalf("%d calls, want the target and two coalesced edits", len(calls))
	}
	target := calls[0]
	if target.Msg.Key != "cd:1:progress" || target.EditID != "" {
		t.Fatalf("first call %+v, want the target as a new message", target.Msg)
	}
	for i, want := range []string{"Đã gửi 5/5", "Đã gửi 5/5, đã nhận 2/5"} {
		c := calls[i+1]
		if c.Msg.Text != want || c.EditID != target.ID {
			t.Errorf("edit %d: %q of message %q; want %q of %q", i+1, c.Msg.Text, c.EditID, want, target.ID)
		}
	}
	if id, ok, err := h.st.SentMessageID(context.Background(), "cd:1:progress"); err != nil || !ok || id != target.ID {
		t.Errorf("SentMessageID = %q, %v, %v; want %q", id, ok, err, target.ID)
	}
	if r, b, err := h.st.OutboxDepth(context.Background(), chihuy.Telegram); err != nil || r+b != 0 {
		t.Errorf("OutboxDepth = %d+%d, %v; want nothing left queued", r, b, err)
	}
}

func TestOutboxReplyJumpsTheBulkQueue(t *testing.T) {
	const workers = 4
	h := newObHarness(t, 1000)
	p := newObPlatform(h.clk)
	var msgs []chihuy.Message
	for i := 0; i < 2000; i++ {
		msgs = append(msgs, obText(fmt.Sprintf("bc:%d", i), fmt.Sprint(10000+i), chihuy.PriorityBulk, "Công điện khẩn"))
	}
	h.enqueue(t, msgs...)
	h.run(t, p, fastLimits, WithWorkers(workers))
	obWait(t, "the broadcast to start", func() bool { return len(p.Calls()) >= 50 })
	h.enqueue(t, obText("reply", "03418", chihuy.PriorityReply, "Đã nhận báo cáo của xã"))
	before := len(p.Calls())
	obWait(t, "the reply", func() bool {
		return slices.ContainsFunc(p.Calls(), func(c obCall) bool { return c.Msg.Key == "reply" })
	})
	pos := slices.IndexFunc(p.Calls(), func(c obCall) bool { return c.Msg.Key == "reply" })
	if ahead := pos - before; ahead > 2*workers {
		t.Errorf("%d bulk sends went out between the reply's enqueue and the reply", ahead)
	}
	if pos > 1000 {
		t.Errorf("the reply waited for %d bulk sends", pos)
	}
}

func TestOutboxPerChatAndPerGroupLimits(t *testing.T) {
	h := newObHarness(t, 1000)
	p := newObPlatform(h.clk)
	h.run(t, p, fastLimits, WithWorkers(8))
	var msgs []chihuy.Message
	for i := 0; i < 25; i++ {
		g := obText(fmt.Sprintf("g%d", i), "-100500", chihuy.PriorityBulk, "nhóm")
		g.Group = true
		msgs = append(msgs, g)
		if i < 6 {
			msgs = append(msgs, obText(fmt.Sprintf("p%d", i), "500", chihuy.PriorityReply, "riêng"))
		}
		msgs = append(msgs, obText(fmt.Sprintf("o%d", i), fmt.Sprint(600+i), chihuy.PriorityBulk, "khác"))
	}
	h.enqueue(t, msgs...)
	obWait(t, "every message", func() bool { return len(p.sent()) == len(msgs) })
	perChat := map[string][]time.Time{}
	for _, c := range p.Calls() {
		perChat[c.Msg.Chat.ID] = append(perChat[c.Msg.Chat.ID], c.At)
	}
	maxIn := func(ts []time.Time, window time.Duration) int {
		best := 0
		for i := range ts {
			n := 0
			for _, u := range ts[i:] {
				if u.Sub(ts[i]) < window {
					n++
				}
			}
			best = max(best, n)
		}
		return best
	}
	if n := maxIn(perChat["500"], time.Second); n > 1 {
		t.Errorf("private chat: %d sends within one second, limit 1", n)
	}
	if n := maxIn(perChat["-100500"], time.Minute); n > 20 {
		t.Errorf("group: %d sends within one minute, limit 20", n)
	}
	if n := len(perChat["-100500"]); n != 25 {
		t.Errorf("group received %d, want 25", n)
	}
	// A rolling window: the 21st send comes a minute after the first
	// (the spacing of the first 20 is checked in the store's tests, on a
	// clock that does not run 1000 times fast).
	if g := perChat["-100500"]; len(g) == 25 {
		if wait := g[20].Sub(g[0]); wait < time.Minute {
			t.Errorf("the group's 21st send came %v after the first, want at least a minute", wait)
		}
	}
}

func TestOutboxChatWaitingOnItsLimitDoesNotBlockOthers(t *testing.T) {
	h := newObHarness(t, 10)
	p := newObPlatform(h.clk)
	var msgs []chihuy.Message
	for i := 0; i < 5; i++ {
		msgs = append(msgs, obText(fmt.Sprintf("a%d", i), "A", chihuy.PriorityBulk, fmt.Sprint(i)))
	}
	h.enqueue(t, msgs...)
	msgs = msgs[:0]
	for i := 0; i < 20; i++ {
		msgs = append(msgs, obText(fmt.Sprintf("o%d", i), fmt.Sprint(700+i), chihuy.PriorityBulk, "x"))
	}
	h.enqueue(t, msgs...)
	h.run(t, p, fastLimits)
	obWait(t, "every message", func() bool { return len(p.sent()) == 25 })
	var a []time.Time
	var lastOther time.Time
	for _, c := range p.Calls() {
		if c.Msg.Chat.ID == "A" {
			a = append(a, c.At)
		} else if c.At.After(lastOther) {
			lastOther = c.At
		}
	}
	if !lastOther.Before(a[3]) {
		t.Errorf("the other chats finished %v after A's first message, after A's fourth (%v): A held them up",
			lastOther.Sub(a[0]), a[3].Sub(a[0]))
	}
}

func TestOutboxPacesGlobally(t *testing.T) {
	const n, rate = 60, 20.0
	h := newObHarness(t, 100)
	p := newObPlatform(h.clk)
	start := h.clk.Now()
	h.run(t, p, Limits{PerSecond: rate, PerChatPerSecond: 1, PerGroupPerMinute: 20})
	var msgs []chihuy.Message
	for i := 0; i < n; i++ {
		msgs = append(msgs, obText(fmt.Sprintf("m%d", i), fmt.Sprint(i), chihuy.PriorityBulk, "x"))
	}
	h.enqueue(t, msgs...)
	obWait(t, "every message", func() bool { return len(p.sent()) == n })
	calls := p.Calls()
	least := time.Duration(float64(n-1) / rate * float64(time.Second))
	if span := calls[n-1].At.Sub(start); span < least {
		t.Errorf("%d sends took %v, faster than %v/s allows (%v)", n, span, rate, least)
	}
}

func TestOutboxOnlyOneInstanceSends(t *testing.T) {
	h := newObHarness(t, 1000)
	a, b := newObPlatform(h.clk), newObPlatform(h.clk)
	runA := h.run(t, a, fastLimits, WithOwner("a"))
	runB := h.run(t, b, fastLimits, WithOwner("b"))
	var msgs []chihuy.Message
	for i := 0; i < 30; i++ {
		msgs = append(msgs, obText(fmt.Sprintf("m%d", i), fmt.Sprint(i), chihuy.PriorityBulk, "x"))
	}
	h.enqueue(t, msgs...)
	obWait(t, "every message", func() bool { return len(a.Calls())+len(b.Calls()) >= 30 })
	obSettleFor(h.clk, 5*time.Second)
	na, nb := len(a.Calls()), len(b.Calls())
	if !(na == 30 && nb == 0) && !(na == 0 && nb == 30) {
		t.Fatalf("a sent %d and b %d; want one of them to send all 30", na, nb)
	}
	// The sender stops: the standby takes over.
	active, standby, stop := a, b, runA.stop
	if nb > 0 {
		active, standby, stop = b, a, runB.stop
	}
	stop()
	h.enqueue(t, obText("after", "1", chihuy.PriorityReply, "y"))
	obWait(t, "the standby to send", func() bool { return len(standby.Calls()) == 1 })
	if len(active.Calls()) != 30 {
		t.Errorf("the stopped outbox kept sending")
	}
}

func TestOutboxTakesOverADeadSendersReservation(t *testing.T) {
	h := newObHarness(t, 1000)
	h.enqueue(t, obText("m", "A", chihuy.PriorityReply, "x"))
	// A sender reserves the message and dies without settling it.
	const lease = 20 * time.Second
	// The lease runs from the clock read inside Reserve: read it before,
	// since the clock runs 1000 times fast (a slow call is seconds).
	reservedAt := h.clk.Now()
	res, err := h.st.Reserve(context.Background(), chihuy.Telegram, 10, lease)
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("Reserve = %+v, %v", res, err)
	}
	p := newObPlatform(h.clk)
	h.run(t, p, fastLimits)
	obWait(t, "the message", func() bool { return len(p.sent()) == 1 })
	if at := p.Calls()[0].At; at.Before(reservedAt.Add(lease)) {
		t.Errorf("sent %v after the dead sender reserved it, before its lease of %v ended", at.Sub(reservedAt), lease)
	}
}

func TestOutboxShutdownGivesBackAbandonedSends(t *testing.T) {
	h := newObHarness(t, 1000)
	p := newObPlatform(h.clk)
	hold := make(chan struct{}) // never closed: the platform hangs
	p.setGate("slow", hold)
	run := h.run(t, p, fastLimits, WithDrainTimeout(50*time.Millisecond))
	h.enqueue(t, obText("slow", "A", chihuy.PriorityReply, "x"))
	obSettleFor(h.clk, 5*time.Second)
	began := time.Now()
	run.stop()
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("Run took %v to return with a hung send", took)
	}
	if _, ok, _ := h.st.SentMessageID(context.Background(), "slow"); ok {
		t.Fatal("an abandoned send was marked sent")
	}
	next := newObPlatform(h.clk)
	h.run(t, next, fastLimits)
	obWait(t, "the abandoned message", func() bool { return len(next.sent()) == 1 })
}

func TestOutboxCancelQueuedStopsABroadcast(t *testing.T) {
	h := newObHarness(t, 100)
	p := newObPlatform(h.clk)
	var msgs []chihuy.Message
	for i := 0; i < 200; i++ {
		msgs = append(msgs, obText(fmt.Sprintf("cd:CD-12-0042:telegram:%d", i), fmt.Sprint(i), chihuy.PriorityBulk, "Chỉ đạo"))
	}
	h.enqueue(t, msgs...)
	h.run(t, p, Limits{PerSecond: 2, PerChatPerSecond: 1, PerGroupPerMinute: 20})
	obWait(t, "the broadcast to start", func() bool { return len(p.Calls()) >= 3 })
	n, err := h.st.CancelQueued(context.Background(), "cd:CD-12-0042:")
	if err != nil || n < 150 {
		t.Fatalf("CancelQueued = %d, %v", n, err)
	}
	sentAtCancel := len(p.Calls())
	obSettleFor(h.clk, 5*time.Second)
	if got := len(p.Calls()); got+n != 200 || got > sentAtCancel+8 {
		t.Errorf("%d sent (%d at the cancel) and %d cancelled, of 200", got, sentAtCancel, n)
	}
}

func TestStartWindow(t *testing.T) {
	t0 := time.Date(2021, 11, 8, 9, 0, 0, 0, time.UTC)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	cases := []struct {
		perSecond float64
		at        []time.Time
		want      []time.Duration // wait answered at each time; 0 = admitted
	}{
		{3, []time.Time{ms(0), ms(100), ms(200), ms(300), ms(1009), ms(1010), ms(1050)},
			[]time.Duration{0, 0, 0, 710 * time.Millisecond, time.Millisecond, 0, 60 * time.Millisecond}},
		{0.5, []time.Time{ms(0), ms(1000), ms(2010)},
			[]time.Duration{0, 1010 * time.Millisecond, 0}},
	}
	for _, c := range cases {
		w := newStartWindow(c.perSecond)
		for i, at := range c.at {
			if got := w.admit(at); got != c.want[i] {
				t.Errorf("%v/s: admit at +%v = %v, want %v", c.perSecond, at.Sub(t0), got, c.want[i])
			}
		}
	}
}

func TestRetryPolicyDelay(t *testing.T) {
	p := RetryPolicy{Base: time.Second, Max: time.Minute, GiveUpAfter: time.Hour}
	for attempt := 1; attempt <= 12; attempt++ {
		full := min(time.Second<<(attempt-1), time.Minute)
		for range 50 {
			if d := p.delay(attempt); d < full/2 || d > full {
				t.Fatalf("delay(%d) = %v, want within [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
}

func TestLimits(t *testing.T) {
	cases := []struct {
		lim     Limits
		valid   bool
		private time.Duration
		window  int
	}{
		{DefaultLimits(), true, time.Second, 20},
		{Limits{PerSecond: 30, PerChatPerSecond: 0.5, PerGroupPerMinute: 60}, true, 2 * time.Second, 60},
		{Limits{PerSecond: 0, PerChatPerSecond: 1, PerGroupPerMinute: 20}, false, time.Second, 20},
		{Limits{PerSecond: 30, PerChatPerSecond: -1, PerGroupPerMinute: 20}, false, time.Second, 20},
		{Limits{PerSecond: 30, PerChatPerSecond: 1}, false, time.Second, 20},
	}
	for _, c := range cases {
		err := c.lim.Validate()
		if (err == nil) != c.valid || (err != nil && chihuy.ErrorCode(err) != chihuy.EINVALID) {
			t.Errorf("%+v: Validate() = %v", c.lim, err)
		}
		l := c.lim.withDefaults()
		if g := l.chatGap(); g != c.private {
			t.Errorf("%+v: chat gap %v, want %v", c.lim, g, c.private)
		}
		if w := l.window(true); w != c.window {
			t.Errorf("%+v: group window %d, want %d", c.lim, w, c.window)
		}
		if w := l.window(false); w != 0 {
			t.Errorf("%+v: private window %d, want none", c.lim, w)
		}
	}
}
