package bot

// Several senders and restarts: one sender at a time, taking over from a
// dead one, giving back on shutdown, never resending a confirmed send.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
)

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
