package bot

// The outbox's rate limits: per chat, per group, global pace.

import (
	"fmt"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
)

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
