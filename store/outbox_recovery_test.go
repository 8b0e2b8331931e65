package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
)

// A group's sends count in a rolling window: the first ones go a second
// apart, and once the window is full the next waits until the oldest send
// is a minute old.
func TestGroupRollingWindow(t *testing.T) {
	st, clk := newOutboxStore(t)
	const win = 3
	for i := range 5 {
		m := obMsg(fmt.Sprint("g", i), "-100", chihuy.PriorityReply, "x")
		m.Group = true
		obEnqueue(t, st, m)
	}
	first := clk.Now()
	for i := range win {
		r := obReserve(t, st, 1)
		if len(r.Items) != 1 {
			t.Fatalf("send %d at +%v: nothing reserved, want one (a second after the last)", i, clk.Now().Sub(first))
		}
		obSettle(t, st, r.Items[0].Sent("id", true, clk.Now().Add(time.Second)).InWindow(win))
		clk.Advance(time.Second)
	}
	r := obReserve(t, st, 1)
	if len(r.Items) != 0 {
		t.Fatalf("the window is full but %v was reserved", obKeys(r))
	}
	if want := first.Add(time.Minute); !r.NextDue.Equal(want) {
		t.Fatalf("next due %v after the first send, want a minute", r.NextDue.Sub(first))
	}
	clk.Advance(first.Add(time.Minute).Sub(clk.Now()))
	if r := obReserve(t, st, 1); len(r.Items) != 1 {
		t.Fatal("nothing reserved once the oldest send is a minute old")
	}
}

// Reservations of an instance that is gone come back at once with
// ReclaimReservations; those of a live one stay until their lease ends.
func TestReclaimReservations(t *testing.T) {
	st, _ := newOutboxStore(t)
	ctx := context.Background()
	obEnqueue(t, st, obMsg("a", "A", chihuy.PriorityReply, "x"), obMsg("b", "B", chihuy.PriorityReply, "y"))
	for _, owner := range []string{"dead", "live"} {
		if r, err := st.ReserveAs(ctx, chihuy.Telegram, owner, 1, obLease); err != nil || len(r.Items) != 1 {
			t.Fatalf("reserve as %s: %+v, %v", owner, r, err)
		}
	}
	if r := obReserve(t, st, 10); len(r.Items) != 0 {
		t.Fatalf("reserved %v while both are in flight", obKeys(r))
	}
	var asked []string
	n, err := st.ReclaimReservations(ctx, chihuy.Telegram, func(owner string) bool {
		asked = append(asked, owner)
		return owner == "dead"
	})
	if err != nil || n != 1 {
		t.Fatalf("ReclaimReservations = %d, %v; want 1", n, err)
	}
	r := obReserve(t, st, 10)
	if fmt.Sprint(obKeys(r)) != "[a]" {
		t.Fatalf("after the reclaim reserved %v, want the dead sender's [a]", obKeys(r))
	}
	if len(asked) != 2 {
		t.Errorf("asked about %v, want each owner once", asked)
	}
}
