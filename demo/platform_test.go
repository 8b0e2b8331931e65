package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
	"github.com/chihuy/chihuy/config"
)

func TestDirectiveReachesZaloMembers(t *testing.T) {
	w, ctx := startWorld(t, Options{Tweak: fast}) // communes of 111 on Zalo
	w.Say("111", "/chidao Rà soát toàn bộ người về từ vùng dịch. 1 cấp, hạn 17h hôm nay")
	s := waitText(t, w, ctx, "03601", "CHỈ ĐẠO")
	if s.Platform != "zalo" || !strings.Contains(s.Text, "/danhan") || len(s.Buttons) != 0 {
		t.Fatalf("Zalo copy = %+v", s)
	}
	id := idRE.FindString(s.Text)
	w.Say("03601", "/danhan "+id)
	waitText(t, w, ctx, "03601", "Đã ghi nhận")
	w.Say("03602", "/danhan "+id)
	waitText(t, w, ctx, "03602", "Đã ghi nhận")
	d, err := w.App.Store.Directive(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Counts.Acked != 2 || d.Counts.Total != 10 {
		t.Fatalf("counts = %+v", d.Counts)
	}
	// The Telegram lead's progress message shows it.
	w.Advance(2 * time.Minute) // the minute sweep catches up throttled edits
	waitText(t, w, ctx, "111", "Đã nhận 2/10")
}

func TestTelegramWebhookMode(t *testing.T) {
	const secret = "webhook-secret-123"
	w, ctx := startWorld(t, Options{Tweak: func(c *config.Config) {
		fast(c)
		c.Telegram.Mode = config.Webhook
		c.WebhookSecret = secret
	}})
	waitUntil(t, ctx, "setWebhook", func() bool { u, _ := w.Telegram.Webhook(); return u != "" })
	url, got := w.Telegram.Webhook()
	if got != secret || !strings.HasSuffix(url, "/webhook/telegram") {
		t.Fatalf("setWebhook: url %q secret %q", url, got)
	}
	base := "http://" + w.App.Cfg.HTTPAddr
	update := `{"update_id": 900001, "message": {"message_id": 77, "date": 1636340000,
	  "chat": {"id": -1000000018, "type": "supergroup", "title": "BCĐ"},
	  "from": {"id": 700000018, "is_bot": false, "first_name": "Chỉ huy"},
	  "text": "/toi", "entities": [{"type": "bot_command", "offset": 0, "length": 4}]}}`
	post := func(secret string) int {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/webhook/telegram", bytes.NewBufferString(update))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("wrong"); code != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", code)
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Fatalf("no secret: %d", code)
	}
	if n, _ := w.App.Store.PendingUpdates(ctx); n != 0 {
		t.Fatalf("%d updates recorded from refused requests", n)
	}
	if code := post(secret); code != http.StatusOK {
		t.Fatalf("good secret: %d", code)
	}
	if code := post(secret); code != http.StatusOK { // Telegram retries: recorded once
		t.Fatalf("duplicate: %d", code)
	}
	code := w.order[18].Code
	waitText(t, w, ctx, code, "Cuộc trò chuyện này")
	w.Quiet(ctx, 700*time.Millisecond)
	n := 0
	for _, s := range w.SaidTo(code) {
		if strings.Contains(s.Text, "Cuộc trò chuyện này") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the duplicated update was answered %d times", n)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	w, ctx := startWorld(t, Options{})
	w.Say("03418", "F0 1")
	waitText(t, w, ctx, "03418", "Đã ghi nhận")
	base := "http://" + w.App.Cfg.HTTPAddr
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, "ready") {
		t.Errorf("/readyz: %d %q", code, body)
	}
	// The send is counted once the outbox settles it.
	waitUntil(t, ctx, "metrics of the sent reply", func() bool {
		_, body := get("/metrics")
		return strings.Contains(body, `chihuy_messages_out_total{platform="telegram",result="sent"}`)
	})
	_, body := get("/metrics")
	for _, m := range []string{"chihuy_updates_in_total", "chihuy_handler_duration_seconds", "chihuy_send_duration_seconds"} {
		if !strings.Contains(body, m) {
			t.Errorf("metrics lack %s", m)
		}
	}
}

func TestChatGoneMarksBindingAndTellsParent(t *testing.T) {
	w, ctx := startWorld(t, Options{Tweak: fast, ZaloUnder: "-"})
	// The bot was removed from xã Bản Giang's group.
	w.Telegram.SetChatFault(w.groupID("03418"), telegramtest.Kicked)
	w.Say("03418", "F0 1")
	notice := waitText(t, w, ctx, "106", "Không gửi được tin")
	if !strings.Contains(notice.Text, "Bản Giang") {
		t.Fatalf("parent notice: %s", notice.Text)
	}
	b, err := w.App.Store.Binding(ctx, chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(w.groupID("03418"), 10)})
	if err != nil || b.Broken == "" {
		t.Fatalf("binding after the chat is gone: %+v %v", b, err)
	}
	// Broken chats get nothing more (and the report itself was kept).
	targets, _ := w.App.Store.Targets(ctx, "03418")
	if len(targets) != 0 {
		t.Fatalf("broken chat still a target: %+v", targets)
	}
}

func TestTwoProcessesShareOneStore(t *testing.T) {
	w, ctx := startWorld(t, Options{Tweak: fast, ZaloUnder: "-",
		Clock: StartingAt(time.Date(2021, 11, 8, 17, 50, 0, 0, vnLoc))})
	sctx, stop := context.WithCancel(ctx)
	second, done, err := w.StartSecond(sctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { stop(); <-done }()
	communes := []string{"03418", "03394", "03400", "03403", "03406", "03409", "03412", "03415"}
	for i, c := range communes {
		w.Say(c, fmt.Sprintf("F0 %d, F1 %d", i, 10+i))
	}
	for _, c := range communes {
		waitText(t, w, ctx, c, "Đã ghi nhận")
	}
	// 18:00 passes for both processes: one digest per unit. (Let the
	// outbox settle first: its reservation leases run on the same clock, so
	// a jump would hand a send still being settled out again.)
	w.Quiet(ctx, time.Second)
	w.Clock.Advance(11 * time.Minute)
	w.App.Kick()
	second.Kick()
	waitText(t, w, ctx, "106", "TỔNG HỢP NGÀY 08/11/2021")
	w.Quiet(ctx, time.Second)
	for _, c := range append(communes, "106", "12") {
		echoes, digests := 0, 0
		for _, s := range w.SaidTo(c) {
			if strings.Contains(s.Text, "Đã ghi nhận") {
				echoes++
			}
			if strings.Contains(s.Text, "TỔNG HỢP NGÀY") {
				digests++
			}
		}
		if c[0] == '0' && echoes != 1 {
			t.Errorf("%s: %d echoes", c, echoes)
		}
		if c[0] != '0' && digests != 1 {
			t.Errorf("%s: %d digests", c, digests)
		}
	}
}
