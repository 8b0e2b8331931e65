package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

// obClock is a clock the test moves by hand.
type obClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *obClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *obClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newOutboxStore(t *testing.T) (*store.Store, *obClock) {
	t.Helper()
	srv := redistest.Shared(t)
	clk := &obClock{t: time.Date(2021, 11, 8, 9, 0, 0, 0, time.UTC)}
	return store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)), store.WithClock(clk)), clk
}

const obLease = time.Minute

func obMsg(key, chat string, prio chihuy.Priority, text string) chihuy.Message {
	return chihuy.Message{Key: key, Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: chat}, Priority: prio, Text: text}
}

func obEnqueue(t *testing.T, st *store.Store, msgs ...chihuy.Message) int {
	t.Helper()
	n, err := st.Enqueue(context.Background(), msgs...)
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return n
}

func obReserve(t *testing.T, st *store.Store, n int) store.Reserved {
	t.Helper()
	r, err := st.Reserve(context.Background(), chihuy.Telegram, n, obLease)
	if err != nil {
		t.Fatalf("Reserve: %v", err)
	}
	return r
}

func obSettle(t *testing.T, st *store.Store, outs ...store.Outcome) {
	t.Helper()
	if err := st.Settle(context.Background(), outs...); err != nil {
		t.Fatalf("Settle: %v", err)
	}
}

func obKeys(r store.Reserved) []string {
	var ks []string
	for _, it := range r.Items {
		ks = append(ks, it.Key)
	}
	return ks
}

func obDepth(t *testing.T, st *store.Store) (int64, int64) {
	t.Helper()
	r, b, err := st.OutboxDepth(context.Background(), chihuy.Telegram)
	if err != nil {
		t.Fatalf("OutboxDepth: %v", err)
	}
	return r, b
}

// sendAll reserves and confirms everything due, one round at a time, and
// returns the keys in the order they were reserved.
func obSendAll(t *testing.T, st *store.Store, clk *obClock) []string {
	t.Helper()
	var sent []string
	for i := 0; i < 1000; i++ {
		r := obReserve(t, st, 100)
		if len(r.Items) == 0 {
			if r.NextDue.IsZero() {
				return sent
			}
			clk.Advance(r.NextDue.Sub(clk.Now()) + time.Millisecond)
			continue
		}
		var outs []store.Outcome
		for i := range r.Items {
			it := &r.Items[i]
			sent = append(sent, it.Key)
			outs = append(outs, it.Sent("id-"+it.Key, true, clk.Now().Add(time.Second)))
		}
		obSettle(t, st, outs...)
	}
	t.Fatal("outbox never drained")
	return nil
}

func TestEnqueueRejectsInvalidMessages(t *testing.T) {
	st, _ := newOutboxStore(t)
	long := make([]byte, 301)
	for i := range long {
		long[i] = 'k'
	}
	cases := []struct {
		name string
		m    chihuy.Message
	}{
		{"no key", obMsg("", "1", chihuy.PriorityReply, "x")},
		{"newline in key", obMsg("a\nb", "1", chihuy.PriorityReply, "x")},
		{"key too long", obMsg(string(long), "1", chihuy.PriorityReply, "x")},
		{"invalid utf-8 key", obMsg("a\xffb", "1", chihuy.PriorityReply, "x")},
		{"no chat", chihuy.Message{Key: "k", Text: "x"}},
		{"bad priority", obMsg("k", "1", chihuy.Priority(7), "x")},
		{"edit of itself", chihuy.Message{Key: "k", EditOf: "k", Chat: chihuy.ChatRef{Platform: "telegram", ID: "1"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok := obMsg("fine-"+c.name, "1", chihuy.PriorityBulk, "x")
			n, err := st.Enqueue(context.Background(), ok, c.m)
			if chihuy.ErrorCode(err) != chihuy.EINVALID {
				t.Fatalf("Enqueue(%+v) = %d, %v; want EINVALID", c.m, n, err)
			}
			if n != 0 {
				t.Errorf("added %d messages of a rejected batch", n)
			}
		})
	}
	if r, b := obDepth(t, st); r+b != 0 {
		t.Errorf("depth after rejected batches = %d+%d, want 0", r, b)
	}
}

func TestEnqueueIsIdempotentAndSentKeysStaySent(t *testing.T) {
	st, clk := newOutboxStore(t)
	ctx := context.Background()
	m := obMsg("k1", "100", chihuy.PriorityReply, "Chào xã Bản Giang")
	if n := obEnqueue(t, st, m, m); n != 1 {
		t.Fatalf("first Enqueue added %d, want 1", n)
	}
	if n := obEnqueue(t, st, m); n != 0 {
		t.Fatalf("Enqueue of a queued key added %d, want 0", n)
	}
	if _, ok, err := st.SentMessageID(ctx, "k1"); err != nil || ok {
		t.Fatalf("SentMessageID before sending = %v, %v; want not sent", ok, err)
	}
	r := obReserve(t, st, 10)
	if len(r.Items) != 1 || r.Items[0].Message.Text != m.Text || r.Items[0].Chat != m.Chat {
		t.Fatalf("reserved %+v, want the one message", r.Items)
	}
	obSettle(t, st, r.Items[0].Sent("555", true, clk.Now()))
	id, ok, err := st.SentMessageID(ctx, "k1")
	if err != nil || !ok || id != "555" {
		t.Fatalf("SentMessageID = %q, %v, %v; want 555", id, ok, err)
	}
	if n := obEnqueue(t, st, m); n != 0 {
		t.Fatalf("Enqueue of a sent key added %d, want 0", n)
	}
	clk.Advance(time.Hour)
	if r := obReserve(t, st, 10); len(r.Items) != 0 {
		t.Fatalf("a sent key was reserved again: %v", obKeys(r))
	}
	if rd, bd := obDepth(t, st); rd+bd != 0 {
		t.Errorf("depth after sending = %d+%d, want 0", rd, bd)
	}
}

func TestEditsWaitForTargetAndCoalesce(t *testing.T) {
	st, clk := newOutboxStore(t)
	ctx := context.Background()
	edit := func(key, text string) chihuy.Message {
		m := obMsg(key, "L", chihuy.PriorityBulk, text)
		m.EditOf = "progress"
		return m
	}
	// Edits before the target exists park and coalesce.
	obEnqueue(t, st, edit("e1", "1/10"), edit("e2", "2/10"))
	if r := obReserve(t, st, 10); len(r.Items) != 0 {
		t.Fatalf("an edit was reserved before its target: %v", obKeys(r))
	}
	obEnqueue(t, st, obMsg("progress", "L", chihuy.PriorityBulk, "0/10"), edit("e3", "3/10"))
	r := obReserve(t, st, 10)
	if fmt.Sprint(obKeys(r)) != "[progress]" {
		t.Fatalf("reserved %v, want the target first", obKeys(r))
	}
	obSettle(t, st, r.Items[0].Sent("777", true, clk.Now()))
	r = obReserve(t, st, 10)
	if len(r.Items) != 1 || r.Items[0].Key != "e3" || r.Items[0].EditID != "777" {
		t.Fatalf("reserved %+v; want only the newest edit e3 of message 777", r.Items)
	}
	// While e3 is in flight, two more edits come: e5 supersedes e4.
	obEnqueue(t, st, edit("e4", "4/10"), edit("e5", "5/10"))
	obSettle(t, st, r.Items[0].Retry(clk.Now(), "timeout"))
	r = obReserve(t, st, 10)
	if len(r.Items) != 1 || r.Items[0].Key != "e5" {
		t.Fatalf("reserved %v after a failed edit with newer ones waiting; want [e5]", obKeys(r))
	}
	obSettle(t, st, r.Items[0].Sent("777", true, clk.Now()))
	if got := obSendAll(t, st, clk); len(got) != 0 {
		t.Fatalf("superseded edits were sent: %v", got)
	}
	for _, k := range []string{"e1", "e2", "e3", "e4"} {
		if _, ok, _ := st.SentMessageID(ctx, k); ok {
			t.Errorf("superseded edit %s is marked sent", k)
		}
		if n := obEnqueue(t, st, edit(k, "again")); n != 0 {
			t.Errorf("superseded edit %s was queued again", k)
		}
	}
	if rd, bd := obDepth(t, st); rd+bd != 0 {
		t.Errorf("depth = %d+%d, want 0", rd, bd)
	}
}

func TestEditOfADeadMessageIsDead(t *testing.T) {
	st, clk := newOutboxStore(t)
	ctx := context.Background()
	obEnqueue(t, st, obMsg("t", "L", chihuy.PriorityBulk, "0/10"))
	e := obMsg("e", "L", chihuy.PriorityBulk, "1/10")
	e.EditOf = "t"
	obEnqueue(t, st, e)
	r := obReserve(t, st, 1)
	obSettle(t, st, r.Items[0].Dead("400 Bad Request", clk.Now()))
	dead, err := st.DeadLetters(ctx, chihuy.Telegram, 10)
	if err != nil || len(dead) != 2 || dead[0].Key != "e" {
		t.Fatalf("dead letters %+v, %v; want the edit after its target", dead, err)
	}
	e2 := obMsg("e2", "L", chihuy.PriorityBulk, "2/10")
	e2.EditOf = "t"
	obEnqueue(t, st, e2)
	if dead, _ := st.DeadLetters(ctx, chihuy.Telegram, 10); len(dead) != 3 || dead[0].Key != "e2" {
		t.Fatalf("an edit of a dead message was not given up at once")
	}
}

func TestCancelQueued(t *testing.T) {
	st, clk := newOutboxStore(t)
	ctx := context.Background()
	var msgs []chihuy.Message
	for i := 0; i < 2500; i++ { // more than one script batch
		msgs = append(msgs, obMsg(fmt.Sprintf("cd:CD-12-0042:telegram:%d", i), fmt.Sprint(i), chihuy.PriorityBulk, "Chỉ đạo"))
	}
	msgs = append(msgs, obMsg("cd:CD-12-0043:telegram:1", "1", chihuy.PriorityBulk, "other directive"))
	obEnqueue(t, st, msgs...)
	inFlight := obReserve(t, st, 1) // the oldest chat: key ...:0
	if fmt.Sprint(obKeys(inFlight)) != "[cd:CD-12-0042:telegram:0]" {
		t.Fatalf("reserved %v", obKeys(inFlight))
	}
	n, err := st.CancelQueued(ctx, "cd:CD-12-0042:")
	if err != nil || n != 2499 {
		t.Fatalf("CancelQueued = %d, %v; want 2499 (one is in flight)", n, err)
	}
	if _, b := obDepth(t, st); b != 2 {
		t.Errorf("bulk depth after cancel = %d, want 2", b)
	}
	obSettle(t, st, inFlight.Items[0].Sent("1", true, clk.Now()))
	if got := obSendAll(t, st, clk); fmt.Sprint(got) != "[cd:CD-12-0043:telegram:1]" {
		t.Fatalf("after cancel sent %v, want only the other directive", got)
	}
	if n := obEnqueue(t, st, msgs[5]); n != 0 {
		t.Errorf("a cancelled key was queued again")
	}
	if _, err := st.CancelQueued(ctx, ""); chihuy.ErrorCode(err) != chihuy.EINVALID {
		t.Errorf("CancelQueued(\"\") = %v, want EINVALID", err)
	}
}

func TestWatchOutboxWakes(t *testing.T) {
	st, _ := newOutboxStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wake, stop := st.WatchOutbox(ctx, chihuy.Telegram)
	defer stop()
	// The subscription is confirmed asynchronously: enqueue until woken.
	for i := 0; ; i++ {
		obEnqueue(t, st, obMsg(fmt.Sprintf("w%d", i), "A", chihuy.PriorityReply, "x"))
		select {
		case <-wake:
			return
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("no wake-up after enqueueing")
		}
	}
}
