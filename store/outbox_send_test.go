package store_test

// Reserving and settling: order, rate limits, parts, retries, dead
// letters and leases. Helpers are in outbox_test.go.

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
)

func TestReserveRepliesFirstOneChatAtATimeInOrder(t *testing.T) {
	st, clk := newOutboxStore(t)
	obEnqueue(t, st,
		obMsg("b1", "A", chihuy.PriorityBulk, "1"),
		obMsg("b2", "A", chihuy.PriorityBulk, "2"),
		obMsg("b3", "B", chihuy.PriorityBulk, "3"),
		obMsg("r1", "C", chihuy.PriorityReply, "4"),
		obMsg("b4", "A", chihuy.PriorityBulk, "5"),
	)
	r := obReserve(t, st, 10)
	got := obKeys(r)
	if len(got) != 3 || got[0] != "r1" {
		t.Fatalf("first round reserved %v; want r1 first, then one message of each of A and B", got)
	}
	sort.Strings(got[1:])
	if got[1] != "b1" || got[2] != "b3" {
		t.Fatalf("first round reserved %v; want the heads b1 and b3", got)
	}
	if again := obReserve(t, st, 10); len(again.Items) != 0 {
		t.Fatalf("reserved %v while every chat has a message in flight", obKeys(again))
	}
	var outs []store.Outcome
	for i := range r.Items {
		outs = append(outs, r.Items[i].Sent("x", true, clk.Now().Add(time.Second)))
	}
	obSettle(t, st, outs...)
	if early := obReserve(t, st, 10); len(early.Items) != 0 {
		t.Fatalf("reserved %v before the chats' next allowed time", obKeys(early))
	}
	rest := obSendAll(t, st, clk)
	if fmt.Sprint(rest) != "[b2 b4]" {
		t.Fatalf("then sent %v, want [b2 b4] (chat A in order)", rest)
	}
}

func TestAChatWaitingOnItsLimitDoesNotHoldUpOthers(t *testing.T) {
	st, clk := newOutboxStore(t)
	obEnqueue(t, st, obMsg("a1", "A", chihuy.PriorityBulk, "1"), obMsg("a2", "A", chihuy.PriorityBulk, "2"))
	clk.Advance(time.Millisecond)
	obEnqueue(t, st, obMsg("b1", "B", chihuy.PriorityBulk, "1"), obMsg("c1", "C", chihuy.PriorityBulk, "1"))
	r := obReserve(t, st, 1)
	if fmt.Sprint(obKeys(r)) != "[a1]" {
		t.Fatalf("reserved %v, want the oldest chat's a1", obKeys(r))
	}
	obSettle(t, st, r.Items[0].Sent("x", true, clk.Now().Add(time.Second)))
	r = obReserve(t, st, 10)
	if got := obKeys(r); len(got) != 2 || slices.Contains(got, "a2") {
		t.Fatalf("while A waits reserved %v, want b1 and c1", got)
	}
}

func TestReplyJumpsAheadWithinAChat(t *testing.T) {
	st, clk := newOutboxStore(t)
	obEnqueue(t, st, obMsg("b1", "A", chihuy.PriorityBulk, "1"), obMsg("b2", "A", chihuy.PriorityBulk, "2"))
	first := obReserve(t, st, 1)
	obEnqueue(t, st, obMsg("r1", "A", chihuy.PriorityReply, "reply"))
	obSettle(t, st, first.Items[0].Sent("x", true, clk.Now()))
	if got := obSendAll(t, st, clk); fmt.Sprint(got) != "[r1 b2]" {
		t.Fatalf("after b1 sent %v, want [r1 b2]", got)
	}
}

func TestAReplyWaitsForTheRestOfAMessageInParts(t *testing.T) {
	st, clk := newOutboxStore(t)
	obEnqueue(t, st, obMsg("digest", "A", chihuy.PriorityBulk, "two parts"))
	r := obReserve(t, st, 1)
	obSettle(t, st, r.Items[0].Sent("p0", false, clk.Now()))
	obEnqueue(t, st, obMsg("reply", "A", chihuy.PriorityReply, "Đã nhận"))
	r = obReserve(t, st, 1)
	if len(r.Items) != 1 || r.Items[0].Key != "digest" || r.Items[0].Part != 1 {
		t.Fatalf("reserved %+v; want the digest's second part before the reply", r.Items)
	}
	obSettle(t, st, r.Items[0].Sent("p1", true, clk.Now()))
	if got := obSendAll(t, st, clk); fmt.Sprint(got) != "[reply]" {
		t.Fatalf("then sent %v, want [reply]", got)
	}
}

func TestCoolDownAppliesToNewMessages(t *testing.T) {
	st, clk := newOutboxStore(t)
	obEnqueue(t, st, obMsg("a1", "A", chihuy.PriorityReply, "1"))
	r := obReserve(t, st, 1)
	obSettle(t, st, r.Items[0].Sent("x", true, clk.Now().Add(3*time.Second)))
	obEnqueue(t, st, obMsg("a2", "A", chihuy.PriorityReply, "2"))
	if got := obReserve(t, st, 10); len(got.Items) != 0 {
		t.Fatalf("reserved %v within the chat's cool-down", obKeys(got))
	}
	clk.Advance(3 * time.Second)
	if got := obReserve(t, st, 10); fmt.Sprint(obKeys(got)) != "[a2]" {
		t.Fatalf("after the cool-down reserved %v, want [a2]", obKeys(got))
	}
}

func TestPartsResumeWhereTheyStopped(t *testing.T) {
	st, clk := newOutboxStore(t)
	obEnqueue(t, st, obMsg("long", "A", chihuy.PriorityBulk, "three parts"))
	r := obReserve(t, st, 1)
	if r.Items[0].Part != 0 {
		t.Fatalf("first reservation at part %d", r.Items[0].Part)
	}
	obSettle(t, st, r.Items[0].Sent("p0", false, clk.Now()))
	stale := r.Items[0]
	r = obReserve(t, st, 1)
	if it := r.Items[0]; it.Part != 1 || fmt.Sprint(it.SentIDs) != "[p0]" {
		t.Fatalf("second reservation part %d ids %v; want part 1 after [p0]", it.Part, it.SentIDs)
	}
	obSettle(t, st, r.Items[0].Sent("p1", false, clk.Now()))
	// A repeated settle of part 0 changes nothing.
	obSettle(t, st, stale.Sent("p0-again", false, clk.Now()))
	if _, ok, _ := st.SentMessageID(context.Background(), "long"); ok {
		t.Fatal("key marked sent before its last part")
	}
	r = obReserve(t, st, 1)
	obSettle(t, st, r.Items[0].Sent("p2", true, clk.Now()))
	ids, err := st.SentMessageIDs(context.Background(), "long")
	if err != nil || fmt.Sprint(ids) != "[p0 p1 p2]" {
		t.Fatalf("SentMessageIDs = %v, %v; want [p0 p1 p2]", ids, err)
	}
}

func TestRetryPostponeAndPause(t *testing.T) {
	st, clk := newOutboxStore(t)
	obEnqueue(t, st, obMsg("m", "A", chihuy.PriorityReply, "x"), obMsg("n", "B", chihuy.PriorityReply, "y"))
	r := obReserve(t, st, 10)
	var m, n *store.Reservation
	for i := range r.Items {
		if r.Items[i].Key == "m" {
			m = &r.Items[i]
		} else {
			n = &r.Items[i]
		}
	}
	failedAt := clk.Now()
	obSettle(t, st, m.Retry(clk.Now().Add(2*time.Second), "502 bad gateway"),
		n.Postpone(clk.Now().Add(7*time.Second), clk.Now().Add(7*time.Second)))

	clk.Advance(6 * time.Second)
	if got := obReserve(t, st, 10); len(got.Items) != 0 || !got.PausedUntil.Equal(failedAt.Add(7*time.Second)) {
		t.Fatalf("during the pause reserved %v, paused until %v; want nothing until %v",
			obKeys(got), got.PausedUntil, failedAt.Add(7*time.Second))
	}
	clk.Advance(time.Second)
	got := obReserve(t, st, 10)
	if len(got.Items) != 2 || !got.PausedUntil.IsZero() {
		t.Fatalf("after the pause reserved %v (paused until %v); want both", obKeys(got), got.PausedUntil)
	}
	for _, it := range got.Items {
		wantTries, wantSince := 0, time.Time{}
		if it.Key == "m" {
			wantTries, wantSince = 1, failedAt
		}
		if it.Attempts != wantTries || !it.FailingSince.Equal(wantSince) {
			t.Errorf("%s: attempts %d since %v; want %d since %v", it.Key, it.Attempts, it.FailingSince, wantTries, wantSince)
		}
	}
}

func TestDeadAndChatGone(t *testing.T) {
	st, clk := newOutboxStore(t)
	ctx := context.Background()
	obEnqueue(t, st,
		obMsg("a1", "A", chihuy.PriorityBulk, "1"), obMsg("a2", "A", chihuy.PriorityBulk, "2"),
		obMsg("g1", "G", chihuy.PriorityBulk, "3"), obMsg("g2", "G", chihuy.PriorityReply, "4"),
		obMsg("g3", "G", chihuy.PriorityBulk, "5"),
	)
	r := obReserve(t, st, 10)
	var outs []store.Outcome
	for i := range r.Items {
		it := &r.Items[i]
		switch it.Chat.ID {
		case "A":
			outs = append(outs, it.Dead("400 Bad Request: message text is empty", clk.Now()))
		case "G":
			if it.Key != "g2" {
				t.Fatalf("chat G's reply g2 should go first, got %s", it.Key)
			}
			outs = append(outs, it.ChatGone("403 Forbidden: bot was kicked"))
		}
	}
	obSettle(t, st, outs...)
	if got := obSendAll(t, st, clk); fmt.Sprint(got) != "[a2]" {
		t.Fatalf("after the failures sent %v, want [a2]", got)
	}
	dead, err := st.DeadLetters(ctx, chihuy.Telegram, 10)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, d := range dead {
		reasons[d.Key] = d.Reason
		if d.Message.Key != d.Key || d.Chat.Platform != chihuy.Telegram || d.At.IsZero() {
			t.Errorf("dead letter %+v is incomplete", d)
		}
	}
	want := map[string]string{
		"a1": "400 Bad Request: message text is empty",
		"g1": "403 Forbidden: bot was kicked", "g2": "403 Forbidden: bot was kicked", "g3": "403 Forbidden: bot was kicked",
	}
	if fmt.Sprint(reasons) != fmt.Sprint(want) {
		t.Fatalf("dead letters %v, want %v", reasons, want)
	}
	if n := obEnqueue(t, st, obMsg("g3", "G", chihuy.PriorityBulk, "5")); n != 0 {
		t.Errorf("a dead key was queued again")
	}
	if rd, bd := obDepth(t, st); rd+bd != 0 {
		t.Errorf("depth = %d+%d, want 0", rd, bd)
	}
}

func TestReservationOfADeadSenderComesBack(t *testing.T) {
	st, clk := newOutboxStore(t)
	obEnqueue(t, st, obMsg("m", "A", chihuy.PriorityReply, "x"))
	first := obReserve(t, st, 1)
	clk.Advance(obLease - time.Second)
	if r := obReserve(t, st, 1); len(r.Items) != 0 {
		t.Fatal("reservation given back before its lease ended")
	}
	clk.Advance(2 * time.Second)
	second := obReserve(t, st, 1)
	if fmt.Sprint(obKeys(second)) != "[m]" {
		t.Fatalf("after the lease reserved %v, want [m]", obKeys(second))
	}
	// The first sender turns out to have sent it after all: the send is
	// recorded, and the second sender's settle changes nothing more.
	obSettle(t, st, first.Items[0].Sent("first", true, clk.Now()))
	obSettle(t, st, second.Items[0].Sent("second", true, clk.Now()))
	id, ok, _ := st.SentMessageID(context.Background(), "m")
	if !ok || id != "first" {
		t.Fatalf("SentMessageID = %q, %v; want first", id, ok)
	}
	clk.Advance(time.Hour)
	if r := obReserve(t, st, 10); len(r.Items) != 0 {
		t.Fatalf("reserved %v after the message was sent", obKeys(r))
	}
}
