package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	srv := redistest.Shared(t)
	return store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)))
}

func TestRecordUpdateDedupe(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	u := chihuy.Update{ID: "telegram:1", Chat: chihuy.ChatRef{Platform: "telegram", ID: "-100"}, Text: "F0 3"}
	tests := []struct {
		u     chihuy.Update
		fresh bool
	}{
		{u, true},
		{u, false},
		{chihuy.Update{ID: "telegram:2", Text: "F1 2"}, true},
		{chihuy.Update{ID: "telegram:1", Text: "changed text, same id"}, false},
	}
	for i, tt := range tests {
		fresh, err := st.RecordUpdate(ctx, tt.u)
		if err != nil {
			t.Fatal(err)
		}
		if fresh != tt.fresh {
			t.Errorf("record %d (%s): fresh=%v, want %v", i, tt.u.ID, fresh, tt.fresh)
		}
	}
	if n, _ := st.PendingUpdates(ctx); n != 2 {
		t.Fatalf("pending = %d, want 2", n)
	}
	if _, err := st.RecordUpdate(ctx, chihuy.Update{}); err == nil {
		t.Fatal("empty id recorded")
	}
}

func TestConsumeUpdates(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	for i := range 5 {
		if _, err := st.RecordUpdate(ctx, chihuy.Update{ID: fmt.Sprintf("zalo:%d", i), Text: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.NextUpdates(ctx, "a", 3, 10*time.Millisecond, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Update.Text != "0" || got[2].Update.Text != "2" || got[0].Attempt != 1 {
		t.Fatalf("first batch = %+v", got)
	}
	// Consumer a dies without finishing; b takes over the stale ones first.
	time.Sleep(30 * time.Millisecond)
	again, err := st.NextUpdates(ctx, "b", 10, 10*time.Millisecond, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 3 || again[0].Update.Text != "0" || again[0].Attempt != 2 {
		t.Fatalf("reclaimed = %+v", again)
	}
	ids := []string{again[0].StreamID, again[1].StreamID, again[2].StreamID}
	if err := st.DoneUpdates(ctx, ids...); err != nil {
		t.Fatal(err)
	}
	rest, err := st.NextUpdates(ctx, "b", 10, 10*time.Millisecond, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 2 || rest[0].Update.Text != "3" {
		t.Fatalf("rest = %+v", rest)
	}
	st.DoneUpdates(ctx, rest[0].StreamID, rest[1].StreamID)
	if n, _ := st.PendingUpdates(ctx); n != 0 {
		t.Fatalf("pending after done = %d", n)
	}
}

func TestUpdateDeadAfterRetries(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	st.RecordUpdate(ctx, chihuy.Update{ID: "telegram:9", Text: "poison"})
	seen := 0
	for range 10 {
		d, err := st.NextUpdates(ctx, "c", 1, 5*time.Millisecond, time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(d)
		time.Sleep(3 * time.Millisecond)
	}
	if seen != 5 {
		t.Fatalf("handed out %d times, want 5", seen)
	}
	dead, _ := st.DeadUpdates(ctx, 10)
	if len(dead) != 1 {
		t.Fatalf("dead = %v", dead)
	}
}

func TestRecordedUpdatesSurviveRedisRestart(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, true) // append-only file on, as in production
	st := store.New(srv.Client(t))
	for i := range 3 {
		if _, err := st.RecordUpdate(ctx, chihuy.Update{ID: fmt.Sprintf("telegram:%d", i), Text: fmt.Sprint("F0 ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Restart(t)
	st = store.New(srv.Client(t))
	got, err := st.NextUpdates(ctx, "after", 10, 10*time.Millisecond, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2].Update.Text != "F0 2" {
		t.Fatalf("after the restart: %+v", got)
	}
	// And the dedupe marks survived too.
	if fresh, _ := st.RecordUpdate(ctx, chihuy.Update{ID: "telegram:1"}); fresh {
		t.Fatal("an update recorded before the restart was recorded again")
	}
}
