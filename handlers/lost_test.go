package handlers

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	messagetexts "github.com/chihuy/chihuy/internal/texts"
	"github.com/chihuy/chihuy/store"
)

// golden compares got with testdata/golden/name (CHIHUY_UPDATE_GOLDEN=1
// rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	messagetexts.Golden(t, filepath.Join("testdata", "golden", name), got)
}

// A lost official gets a short pointer; chatter gets nothing.
func TestLostOfficials(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-103418", "03418")
	e.bind("zalo:zl03601", "03601")
	tests := []struct {
		chat, text string
		want       string // "" means no answer at all
	}{
		{"telegram:-103418", "Cho em hỏi báo cáo thế nào ạ?", msgPointer},
		{"telegram:-103418", "cho em hoi bao cao the nao a", msgPointer},
		{"telegram:-103418", "Bot ơi, gửi số liệu ở đâu?", msgPointer},
		{"telegram:-103418", "huong dan", msgPointer},
		{"telegram:-103418", "Hướng dẫn", msgPointer},
		{"telegram:-103418", "hướng dẫn ạ", msgPointer},
		{"telegram:-103418", "Trợ giúp", msgPointer},
		{"telegram:-103418", "tro giup voi", msgPointer},
		{"telegram:-103418", "help", msgPointer},
		{"zalo:zl03601", "huong dan su dung", msgPointer},
		{"telegram:-103418", "/baocaoo f0 1", "Lệnh /baocaoo không có — có phải /baocao?"},
		{"telegram:-103418", "/tonghp", "có phải /tonghop?"},
		{"telegram:-103418", "/trangthia CD-12-0001", "có phải /trangthai?"},
		{"zalo:zl03601", "/danhna CD-111-0001", "có phải /danhan?"},
		// Chatter, and commands for other bots, get nothing.
		{"telegram:-103418", "Chiều nay họp mấy giờ?", ""},
		{"telegram:-103418", "Báo cáo F0 hôm nay bao nhiêu?", ""},
		{"telegram:-103418", "Anh em vất vả quá", ""},
		{"telegram:-103418", "ok", ""},
		{"telegram:-103418", "/weather hanoi", ""},
		{"telegram:-103418", "Đã nhận, cảm ơn anh", ""},
	}
	for _, tt := range tests {
		got := texts(e.send(msg{chat: tt.chat, from: "5", text: tt.text}), tt.chat)
		switch {
		case tt.want == "" && got != "":
			t.Errorf("%q was answered: %s", tt.text, got)
		case tt.want != "" && !strings.Contains(got, tt.want):
			t.Errorf("%q: got %q, want %q", tt.text, got, tt.want)
		}
	}
}

// /help fits the role and the platform, within a phone screen; /lenh is
// the full list.
func TestHelpByRole(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-103418", "03418")
	e.bind("telegram:-100106", "106")
	e.bind("zalo:zl03601", "03601")
	e.grant("2002", "106", chihuy.RoleLead)
	tests := []struct {
		name       string
		m          msg
		lead, zalo bool
	}{
		{"member-telegram", msg{chat: "telegram:-103418", from: "5", text: "/help"}, false, false},
		{"lead-telegram", msg{chat: "telegram:-100106", from: "2002", text: "/help"}, true, false},
		{"admin-telegram", msg{chat: "telegram:-100106", from: admin, text: "/trogiup"}, true, false},
		{"member-zalo", msg{chat: "zalo:zl03601", kind: chihuy.Private, from: "u9", text: "/help"}, false, true},
	}
	for _, tt := range tests {
		got := texts(e.send(tt.m), tt.m.chat)
		golden(t, "help-"+tt.name+".txt", got)
		if n := strings.Count(got, "\n") + 1; n > screenLines {
			t.Errorf("%s: /help has %d lines, budget %d", tt.name, n, screenLines)
		}
		if strings.Contains(got, "/chidao") != tt.lead {
			t.Errorf("%s: lead commands shown = %v, want %v", tt.name, !tt.lead, tt.lead)
		}
		if strings.Contains(got, "bấm ✅") == tt.zalo {
			t.Errorf("%s: button wording on the wrong platform:\n%s", tt.name, got)
		}
		if !strings.Contains(got, "/lenh") {
			t.Errorf("%s: the full list is not offered", tt.name)
		}
	}
	full := texts(e.send(msg{chat: "telegram:-103418", from: "5", text: "/lenh"}), "telegram:-103418")
	golden(t, "lenh.txt", full)
	for _, cmd := range []string{"/baocao", "/sua", "/tonghop", "/xuat", "/danhan", "/ketqua", "/chidao", "/xacnhan", "/huy ",
		"/trangthai", "/chuyentiep", "/huycd", "/dangky", "/huydangky", "/mamoi", "/capquyen", "thuhoi", "/toi", "/help"} {
		if !strings.Contains(full, cmd) {
			t.Errorf("/lenh lacks %s", cmd)
		}
	}
}

// One report that trips several alert rules sends one alert message to
// each tier above, naming them all.
func TestOneAlertMessagePerReport(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-103418", "03418")
	e.bind("telegram:-100106", "106")
	e.bind("telegram:-100012", "12")
	got := e.send(msg{chat: "telegram:-103418", from: "5", text: "F0 4 (cộng đồng 2), tử vong 1, oxy 3"})
	for _, chat := range []string{"telegram:-100106", "telegram:-100012"} {
		var alerts []string
		for _, m := range got {
			if m.Chat.String() == chat && strings.Contains(m.Text, "CẢNH BÁO") {
				alerts = append(alerts, m.Text)
			}
		}
		if len(alerts) != 1 {
			t.Fatalf("%s got %d alert messages, want 1: %q", chat, len(alerts), alerts)
		}
		golden(t, "alert-three-rules.txt", alerts[0])
		for _, want := range []string{"2 ca F0 tại cộng đồng", "1 ca tử vong", "oxy chỉ còn 3"} {
			if !strings.Contains(alerts[0], want) {
				t.Errorf("%s: alert lacks %q:\n%s", chat, want, alerts[0])
			}
		}
	}
	// One rule: the one-line form.
	e.bind("telegram:-103394", "03394")
	got = e.send(msg{chat: "telegram:-103394", from: "6", text: "F0 1 (cộng đồng 1)"})
	golden(t, "alert-one-rule.txt", texts(got, "telegram:-100106"))
}

// No answer exceeds a phone screen on the national tree: a directive from
// the national root to all 10,047 communes, then the commands a lead
// reads it with. /lenh, the full list asked for, is the exception.
func TestAnswersWithinBudgetNational(t *testing.T) {
	if testing.Short() {
		t.Skip("binds every unit of the national tree")
	}
	h, st, tree, _ := nationalEnv(t)
	bindAll(t, st, tree)
	ctx := context.Background()
	n := 0
	ask := func(text string) []string {
		n++
		// A chat per question: the outbox's per-chat rate limit would
		// hold a second answer to the same chat back a second.
		chat := chihuy.ChatRef{Platform: chihuy.Telegram, ID: admin + strconv.Itoa(n)}
		u := chihuy.Update{ID: fmt.Sprintf("t:%d", n), Chat: chat, ChatKind: chihuy.Private, MessageID: strconv.Itoa(n),
			From: chihuy.UserRef{Platform: chihuy.Telegram, ID: admin}, Text: text}
		if err := h.Handle(ctx, u); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		var got []string
		for {
			res, err := st.Reserve(ctx, chihuy.Telegram, 1000, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) == 0 {
				return got
			}
			var done []store.Outcome
			for i := range res.Items {
				r := &res.Items[i]
				if r.Message.Chat == chat && r.Message.EditOf == "" {
					got = append(got, r.Message.Text)
				}
				done = append(done, r.Sent(strconv.Itoa(i), true, time.Now()))
			}
			if err := st.Settle(ctx, done...); err != nil {
				t.Fatal(err)
			}
		}
	}
	ask("/chidao Tổng rà soát người về từ vùng dịch. Các xã, phường, thị trấn, hạn 17h ngày mai")
	ask("/xacnhan")
	d, err := st.OpenDirectives(ctx, "VN")
	if err != nil || len(d) == 0 {
		t.Fatalf("no open directive: %v", err)
	}
	id := d[0].ID
	for _, text := range []string{"/trangthai " + id, "/help", "/toi", "/tonghop", "/tonghop tỉnh Lai Châu", "/chidao", "/sua", "/huongdan"} {
		replies := ask(text)
		if len(replies) == 0 {
			t.Errorf("%s: no answer", text)
		}
		for _, r := range replies {
			if lines := strings.Count(r, "\n") + 1; lines > screenLines {
				t.Errorf("%s: %d lines, budget %d:\n%s", text, lines, screenLines, r)
			}
		}
		if text == "/trangthai "+id {
			golden(t, "trangthai-national.txt", strings.Join(replies, "\n---\n"))
		}
	}
}
