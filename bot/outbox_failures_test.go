package bot

// How the outbox meets the platform's refusals: 429, retried errors,
// permanent errors, chats that are gone.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
)

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
