package telegram

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/vntext"
)

// Telegram as it behaves in production, through the real client, the real
// outbox on a real Redis, and the fake Bot API: groups upgraded to
// supergroups, forum topics, messages split in parts.

// outboxRig runs an outbox over the real client against srv.
type outboxRig struct {
	st  *store.Store
	srv *telegramtest.Server

	mu       sync.Mutex
	migrated [][2]chihuy.ChatRef
	gone     []chihuy.ChatRef
	dead     []string
}

func startOutbox(t *testing.T) (*outboxRig, context.Context) {
	t.Helper()
	srv := fake(t)
	c := connect(t, srv)
	st := store.New(redistest.Shared(t).Client(t), store.WithPrefix(redistest.Prefix(t)))
	rig := &outboxRig{st: st, srv: srv}
	ob := bot.NewOutbox(st, c, bot.Limits{PerSecond: 1000, PerChatPerSecond: 1000, PerGroupPerMinute: 60000},
		bot.WithPollInterval(10*time.Millisecond), bot.WithLeaseTTL(2*time.Second),
		bot.OnMigrated(func(_ context.Context, from, to chihuy.ChatRef) {
			rig.mu.Lock()
			rig.migrated = append(rig.migrated, [2]chihuy.ChatRef{from, to})
			rig.mu.Unlock()
		}),
		bot.OnChatGone(func(_ context.Context, chat chihuy.ChatRef, _ error) {
			rig.mu.Lock()
			rig.gone = append(rig.gone, chat)
			rig.mu.Unlock()
		}),
		bot.OnDead(func(_ context.Context, m chihuy.Message, reason string) {
			rig.mu.Lock()
			rig.dead = append(rig.dead, m.Key+": "+reason)
			rig.mu.Unlock()
		}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	done := make(chan struct{})
	go func() { ob.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return rig, ctx
}

func (r *outboxRig) enqueue(t *testing.T, ctx context.Context, msgs ...chihuy.Message) {
	t.Helper()
	if _, err := r.st.Enqueue(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
}

func (r *outboxRig) wait(t *testing.T, ctx context.Context, what string, match func(telegramtest.Sent) bool) telegramtest.Sent {
	t.Helper()
	s, err := r.srv.WaitFor(ctx, match)
	if err != nil {
		t.Fatalf("%s: %v (sent: %+v; dead: %v)", what, err, r.srv.Messages(), r.dead)
	}
	return s
}

// TestMigratedGroup: a send to a group that became a supergroup is
// answered 400 with migrate_to_chat_id; the outbox sends it again to the
// new id, with everything queued behind it, calls OnMigrated once, and
// does not take the chat for gone. An edit of a message sent to the old
// group goes to the new one as a new message, which the next edit edits.
func TestMigratedGroup(t *testing.T) {
	const oldID, newID = -4001, -1004001
	rig, ctx := startOutbox(t)
	old, nw := chatRef(oldID), chatRef(newID)
	rig.enqueue(t, ctx, chihuy.Message{Key: "p", Chat: old, Group: true, Text: "Tiến độ: 0/3", Buttons: ackButtons})
	rig.wait(t, ctx, "first message to the old group", func(s telegramtest.Sent) bool { return s.Chat == oldID })
	rig.srv.Migrate(oldID, newID, 3003, "Hùng")
	var msgs []chihuy.Message
	for i, text := range []string{"một", "hai", "ba"} {
		msgs = append(msgs, chihuy.Message{Key: "m" + text, Chat: old, Group: true, Priority: chihuy.Priority(i % 2), Text: text})
	}
	msgs = append(msgs, chihuy.Message{Key: "p:e1", Chat: old, Group: true, EditOf: "p", Text: "Tiến độ: 1/3"})
	rig.enqueue(t, ctx, msgs...)
	for _, text := range []string{"một", "hai", "ba"} {
		rig.wait(t, ctx, text, func(s telegramtest.Sent) bool { return s.Chat == newID && s.Text == text })
	}
	asNew := rig.wait(t, ctx, "the edit as a new message", func(s telegramtest.Sent) bool { return s.Chat == newID && s.Text == "Tiến độ: 1/3" })
	rig.enqueue(t, ctx, chihuy.Message{Key: "p:e2", Chat: nw, Group: true, EditOf: "p", Text: "Tiến độ: 2/3"})
	rig.wait(t, ctx, "the next edit", func(s telegramtest.Sent) bool {
		return s.Chat == newID && s.MessageID == asNew.MessageID && s.Text == "Tiến độ: 2/3"
	})
	if n := len(rig.srv.MessagesTo(oldID)); n != 1 {
		t.Errorf("%d messages in the old group, want only the one before the upgrade", n)
	}
	rig.mu.Lock()
	defer rig.mu.Unlock()
	if len(rig.migrated) == 0 || rig.migrated[0] != [2]chihuy.ChatRef{old, nw} {
		t.Errorf("OnMigrated calls %v, want %s → %s", rig.migrated, old, nw)
	}
	if len(rig.gone) != 0 || len(rig.dead) != 0 {
		t.Errorf("chats gone %v, dead letters %v: a migrated group is not a broken chat", rig.gone, rig.dead)
	}
}

// TestSplitMessageEdits: a message over 4096 characters is one message:
// its buttons sit on the last part, and its edits (an acknowledgement
// mark, which also removes the button) address that part, leaving the
// first one whole.
func TestSplitMessageEdits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		runes int
	}{
		{"two parts", 5000},
		{"three parts", 9000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rig, ctx := startOutbox(t)
			body := strings.Repeat("Tăng cường truy vết F1 tại các thôn bản.\n", tc.runes/41+1)
			parts := vntext.Split(body, TextLimit)
			rig.enqueue(t, ctx, chihuy.Message{Key: "cd", Chat: chatRef(groupID), Group: true, Text: body, Buttons: ackButtons})
			rig.wait(t, ctx, "all parts", func(telegramtest.Sent) bool { return len(rig.srv.MessagesTo(groupID)) == len(parts) })
			sent := rig.srv.MessagesTo(groupID)
			for i, s := range sent {
				if has := len(s.Buttons) > 0; has != (i == len(sent)-1) {
					t.Fatalf("part %d of %d has buttons: %v", i+1, len(sent), has)
				}
			}
			const mark = "\n\n✅ Đã nhận: Lò Văn Hùng 09:30 08/11"
			rig.enqueue(t, ctx, chihuy.Message{Key: "cda", Chat: chatRef(groupID), Group: true, EditOf: "cd", Text: body + mark})
			last := sent[len(sent)-1]
			got := rig.wait(t, ctx, "the edit", func(s telegramtest.Sent) bool { return s.MessageID == last.MessageID && s.Edits > 0 })
			if !strings.HasSuffix(got.Text, mark) || len(got.Buttons) != 0 {
				t.Errorf("last part after the edit: %q with buttons %v", got.Text, got.Buttons)
			}
			first, _ := rig.srv.Message(groupID, sent[0].MessageID)
			if first.Edits != 0 || first.Text != sent[0].Text {
				t.Errorf("first part edited: %d edits", first.Edits)
			}
		})
	}
}

// TestForumTopicSends: a message with a thread goes to that topic of a
// forum supergroup; one without goes to General.
func TestForumTopicSends(t *testing.T) {
	rig, ctx := startOutbox(t)
	rig.srv.SetForum(groupID)
	for _, tc := range []struct {
		key, thread string
		want        int
	}{
		{"topic", "17", 17},
		{"general", "", 0},
		{"reply in topic", "23", 23},
	} {
		rig.enqueue(t, ctx, chihuy.Message{Key: tc.key, Chat: chatRef(groupID), Group: true, Text: tc.key, Thread: tc.thread})
		got := rig.wait(t, ctx, tc.key, func(s telegramtest.Sent) bool { return s.Text == tc.key })
		if got.Thread != tc.want {
			t.Errorf("%s: sent to topic %d, want %d", tc.key, got.Thread, tc.want)
		}
	}
	// A topic deleted since, or a chat that is no forum (any more): the
	// platform refuses the topic, the message goes to General rather than
	// nowhere.
	rig.srv.DeleteTopic(groupID, 17)
	for _, tc := range []struct {
		key  string
		chat int64
	}{{"deleted topic", groupID}, {"no forum", -1009}} {
		rig.enqueue(t, ctx, chihuy.Message{Key: tc.key, Chat: chatRef(tc.chat), Group: true, Text: tc.key, Thread: "17"})
		got := rig.wait(t, ctx, tc.key, func(s telegramtest.Sent) bool { return s.Text == tc.key })
		if got.Thread != 0 || got.Chat != tc.chat {
			t.Errorf("%s: sent to chat %d topic %d, want General of %d", tc.key, got.Chat, got.Thread, tc.chat)
		}
	}
	rig.mu.Lock()
	defer rig.mu.Unlock()
	if len(rig.dead) != 0 {
		t.Errorf("dead letters %v", rig.dead)
	}
}

// TestPollProductionUpdates: each behaviour the fake produces arrives
// through the real client's long poll with the fields the bot acts on.
func TestPollProductionUpdates(t *testing.T) {
	type check func(t *testing.T, u chihuy.Update)
	for _, tc := range []struct {
		name string
		push func(srv *telegramtest.Server)
		want check
	}{
		{"anonymous group admin", func(srv *telegramtest.Server) {
			srv.Push(telegramtest.Incoming{ChatID: groupID, ChatTitle: "BCĐ", Anonymous: true, Text: "/chidao Họp"})
		}, func(t *testing.T, u chihuy.Update) {
			if !u.Pseudo || u.From.ID != chihuy.TelegramGroupAnonymousBot {
				t.Errorf("got %+v, want a pseudo-sender", u)
			}
		}},
		{"linked channel post", func(srv *telegramtest.Server) {
			srv.Push(telegramtest.Incoming{ChatID: groupID, FromID: telegramtest.ServiceNotificationsID, SenderChatID: -1002002,
				SenderChatTitle: "Kênh BCĐ", Text: "F0 3"})
		}, func(t *testing.T, u chihuy.Update) {
			if !u.Pseudo || !u.Forwarded || u.FromName != "Kênh BCĐ" {
				t.Errorf("got %+v, want a forwarded pseudo-sender", u)
			}
		}},
		{"forwarded message", func(srv *telegramtest.Server) {
			srv.Push(telegramtest.Incoming{ChatID: groupID, FromID: 3003, FromName: "Hùng", Text: "F0 3", Forwarded: true})
		}, func(t *testing.T, u chihuy.Update) {
			if !u.Forwarded || u.Pseudo {
				t.Errorf("got %+v, want forwarded by a person", u)
			}
		}},
		{"forum topic", func(srv *telegramtest.Server) {
			srv.Push(telegramtest.Incoming{ChatID: groupID, FromID: 3003, FromName: "Hùng", Text: "F0 3", Thread: 17})
		}, func(t *testing.T, u chihuy.Update) {
			if u.Thread != "17" {
				t.Errorf("got %+v, want topic 17", u)
			}
		}},
		{"edited message", func(srv *telegramtest.Server) {
			_, m := srv.PushMessage(groupID, "supergroup", "BCĐ", 3003, "Hùng", "/chidao Họp")
			srv.PushEdit(groupID, m, "/chidao Họp khẩn")
		}, func(t *testing.T, u chihuy.Update) {
			if !u.Edited || u.Text != "/chidao Họp khẩn" {
				t.Errorf("got %+v, want the edit", u)
			}
		}},
		{"command for another bot", func(srv *telegramtest.Server) {
			srv.PushMessage(groupID, "supergroup", "BCĐ", 3003, "Hùng", "/baocao@OtherReportBot f0=7")
		}, func(t *testing.T, u chihuy.Update) {
			if !u.OtherBot || u.ToBot {
				t.Errorf("got %+v, want a command for another bot", u)
			}
		}},
		{"group upgraded", func(srv *telegramtest.Server) {
			srv.Migrate(-4001, -1004001, 3003, "Hùng")
		}, func(t *testing.T, u chihuy.Update) {
			if u.Chat != chatRef(-4001) || u.MigratedTo == nil || *u.MigratedTo != chatRef(-1004001) {
				t.Errorf("got %+v, want -4001 migrated to -1004001", u)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fake(t)
			c := connect(t, srv)
			tc.push(srv)
			n := srv.Pending()
			r := &recorder{stopAt: n}
			poll(t, c, r)
			r.mu.Lock()
			last := r.got[len(r.got)-1]
			r.mu.Unlock()
			tc.want(t, last)
		})
	}
}
