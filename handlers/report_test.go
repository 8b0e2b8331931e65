package handlers

import (
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
)

func TestReportReplies(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-103418", "03418")
	e.bind("telegram:-100106", "106")
	e.bind("zalo:u1", "03601")
	tests := []struct {
		name string
		m    msg
		want []string // in the answer; nil: no answer at all
	}{
		{"echo", msg{chat: "telegram:-103418", from: "5", text: "F0: 3 (cộng đồng 1), F1 25; cách ly tập trung 15, tại nhà 30"},
			[]string{"xã Bản Giang, ngày 08/11/2021", "F0 (ca mắc mới): 3", "F0 tại cộng đồng: 1", "cách ly tại nhà: 30"}},
		{"replaced", msg{chat: "telegram:-103418", from: "5", text: "f0 4"}, []string{"F0 (ca mắc mới): 4 (thay cho 3)"}},
		{"unknown label", msg{chat: "telegram:-103418", from: "5", text: "F3 2, F1 4"}, []string{"'F3' không rõ — có phải F2?", "chưa có số liệu nào được ghi"}},
		{"chatter in a group", msg{chat: "telegram:-103418", from: "5", text: "vâng, em nhận rồi ạ"}, nil},
		{"mention stripped", msg{chat: "telegram:-103418", from: "5", text: "@chihuy_bot f2 9"}, []string{"F2: 9"}},
		{"other bot's command in a group", msg{chat: "telegram:-103418", from: "5", text: "/weather"}, nil},
		{"structured", msg{chat: "telegram:-103418", from: "5", text: "/baocao xn=1.200 duongtinh=2"}, []string{"xét nghiệm: 1.200"}},
		{"empty baocao", msg{chat: "telegram:-103418", from: "5", text: "/baocao"}, []string{"Cách báo cáo"}},
		{"future date", msg{chat: "telegram:-103418", from: "5", text: "bc ngày 20/11: f0 1"}, []string{"20/11"}},
		{"district for its commune", msg{chat: "telegram:-100106", from: "6", text: "xã Thèn Sin: F0 2"}, []string{"xã Thèn Sin"}},
		{"district outside its subtree", msg{chat: "telegram:-100106", from: "6", text: "xã Mường Khoa: F0 2"}, []string{"ngoài phạm vi"}},
		{"district without naming a commune", msg{chat: "telegram:-100106", from: "6", text: "F0 2"}, []string{"thị trấn Tam Đường: F0 2", "ghi tên"}},
		{"district by /baocao without a commune", msg{chat: "telegram:-100106", from: "6", text: "/baocao f1=3"}, []string{": f1=3", "ghi tên"}},
		{"district by code then structured values", msg{chat: "telegram:-100106", from: "6", text: "/baocao 03421 f0=2"}, []string{"xã Bản Hon", "F0 (ca mắc mới): 2"}},
		{"district by code and colon", msg{chat: "telegram:-100106", from: "6", text: "03421: F1 5"}, []string{"xã Bản Hon", "F1"}},
		{"private chat chatter", msg{chat: "zalo:u1", kind: chihuy.Private, from: "u1", text: "alo"}, []string{"chưa hiểu"}},
		{"sua shows", msg{chat: "telegram:-103418", from: "5", text: "/sua"}, []string{"Báo cáo hôm nay của xã Bản Giang", "F0 (ca mắc mới): 4  [f0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := texts(e.send(tt.m), tt.m.chat)
			if tt.want == nil {
				if got != "" {
					t.Fatalf("answered %q", got)
				}
				return
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("answer lacks %q:\n%s", w, got)
				}
			}
		})
	}
	// Nothing of the refused reports was stored.
	rep, ok, err := e.st.In(e.tree).UnitReport(e.ctx, "03601", e.today())
	if err != nil || ok {
		t.Fatalf("03601 has a report: %+v %v", rep, err)
	}
	// The district wrote no figures of its own: they go to a named commune.
	rep, ok, err = e.st.In(e.tree).UnitReport(e.ctx, "106", e.today())
	if err != nil || ok {
		t.Fatalf("106 has a report of its own: %+v %v", rep, err)
	}
	rep, _, _ = e.st.In(e.tree).UnitReport(e.ctx, "03421", e.today())
	if rep.Values["f0"] != 2 || rep.Values["f1"] != 5 {
		t.Fatalf("03421's report: %+v", rep.Values)
	}
	rep, _, _ = e.st.In(e.tree).UnitReport(e.ctx, "03418", e.today())
	if rep.Values["f0"] != 4 || rep.Values["f2"] != 9 || rep.Values["xn"] != 1200 {
		t.Fatalf("03418's report: %+v", rep.Values)
	}
}

func (e *env) today() chihuy.Day { return chihuy.DayOf(e.clock.Now().In(vnLoc)) }

func TestAlertOncePerDay(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-103418", "03418")
	e.bind("telegram:-100106", "106")
	e.bind("telegram:-100012", "12")
	count := func(ms []chihuy.Message, chat string) int {
		n := 0
		for _, m := range ms {
			if m.Chat.String() == chat && strings.Contains(m.Text, "CẢNH BÁO") {
				n++
			}
		}
		return n
	}
	steps := []struct {
		text               string
		district, province int
	}{
		{"F0 3 (cộng đồng 1)", 1, 1}, // fires up to the province
		{"F0 3 (cộng đồng 1)", 0, 0}, // same value: once a day
		{"F1 20", 0, 0},              // unrelated
		{"F0 5 (cộng đồng 2)", 1, 1}, // grew: again
		{"F0 5 (cộng đồng 1)", 0, 0}, // fell: no
	}
	for i, s := range steps {
		got := e.send(msg{chat: "telegram:-103418", from: "5", text: s.text})
		if d, p := count(got, "telegram:-100106"), count(got, "telegram:-100012"); d != s.district || p != s.province {
			t.Fatalf("step %d %q: alerts district %d province %d, want %d %d", i, s.text, d, p, s.district, s.province)
		}
	}
}

func TestHelpSaysPrivacyMode(t *testing.T) {
	e := newEnv(t)
	e.h.Platforms[chihuy.Telegram] = PlatformInfo{Buttons: true, CanReadAll: false}
	e.bind("telegram:-103418", "03418")
	got := texts(e.send(msg{chat: "telegram:-103418", from: "5", text: "/help"}), "telegram:-103418")
	if !strings.Contains(got, "chế độ riêng tư") || !strings.Contains(got, "/baocao") {
		t.Fatalf("/help with privacy mode on:\n%s", got)
	}
}
