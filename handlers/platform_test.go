package handlers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// sendUpdate handles u as it came from the platform (numbered like send's
// updates) and returns what the bot answered.
func (e *env) sendUpdate(u chihuy.Update) []chihuy.Message {
	e.t.Helper()
	e.seq++
	if u.ID == "" {
		u.ID = fmt.Sprintf("%s:%d", u.Chat.Platform, e.seq)
	}
	if u.MessageID == "" {
		u.MessageID = fmt.Sprint(e.seq)
	}
	if u.ChatKind == "" {
		u.ChatKind = chihuy.Group
	}
	if u.Time.IsZero() {
		u.Time = e.clock.Now()
	}
	if err := e.h.Handle(e.ctx, u); err != nil {
		e.t.Fatalf("handle %+v: %v", u, err)
	}
	return e.drain()
}

func tgChat(id string) chihuy.ChatRef { return chihuy.ChatRef{Platform: chihuy.Telegram, ID: id} }
func tgUser(id string) chihuy.UserRef { return chihuy.UserRef{Platform: chihuy.Telegram, ID: id} }

// TestPseudoSenders: an anonymous group admin, a linked channel's post and
// a channel writing as itself act with the chat's rights only; lead
// actions tell them to post as themselves; no role can be granted to
// them; an update without a sender acts as nobody.
func TestPseudoSenders(t *testing.T) {
	anon := chihuy.Update{Chat: tgChat("-100106"), From: tgUser(chihuy.TelegramGroupAnonymousBot), Pseudo: true, FromName: "BCĐ huyện"}
	linked := chihuy.Update{Chat: tgChat("-100106"), From: tgUser(chihuy.TelegramServiceNotifications), Pseudo: true, Forwarded: true}
	channel := chihuy.Update{Chat: tgChat("-100106"), From: tgUser(chihuy.TelegramChannelBot), Pseudo: true}
	nobody := chihuy.Update{Chat: tgChat("-100106"), Pseudo: true}
	for _, tc := range []struct {
		name string
		u    chihuy.Update
		text string
		want string // in the answer
		none bool   // no answer at all
	}{
		{"anonymous admin reads the unit's summary", anon, "/toi", "huyện Tam Đường", false},
		{"anonymous admin cannot direct", anon, "/chidao Tăng cường truy vết F1", "cần tài khoản cá nhân", false},
		{"anonymous admin cannot make invites", anon, "/mamoi", "cần tài khoản cá nhân", false},
		{"anonymous admin cannot grant", anon, "/capquyen 2002 chihuy 03418", "cần tài khoản cá nhân", false},
		{"linked channel post cannot direct", linked, "/chidao Họp khẩn", "cần tài khoản cá nhân", false},
		{"channel cannot grant", channel, "/capquyen 2002 thanhvien 03418", "cần tài khoản cá nhân", false},
		{"no sender cannot direct", nobody, "/chidao Họp khẩn", "không có quyền", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.bind("telegram:-100106", "106")
			// Even a role wrongly granted to the pseudo id before this
			// release gives nothing.
			e.grant(chihuy.TelegramGroupAnonymousBot, "12", chihuy.RoleLead)
			u := tc.u
			u.Text = tc.text
			got := texts(e.sendUpdate(u), "telegram:-100106")
			if !strings.Contains(got, tc.want) {
				t.Fatalf("answer %q, want %q", got, tc.want)
			}
			if n, _ := e.st.OpenDirectives(e.ctx, "106"); len(n) != 0 {
				t.Fatalf("a pseudo-sender issued %d directives", len(n))
			}
		})
	}
}

// TestNoRoleForPseudoSenders: /capquyen refuses every pseudo-sender id and
// chat ids, whoever asks.
func TestNoRoleForPseudoSenders(t *testing.T) {
	for _, id := range []string{chihuy.TelegramGroupAnonymousBot, chihuy.TelegramServiceNotifications,
		chihuy.TelegramChannelBot, "telegram:" + chihuy.TelegramGroupAnonymousBot, "telegram:-1001234"} {
		t.Run(id, func(t *testing.T) {
			e := newEnv(t)
			got := texts(e.send(msg{chat: "telegram:" + admin, from: admin, text: "/capquyen " + id + " chihuy 106"}), "telegram:"+admin)
			if !strings.Contains(got, "không phải một người") {
				t.Fatalf("answer %q", got)
			}
			ref, _ := chihuy.ParseUserRef(id)
			if ref.ID == "" {
				ref = tgUser(id)
			}
			if roles, _ := e.st.Roles(e.ctx, ref); len(roles) != 0 {
				t.Fatalf("roles of %s = %v", id, roles)
			}
		})
	}
}

// TestPseudoSenderReports: a pseudo-sender's report in a bound group is
// the chat's report (member rights), as any member's.
func TestPseudoSenderReports(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-100418", "03418")
	got := texts(e.sendUpdate(chihuy.Update{Chat: tgChat("-100418"), From: tgUser(chihuy.TelegramGroupAnonymousBot),
		Pseudo: true, Text: "/baocao F0 2"}), "telegram:-100418")
	if !strings.Contains(got, "Đã ghi nhận") {
		t.Fatalf("answer %q", got)
	}
}

// TestCommandForAnotherBot: "/cmd@OtherBot" is ignored, help included.
func TestCommandForAnotherBot(t *testing.T) {
	for _, text := range []string{"/baocao@OtherReportBot f0=7", "/help@OtherBot", "/chidao@OtherBot Họp"} {
		t.Run(text, func(t *testing.T) {
			e := newEnv(t)
			e.bind("telegram:-100418", "03418")
			got := e.sendUpdate(chihuy.Update{Chat: tgChat("-100418"), From: tgUser(admin), Text: text, OtherBot: true})
			if len(got) != 0 {
				t.Fatalf("answered %q", texts(got, "telegram:-100418"))
			}
			if rep, ok, _ := e.st.In(e.tree).UnitReport(e.ctx, "03418", e.h.today()); ok && len(rep.Values) > 0 {
				t.Fatalf("stored %v", rep.Values)
			}
		})
	}
}

// TestEditedMessages: an edited command is not run again; an edited report
// corrects what the original recorded, on the original's day.
func TestEditedMessages(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-100106", "106")
	e.bind("telegram:-100418", "03418")
	e.grant("2002", "106", chihuy.RoleLead)
	u := chihuy.Update{Chat: tgChat("-100106"), From: tgUser("2002"), Text: "/chidao Tăng cường truy vết F1", MessageID: "500"}
	e.sendUpdate(u)
	edit := u
	edit.Text, edit.Edited = "/chidao Tăng cường truy vết F1 và F2", true
	got := texts(e.sendUpdate(edit), "telegram:-100106")
	if !strings.Contains(got, "không được chạy lại") {
		t.Fatalf("edited command answered %q", got)
	}
	if ds, _ := e.st.OpenDirectives(e.ctx, "106"); len(ds) != 1 {
		t.Fatalf("%d directives after an edit, want 1", len(ds))
	}

	// A report sent at 23:50 and corrected at 00:10 stays on its day.
	e.clock.Set(time.Date(2021, 11, 8, 23, 50, 0, 0, vnLoc))
	sent := e.clock.Now()
	rep := chihuy.Update{Chat: tgChat("-100418"), From: tgUser("3003"), Text: "F0 3", MessageID: "600", Time: sent}
	e.sendUpdate(rep)
	e.clock.Set(time.Date(2021, 11, 9, 0, 10, 0, 0, vnLoc))
	fix := rep
	fix.Text, fix.Edited = "F0 4", true
	if got := texts(e.sendUpdate(fix), "telegram:-100418"); !strings.Contains(got, "08/11/2021") {
		t.Fatalf("correction answered %q", got)
	}
	unit := mustUnit(t, e, "03418")
	day8, _, _ := e.st.In(e.tree).UnitReport(e.ctx, unit.Code, chihuy.DayOf(sent.In(vnLoc)))
	_, ok9, _ := e.st.In(e.tree).UnitReport(e.ctx, unit.Code, chihuy.DayOf(e.clock.Now()))
	if day8.Values["f0"] != 4 || ok9 {
		t.Fatalf("8/11 F0 = %v, a report on 9/11: %v; want the correction on 8/11 only", day8.Values["f0"], ok9)
	}
}

// TestPrivateChatBoundInConfig: a private chat bound in the config's chats:
// makes its person a member — they report and acknowledge.
func TestPrivateChatBoundInConfig(t *testing.T) {
	e := newEnv(t)
	ref := chihuy.ChatRef{Platform: chihuy.Zalo, ID: "zl418"}
	if err := e.st.Bind(e.ctx, store.Binding{Chat: ref, Unit: "03418", Kind: chihuy.Private}); err != nil {
		t.Fatal(err)
	}
	got := texts(e.send(msg{chat: "zalo:zl418", kind: chihuy.Private, from: "zl418", text: "F0 2, F1 5"}), "zalo:zl418")
	if !strings.Contains(got, "Đã ghi nhận") {
		t.Fatalf("report answered %q", got)
	}
	// Not beyond its unit.
	got = texts(e.send(msg{chat: "zalo:zl418", kind: chihuy.Private, from: "zl418", text: "/chidao Họp"}), "zalo:zl418")
	if strings.Contains(got, "CHỈ ĐẠO") || !strings.Contains(got, "lãnh đạo") {
		t.Fatalf("/chidao answered %q", got)
	}
}

// TestForumTopics: an answer goes to the topic of what it answers; a group
// enrolled from a topic keeps it for what goes to the unit.
func TestForumTopics(t *testing.T) {
	e := newEnv(t)
	got := e.send(msg{chat: "telegram:" + admin, from: admin, text: "/mamoi 106"})
	inv := invites(t, got)["106"]
	got = e.sendUpdate(chihuy.Update{Chat: tgChat("-100106"), From: tgUser("2002"), Text: "/dangky " + inv, Thread: "17"})
	if len(got) != 1 || got[0].Thread != "17" {
		t.Fatalf("enrolment answer %+v, want one in topic 17", got)
	}
	b, err := e.st.Binding(e.ctx, tgChat("-100106"))
	if err != nil || b.Thread != "17" {
		t.Fatalf("binding %+v, %v", b, err)
	}
	// A question in another topic is answered there.
	got = e.sendUpdate(chihuy.Update{Chat: tgChat("-100106"), From: tgUser("2002"), Text: "/toi", Thread: "23"})
	if len(got) != 1 || got[0].Thread != "23" {
		t.Fatalf("answer %+v, want topic 23", got)
	}
	// A directive from the province reaches the district in its topic.
	e.bind("telegram:-10012", "12")
	got = e.send(msg{chat: "telegram:-10012", from: admin, text: "/chidao Họp khẩn, 1 cấp"})
	found := false
	for _, m := range got {
		if m.Chat == tgChat("-100106") {
			found = true
			if m.Thread != "17" {
				t.Errorf("directive copy in topic %q, want 17", m.Thread)
			}
		}
	}
	if !found {
		t.Fatalf("no copy to the district: %+v", got)
	}
}

// TestSupergroupMigration: the service message of an upgraded group moves
// its binding and topic, the open directives issued from it and what is
// queued for it to the new id; the old id is not a broken chat.
func TestSupergroupMigration(t *testing.T) {
	e := newEnv(t)
	old, nw := tgChat("-4106"), tgChat("-1004106")
	if err := e.st.Bind(e.ctx, store.Binding{Chat: old, Unit: "106", Kind: chihuy.Group, Thread: ""}); err != nil {
		t.Fatal(err)
	}
	e.grant("2002", "106", chihuy.RoleLead)
	e.send(msg{chat: old.String(), from: "2002", text: "/chidao Rà soát F1, 1 cấp"})
	ds, _ := e.st.OpenDirectives(e.ctx, "106")
	if len(ds) != 1 {
		t.Fatalf("%d directives", len(ds))
	}
	// Something waits in the old group's queue.
	if _, err := e.st.Enqueue(e.ctx, chihuy.Message{Key: "t:q", Chat: old, Group: true, Priority: chihuy.PriorityBulk, Text: "chờ gửi"}); err != nil {
		t.Fatal(err)
	}
	to := nw
	got := e.sendUpdate(chihuy.Update{Chat: old, From: tgUser("2002"), MigratedTo: &to})
	var moved bool
	for _, m := range got {
		if m.Key == "t:q" {
			moved = m.Chat == nw
		}
		if m.Chat == old {
			t.Errorf("message %q still sent to the old id", m.Key)
		}
	}
	if !moved {
		t.Fatalf("queued message not moved to the new id: %+v", got)
	}
	if _, err := e.st.Binding(e.ctx, old); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Errorf("old binding still there: %v", err)
	}
	b, err := e.st.Binding(e.ctx, nw)
	if err != nil || b.Unit != "106" || b.Broken != "" {
		t.Fatalf("new binding %+v, %v", b, err)
	}
	d, _ := e.st.Directive(e.ctx, ds[0].ID)
	if d.LeadChat != nw {
		t.Fatalf("directive reports to %s, want %s", d.LeadChat, nw)
	}
	// The report typed in the new supergroup is recorded.
	got = e.send(msg{chat: nw.String(), from: "2002", text: "/trangthai " + ds[0].ID})
	if s := texts(got, nw.String()); !strings.Contains(s, ds[0].ID) {
		t.Fatalf("status in the new chat: %q", s)
	}
	// The second service message (migrate_from_chat_id) finds nothing to
	// move and says nothing.
	if got := e.sendUpdate(chihuy.Update{Chat: old, From: tgUser("2002"), MigratedTo: &to}); len(got) != 0 {
		t.Fatalf("second migration message answered %+v", got)
	}
}

func mustUnit(t *testing.T, e *env, code string) *units.Unit {
	t.Helper()
	u, ok := e.tree.Get(code)
	if !ok {
		t.Fatalf("no unit %s", code)
	}
	return u
}

// TestDirectiveOptionsAsWritten: options written the way officials write
// dispatches are read, and the lead sees what was understood — targets by
// level with counts, deadline, reference — before anything goes out.
func TestDirectiveOptionsAsWritten(t *testing.T) {
	// Tam Đường (106) has xã and a thị trấn: the cases need both.
	levels := map[string]int{}
	for _, u := range laiChauTree(t).Descendants("106") {
		levels[u.Level]++
	}
	if levels["xã"] == 0 || levels["thị trấn"] == 0 {
		t.Fatalf("huyện Tam Đường has %v; the cases need xã and thị trấn", levels)
	}
	communes := levels["xã"] + levels["thị trấn"] + levels["phường"]
	for _, tc := range []struct {
		name, text string
		units      int      // copies sent (one chat per commune)
		shown      []string // in the lead's progress message
	}{
		{"deadline after the text without a comma", "/chidao Tăng cường truy vết F1 hạn 17h hôm nay", communes,
			[]string{"Tăng cường truy vết F1", "Hạn: 17:00", fmt.Sprintf("%d xã, %d thị trấn", levels["xã"], levels["thị trấn"])}},
		{"các xã is the commune level", "/chidao Các xã: rà soát F1", communes,
			[]string{fmt.Sprintf("Gửi tới %d đơn vị: %d xã, %d thị trấn", communes, levels["xã"], levels["thị trấn"])}},
		{"cấp xã too, with a reference", "/chidao cấp xã, Số 12/BCĐ: rà soát F1", communes,
			[]string{"Số: 12/BCĐ", fmt.Sprintf("%d thị trấn", levels["thị trấn"])}},
		{"chỉ các thị trấn", "/chidao chỉ các thị trấn: rà soát F1", levels["thị trấn"],
			[]string{fmt.Sprintf("Gửi tới %d đơn vị: %d thị trấn", levels["thị trấn"], levels["thị trấn"])}},
		{"chỉ các xã leaves the thị trấn out", "/chidao chỉ các xã: rà soát F1", levels["xã"],
			[]string{fmt.Sprintf("Gửi tới %d đơn vị: %d xã", levels["xã"], levels["xã"])}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.bind("telegram:-100106", "106")
			for _, u := range e.tree.Descendants("106") {
				e.bind("telegram:-9"+u.Code, u.Code)
			}
			e.grant("2002", "106", chihuy.RoleLead)
			got := e.send(msg{chat: "telegram:-100106", from: "2002", text: tc.text})
			lead := texts(got, "telegram:-100106")
			for _, want := range tc.shown {
				if !strings.Contains(lead, want) {
					t.Errorf("lead's message lacks %q:\n%s", want, lead)
				}
			}
			copies := 0
			for _, m := range got {
				if strings.HasPrefix(m.Key, "cd:") {
					copies++
					if strings.Contains(tc.text, "hạn 17h") && !strings.Contains(m.Text, "Hạn: 17:00") {
						t.Errorf("copy without the deadline: %q", m.Text)
					}
				}
			}
			if copies != tc.units {
				t.Errorf("%d copies, want %d", copies, tc.units)
			}
		})
	}
}

// TestForwardWithNewDeadline: /chuyentiep with a new deadline, written
// after the text, overrides the original's.
func TestForwardWithNewDeadline(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-10012", "12")
	e.bind("telegram:-100106", "106")
	e.bind("telegram:-9418", "03418")
	e.grant("2002", "106", chihuy.RoleLead)
	got := e.send(msg{chat: "telegram:-10012", from: admin, text: "/chidao Rà soát F1, 1 cấp, hạn 17h thứ Sáu"})
	var id string
	for _, m := range got {
		if strings.HasPrefix(m.Key, "cd:") && m.Chat == tgChat("-100106") {
			id = strings.SplitN(m.Key, ":", 3)[1]
		}
	}
	if id == "" {
		t.Fatalf("no copy to the district: %+v", got)
	}
	got = e.send(msg{chat: "telegram:-100106", from: "2002", text: "/chuyentiep " + id + " Các xã triển khai ngay hạn 10h ngày mai"})
	var copy string
	for _, m := range got {
		if m.Chat == tgChat("-9418") {
			copy = m.Text
		}
	}
	if !strings.Contains(copy, "Hạn: 10:00") || strings.Contains(copy, "17:00") {
		t.Fatalf("forwarded copy: %q", copy)
	}
}

// TestZaloLeadProgressMilestones: Zalo cannot edit, so a lead there gets
// one progress message at the start and one per milestone — every unit
// reached, half acknowledged, all acknowledged — never one per event.
func TestZaloLeadProgressMilestones(t *testing.T) {
	e := newEnv(t)
	lead := "zalo:zl106"
	if err := e.st.Bind(e.ctx, store.Binding{Chat: chihuy.ChatRef{Platform: chihuy.Zalo, ID: "zl106"}, Unit: "106", Kind: chihuy.Private}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.Grant(e.ctx, chihuy.UserRef{Platform: chihuy.Zalo, ID: "zl106"}, "106", chihuy.RoleLead); err != nil {
		t.Fatal(err)
	}
	communes := e.tree.Descendants("106")
	for _, u := range communes {
		e.bind("telegram:-9"+u.Code, u.Code)
	}
	var progress []chihuy.Message
	collect := func(ms []chihuy.Message) {
		for _, m := range ms {
			if m.Chat.String() == lead && strings.HasPrefix(m.Key, "cdp:") {
				progress = append(progress, m)
			}
		}
	}
	got := e.send(msg{chat: lead, kind: chihuy.Private, from: "zl106", text: "/chidao Rà soát F1"})
	collect(got)
	var id string
	for _, m := range got {
		if strings.HasPrefix(m.Key, "cd:") {
			id = strings.SplitN(m.Key, ":", 3)[1]
			e.h.Sent(e.ctx, m, []string{"1"}) // the outbox confirms each copy
			collect(e.drain())
		}
	}
	for _, u := range communes {
		collect(e.send(msg{chat: "telegram:-9" + u.Code, from: "3" + u.Code, text: "/danhan " + id}))
		e.clock.Add(time.Minute)
	}
	var keys []string
	for _, m := range progress {
		if m.EditOf != "" {
			t.Errorf("an edit on Zalo: %+v", m)
		}
		keys = append(keys, strings.TrimPrefix(m.Key, "cdp:"+id))
	}
	want := []string{"", ":m:sent", ":m:half", ":m:all"}
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Fatalf("progress messages %q, want %q (%d units)", keys, want, len(communes))
	}
	if last := progress[len(progress)-1].Text; !strings.Contains(last, fmt.Sprintf("%d/%d", len(communes), len(communes))) {
		t.Errorf("last milestone: %q", last)
	}
}

// TestToiShowsBindingMembership: /toi in a private chat bound in the
// configuration names the membership; an anonymous admin sees only the
// chat's rights.
func TestToiShowsBindingMembership(t *testing.T) {
	e := newEnv(t)
	if err := e.st.Bind(e.ctx, store.Binding{Chat: chihuy.ChatRef{Platform: chihuy.Zalo, ID: "zl418"}, Unit: "03418", Kind: chihuy.Private}); err != nil {
		t.Fatal(err)
	}
	got := texts(e.send(msg{chat: "zalo:zl418", kind: chihuy.Private, from: "zl418", text: "/toi"}), "zalo:zl418")
	if !strings.Contains(got, "Bản Giang (03418)") || strings.Contains(got, "chưa có vai trò") {
		t.Errorf("/toi in a bound private chat: %q", got)
	}
	e.bind("telegram:-100106", "106")
	e.grant(chihuy.TelegramGroupAnonymousBot, "12", chihuy.RoleAdmin)
	got = texts(e.sendUpdate(chihuy.Update{Chat: tgChat("-100106"), From: tgUser(chihuy.TelegramGroupAnonymousBot), Pseudo: true, Text: "/toi"}), "telegram:-100106")
	if strings.Contains(got, "Lai Châu") || !strings.Contains(got, "Tam Đường (106)") {
		t.Errorf("/toi of an anonymous admin: %q", got)
	}
}
