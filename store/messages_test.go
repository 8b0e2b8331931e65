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

// The store's errors for a user's mistake carry a Vietnamese message, as
// chihuy.ErrorMessage shows it to the user when a caller passes it on:
// an unbound chat, an unknown or expired invite, a missing or expired
// held report, a malformed hold id.
func TestErrorMessagesVietnamese(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2021, 11, 8, 9, 0, 0, 0, time.UTC)
	clock := chihuy.ClockFunc(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	st := store.New(redistest.Shared(t).Client(t), store.WithPrefix(redistest.Prefix(t)), store.WithClock(clock))
	chat := chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-100106"}
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	check := func(what string, err error, code, want string) {
		t.Helper()
		if chihuy.ErrorCode(err) != code || chihuy.ErrorMessage(err) != want {
			t.Errorf("%s: %s %q, want %s %q", what, chihuy.ErrorCode(err), chihuy.ErrorMessage(err), code, want)
		}
	}

	_, err := st.Binding(ctx, chat)
	check("unbound chat", err, chihuy.ENOTFOUND, "Cuộc trò chuyện telegram:-100106 chưa đăng ký đơn vị nào.")

	_, err = st.RedeemInvite(ctx, "zz9zz")
	check("unknown invite", err, chihuy.ENOTFOUND, "Mã mời ZZ9ZZ không đúng hoặc đã được dùng.")
	invs, err := st.CreateInvites(ctx, []string{"106"}, chihuy.UserRef{Platform: chihuy.Telegram, ID: "2002"}, time.Hour)
	if err != nil || len(invs) != 1 {
		t.Fatalf("create invite: %v %v", invs, err)
	}
	advance(time.Hour + time.Second)
	_, err = st.RedeemInvite(ctx, invs[0].Code)
	check("expired invite", err, chihuy.ENOTFOUND, "Mã mời "+invs[0].Code+" đã hết hạn.")

	err = st.PutHold(ctx, chat, "bad:id", nil, time.Hour)
	check("bad hold id", err, chihuy.EINVALID, `Mã báo cáo chờ "bad:id" không hợp lệ.`)
	_, err = st.TakeHold(ctx, chat, "K7Q2")
	check("no hold", err, chihuy.ENOTFOUND, "Báo cáo chờ K7Q2 không còn (đã trả lời hoặc đã hết hạn).")
	if err := st.PutHold(ctx, chat, "M3X9", []byte("x"), time.Hour); err != nil {
		t.Fatal(err)
	}
	advance(time.Hour + time.Second)
	_, err = st.PeekHold(ctx, chat, "M3X9")
	check("expired hold", err, chihuy.ENOTFOUND, "Báo cáo chờ M3X9 đã hết hạn.")
}
