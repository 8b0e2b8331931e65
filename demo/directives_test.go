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
	"github.com/chihuy/chihuy/units"
)

// synthTree is a province "T" with districts × communes, all on Telegram.
func synthTree(t *testing.T, districts, communes int) *units.Tree {
	t.Helper()
	var b strings.Builder
	b.WriteString("units:\n  - {code: \"T\", name: \"Thử Nghiệm\", level: \"tỉnh\"}\n")
	for d := 1; d <= districts; d++ {
		fmt.Fprintf(&b, "  - {code: \"D%02d\", name: \"Huyện %02d\", level: \"huyện\", parent: \"T\"}\n", d, d)
		for c := 1; c <= communes; c++ {
			fmt.Fprintf(&b, "  - {code: \"X%02d%03d\", name: \"Xã %02d-%03d\", level: \"xã\", parent: \"D%02d\"}\n", d, c, d, c, d)
		}
	}
	tree, err := units.ParseYAML([]byte(b.String()), "synthetic")
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func fast(c *config.Config) {
	for name, l := range c.Limits {
		l.PerSecond = 2000
		c.Limits[name] = l
	}
}

var idRE = regexp.MustCompile(`CD-[A-Z0-9_]+-\d{4,}`)

// copies counts, per chat, the messages carrying the directive's text.
func copies(w *World, id string) map[string]int {
	out := map[string]int{}
	for _, s := range w.Said() {
		if strings.Contains(s.Text, "CHỈ ĐẠO "+id) {
			out[s.Chat]++
		}
	}
	return out
}

func waitUntil(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestDirectiveBroadcastAckDeadline(t *testing.T) {
	tree := synthTree(t, 10, 20) // 210 units below the province
	w, ctx := startWorld(t, Options{Tree: tree, ZaloUnder: "-", Tweak: fast,
		Clock: StartingAt(time.Date(2021, 11, 8, 9, 0, 0, 0, vnLoc))})
	w.Say("T", "/chidao Tăng cường truy vết F1 trong toàn tỉnh. Số 2468/UBND-VX, hạn 16h hôm nay")
	conf := waitText(t, w, ctx, "T", "Xác nhận gửi?")
	id := idRE.FindString(conf.Text)
	if id == "" || !strings.Contains(conf.Text, "210 đơn vị") {
		t.Fatalf("confirmation = %q", conf.Text)
	}
	if n := len(copies(w, id)); n != 0 {
		t.Fatalf("%d copies sent before confirmation", n)
	}
	w.Press("T", conf, "cdok:"+id)
	waitUntil(t, ctx, "every chat to get the directive", func() bool { return len(copies(w, id)) == 210 })
	w.Quiet(ctx, 500*time.Millisecond)
	for chat, n := range copies(w, id) {
		if n != 1 {
			t.Errorf("chat %s got the directive %d times", chat, n)
		}
	}
	// Three communes acknowledge with the button, one by command.
	acked := []string{"X01001", "X02005", "X10020"}
	for _, code := range acked {
		s := waitText(t, w, ctx, code, "CHỈ ĐẠO "+id)
		w.Press(code, s, "ack:"+id)
	}
	w.Say("X03003", "/danhan "+strings.ToLower(id))
	acked = append(acked, "X03003")
	for _, code := range acked {
		waitText(t, w, ctx, code, "Đã nhận:")
	}
	// Forged presses change nothing: an unknown id, and a unit that is not
	// a target pressing a real id.
	w.Press("X04004", Said{TgID: 1}, "ack:CD-T-9999")
	w.Press("T", conf, "ack:"+id)
	w.Quiet(ctx, 500*time.Millisecond)
	w.Say("T", "/trangthai "+id)
	st := waitText(t, w, ctx, "T", "Đã nhận 4/210")
	if strings.Contains(st.Text, "xã 01-001,") {
		t.Errorf("an acknowledged unit is listed as missing:\n%s", st.Text)
	}
	// Progress edits stay under the throttle: the message was edited,
	// but not more often than once per 3 s (plus the final edit).
	var prog Said
	for _, s := range w.SaidTo("T") {
		if strings.HasPrefix(s.Text, "📢 Chỉ đạo "+id) && s.Edited {
			prog = s
		}
	}
	if prog.TgID == 0 {
		t.Fatal("the progress message was never edited")
	}
	if m, ok := w.Telegram.Message(w.groupID("T"), prog.TgID); !ok || m.Edits < 1 || m.Edits > 2+int(time.Since(conf.Time)/(3*time.Second)) {
		t.Errorf("progress message edited %d times in %s", m.Edits, time.Since(conf.Time))
	}
	// Past the deadline, the lead's chat gets the units that did not
	// acknowledge: exactly 206 of them, and none of the four.
	w.Advance(7*time.Hour + time.Minute)
	report := waitText(t, w, ctx, "T", "ĐẾN HẠN chỉ đạo "+id)
	w.Quiet(ctx, 500*time.Millisecond)
	reports := 0
	for _, s := range w.SaidTo("T") {
		if strings.Contains(s.Text, "ĐẾN HẠN chỉ đạo "+id) {
			reports++
		}
	}
	if reports != 1 {
		t.Errorf("the lead's group got the deadline report %d times", reports)
	}
	if !strings.Contains(report.Text, "Chưa xác nhận đã nhận (206)") {
		t.Fatalf("deadline report:\n%s", report.Text)
	}
	for _, code := range acked {
		u, _ := tree.Get(code)
		if strings.Contains(report.Text, u.FullName()+",") || strings.HasSuffix(report.Text, u.FullName()) {
			t.Errorf("deadline report names %s, which acknowledged", u.FullName())
		}
	}
}

func TestDirectiveReminders(t *testing.T) {
	tree := synthTree(t, 2, 5)
	w, ctx := startWorld(t, Options{Tree: tree, ZaloUnder: "-", Tweak: fast,
		Clock: StartingAt(time.Date(2021, 11, 8, 8, 0, 0, 0, vnLoc))})
	w.Say("D01", "/chidao Kiểm tra chốt kiểm soát, hạn 17h hôm nay")
	id := idRE.FindString(waitText(t, w, ctx, "X01005", "CHỈ ĐẠO").Text)
	w.Say("X01001", "/danhan "+id)
	waitText(t, w, ctx, "X01001", "Đã ghi nhận")
	// Before the interval: no reminder.
	w.Advance(time.Hour)
	w.Quiet(ctx, time.Second)
	for _, s := range w.SaidTo("X01002") {
		if strings.Contains(s.Text, "NHẮC") {
			t.Fatalf("reminder after 1 h: %q", s.Text)
		}
	}
	// After 2 h: every unit that has not acknowledged, and only those.
	w.Advance(time.Hour + time.Minute)
	for _, code := range []string{"X01002", "X01003", "X01004", "X01005"} {
		waitText(t, w, ctx, code, "NHẮC")
	}
	w.Quiet(ctx, 500*time.Millisecond)
	for _, s := range w.SaidTo("X01001") {
		if strings.Contains(s.Text, "NHẮC") {
			t.Fatalf("the unit that acknowledged was reminded")
		}
	}
}

func TestDirectiveAuthorization(t *testing.T) {
	tree := synthTree(t, 2, 5)
	w, ctx := startWorld(t, Options{Tree: tree, ZaloUnder: "-", Tweak: fast})
	w.SayMember("D01", "/chidao Họp khẩn lúc 14h")
	waitText(t, w, ctx, "D01", "chỉ dành cho lãnh đạo")
	w.Say("D01", "/chidao Họp khẩn lúc 14h. Gửi: X02001")
	waitText(t, w, ctx, "D01", "ngoài phạm vi")
	w.Quiet(ctx, 500*time.Millisecond)
	for _, s := range w.Said() {
		if strings.Contains(s.Text, "CHỈ ĐẠO") {
			t.Fatalf("a refused directive was sent: %+v", s)
		}
	}
}

func TestDirectiveCancelDuringDelivery(t *testing.T) {
	tree := synthTree(t, 10, 20)
	w, ctx := startWorld(t, Options{Tree: tree, ZaloUnder: "-", Tweak: func(c *config.Config) {
		for name, l := range c.Limits {
			l.PerSecond = 20 // slow enough to cancel midway
			c.Limits[name] = l
		}
	}})
	w.Say("T", "/chidao Dừng mọi hoạt động tập trung đông người. 1 cấp")
	waitText(t, w, ctx, "T", "Đã gửi 0/10")
	w.Say("T", "/chidao Phun khử khuẩn toàn bộ khu vực chợ")
	conf := waitText(t, w, ctx, "T", "Xác nhận gửi?")
	id := idRE.FindString(conf.Text)
	w.Say("T", "/xacnhan")
	waitUntil(t, ctx, "some copies out", func() bool { return len(copies(w, id)) >= 10 })
	w.Say("T", "/huycd "+id)
	done := waitText(t, w, ctx, "T", "Đã hủy chỉ đạo "+id)
	reached := len(copies(w, id))
	w.Quiet(ctx, 1500*time.Millisecond)
	after := len(copies(w, id))
	if after >= 210 || after > reached+20 {
		t.Fatalf("after cancel %d chats got it (had %d at cancel): queued copies were not dropped", after, reached)
	}
	// Units already reached are told.
	var told int
	for _, s := range w.Said() {
		if strings.Contains(s.Text, "Chỉ đạo "+id) && strings.Contains(s.Text, "HỦY") && s.Unit != nil && s.Unit.Code != "T" {
			told++
		}
	}
	if told == 0 {
		t.Fatalf("no reached unit was told of the cancellation (%s)", done.Text)
	}
}

func TestDirectiveSurvivesRestart(t *testing.T) {
	tree := synthTree(t, 20, 100) // 2,020 units below the province
	w, ctx := startWorld(t, Options{Tree: tree, ZaloUnder: "-", Tweak: func(c *config.Config) {
		for name, l := range c.Limits {
			l.PerSecond = 300
			c.Limits[name] = l
		}
	}})
	ctx, cancel := context.WithTimeout(ctx, 25*time.Second)
	defer cancel()
	w.Say("T", "/chidao Tổng rà soát người về từ vùng dịch. Các xã")
	conf := waitText(t, w, ctx, "T", "Xác nhận gửi?")
	id := idRE.FindString(conf.Text)
	w.Say("T", "/xacnhan "+id)
	waitUntil(t, ctx, "a first part of the broadcast", func() bool { return len(copies(w, id)) >= 400 })
	for _, code := range []string{"X01001", "X01002", "X01003"} {
		w.Say(code, "/danhan "+id)
		waitText(t, w, ctx, code, "Đã ghi nhận")
	}
	atKill := len(copies(w, id))
	if err := w.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, ctx, "every commune to get it", func() bool { return len(copies(w, id)) == 2000 })
	w.Quiet(ctx, time.Second)
	dups := 0
	for _, n := range copies(w, id) {
		dups += n - 1
	}
	if dups > 64 {
		t.Errorf("%d duplicate copies after the restart (had %d at the kill)", dups, atKill)
	}
	d, err := w.App.Store.Directive(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Counts.Acked != 3 || d.Counts.Sent != 2000 {
		t.Fatalf("after restart: %+v", d.Counts)
	}
}

func TestCancelPendingDirectiveKeepsLeadChatFlowing(t *testing.T) {
	tree := synthTree(t, 10, 20)
	w, ctx := startWorld(t, Options{Tree: tree, ZaloUnder: "-", Tweak: fast})
	w.Say("T", "/chidao Kiểm tra toàn bộ chốt")
	conf := waitText(t, w, ctx, "T", "Xác nhận gửi?")
	id := idRE.FindString(conf.Text)
	w.Say("T", "/huycd "+id)
	waitText(t, w, ctx, "T", "Đã hủy chỉ đạo "+id)
	// The minute sweep runs; the lead's chat still gets answers.
	w.Advance(2 * time.Minute)
	w.Say("T", "/toi")
	waitText(t, w, ctx, "T", "Cuộc trò chuyện này")
	if n := len(copies(w, id)); n != 0 {
		t.Fatalf("a cancelled, unconfirmed directive reached %d chats", n)
	}
	// Nothing is left waiting in the outbox (an edit of a progress
	// message that was never sent would wait forever).
	w.Quiet(ctx, 500*time.Millisecond)
	if reply, bulk, err := w.App.Store.OutboxDepth(ctx, "telegram"); err != nil || reply+bulk != 0 {
		t.Fatalf("outbox still holds %d replies and %d bulk messages (%v)", reply, bulk, err)
	}
}

func TestDirectiveToAGoneChatCountsAsFailed(t *testing.T) {
	tree := synthTree(t, 1, 5)
	w, ctx := startWorld(t, Options{Tree: tree, ZaloUnder: "-", Tweak: fast})
	w.Telegram.SetChatFault(w.groupID("X01003"), telegramtest.Kicked)
	w.Say("D01", "/chidao Kiểm tra chốt kiểm soát")
	waitText(t, w, ctx, "X01005", "CHỈ ĐẠO")
	// The broadcast finishes: 4 reached, 1 failed, and the parent is told.
	waitText(t, w, ctx, "D01", "Không gửi được tin")
	w.Advance(2 * time.Minute)
	waitText(t, w, ctx, "D01", "Đã gửi 4/5")
	id := idRE.FindString(waitText(t, w, ctx, "X01005", "CHỈ ĐẠO").Text)
	d, err := w.App.Store.Directive(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Counts.Sent != 4 || d.Counts.Failed != 1 || d.Finished.IsZero() {
		t.Fatalf("counts %+v finished %v", d.Counts, d.Finished)
	}
}

// A button answer is not a chat message (SPEC §11, issue 10 point 10): the
// lead's "Xác nhận gửi" is answered while the lead group still has a queue
// of messages waiting for its rate limit, and what the answer says is not
// sent again as a message.
func TestButtonAnswerDoesNotWaitInTheGroupQueue(t *testing.T) {
	tree := synthTree(t, 10, 20) // 210 units below the province: a confirmation is asked
	w, ctx := startWorld(t, Options{Tree: tree, ZaloUnder: "-", Tweak: fast,
		Clock: StartingAt(time.Date(2021, 11, 8, 9, 0, 0, 0, vnLoc))})
	w.Say("T", "/chidao Tăng cường truy vết F1 trong toàn tỉnh, hạn 16h hôm nay")
	conf := waitText(t, w, ctx, "T", "Xác nhận gửi?")
	id := idRE.FindString(conf.Text)
	// Ten messages queue for the lead group: at one a second they keep
	// its queue busy for ten seconds.
	chat := chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(w.groupID("T"), 10)}
	var queued []chihuy.Message
	for i := range 10 {
		queued = append(queued, chihuy.Message{Key: fmt.Sprintf("test:busy:%d", i), Chat: chat, Group: true,
			Priority: chihuy.PriorityReply, Text: fmt.Sprintf("tin chờ %d", i)})
	}
	if _, err := w.App.Store.Enqueue(ctx, queued...); err != nil {
		t.Fatal(err)
	}
	before := len(w.SaidTo("T"))
	w.Press("T", conf, "cdok:"+id)
	var answer string
	waitUntil(t, ctx, "the button press to be answered", func() bool {
		for _, a := range w.Telegram.Answers() {
			if strings.Contains(a.Text, id) {
				answer = a.Text
				return true
			}
		}
		return false
	})
	if sent := len(w.SaidTo("T")) - before; sent >= len(queued) {
		t.Errorf("the answer came after the group's %d queued messages", sent)
	}
	waitUntil(t, ctx, "the group's queue to drain", func() bool {
		n := 0
		for _, s := range w.SaidTo("T") {
			if strings.HasPrefix(s.Text, "tin chờ") {
				n++
			}
		}
		return n == len(queued)
	})
	w.Quiet(ctx, 500*time.Millisecond)
	for _, s := range w.SaidTo("T") {
		if s.Text == answer {
			t.Errorf("the answer %q was also sent as a message", answer)
		}
	}
}
