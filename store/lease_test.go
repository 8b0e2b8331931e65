package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestLeaseOneHolder(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	tests := []struct {
		owner string
		want  bool
	}{
		{"a", true},  // free: taken
		{"b", false}, // held by a
		{"a", true},  // a renews
	}
	for i, tt := range tests {
		got, err := st.AcquireLease(ctx, "poll:telegram", tt.owner, time.Minute)
		if err != nil || got != tt.want {
			t.Fatalf("step %d: %s acquire = %v (%v), want %v", i, tt.owner, got, err, tt.want)
		}
	}
	if err := st.ReleaseLease(ctx, "poll:telegram", "b"); err != nil { // not b's: no effect
		t.Fatal(err)
	}
	if got, _ := st.AcquireLease(ctx, "poll:telegram", "b", time.Minute); got {
		t.Fatal("b released a's lease")
	}
	st.ReleaseLease(ctx, "poll:telegram", "a")
	if got, _ := st.AcquireLease(ctx, "poll:telegram", "b", time.Minute); !got {
		t.Fatal("b could not take the released lease")
	}
}

// Two processes hold the poll lease in turn: never both at once, and the
// standby takes over when the holder stops.
func TestHoldLeaseTakesTurns(t *testing.T) {
	st := newStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var inside, overlaps atomic.Int32
	run := func(owner string, stop <-chan struct{}, entered chan<- string) {
		st.HoldLease(ctx, "poll:zalo", owner, 600*time.Millisecond, func(lctx context.Context) error {
			if inside.Add(1) > 1 {
				overlaps.Add(1)
			}
			defer inside.Add(-1)
			entered <- owner
			select {
			case <-stop:
			case <-lctx.Done():
			}
			return nil
		})
	}
	entered := make(chan string, 2)
	stopA, stopB := make(chan struct{}), make(chan struct{})
	go run("a", stopA, entered)
	first := <-entered
	go run("b", stopB, entered)
	select {
	case second := <-entered:
		t.Fatalf("%s entered while %s held the lease", second, first)
	case <-time.After(1500 * time.Millisecond): // more than two lease lives: renewals work
	}
	if first == "a" {
		close(stopA)
	} else {
		close(stopB)
	}
	select {
	case second := <-entered:
		if second == first {
			t.Fatalf("%s entered twice", first)
		}
	case <-ctx.Done():
		t.Fatal("the standby never took over")
	}
	if overlaps.Load() != 0 {
		t.Fatal("two holders at once")
	}
	cancel()
}
