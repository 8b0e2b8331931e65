package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

// End-to-end: the real Telegram and Zalo clients against the fake servers
// over HTTP, a real Redis, the whole app.

var vnLoc, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

func startWorld(t *testing.T, o Options) (*World, context.Context) {
	t.Helper()
	srv := redistest.Shared(t)
	if o.Clock == nil {
		o.Clock = StartingAt(time.Date(2021, 11, 8, 9, 0, 0, 0, vnLoc))
	}
	o.Store = store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)), store.WithClock(o.Clock))
	o.Log = zerolog.Nop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	w, err := Start(ctx, o)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Stop(); err != nil {
			t.Error(err)
		}
		cancel()
	})
	return w, ctx
}

func waitText(t *testing.T, w *World, ctx context.Context, code, sub string) Said {
	t.Helper()
	s, err := w.WaitText(ctx, code, sub)
	if err != nil {
		var got []string
		for _, x := range w.SaidTo(code) {
			got = append(got, x.Text)
		}
		t.Fatalf("no message to %s containing %q: %v\ngot:\n%s", code, sub, err, strings.Join(got, "\n---\n"))
	}
	return s
}

func TestReportFlowsUp(t *testing.T) {
	w, ctx := startWorld(t, Options{})
	// Bản Giang (Tam Đường) reports with a community case.
	w.Say("03418", "bao cao ngay 8/11: F0: 3 (cộng đồng 1), F1 25; cách ly tập trung 15, tại nhà 30")
	echo := waitText(t, w, ctx, "03418", "Đã ghi nhận")
	for _, want := range []string{"xã Bản Giang", "08/11/2021", "F0 (ca mắc mới): 3", "F0 tại cộng đồng: 1", "F1: 25", "cách ly tập trung: 15", "cách ly tại nhà: 30"} {
		if !strings.Contains(echo.Text, want) {
			t.Errorf("echo lacks %q:\n%s", want, echo.Text)
		}
	}
	// The alert reaches the district and the province, not the commune.
	waitText(t, w, ctx, "106", "CẢNH BÁO")
	waitText(t, w, ctx, "12", "CẢNH BÁO")
	// District and province summaries include the commune's figures.
	w.Say("106", "/tonghop")
	waitText(t, w, ctx, "106", "F0 (ca mắc mới): 3")
	// A correction replaces the value and the aggregates follow.
	w.Say("03418", "/sua f0=5")
	fix := waitText(t, w, ctx, "03418", "thay cho 3")
	if !strings.Contains(fix.Text, "F0 (ca mắc mới): 5") {
		t.Fatalf("correction echo: %s", fix.Text)
	}
	w.Say("12", "/tonghop 8/11")
	waitText(t, w, ctx, "12", "F0 (ca mắc mới): 5")
	// Chatter in a group gets no answer.
	w.Quiet(ctx, 500*time.Millisecond)
	before := len(w.SaidTo("03418"))
	w.Say("03418", "ok anh, em nhận rồi ạ")
	w.Quiet(ctx, 700*time.Millisecond)
	if n := len(w.SaidTo("03418")); n != before {
		t.Fatalf("chatter answered: %v", w.SaidTo("03418")[before:])
	}
}

func TestReportOutsideSubtreeRefused(t *testing.T) {
	w, ctx := startWorld(t, Options{})
	// The lead of huyện Tam Đường names a commune of another district.
	w.Say("106", "xã Mường Khoa: F0 2")
	waitText(t, w, ctx, "106", "ngoài phạm vi")
	rep, ok, err := w.App.Store.UnitReport(ctx, "03601", chihuy.DayOf(w.Clock.Now().In(vnLoc)))
	if err != nil || ok {
		t.Fatalf("refused report stored: %+v ok=%v err=%v", rep, ok, err)
	}
	// Naming a commune of their own district works.
	w.Say("106", "xã Bản Giang: F0 2")
	s := waitText(t, w, ctx, "106", "Đã ghi nhận")
	if !strings.Contains(s.Text, "xã Bản Giang") {
		t.Fatalf("report for the commune echoed as %q", s.Text)
	}
}

func TestZaloCommuneAlertsTelegramDistrict(t *testing.T) {
	w, ctx := startWorld(t, Options{})
	if !w.OnZalo("03601") || w.OnZalo("111") {
		t.Fatal("world layout: communes of 111 should be on Zalo, the district on Telegram")
	}
	w.Say("03601", "f0 2 (khong ro nguon 1), f1 12")
	echo := waitText(t, w, ctx, "03601", "Đã ghi nhận")
	if echo.Platform != chihuy.Zalo {
		t.Fatalf("echo went to %s", echo.Platform)
	}
	alert := waitText(t, w, ctx, "111", "CẢNH BÁO")
	if alert.Platform != chihuy.Telegram || !strings.Contains(alert.Text, "Mường Khoa") {
		t.Fatalf("alert = %+v", alert)
	}
}

// The Telegram command menu fits the role: members get the reporting
// commands by default; a lead gets the directing ones too, in the groups
// of their subtree and in their private chat (setMyCommands with
// BotCommandScopeChatMember and BotCommandScopeChat).
func TestCommandMenuByRole(t *testing.T) {
	w, ctx := startWorld(t, Options{ZaloUnder: "-"})
	w.Say("106", "/toi") // the bot is up and answering
	waitText(t, w, ctx, "106", "huyện Tam Đường")
	names := func(cmds []telegramtest.Command) string {
		var out []string
		for _, c := range cmds {
			out = append(out, c.Command)
		}
		return strings.Join(out, " ")
	}
	def := names(w.Telegram.Commands())
	if !strings.Contains(def, "baocao") || strings.Contains(def, "chidao") {
		t.Errorf("default menu: %s", def)
	}
	lead := names(w.Telegram.ScopedCommands(w.groupID("106"), w.leadID("106")))
	if !strings.Contains(lead, "baocao") || !strings.Contains(lead, "chidao") || !strings.Contains(lead, "capquyen") {
		t.Errorf("lead menu in huyện Tam Đường's group: %q", lead)
	}
	if got := names(w.Telegram.ScopedCommands(w.leadID("106"), 0)); !strings.Contains(got, "chidao") {
		t.Errorf("lead menu in the lead's private chat: %q", got)
	}
	// The district lead is not given the lead menu in the province's group.
	if got := w.Telegram.ScopedCommands(w.groupID("12"), w.leadID("106")); len(got) != 0 {
		t.Errorf("a district lead has a menu in the province's group: %v", names(got))
	}
}
