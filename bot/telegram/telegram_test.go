package telegram

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
)

// fake starts a fake Bot API for one test.
func fake(t testing.TB, opts ...telegramtest.Option) *telegramtest.Server {
	t.Helper()
	srv := telegramtest.Start(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// connect makes a client of srv with short timeouts.
func connect(t testing.TB, srv *telegramtest.Server, opts ...Option) *Client {
	t.Helper()
	opts = append([]Option{WithPollTimeout(time.Second), WithRequestTimeout(5 * time.Second),
		WithBackoff(time.Millisecond, 10*time.Millisecond)}, opts...)
	c, err := New(context.Background(), srv.Token(), srv.URL(), opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestNew(t *testing.T) {
	srv := fake(t, telegramtest.WithUsername("lai_chau_bot"), telegramtest.WithReadAllGroupMessages(true))
	ctx := context.Background()

	c, err := New(ctx, srv.Token(), srv.URL()+"/")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	want := bot.Info{ID: "1000", Username: "lai_chau_bot", CanReadAllGroupMessages: true, CanJoinGroups: true}
	if got := c.Info(); got != want {
		t.Errorf("Info after New = %+v, want %+v", got, want)
	}
	if c.Name() != "telegram" || c.TextLimit() != 4096 || !c.HasButtons() {
		t.Errorf("Name/TextLimit/HasButtons = %q/%d/%v", c.Name(), c.TextLimit(), c.HasButtons())
	}

	bad := []struct {
		name, token, url string
		failure          bot.Failure
	}{
		{"wrong token", "1000:wrong", srv.URL(), bot.Retry},
		{"empty token", "", srv.URL(), -1},
		{"token with a slash", "1000/x", srv.URL(), -1},
		{"not a url", srv.Token(), "api.telegram.org", -1},
		{"nothing listens", srv.Token(), "http://127.0.0.1:1", bot.Retry},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(ctx, tc.token, tc.url, WithRequestTimeout(2*time.Second))
			if err == nil {
				t.Fatal("New succeeded")
			}
			var se *bot.SendError
			if tc.failure >= 0 && (!errors.As(err, &se) || se.Failure != tc.failure) {
				t.Errorf("err = %v, want a %s SendError", err, tc.failure)
			}
		})
	}
}

func TestMe(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	ctx := context.Background()
	for _, readAll := range []bool{false, true} {
		srv.SetReadAllGroupMessages(readAll)
		info, err := c.Me(ctx)
		if err != nil {
			t.Fatalf("Me: %v", err)
		}
		want := bot.Info{ID: "1000", Username: telegramtest.DefaultUsername,
			CanReadAllGroupMessages: readAll, CanJoinGroups: true}
		if info != want || c.Info() != want {
			t.Errorf("Me = %+v, Info = %+v, want %+v", info, c.Info(), want)
		}
	}
	srv.FailNext("getMe", 1, telegramtest.ServerError)
	if _, err := c.Me(ctx); bot.FailureOf(err) != bot.Retry {
		t.Errorf("Me on a 500 = %v, want a Retry error", err)
	}
}

func TestSetCommands(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	ctx := context.Background()
	cmds := []bot.Command{
		{Name: "baocao", Description: "Báo cáo số liệu trong ngày"},
		{Name: "/tonghop", Description: "Tổng hợp số liệu cấp dưới"},
	}
	if err := c.SetCommands(ctx, cmds); err != nil {
		t.Fatalf("SetCommands: %v", err)
	}
	want := []telegramtest.Command{
		{Command: "baocao", Description: "Báo cáo số liệu trong ngày"},
		{Command: "tonghop", Description: "Tổng hợp số liệu cấp dưới"},
	}
	got := srv.Commands()
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("commands = %+v, want %+v", got, want)
	}
	lead := []bot.Command{{Name: "chidao", Description: "Gửi chỉ đạo xuống cấp dưới"}}
	if err := c.SetScopedCommands(ctx, bot.CommandScope{Chat: "-1001001", User: "2002"}, lead); err != nil {
		t.Fatalf("SetScopedCommands (member): %v", err)
	}
	if err := c.SetScopedCommands(ctx, bot.CommandScope{Chat: "2002"}, lead); err != nil {
		t.Fatalf("SetScopedCommands (chat): %v", err)
	}
	for _, sc := range [][2]int64{{-1001001, 2002}, {2002, 0}} {
		if got := srv.ScopedCommands(sc[0], sc[1]); len(got) != 1 || got[0].Command != "chidao" {
			t.Errorf("scoped menu %v = %+v", sc, got)
		}
	}
	if got := srv.Commands(); len(got) != 2 {
		t.Errorf("a scoped menu replaced the default one: %+v", got)
	}
	if got := srv.ScopedCommands(-1001001, 3003); got != nil {
		t.Errorf("another member got the lead menu: %+v", got)
	}
	err := c.SetCommands(ctx, []bot.Command{{Name: "Báo-cáo", Description: "x"}})
	if bot.FailureOf(err) != bot.Permanent {
		t.Errorf("SetCommands with an invalid name = %v, want a Permanent error", err)
	}
}

func TestWebhookRegistration(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	ctx := context.Background()

	if err := c.SetWebhook(ctx, "https://bot.example.vn/webhook/telegram", "s3cret_-X"); err != nil {
		t.Fatalf("SetWebhook: %v", err)
	}
	if url, secret := srv.Webhook(); url != "https://bot.example.vn/webhook/telegram" || secret != "s3cret_-X" {
		t.Errorf("webhook = %q, %q", url, secret)
	}
	if err := c.DeleteWebhook(ctx); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	if url, _ := srv.Webhook(); url != "" {
		t.Errorf("webhook after delete = %q", url)
	}
	for _, secret := range []string{"", "has space", strings.Repeat("a", 257), "dấu"} {
		if err := c.SetWebhook(ctx, "https://bot.example.vn/w", secret); err == nil {
			t.Errorf("SetWebhook accepted secret %q", secret)
		}
	}
}

// TestPollRemovesLeftWebhook: a webhook left registered makes getUpdates
// answer 409 for as long as it is set; poll mode removes it at start (or
// when a 409 names it later) and logs the URL it removed, and the updates
// that waited are then read.
func TestPollRemovesLeftWebhook(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setLater registers the webhook only after polling started, as
		// another process started in webhook mode would.
		setLater bool
	}{
		{name: "set before the start"},
		{name: "set while polling", setLater: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fake(t)
			c := connect(t, srv)
			var logged bytes.Buffer
			c.log = zerolog.New(zerolog.SyncWriter(&logged))
			const hook = "https://old.example.vn/webhook/telegram"
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if !tc.setLater {
				if err := c.SetWebhook(ctx, hook, "s3cret"); err != nil {
					t.Fatal(err)
				}
			}
			srv.PushMessage(2002, "private", "", 2002, "Lan", "F0 1")
			r := &recorder{stopAt: 2, cancel: cancel}
			done := make(chan error, 1)
			go func() { done <- c.Poll(ctx, r.record) }()
			waitUntil(t, func() bool { return len(r.ids()) == 1 })
			if tc.setLater {
				srv.SetWebhookURL(hook)
			}
			srv.PushMessage(2002, "private", "", 2002, "Lan", "F0 2")
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("Poll = %v, want context.Canceled after two updates", err)
			}
			if url, _ := srv.Webhook(); url != "" {
				t.Errorf("webhook still set: %q", url)
			}
			if got := r.ids(); len(got) != 2 {
				t.Errorf("recorded %v, want both updates", got)
			}
			if !strings.Contains(logged.String(), hook) {
				t.Errorf("log %q does not name the removed webhook", logged.String())
			}
		})
	}
}

// oddServer answers getMe properly and every other method with body and
// status.
func oddServer(t *testing.T, status int, body string) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/getMe") {
			w.Write([]byte(`{"ok":true,"result":{"id":7,"is_bot":true,"first_name":"b","username":"b_bot"}}`))
			return
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	return ts
}

// waitUntil polls cond for up to 10 s.
func waitUntil(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
