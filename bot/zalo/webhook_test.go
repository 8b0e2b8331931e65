package zalo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot/zalo"
	"github.com/chihuy/chihuy/bot/zalo/zalotest"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

func TestWebhookHandler(t *testing.T) {
	const secret = "bí-mật-webhook-2025"
	fixture := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name       string
		method     string
		secret     string // header value; "-" for none
		handlerKey string // the handler's configured secret
		body       string
		failRecord bool
		status     int
		recorded   string // update id recorded, "" for none
		invalid    bool   // recorded for the dead list
	}{
		{name: "documented payload", secret: secret, body: fixture("webhook_text.json"), status: 200, recorded: "zalo:2d758cb5e222177a4e35"},
		{name: "bare update", secret: secret, body: fixture("update_bare.json"), status: 200, recorded: "zalo:m-0001"},
		{name: "group mention", secret: secret, body: fixture("update_group.json"), status: 200, recorded: "zalo:m-0002"},
		{name: "sticker acknowledged, not recorded", secret: secret, body: fixture("update_sticker.json"), status: 200},
		{name: "unknown event acknowledged, not recorded", secret: secret, body: fixture("update_unknown_event.json"), status: 200},
		{name: "missing secret", secret: "-", body: fixture("webhook_text.json"), status: 401},
		{name: "wrong secret", secret: "bí-mật-webhook-2024", body: fixture("webhook_text.json"), status: 401},
		{name: "secret prefix", secret: "bí-mật", body: fixture("webhook_text.json"), status: 401},
		{name: "no secret configured", handlerKey: "-", secret: "", body: fixture("webhook_text.json"), status: 401},
		{name: "GET", method: http.MethodGet, secret: secret, status: 405},
		// What cannot be read goes to the dead list (recorded, invalid)
		// and is answered 200: sent again, it would fail again forever.
		{name: "not JSON", secret: secret, body: "<xml/>", status: 200, recorded: "zalo:raw:6eb820e0f9762c611c2a7718", invalid: true},
		{name: "dated year 10000", secret: secret, body: `{"event_name":"message.text.received","message":{"message_id":"m-10k","chat":{"id":"u1","chat_type":"PRIVATE"},"from":{"id":"u1"},"text":"F0 3","date":253402300800000}}`,
			status: 200, recorded: "zalo:m-10k", invalid: true},
		{name: "too large", secret: secret, body: `{"ok":true,"result":{"event_name":"` + strings.Repeat("x", 2<<20) + `"}}`, status: 413},
		{name: "recording fails", secret: secret, body: fixture("webhook_text.json"), failRecord: true, status: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := zalo.New(token, "http://unused.invalid", zalo.WithClock(fixedClock()))
			rec := newRecorder(1)
			if tt.failRecord {
				rec.failing = 1
			}
			key := secret
			if tt.handlerKey == "-" {
				key = ""
			}
			h := c.Webhook(key, rec.record)
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, "/webhook/zalo", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			if tt.secret != "-" {
				req.Header.Set(zalo.SecretHeader, tt.secret)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tt.status {
				t.Errorf("status = %d, want %d (%s)", w.Code, tt.status, w.Body)
			}
			got := rec.updates()
			switch {
			case tt.recorded == "" && len(got) != 0:
				t.Errorf("recorded %+v, want nothing", got)
			case tt.recorded != "" && (len(got) != 1 || got[0].ID != tt.recorded):
				t.Errorf("recorded %+v, want %s", got, tt.recorded)
			case tt.recorded != "" && (got[0].Invalid != "") != tt.invalid:
				t.Errorf("recorded %+v: invalid %v, want %v", got[0], got[0].Invalid != "", tt.invalid)
			}
			if (tt.status == 401 || tt.status == 405) && rec.calls != 0 {
				t.Errorf("record was called %d times for a refused request", rec.calls)
			}
		})
	}
}

// TestWebhookEndToEnd registers the bot's handler with the fake, which
// posts pushed updates to it: recorded in the real store once, even when
// the first delivery fails and the platform posts it again.
func TestWebhookEndToEnd(t *testing.T) {
	srv := redistest.Shared(t)
	st := store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)))
	const secret = "webhook-secret-0001"

	fake, c := newPair(t, []zalotest.Option{zalotest.WithWebhookRetry(5, 5*time.Millisecond)})
	var mu sync.Mutex
	calls, failFirst := 0, true
	record := func(ctx context.Context, u chihuy.Update) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if _, err := st.RecordUpdate(ctx, u); err != nil {
			return err
		}
		if failFirst {
			failFirst = false // recorded, but the answer is lost: 500
			return errors.New("lost the answer")
		}
		return nil
	}
	hook := httptest.NewServer(c.Webhook(secret, record))
	t.Cleanup(hook.Close)
	if err := c.SetWebhook(context.Background(), hook.URL+"/webhook/zalo", secret); err != nil {
		t.Fatal(err)
	}
	fake.PushText("u-1", zalotest.Private, "u-1", "A", "f0 4")
	fake.PushText("u-2", zalotest.Private, "u-2", "B", "f0 5")
	deadline := time.Now().Add(5 * time.Second)
	for fake.Pending() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if p := fake.Pending(); p != 0 {
		t.Fatalf("%d updates still pending", p)
	}
	n, err := st.PendingUpdates(context.Background())
	if err != nil || n != 2 {
		t.Errorf("journal holds %d (%v), want 2", n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 3 {
		t.Errorf("record called %d times, want 3 (one redelivery)", calls)
	}
	if d := fake.Dropped(); len(d) != 0 {
		t.Errorf("dropped %v", d)
	}
}
