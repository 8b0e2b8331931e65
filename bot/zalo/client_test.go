package zalo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/bot/zalo"
	"github.com/chihuy/chihuy/bot/zalo/zalotest"
)

const token = "3090077098:FakeSecretPartOfTheBotToken"

var t0 = time.Date(2025, 6, 19, 8, 0, 0, 0, time.UTC)

func fixedClock() chihuy.Clock { return chihuy.ClockFunc(func() time.Time { return t0 }) }

// newPair starts a fake and a client of it.
func newPair(t *testing.T, fopts []zalotest.Option, copts ...zalo.Option) (*zalotest.Server, *zalo.Client) {
	t.Helper()
	fake := zalotest.Start(token, append([]zalotest.Option{zalotest.WithClock(fixedClock())}, fopts...)...)
	t.Cleanup(fake.Close)
	copts = append([]zalo.Option{zalo.WithRequestTimeout(2 * time.Second), zalo.WithBackoff(time.Millisecond, 5*time.Millisecond)}, copts...)
	return fake, zalo.New(token, fake.URL(), copts...)
}

func TestPlatformBasics(t *testing.T) {
	c := zalo.New(token, "")
	if c.Name() != "zalo" || c.TextLimit() != 2000 || c.HasButtons() {
		t.Errorf("Name/TextLimit/HasButtons = %q/%d/%v", c.Name(), c.TextLimit(), c.HasButtons())
	}
	if err := c.SetCommands(context.Background(), []bot.Command{{Name: "baocao", Description: "Báo cáo"}}); err != nil {
		t.Errorf("SetCommands: %v", err)
	}
}

func TestMe(t *testing.T) {
	tests := []struct {
		name  string
		opts  []zalotest.Option
		want  bot.Info
		calls int
	}{
		{"today", []zalotest.Option{zalotest.WithBot("1459232241454765289", "bot.VDKyGxQvc")},
			bot.Info{ID: "1459232241454765289", Username: "bot.VDKyGxQvc"}, 1},
		{"groups", []zalotest.Option{zalotest.WithBot("7", "bot.nhom"), zalotest.WithCanJoinGroups(true)},
			bot.Info{ID: "7", Username: "bot.nhom", CanJoinGroups: true}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c := newPair(t, tt.opts)
			got, err := c.Me(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Me = %+v, want %+v", got, tt.want)
			}
			if n := fake.CallCount("getMe"); n != tt.calls {
				t.Errorf("getMe calls = %d, want %d", n, tt.calls)
			}
		})
	}
}

func TestMeWrongToken(t *testing.T) {
	fake := zalotest.Start(token)
	t.Cleanup(fake.Close)
	c := zalo.New("3090077098:SomeOtherTokenEntirely", fake.URL())
	_, err := c.Me(context.Background())
	var se *bot.SendError
	if !errors.As(err, &se) || se.Code != 401 || se.Failure != bot.Retry {
		t.Fatalf("Me with a wrong token: %v, want a 401 SendError", err)
	}
}

// vietnamese returns n runes of Vietnamese text.
func vietnamese(n int) string {
	const src = "Ủy ban nhân dân xã Bản Giang báo cáo số ca mắc mới trong ngày. "
	r := []rune(strings.Repeat(src, n/len([]rune(src))+1))
	return string(r[:n])
}

func TestSend(t *testing.T) {
	chat := chihuy.ChatRef{Platform: "zalo", ID: "u-100"}
	photoURL := func(_ context.Context, f chihuy.File) (string, bool) {
		return "https://chihuy.example/p/unguessable/" + f.Name, true
	}
	noURL := func(context.Context, chihuy.File) (string, bool) { return "", false }
	tests := []struct {
		name   string
		opts   []zalo.Option
		msg    chihuy.Message
		editID string
		want   []zalotest.Sent // Method/Text/Photo/Caption compared
		fail   *bot.Failure
		noID   bool
	}{
		{name: "text", msg: chihuy.Message{Chat: chat, Text: "Đã nhận báo cáo."},
			want: []zalotest.Sent{{Method: "sendMessage", Text: "Đã nhận báo cáo."}}},
		{name: "edit becomes a new message", editID: "old-id", msg: chihuy.Message{Chat: chat, Text: "Tổng hợp mới"},
			want: []zalotest.Sent{{Method: "sendMessage", Text: "Tổng hợp mới"}}},
		{name: "buttons and reply ignored", msg: chihuy.Message{Chat: chat, Text: "Chỉ đạo 12: /danhan 12", ReplyTo: "m1",
			Buttons: [][]chihuy.Button{{{Text: "Đã nhận", Data: "ack:12"}}}},
			want: []zalotest.Sent{{Method: "sendMessage", Text: "Chỉ đạo 12: /danhan 12"}}},
		{name: "exactly 2000 runes", msg: chihuy.Message{Chat: chat, Text: vietnamese(2000)},
			want: []zalotest.Sent{{Method: "sendMessage", Text: vietnamese(2000)}}},
		{name: "photo by url", opts: []zalo.Option{zalo.WithPhotoURL(photoURL)},
			msg:  chihuy.Message{Chat: chat, Text: "Biểu đồ ca mắc", File: &chihuy.File{Name: "chart.png", Photo: true, Data: []byte{1}}},
			want: []zalotest.Sent{{Method: "sendPhoto", Photo: "https://chihuy.example/p/unguessable/chart.png", Caption: "Biểu đồ ca mắc"}}},
		{name: "photo without public url", opts: []zalo.Option{zalo.WithPhotoURL(noURL)},
			msg: chihuy.Message{Chat: chat, Text: "Biểu đồ ca mắc", File: &chihuy.File{Name: "chart.png", Photo: true}},
			want: []zalotest.Sent{{Method: "sendMessage",
				Text: "Biểu đồ ca mắc\n\n(Tệp chart.png không gửi được qua Zalo; xem trên Telegram hoặc hỏi quản trị.)"}}},
		{name: "document without caption",
			msg: chihuy.Message{Chat: chat, File: &chihuy.File{Name: "baocao.xlsx", Data: []byte{1}}},
			want: []zalotest.Sent{{Method: "sendMessage",
				Text: "(Tệp baocao.xlsx không gửi được qua Zalo; xem trên Telegram hoặc hỏi quản trị.)"}}},
		{name: "document, full text keeps its text", msg: chihuy.Message{Chat: chat, Text: vietnamese(1990), File: &chihuy.File{Name: "a.csv"}},
			want: []zalotest.Sent{{Method: "sendMessage", Text: vietnamese(1990)}}},
		{name: "callback answer is a no-op", msg: chihuy.Message{Chat: chat, CallbackID: "cb1", Text: "Đã ghi nhận"}, noID: true},
		{name: "5000 runes unsplit", msg: chihuy.Message{Chat: chat, Text: vietnamese(5000)}, fail: ptr(bot.Permanent)},
		{name: "empty text", msg: chihuy.Message{Chat: chat}, fail: ptr(bot.Permanent)},
		{name: "unknown chat", msg: chihuy.Message{Chat: chihuy.ChatRef{Platform: "zalo", ID: "nobody"}, Text: "x"}, fail: ptr(bot.ChatGone)},
		{name: "telegram chat", msg: chihuy.Message{Chat: chihuy.ChatRef{Platform: "telegram", ID: "u-100"}, Text: "x"}, fail: ptr(bot.Permanent)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c := newPair(t, nil, tt.opts...)
			fake.AddChat("u-100", zalotest.Private)
			id, err := c.Send(context.Background(), tt.msg, tt.editID)
			if tt.fail != nil {
				if got := bot.FailureOf(err); err == nil || got != *tt.fail {
					t.Fatalf("Send error = %v (%v), want %v", err, got, *tt.fail)
				}
				if n := len(fake.Sent()); n != 0 {
					t.Errorf("the fake accepted %d messages", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			sent := fake.SentTo("u-100")
			if len(sent) != len(tt.want) {
				t.Fatalf("sent %d messages, want %d: %+v", len(sent), len(tt.want), sent)
			}
			for i, w := range tt.want {
				g := sent[i]
				if g.Method != w.Method || g.Text != w.Text || g.Photo != w.Photo || g.Caption != w.Caption {
					t.Errorf("sent[%d] = %+v, want %+v", i, g, w)
				}
				if !g.Time.Equal(t0) {
					t.Errorf("sent[%d].Time = %v", i, g.Time)
				}
				if id != g.MessageID {
					t.Errorf("Send returned id %q, fake says %q", id, g.MessageID)
				}
			}
			if tt.noID && (id != "" || fake.CallCount("") != 0) {
				t.Errorf("callback answer: id %q, %d calls", id, fake.CallCount(""))
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestSendFailures checks that every way a send can fail becomes a typed
// error with the right retry policy, never a panic, and never shows the
// token.
func TestSendFailures(t *testing.T) {
	tests := []struct {
		name      string
		fault     zalotest.Fault
		block     bool
		want      bot.Failure
		code      int
		wait      time.Duration
		errIs     error
		inDesc    string
		reqTimout time.Duration
	}{
		{name: "429 with retry_after", fault: zalotest.RateLimit(7 * time.Second), want: bot.RateLimited, code: 429, wait: 7 * time.Second},
		{name: "429 without retry_after", fault: zalotest.RateLimit(0), want: bot.RateLimited, code: 429, wait: 42 * time.Second},
		{name: "429 in the body of an HTTP 200", fault: zalotest.APIError(200, 429, "Quota exceeded"), want: bot.RateLimited, code: 429, wait: 42 * time.Second},
		{name: "429 HTML page", fault: zalotest.HTMLPage(429), want: bot.RateLimited, code: 429, wait: 42 * time.Second},
		{name: "blocked", block: true, want: bot.ChatGone, code: 403, inDesc: "blocked"},
		{name: "403", fault: zalotest.APIError(403, 403, "Forbidden"), want: bot.ChatGone, code: 403},
		{name: "404", fault: zalotest.APIError(404, 404, "Not found"), want: bot.ChatGone, code: 404},
		{name: "user not found in a 400", fault: zalotest.APIError(200, 400, "User not found"), want: bot.ChatGone, code: 400},
		{name: "400", fault: zalotest.APIError(400, 400, "Bad Request: text is invalid"), want: bot.Permanent, code: 400},
		{name: "401 token", fault: zalotest.APIError(401, 401, "Unauthorized"), want: bot.Retry, code: 401},
		{name: "500", fault: zalotest.ServerError(500), want: bot.Retry, code: 500},
		{name: "503", fault: zalotest.ServerError(503), want: bot.Retry, code: 503},
		{name: "502 HTML page", fault: zalotest.HTMLPage(502), want: bot.Retry, code: 502, inDesc: "Bad Gateway"},
		{name: "200 HTML page", fault: zalotest.HTMLPage(200), want: bot.Retry, code: 200},
		{name: "malformed JSON", fault: zalotest.Malformed(), want: bot.Retry, code: 200},
		{name: "timeout", fault: zalotest.Delay(2 * time.Second), want: bot.Retry, errIs: context.DeadlineExceeded, reqTimout: 50 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := tt.reqTimout
			if rt == 0 {
				rt = 2 * time.Second
			}
			fake, c := newPair(t, nil, zalo.WithRetryAfter(42*time.Second), zalo.WithRequestTimeout(rt))
			fake.AddChat("u-1", zalotest.Private)
			if tt.block {
				fake.Block("u-1")
			} else {
				fake.Inject("sendMessage", 1, tt.fault)
			}
			_, err := c.Send(context.Background(), chihuy.Message{Chat: chihuy.ChatRef{Platform: "zalo", ID: "u-1"}, Text: "Chỉ đạo"}, "")
			var se *bot.SendError
			if !errors.As(err, &se) {
				t.Fatalf("Send error = %v (%T), want *bot.SendError", err, err)
			}
			if se.Platform != "zalo" || se.Failure != tt.want || se.Code != tt.code || se.RetryAfter != tt.wait {
				t.Errorf("SendError = {%s %v code %d wait %v}, want {zalo %v code %d wait %v}: %v",
					se.Platform, se.Failure, se.Code, se.RetryAfter, tt.want, tt.code, tt.wait, err)
			}
			if tt.errIs != nil && !errors.Is(err, tt.errIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.errIs)
			}
			if tt.inDesc != "" && !strings.Contains(err.Error(), tt.inDesc) {
				t.Errorf("error %q does not mention %q", err, tt.inDesc)
			}
			if strings.Contains(err.Error(), "FakeSecretPart") {
				t.Errorf("the error shows the token: %v", err)
			}
			// The fault is spent: the next send goes through, unless blocked.
			if !tt.block {
				if _, err := c.Send(context.Background(), chihuy.Message{Chat: chihuy.ChatRef{Platform: "zalo", ID: "u-1"}, Text: "lần 2"}, ""); err != nil {
					t.Errorf("second send: %v", err)
				}
			}
		})
	}
}

func TestSendNetworkError(t *testing.T) {
	fake := zalotest.Start(token)
	url := fake.URL()
	fake.Close()
	c := zalo.New(token, url, zalo.WithRequestTimeout(time.Second))
	_, err := c.Send(context.Background(), chihuy.Message{Chat: chihuy.ChatRef{Platform: "zalo", ID: "u"}, Text: "x"}, "")
	var se *bot.SendError
	if !errors.As(err, &se) || se.Failure != bot.Retry || se.Code != 0 || se.Err == nil {
		t.Fatalf("Send to a closed server = %v, want a Retry SendError with the cause", err)
	}
	if strings.Contains(err.Error(), "FakeSecretPart") {
		t.Errorf("the error shows the token: %v", err)
	}
}

func TestChatAction(t *testing.T) {
	fake, c := newPair(t, nil)
	fake.AddChat("u-5", zalotest.Private)
	if err := c.ChatAction(context.Background(), "u-5", "typing"); err != nil {
		t.Fatal(err)
	}
	sent := fake.SentTo("u-5")
	if len(sent) != 1 || sent[0].Method != "sendChatAction" || sent[0].Action != "typing" {
		t.Errorf("sent = %+v", sent)
	}
	if err := c.ChatAction(context.Background(), "u-5", "dancing"); bot.FailureOf(err) != bot.Permanent {
		t.Errorf("unknown action: %v, want Permanent", err)
	}
}

func TestWebhookRegistration(t *testing.T) {
	fake, c := newPair(t, nil)
	ctx := context.Background()

	info, err := c.WebhookInfo(ctx)
	if err != nil || info.URL != "" {
		t.Fatalf("WebhookInfo before = %+v, %v", info, err)
	}
	for _, secret := range []string{"", "short", strings.Repeat("k", 257)} {
		err := c.SetWebhook(ctx, "https://chihuy.example/webhook/zalo", secret)
		if chihuy.ErrorCode(err) != chihuy.EINVALID || !strings.Contains(chihuy.ErrorMessage(err), "8 đến 256") {
			t.Errorf("SetWebhook with a %d-char secret: %v, want EINVALID", len(secret), err)
		}
	}
	if err := c.SetWebhook(ctx, "", "long-enough-secret"); chihuy.ErrorCode(err) != chihuy.EINVALID {
		t.Errorf("SetWebhook without url: %v", err)
	}
	if n := fake.CallCount("setWebhook"); n != 0 {
		t.Errorf("invalid registrations reached the platform %d times", n)
	}
	if err := c.SetWebhook(ctx, "ftp://nowhere", "long-enough-secret"); bot.FailureOf(err) != bot.Permanent {
		t.Errorf("SetWebhook refused by the platform: %v, want Permanent", err)
	}

	const secret = "bí-mật-của-trung-tâm-chỉ-huy"
	if err := c.SetWebhook(ctx, "https://chihuy.example/webhook/zalo", secret); err != nil {
		t.Fatal(err)
	}
	if u, s := fake.Webhook(); u != "https://chihuy.example/webhook/zalo" || s != secret {
		t.Errorf("fake webhook = %q %q", u, s)
	}
	info, err = c.WebhookInfo(ctx)
	if err != nil || info.URL != "https://chihuy.example/webhook/zalo" || !info.UpdatedAt.Equal(t0) {
		t.Errorf("WebhookInfo = %+v, %v", info, err)
	}
	if err := c.DeleteWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	info, err = c.WebhookInfo(ctx)
	if err != nil || info.URL != "" {
		t.Errorf("WebhookInfo after delete = %+v, %v", info, err)
	}
	fake.Inject("getWebhookInfo", 1, zalotest.HTMLPage(502))
	if _, err := c.WebhookInfo(ctx); bot.FailureOf(err) != bot.Retry || err == nil {
		t.Errorf("WebhookInfo on a 502 page: %v", err)
	}
}

func TestNoPanicOnGarbage(t *testing.T) {
	// A platform answering garbage to every method: typed errors only.
	faults := map[string]zalotest.Fault{
		"malformed": zalotest.Malformed(),
		"html 500":  zalotest.HTMLPage(500),
		"empty":     zalotest.APIError(200, 0, ""),
	}
	for name, f := range faults {
		t.Run(name, func(t *testing.T) {
			fake, c := newPair(t, nil)
			fake.Inject("", 1000, f)
			ctx := context.Background()
			check := func(method string, err error) {
				t.Helper()
				var se *bot.SendError
				if !errors.As(err, &se) || se.Failure != bot.Retry {
					t.Errorf("%s: %v, want a Retry SendError", method, err)
				}
			}
			_, err := c.Me(ctx)
			check("Me", err)
			check("SetWebhook", c.SetWebhook(ctx, "https://x.example", "12345678"))
			check("DeleteWebhook", c.DeleteWebhook(ctx))
			_, err = c.WebhookInfo(ctx)
			check("WebhookInfo", err)
			check("ChatAction", c.ChatAction(ctx, "u", "typing"))
			_, err = c.Send(ctx, chihuy.Message{Chat: chihuy.ChatRef{Platform: "zalo", ID: "u"}, Text: "x"}, "")
			check("Send", err)
		})
	}
}
