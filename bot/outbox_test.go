package bot

// What the outbox sends and in which order: a chat's messages in order,
// replies before bulk, long texts in parts, edits coalesced, cancelled
// broadcasts dropped.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/vntext"
)

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
