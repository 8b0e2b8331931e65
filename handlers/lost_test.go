package handlers

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
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
