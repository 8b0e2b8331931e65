package handlers

import (
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
)

// What is not a report records nothing: a forwarded message, quoted news.
func TestNotReports(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-103418", "03418")
	e.bind("telegram:2005", "03418")
	at := e.st.In(e.tree)
	for _, m := range []msg{
		{chat: "telegram:-103418", from: "5", text: "F0: 3, tử vong 2", fwd: true},
		{chat: "telegram:-103418", from: "5", text: "cả nước ghi nhận thêm 30.000 ca mắc mới, 80 ca tử vong"},
	} {
		if got := texts(e.send(m), m.chat); got != "" {
			t.Errorf("%q (forwarded %v): answered %q", m.text, m.fwd, got)
		}
	}
	// in a private chat, or for a command, the sender is told why
	for _, tt := range []struct {
		m    msg
		want string
	}{
		{msg{chat: "telegram:2005", from: "2005", text: "F0 3", fwd: true}, "Tin chuyển tiếp"},
		{msg{chat: "telegram:-103418", from: "5", text: "/baocao f0=3", fwd: true}, "Tin chuyển tiếp"},
		{msg{chat: "telegram:2005", from: "2005", text: "Toàn quốc: F0 30.000"}, "nơi khác"},
	} {
		if got := texts(e.send(tt.m), tt.m.chat); !strings.Contains(got, tt.want) {
			t.Errorf("%q: answered %q, want %q", tt.m.text, got, tt.want)
		}
	}
	if rep, ok, err := at.UnitReport(e.ctx, "03418", e.today()); err != nil || ok {
		t.Fatalf("a report was stored: %+v %v", rep.Values, err)
	}
}

// The report day is the day the message was written, by its platform
// timestamp, not the day the bot read it; a stamp in the future or older
// than the window is refused, never booked to today.
func TestReportDayFromTimestamp(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-103418", "03418")
	at := e.st.In(e.tree)
	// written at 23:58 on 8 November, read after midnight (the bot was
	// restarting)
	written := time.Date(2021, 11, 8, 23, 58, 0, 0, vnLoc)
	e.clock.Set(time.Date(2021, 11, 9, 0, 3, 0, 0, vnLoc))
	got := texts(e.send(msg{chat: "telegram:-103418", from: "5", text: "F0 2, F1 7", at: written}), "telegram:-103418")
	if !strings.Contains(got, "ngày 08/11/2021") {
		t.Fatalf("echo %q, want the day of writing", got)
	}
	d8, d9 := chihuy.Day{Year: 2021, Month: 11, Day: 8}, chihuy.Day{Year: 2021, Month: 11, Day: 9}
	rep, ok, err := at.UnitReport(e.ctx, "03418", d8)
	if err != nil || !ok || rep.Values["f0"] != 2 || rep.Values["f1"] != 7 {
		t.Fatalf("8/11: %+v %v %v", rep.Values, ok, err)
	}
	if !rep.At.Equal(written) || !rep.First.Equal(written) {
		t.Errorf("recorded at %v, first %v, want the message's time %v (timeliness)", rep.At, rep.First, written)
	}
	// timeliness by the message's own clock: 23:58 is after the 17:00
	// deadline (late); a report written at 16:50 and read after midnight
	// too is on time
	e.bind("telegram:-103394", "03394")
	e.send(msg{chat: "telegram:-103394", from: "7", text: "F0 0", at: time.Date(2021, 11, 8, 16, 50, 0, 0, vnLoc)})
	u, _ := e.tree.Get("106")
	p, err := e.h.progress(e.ctx, u, d8)
	if err != nil || p.Reported != 2 || p.OnTime != 1 {
		t.Errorf("8/11 progress %+v %v, want 2 reported, 1 on time", p, err)
	}
	if _, ok, _ := at.UnitReport(e.ctx, "03418", d9); ok {
		t.Fatal("9/11 has a report")
	}
	for _, tt := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"year 2100", time.Date(2100, 1, 1, 8, 0, 0, 0, vnLoc), "không hợp lệ"},
		{"an hour ahead", e.clock.Now().Add(time.Hour), "không hợp lệ"},
		{"older than the window", e.clock.Now().AddDate(0, 0, -9), "đã quá 7 ngày"},
	} {
		got := texts(e.send(msg{chat: "telegram:-103418", from: "5", text: "F2 9", at: tt.at}), "telegram:-103418")
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: answered %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, d := range []chihuy.Day{d9, {Year: 2100, Month: 1, Day: 1}, {Year: 2021, Month: 10, Day: 31}} {
		if rep, ok, _ := at.UnitReport(e.ctx, "03418", d); ok {
			t.Errorf("%v has a report %v", d, rep.Values)
		}
	}
	if rep, _, _ := at.UnitReport(e.ctx, "03418", d8); rep.Values["f2"] != 0 {
		t.Errorf("8/11 got F2 %d", rep.Values["f2"])
	}
}

// A unit name that matches nothing, a unit outside the subtree, several
// units, or both the sender's own unit and the one above it refuses the
// message, naming the candidates; nothing falls back to the sender's unit.
func TestReportUnitNames(t *testing.T) {
	e := newEnv(t)
	e.bind("telegram:-100106", "106")   // huyện Tam Đường
	e.bind("telegram:-103390", "03390") // thị trấn Tam Đường
	tests := []struct {
		chat, text string
		want       []string
	}{
		{"telegram:-100106", "Thu Lũm: F0 6", []string{"ngoài phạm vi", "Thu Lũm (03436)", "chưa có số liệu nào được ghi"}},
		{"telegram:-100106", "xã Nậm Xe: F0 1, F1 3", []string{"ngoài phạm vi", "Nậm Xe (03586)"}},
		{"telegram:-100106", "xã Đông Xuân: F0 1", []string{"Không tìm thấy đơn vị 'xã Đông Xuân'"}},
		{"telegram:-100106", "thôn Nà Sài: F0 2", []string{"'thôn Nà Sài': không tìm thấy đơn vị"}},
		{"telegram:-103390", "huyện Tam Đường: F0 3", []string{"ngoài phạm vi", "Tam Đường (106)"}},
		{"telegram:-103390", "Tam Đường: F0 3", []string{"có thể là nhiều đơn vị", "(03390)", "(106)"}},
		{"telegram:-103390", "thị trấn Tam \u00D0ường: F0 3", []string{"Đã ghi nhận", "F0 (ca mắc mới): 3"}},
		{"telegram:-100106", "xã Bản Giang: F0 2", []string{"Đã ghi nhận", "xã Bản Giang"}},
	}
	for _, tt := range tests {
		wantAll(t, tt.text, texts(e.send(msg{chat: tt.chat, from: "6", text: tt.text}), tt.chat), tt.want...)
	}
	for unit, want := range map[string]int64{"106": 0, "03436": 0, "03586": 0, "03390": 3, "03418": 2} {
		rep, _, err := e.st.In(e.tree).UnitReport(e.ctx, unit, e.today())
		if err != nil || rep.Values["f0"] != want {
			t.Errorf("%s: F0 %d, want %d (%v)", unit, rep.Values["f0"], want, err)
		}
	}
}
