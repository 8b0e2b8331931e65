package zalo_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/bot/zalo"
	"github.com/chihuy/chihuy/bot/zalo/zalotest"
)

// BenchmarkWebhook measures one webhook request through the handler:
// secret check, body read, decode, normalisation (recording excluded).
func BenchmarkWebhook(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "webhook_text.json"))
	if err != nil {
		b.Fatal(err)
	}
	const secret = "bench-secret-0001"
	h := zalo.New(token, "").Webhook(secret, func(context.Context, chihuy.Update) error { return nil })
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/webhook/zalo", strings.NewReader(string(body)))
		req.Header.Set(zalo.SecretHeader, secret)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkSend measures one sendMessage round trip to the fake over
// loopback HTTP.
func BenchmarkSend(b *testing.B) {
	fake := zalotest.Start(token)
	b.Cleanup(fake.Close)
	fake.AddChat("u-1", zalotest.Private)
	c := zalo.New(token, fake.URL())
	m := chihuy.Message{Chat: chihuy.ChatRef{Platform: "zalo", ID: "u-1"}, Text: vietnamese(400)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Send(ctx, m, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// answerTransport answers every request with a fixed status and body.
type answerTransport struct {
	status int
	body   []byte
}

func (a answerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: a.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(a.body)), Request: r,
	}, nil
}

// FuzzAnswer feeds arbitrary answers to the client: every outcome is
// success or a *bot.SendError, never a panic.
func FuzzAnswer(f *testing.F) {
	seeds := []string{
		`{"ok":true,"result":{"message_id":"82599fa32f56d00e8941","date":1749632637199}}`,
		`{"ok":false,"error_code":429,"description":"Quota exceeded","parameters":{"retry_after":5}}`,
		`{"ok":false,"error_code":"408","description":"Request timeout"}`,
		`{"ok":true,"result":{"event_name":"message.text.received","message":{"message_id":1}}}`,
		`<html><body>502 Bad Gateway</body></html>`,
		`{"ok":true,"result":`,
		`null`,
	}
	for _, s := range seeds {
		f.Add(200, []byte(s))
		f.Add(502, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		c := zalo.New(token, "http://zalo.invalid", zalo.WithHTTPClient(&http.Client{Transport: answerTransport{status, body}}))
		ctx := context.Background()
		check := func(err error) {
			var se *bot.SendError
			if err != nil && !errors.As(err, &se) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
		}
		_, err := c.Send(ctx, chihuy.Message{Chat: chihuy.ChatRef{Platform: "zalo", ID: "u"}, Text: "x"}, "")
		check(err)
		_, err = c.Me(ctx)
		check(err)
		_, err = c.WebhookInfo(ctx)
		check(err)
	})
}
