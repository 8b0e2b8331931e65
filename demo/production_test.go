package demo

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
	"github.com/chihuy/chihuy/config"
)

// Telegram and Zalo as they behave in production, end to end: the whole
// bot on a real Redis against the fake platforms.

func tgRef(id int64) chihuy.ChatRef {
	return chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(id, 10)}
}

// waitSent waits for a message the bot sent to Telegram chat id that
// match accepts.
func waitSent(t *testing.T, ctx context.Context, w *World, what string, match func(telegramtest.Sent) bool) telegramtest.Sent {
	t.Helper()
	s, err := w.Telegram.WaitFor(ctx, match)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return s
}

func TestE2ESupergroupMigration(t *testing.T) {
	for _, tc := range []struct {
		name string
		// quiet: the bot misses the service messages and learns of the
		// new id from a send answered with migrate_to_chat_id.
		quiet bool
	}{
		{"service messages", false},
		{"send answered with migrate_to_chat_id", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ctx := startWorld(t, Options{Tweak: fast})
			old := w.groupID("106")
			const nw = -1009990106
			if tc.quiet {
				w.Telegram.MigrateQuiet(old, nw)
			} else {
				w.Telegram.Migrate(old, nw, w.leadID("106"), "Chỉ huy")
				waitUntil(t, ctx, "binding moved", func() bool {
					b, err := w.App.Store.Binding(ctx, tgRef(nw))
					return err == nil && b.Unit == "106"
				})
			}
			// A directive from the province reaches the district at its
			// new id.
			w.Say("12", "/chidao Rà soát người về từ vùng dịch, 1 cấp")
			waitSent(t, ctx, w, "the copy at the new id", func(s telegramtest.Sent) bool {
				return s.Chat == nw && strings.Contains(s.Text, "Rà soát người về từ vùng dịch")
			})
			waitUntil(t, ctx, "binding moved", func() bool {
				_, err := w.App.Store.Binding(ctx, tgRef(nw))
				return err == nil
			})
			b, err := w.App.Store.Binding(ctx, tgRef(nw))
			if err != nil || b.Unit != "106" || b.Broken != "" {
				t.Fatalf("binding of the new id: %+v, %v", b, err)
			}
			if _, err := w.App.Store.Binding(ctx, tgRef(old)); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
				t.Errorf("the old id is still bound: %v", err)
			}
			// A report typed in the new supergroup is recorded.
			w.Telegram.PushMessage(nw, "supergroup", "BCĐ", w.leadID("106"), "Chỉ huy", "/baocao 03418 f0=2")
			waitSent(t, ctx, w, "the echo in the new supergroup", func(s telegramtest.Sent) bool {
				return s.Chat == nw && strings.Contains(s.Text, "Đã ghi nhận")
			})
			// The province was never told the district's group is broken.
			for _, s := range w.Telegram.MessagesTo(w.groupID("12")) {
				if strings.Contains(s.Text, "không gửi được") || strings.Contains(s.Text, "thêm lại bot") {
					t.Errorf("the parent was told of a broken chat: %q", s.Text)
				}
			}
		})
	}
}

var inviteCodeRE = regexp.MustCompile(`\(03418\): ([A-Z0-9]{8})`)

func TestE2EForumTopics(t *testing.T) {
	w, ctx := startWorld(t, Options{Tweak: fast})
	// A forum group of xã Bản Giang enrols from its topic 17.
	w.Telegram.PushMessage(Admin, "private", "", Admin, "Quản trị", "/mamoi 03418")
	inv := waitSent(t, ctx, w, "invite", func(s telegramtest.Sent) bool { return s.Chat == Admin && inviteCodeRE.MatchString(s.Text) })
	code := inviteCodeRE.FindStringSubmatch(inv.Text)[1]
	const forum = -1005550418
	w.Telegram.SetForum(forum)
	w.Telegram.Push(telegramtest.Incoming{ChatID: forum, ChatTitle: "BCĐ xã Bản Giang", FromID: 5550, FromName: "Lò Văn Hùng",
		Text: "/dangky " + code, Thread: 17})
	waitSent(t, ctx, w, "enrolment answered in topic 17", func(s telegramtest.Sent) bool {
		return s.Chat == forum && s.Thread == 17 && strings.Contains(s.Text, "đã được đăng ký")
	})
	// A question in topic 23 is answered there.
	w.Telegram.Push(telegramtest.Incoming{ChatID: forum, FromID: 5550, FromName: "Lò Văn Hùng", Text: "/toi", Thread: 23})
	waitSent(t, ctx, w, "answer in topic 23", func(s telegramtest.Sent) bool {
		return s.Chat == forum && s.Thread == 23 && strings.Contains(s.Text, "Lò Văn Hùng")
	})
	// A directive from the district goes to the bound topic, not General.
	w.Say("106", "/chidao Phun khử khuẩn khu chợ, gửi: 03418")
	s := waitSent(t, ctx, w, "the directive in the forum", func(s telegramtest.Sent) bool {
		return s.Chat == forum && strings.Contains(s.Text, "Phun khử khuẩn khu chợ")
	})
	if s.Thread != 17 {
		t.Errorf("directive posted in topic %d, want 17", s.Thread)
	}
}

func TestE2EPseudoSendersAndOtherBots(t *testing.T) {
	w, ctx := startWorld(t, Options{Tweak: fast})
	g := w.groupID("106")
	// An anonymous admin of the district group cannot direct.
	w.Telegram.Push(telegramtest.Incoming{ChatID: g, Anonymous: true, Text: "/chidao Họp khẩn toàn huyện"})
	waitSent(t, ctx, w, "anonymous admin told to post as a person", func(s telegramtest.Sent) bool {
		return s.Chat == g && strings.Contains(s.Text, "cần tài khoản cá nhân")
	})
	// Nobody grants a role to GroupAnonymousBot, not even the lead.
	w.Say("106", "/capquyen telegram:"+chihuy.TelegramGroupAnonymousBot+" lanhdao 106")
	waitSent(t, ctx, w, "grant refused", func(s telegramtest.Sent) bool {
		return s.Chat == g && strings.Contains(s.Text, "không phải một người")
	})
	// A command for another bot is not ours: no answer, nothing stored.
	commune := w.groupID("03418")
	w.Telegram.PushMessage(commune, "supergroup", "BCĐ", w.leadID("03418"), "Chỉ huy", "/baocao@OtherReportBot f0=7")
	w.Telegram.PushMessage(commune, "supergroup", "BCĐ", w.leadID("03418"), "Chỉ huy", "/help@OtherBot")
	w.Telegram.PushMessage(commune, "supergroup", "BCĐ", w.leadID("03418"), "Chỉ huy", "/toi")
	waitSent(t, ctx, w, "our /toi", func(s telegramtest.Sent) bool { return s.Chat == commune && strings.Contains(s.Text, "👤") })
	w.Quiet(ctx, 500*time.Millisecond)
	if n := len(w.Telegram.MessagesTo(commune)); n != 1 {
		t.Errorf("%d answers in the commune group, want only /toi's: %+v", n, w.Telegram.MessagesTo(commune))
	}
	if ds, _ := w.App.Store.OpenDirectives(ctx, "106"); len(ds) != 0 {
		t.Errorf("%d directives from a pseudo-sender", len(ds))
	}
}

func TestE2EEditedCommand(t *testing.T) {
	w, ctx := startWorld(t, Options{Tweak: fast})
	g := w.groupID("106")
	_, mid := w.Telegram.PushMessage(g, "supergroup", "BCĐ", w.leadID("106"), "Chỉ huy", "/chidao Tăng cường truy vết F1, gửi: 03418")
	commune := w.groupID("03418")
	waitSent(t, ctx, w, "the directive", func(s telegramtest.Sent) bool { return s.Chat == commune && strings.Contains(s.Text, "truy vết F1") })
	if _, ok := w.Telegram.PushEdit(g, mid, "/chidao Tăng cường truy vết F1 và F2, gửi: 03418"); !ok {
		t.Fatal("no message to edit")
	}
	waitSent(t, ctx, w, "the edit answered", func(s telegramtest.Sent) bool {
		return s.Chat == g && strings.Contains(s.Text, "không được chạy lại")
	})
	w.Quiet(ctx, 500*time.Millisecond)
	if n := len(w.Telegram.MessagesTo(commune)); n != 1 {
		t.Errorf("the commune got %d messages, want one directive", n)
	}
}

func TestE2EPollRemovesLeftWebhookAndSkipsMalformed(t *testing.T) {
	w, ctx := startWorld(t, Options{Tweak: fast})
	commune := w.groupID("03418")
	w.Telegram.PushMessage(commune, "supergroup", "BCĐ", w.leadID("03418"), "Chỉ huy", "/toi")
	waitSent(t, ctx, w, "polling", func(s telegramtest.Sent) bool { return s.Chat == commune })
	// A webhook registered meanwhile (another run in webhook mode):
	// getUpdates answers 409 until poll mode removes it.
	w.Telegram.SetWebhookURL("https://cu.example.vn/webhook/telegram")
	// Poison updates, then a report: the report is answered.
	next := w.Telegram.NextUpdateID()
	w.Telegram.PushRaw("message", []byte(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":900,"date":1636340000,`+
		`"chat":{"id":%d,"type":"supergroup"},"from":{"id":5,"first_name":"X"},"text":"/baocao F0 1",`+
		`"entities":[{"type":"bot_command","offset":2,"length":9223372036854775807}]}}`, next, commune)))
	w.Telegram.PushRaw("message", []byte(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":901,"date":253402300800,`+
		`"chat":{"id":%d,"type":"supergroup"},"from":{"id":5,"first_name":"X"},"text":"F0 9"}}`, next+1, commune)))
	w.Telegram.PushMessage(commune, "supergroup", "BCĐ", w.leadID("03418"), "Chỉ huy", "F0 2, F1 5")
	waitSent(t, ctx, w, "the report after the poison", func(s telegramtest.Sent) bool {
		return s.Chat == commune && strings.Contains(s.Text, "Đã ghi nhận") && strings.Contains(s.Text, "F1")
	})
	if url, _ := w.Telegram.Webhook(); url != "" {
		t.Errorf("webhook still set: %q", url)
	}
	dead, err := w.App.Store.DeadUpdates(ctx, 10)
	if err != nil || len(dead) != 1 || !strings.Contains(dead[0], "out of range") {
		t.Errorf("dead list %v, %v; want the update dated year 10000", dead, err)
	}
}

func TestE2EZaloPrivateChatBoundInConfig(t *testing.T) {
	const code = "03601" // a commune of huyện Tân Uyên, on Zalo
	w, ctx := startWorld(t, Options{Tweak: func(c *config.Config) {
		fast(c)
		// Bound in chats:, no role: the binding alone makes a member.
		var roles []config.RoleGrant
		for _, r := range c.Roles {
			if r.User.ID != zaloUser(code) {
				roles = append(roles, r)
			}
		}
		c.Roles = roles
	}})
	if !w.OnZalo(code) {
		t.Fatalf("%s is not on Zalo in the demo", code)
	}
	w.Say(code, "F0 2, F1 5")
	waitText(t, w, ctx, code, "Đã ghi nhận")
}

func TestE2EZaloLeadMilestones(t *testing.T) {
	// Everything below the province on Zalo: the lead of huyện Tam Đường
	// directs its communes from a Zalo chat, which cannot edit.
	w, ctx := startWorld(t, Options{ZaloUnder: "12", Tweak: fast})
	children := w.Tree.Descendants("106")
	w.Say("106", "/chidao Rà soát F1, 1 cấp")
	first := waitText(t, w, ctx, "106", "Gửi tới")
	id := idRE.FindString(first.Text)
	waitUntil(t, ctx, "every copy sent", func() bool {
		d, err := w.App.Store.Directive(ctx, id)
		return err == nil && !d.Finished.IsZero()
	})
	for _, u := range children {
		w.Say(u.Code, "/danhan "+id)
	}
	waitText(t, w, ctx, "106", fmt.Sprintf("Đã nhận %d/%d", len(children), len(children)))
	w.Quiet(ctx, 700*time.Millisecond)
	var progress []string
	for _, s := range w.Zalo.SentTo(zaloUser("106")) {
		if strings.Contains(s.Text, "Chỉ đạo "+id+":") {
			progress = append(progress, s.Text)
		}
	}
	// The start, every copy sent, half acknowledged, all acknowledged.
	if len(progress) != 4 {
		t.Errorf("%d progress messages for %d acknowledgements, want 4:\n%s", len(progress), len(children), strings.Join(progress, "\n---\n"))
	}
}
