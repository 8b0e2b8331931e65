package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

// A held report is taken back once, only in its chat, and not after its
// time; the chat's latest hold is known.
func TestHolds(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2021, 11, 8, 9, 0, 0, 0, time.UTC)
	clock := chihuy.ClockFunc(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	st := store.New(redistest.Shared(t).Client(t), store.WithPrefix(redistest.Prefix(t)), store.WithClock(clock))
	chat := chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-103418"}
	other := chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-103421"}
	if id, err := st.LastHold(ctx, chat); err != nil || id != "" {
		t.Fatalf("last hold before any: %q %v", id, err)
	}
	if err := st.PutHold(ctx, chat, "K7Q2", []byte(`{"f0":500}`), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := st.PutHold(ctx, chat, "bad:id", nil, time.Hour); chihuy.ErrorCode(err) != chihuy.EINVALID {
		t.Errorf("bad id: %v", err)
	}
	if id, _ := st.LastHold(ctx, chat); id != "K7Q2" {
		t.Errorf("last hold %q", id)
	}
	if _, err := st.TakeHold(ctx, other, "K7Q2"); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Errorf("taken from another chat: %v", err)
	}
	// a look leaves it held
	for range 2 {
		if data, err := st.PeekHold(ctx, chat, "K7Q2"); err != nil || string(data) != `{"f0":500}` {
			t.Fatalf("peek: %q %v", data, err)
		}
	}
	if _, err := st.PeekHold(ctx, other, "K7Q2"); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Errorf("seen from another chat: %v", err)
	}
	data, err := st.TakeHold(ctx, chat, "K7Q2")
	if err != nil || string(data) != `{"f0":500}` {
		t.Fatalf("take: %q %v", data, err)
	}
	if _, err := st.TakeHold(ctx, chat, "K7Q2"); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Errorf("taken twice: %v", err)
	}
	// after its hour, a hold is gone even where the store's keys linger
	if err := st.PutHold(ctx, chat, "M3X9", []byte("x"), time.Hour); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(time.Hour + time.Second)
	mu.Unlock()
	if _, err := st.PeekHold(ctx, chat, "M3X9"); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Errorf("seen after its hour: %v", err)
	}
	if _, err := st.TakeHold(ctx, chat, "M3X9"); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Errorf("taken after its hour: %v", err)
	}
}
