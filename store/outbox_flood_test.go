package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
)

// A flood of echoes for one unit and day leaves one queued: each newer one
// supersedes the queued older one; one being sent is left to finish; other
// tags and other chats are untouched.
func TestSupersededEchoesAreDropped(t *testing.T) {
	st, clk := newOutboxStore(t)
	ctx := context.Background()
	echo := func(key, chat, tag string) chihuy.Message {
		m := obMsg(key, chat, chihuy.PriorityReply, key)
		m.Supersedes = tag
		return m
	}
	obEnqueue(t, st, echo("e0", "A", "echo:03418:20211108"))
	sending := obReserve(t, st, 1) // e0 is being sent
	for i := 1; i <= 50; i++ {
		obEnqueue(t, st, echo(fmt.Sprint("e", i), "A", "echo:03418:20211108"))
		clk.Advance(time.Millisecond)
	}
	obEnqueue(t, st, echo("other-day", "A", "echo:03418:20211109"), echo("other-chat", "B", "echo:03418:20211108"))
	if r, _, err := st.OutboxDepth(ctx, chihuy.Telegram); err != nil || r != 4 {
		t.Fatalf("replies queued = %d, %v; want 4 (e0 being sent, e50, other-day, other-chat)", r, err)
	}
	obSettle(t, st, sending.Items[0].Sent("1", true, clk.Now()))
	var got []string
	for range 5 {
		r := obReserve(t, st, 10)
		for _, it := range r.Items {
			got = append(got, it.Key)
			obSettle(t, st, it.Sent("x", true, clk.Now()))
		}
	}
	if fmt.Sprint(got) != "[other-chat e50 other-day]" && fmt.Sprint(got) != "[e50 other-chat other-day]" {
		t.Fatalf("sent %v, want e50, other-day and other-chat", got)
	}
	if ids, _ := st.SentMessageIDs(ctx, "e0"); len(ids) != 1 {
		t.Error("the echo being sent was dropped")
	}
	// A superseded key is done: queuing it again does nothing.
	if n := obEnqueue(t, st, echo("e7", "A", "echo:03418:20211108")); n != 0 {
		t.Errorf("a superseded key was queued again (%d)", n)
	}
}

// A bulk message (a directive's copy) waits behind the chat's replies at
// most store.BulkMaxWait, then goes before them.
func TestBulkWaitsAtMostAMinuteBehindReplies(t *testing.T) {
	st, clk := newOutboxStore(t)
	obEnqueue(t, st, obMsg("directive", "A", chihuy.PriorityBulk, "chỉ đạo"))
	next := func() string {
		t.Helper()
		obEnqueue(t, st, obMsg(fmt.Sprint("reply-", clk.Now().UnixMilli()), "A", chihuy.PriorityReply, "echo"))
		r := obReserve(t, st, 1)
		if len(r.Items) != 1 {
			t.Fatalf("nothing reserved at +%v", clk.Now())
		}
		obSettle(t, st, r.Items[0].Sent("x", true, clk.Now().Add(time.Second)))
		return r.Items[0].Key
	}
	for waited := time.Duration(0); waited < store.BulkMaxWait; waited += time.Second {
		if k := next(); k == "directive" {
			t.Fatalf("the directive went before the replies after %v, want %v", waited, store.BulkMaxWait)
		}
		clk.Advance(time.Second)
	}
	if k := next(); k != "directive" {
		t.Fatalf("after %v behind replies the next send is %s, want the directive", store.BulkMaxWait, k)
	}
}
