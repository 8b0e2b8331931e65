package handlers

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
)

// press presses a button of a message the bot sent to chat.
func (e *env) press(chat, from, data string) []chihuy.Message {
	e.t.Helper()
	ref, _ := chihuy.ParseChatRef(chat)
	e.seq++
	u := chihuy.Update{
		ID: fmt.Sprintf("%s:cb%d", ref.Platform, e.seq), Chat: ref, ChatKind: chihuy.Group,
		From: chihuy.UserRef{Platform: ref.Platform, ID: from}, FromName: "Cán bộ " + from, ToBot: true,
		Callback: &chihuy.Callback{ID: fmt.Sprint("q", e.seq), Data: data}, Time: e.clock.Now(),
	}
	if err := e.h.Handle(e.ctx, u); err != nil {
		e.t.Fatalf("press %q: %v", data, err)
	}
	return e.drain()
}

// reportOf returns unit's own report of the current day.
func (e *env) reportOf(unit string) map[string]int64 {
	e.t.Helper()
	rep, _, err := e.st.In(e.tree).UnitReport(e.ctx, unit, e.today())
	if err != nil {
		e.t.Fatal(err)
	}
	return rep.Values
}

// wantAll checks that got holds every want.
func wantAll(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// holdIDIn finds the id a held report's answer names ("/xacnhan K7Q2Z").
func holdIDIn(t *testing.T, text string) string {
	t.Helper()
	m := regexp.MustCompile(`/xacnhan ([A-Z2-7]{5})`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no hold id in %q", text)
	}
	return m[1]
}

// A value far above the unit's recent history is held, with a button on
// Telegram and /xacnhan everywhere; nothing is stored until the sender
// confirms; a confirmation counts once and not after its hour.
func TestPlausibilityHold(t *testing.T) {
	e := newEnv(t)
	const tg, zl = "telegram:-103418", "zalo:z03601"
	e.bind(tg, "03418")
	// a Zalo group (Zalo has no buttons)
	if err := e.st.Bind(e.ctx, store.Binding{Chat: chihuy.ChatRef{Platform: chihuy.Zalo, ID: "z03601"}, Unit: "03601", Kind: chihuy.Group}); err != nil {
		t.Fatal(err)
	}
	for i, day := range []string{"3/11", "5/11", "7/11"} {
		e.send(msg{chat: tg, from: "5", text: fmt.Sprintf("ngày %s: F0 %d, F1 %d", day, i+1, 10+i)})
		e.send(msg{chat: zl, from: "z03601", text: fmt.Sprintf("ngày %s: F0 %d, F1 %d", day, i+1, 10+i)})
	}
	// Telegram: held with buttons, stored on the press
	out := e.send(msg{chat: tg, from: "5", text: "F0 500, F1 12"})
	got := texts(out, tg)
	wantAll(t, "the hold answer", got, "Chưa ghi nhận", "F0 (ca mắc mới) = 500", "14 ngày qua (3)", "/xacnhan")
	if strings.Contains(got, "F1 = 12") {
		t.Errorf("F1 12 is usual, named as unusual:\n%s", got)
	}
	var ok string
	for _, m := range out {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Data, cbHoldOK+":") {
					ok = b.Data
				}
			}
		}
	}
	if ok == "" {
		t.Fatalf("no confirm button: %+v", out)
	}
	if v := e.reportOf("03418"); len(v) != 0 {
		t.Fatalf("stored before the confirmation: %v", v)
	}
	got = texts(e.press(tg, "5", ok), tg)
	if !strings.Contains(got, "Đã ghi nhận") || !strings.Contains(got, "F0 (ca mắc mới): 500") {
		t.Errorf("confirmation answer:\n%s", got)
	}
	if v := e.reportOf("03418"); v["f0"] != 500 || v["f1"] != 12 {
		t.Fatalf("after the confirmation: %v", v)
	}
	if got := texts(e.press(tg, "5", ok), tg); !strings.Contains(got, "không còn") {
		t.Errorf("a second press: %q", got)
	}
	// Zalo: no buttons; /xacnhan with the id, then without after a drop
	out = e.send(msg{chat: zl, from: "z03601", text: "F1 400"})
	got = texts(out, zl)
	for _, m := range out {
		if len(m.Buttons) > 0 {
			t.Errorf("buttons on Zalo: %+v", m.Buttons)
		}
	}
	id := holdIDIn(t, got)
	if got := texts(e.send(msg{chat: zl, from: "z03601", text: "/xacnhan " + id}), zl); !strings.Contains(got, "F1: 400") {
		t.Errorf("/xacnhan %s: %q", id, got)
	}
	if v := e.reportOf("03601"); v["f1"] != 400 {
		t.Fatalf("03601 after /xacnhan: %v", v)
	}
	// dropped, then too late
	e.send(msg{chat: zl, from: "z03601", text: "F0 300"})
	if got := texts(e.send(msg{chat: zl, from: "z03601", text: "/xacnhan hủy"}), zl); !strings.Contains(got, "Đã bỏ") {
		t.Errorf("drop: %q", got)
	}
	id = holdIDIn(t, texts(e.send(msg{chat: zl, from: "z03601", text: "F0 250"}), zl))
	e.clock.Add(61 * time.Minute)
	if got := texts(e.send(msg{chat: zl, from: "z03601", text: "/xacnhan " + id}), zl); !strings.Contains(got, "không còn") {
		t.Errorf("after an hour: %q", got)
	}
	if v := e.reportOf("03601"); v["f0"] != 0 {
		t.Errorf("03601 F0 %d stored from a dropped or expired hold", v["f0"])
	}
}

// A word that may mean "add" is asked about when the element already has
// a value for the day; the answer adds or replaces.
func TestAdditiveAsked(t *testing.T) {
	e := newEnv(t)
	const tg = "telegram:-103418"
	e.bind(tg, "03418")
	e.send(msg{chat: tg, from: "5", text: "F0 2, F1 10"})
	got := texts(e.send(msg{chat: tg, from: "5", text: "bổ sung F0 5"}), tg)
	wantAll(t, "the question", got, "'bổ sung'", "cộng thêm thành 7", "thay bằng 5")
	if v := e.reportOf("03418"); v["f0"] != 2 {
		t.Fatalf("F0 %d before the answer", v["f0"])
	}
	id := holdIDIn(t, got)
	if got := texts(e.send(msg{chat: tg, from: "5", text: "/xacnhan " + id + " cộng"}), tg); !strings.Contains(got, "F0 (ca mắc mới): 7 (thay cho 2)") {
		t.Errorf("add: %q", got)
	}
	got = texts(e.send(msg{chat: tg, from: "5", text: "thêm F1 3"}), tg)
	if got := texts(e.send(msg{chat: tg, from: "5", text: "/xacnhan " + holdIDIn(t, got) + " thay"}), tg); !strings.Contains(got, "F1: 3 (thay cho 10)") {
		t.Errorf("replace: %q", got)
	}
	if v := e.reportOf("03418"); v["f0"] != 7 || v["f1"] != 3 {
		t.Errorf("after the answers: %v", v)
	}
	// the same number again may still mean "add": asked too
	wantAll(t, "the question on an equal number", texts(e.send(msg{chat: tg, from: "5", text: "bổ sung F0 7"}), tg), "cộng thêm thành 14")
	// nothing stored yet for F2: "thêm" is no question
	if got := texts(e.send(msg{chat: tg, from: "5", text: "ghi nhận thêm 4 F2"}), tg); !strings.Contains(got, "F2: 4") {
		t.Errorf("first F2: %q", got)
	}
}

// "bổ sung F0 1" over a stored F0 3 of which 3 in the community is a
// valid addition (F0 4): it is asked about like any other, never refused as
// a replacement; and no refusal suggests a correction that lowers another
// stored figure.
func TestAdditiveOverSubCount(t *testing.T) {
	e := newEnv(t)
	const tg = "telegram:-103418"
	e.bind(tg, "03418")
	e.send(msg{chat: tg, from: "5", text: "F0 3 (cộng đồng 3)"})
	got := texts(e.send(msg{chat: tg, from: "5", text: "bổ sung F0 1"}), tg)
	wantAll(t, "the question", got, "'bổ sung'", "cộng thêm thành 4", "thay bằng 1")
	if strings.Contains(got, "f0cd=1") {
		t.Errorf("a correction lowering the stored community F0 was suggested:\n%s", got)
	}
	id := holdIDIn(t, got)
	if got := texts(e.send(msg{chat: tg, from: "5", text: "/xacnhan " + id + " cộng"}), tg); !strings.Contains(got, "F0 (ca mắc mới): 4 (thay cho 3)") {
		t.Errorf("add: %q", got)
	}
	if v := e.reportOf("03418"); v["f0"] != 4 || v["f0cd"] != 3 {
		t.Fatalf("after the addition: %v", v)
	}
	// a replacement lower than the stored sub-count is refused, and the
	// reply asks for both figures without proposing to lower f0cd
	got = texts(e.send(msg{chat: tg, from: "5", text: "F0 2"}), tg)
	if !strings.Contains(got, "Chưa ghi nhận") || strings.Contains(got, "f0cd=2") {
		t.Errorf("replacement below the sub-count: %q", got)
	}
	if v := e.reportOf("03418"); v["f0"] != 4 || v["f0cd"] != 3 {
		t.Fatalf("after the refused replacement: %v", v)
	}
}

// The day's report stays consistent across messages: a correction that
// would break f0cd ≤ f0 or duongtinh ≤ xn is refused, naming the stored
// value.
func TestCorrectionConsistency(t *testing.T) {
	e := newEnv(t)
	const tg = "telegram:-103418"
	e.bind(tg, "03418")
	e.send(msg{chat: tg, from: "5", text: "F0 3 (cộng đồng 2), xét nghiệm 100, dương tính 3"})
	for _, tt := range []struct{ text, want string }{
		{"/sua f0=1", "F0 tại cộng đồng đã ghi là 2"},
		{"F0: 1", "F0 tại cộng đồng đã ghi là 2"},
		{"cộng đồng 4", "F0 (ca mắc mới) đã ghi là 3"},
		{"xét nghiệm 2", "dương tính đã ghi là 3"},
	} {
		got := texts(e.send(msg{chat: tg, from: "5", text: tt.text}), tg)
		if !strings.Contains(got, tt.want) || !strings.Contains(got, "Chưa ghi nhận") {
			t.Errorf("%q: answered %q, want %q", tt.text, got, tt.want)
		}
	}
	if v := e.reportOf("03418"); v["f0"] != 3 || v["f0cd"] != 2 || v["xn"] != 100 {
		t.Fatalf("after refused corrections: %v", v)
	}
	// both corrected together is consistent
	if got := texts(e.send(msg{chat: tg, from: "5", text: "/sua f0=1 f0cd=1"}), tg); !strings.Contains(got, "Đã ghi nhận") {
		t.Errorf("a consistent correction: %q", got)
	}
	if v := e.reportOf("03418"); v["f0"] != 1 || v["f0cd"] != 1 {
		t.Errorf("after the consistent correction: %v", v)
	}
}

// When a higher tier writes a commune's figures, the commune's chat is
// told who changed what.
func TestOverwriteTold(t *testing.T) {
	e := newEnv(t)
	const commune, district = "telegram:-103418", "telegram:-100106"
	e.bind(commune, "03418")
	e.bind(district, "106")
	e.send(msg{chat: commune, from: "5", text: "F0 5, F1 20"})
	out := e.send(msg{chat: district, from: "6", text: "xã Bản Giang: F0 2, F1 20, F2 7"})
	got := texts(out, commune)
	wantAll(t, "what the commune was told", got, "Huyện Tam Đường (Cán bộ 6)", "xã Bản Giang", "F0 (ca mắc mới): 5 → 2", "F2: 7 (mới)")
	if strings.Contains(got, "F1") {
		t.Errorf("an unchanged figure was reported as changed:\n%s", got)
	}
	// the commune's own reports tell nobody
	if got := texts(e.send(msg{chat: commune, from: "5", text: "F0 3"}), district); got != "" {
		t.Errorf("the district was told of the commune's own report: %q", got)
	}
}

// A /xacnhan naming two different answers ("thay cộng", "cộng hủy", "ok
// hủy") is not guessed at: nothing is stored, the hold stays, and the
// sender is asked for one answer.
func TestHoldTwoAnswersAsked(t *testing.T) {
	e := newEnv(t)
	const tg = "telegram:-103418"
	e.bind(tg, "03418")
	e.send(msg{chat: tg, from: "5", text: "F0 2, F1 10"})
	id := holdIDIn(t, texts(e.send(msg{chat: tg, from: "5", text: "bổ sung F0 5"}), tg))
	for _, args := range []string{"thay cộng", id + " cộng hủy", "hủy thay", "ok bỏ"} {
		got := texts(e.send(msg{chat: tg, from: "5", text: "/xacnhan " + args}), tg)
		wantAll(t, "/xacnhan "+args, got, "Chưa ghi nhận gì", "/xacnhan "+id+" cộng", "/xacnhan "+id+" thay", "/xacnhan "+id+" hủy")
		if v := e.reportOf("03418"); v["f0"] != 2 {
			t.Fatalf("/xacnhan %s stored F0 %d", args, v["f0"])
		}
	}
	// the hold is still there: one answer settles it
	if got := texts(e.send(msg{chat: tg, from: "5", text: "/xacnhan " + id + " cộng"}), tg); !strings.Contains(got, "F0 (ca mắc mới): 7 (thay cho 2)") {
		t.Errorf("add after the question: %q", got)
	}
}
