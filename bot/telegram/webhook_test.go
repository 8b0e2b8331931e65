package telegram

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"github.com/chihuy/chihuy"
)

func TestWebhook(t *testing.T) {
	update, err := os.ReadFile("testdata/webhook_update.json")
	if err != nil {
		t.Fatal(err)
	}
	c := connect(t, fake(t))
	const secret = "Ban-Giang_2021"
	huge := append([]byte(`{"update_id":1,"message":{"text":"`), bytes.Repeat([]byte("a"), MaxWebhookBody)...)
	huge = append(huge, `"}}`...)

	tests := []struct {
		name       string
		method     string
		secret     *string
		body       []byte
		recordErr  error
		wantStatus int
		wantCalls  int
	}{
		{"good", "POST", ptr(secret), update, nil, 200, 1},
		{"record fails", "POST", ptr(secret), update, errors.New("redis down"), 500, 1},
		{"no secret", "POST", nil, update, nil, 401, 0},
		{"wrong secret", "POST", ptr("Ban-Giang_2022"), update, nil, 401, 0},
		{"secret of another length", "POST", ptr("x"), update, nil, 401, 0},
		{"GET", "GET", ptr(secret), nil, nil, 405, 0},
		{"too large", "POST", ptr(secret), huge, nil, 413, 0},
		{"not JSON", "POST", ptr(secret), []byte("<xml/>"), nil, 400, 0},
		{"not an update", "POST", ptr(secret), []byte(`{"ok":true}`), nil, 400, 0},
		// What cannot be converted is recorded for the dead list and
		// answered 200: sent again, it would fail again, forever.
		{"entity length 2^63-1", "POST", ptr(secret), []byte(`{"update_id":900002,"message":{"message_id":5,"date":1628760600,` +
			`"chat":{"id":-1001001,"type":"supergroup"},"from":{"id":3003,"first_name":"H"},"text":"/baocao f0 1",` +
			`"entities":[{"type":"bot_command","offset":2,"length":9223372036854775807}]}}`), nil, 200, 1},
		{"dated year 10000", "POST", ptr(secret), []byte(`{"update_id":900003,"message":{"message_id":6,"date":253402300800,` +
			`"chat":{"id":-1001001,"type":"supergroup"},"from":{"id":3003,"first_name":"H"},"text":"F0 3"}}`), nil, 200, 1},
		{"a field of the wrong type", "POST", ptr(secret), []byte(`{"update_id":900004,"message":{"message_id":"x"}}`), nil, 200, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []chihuy.Update
			h := c.Webhook(secret, func(_ context.Context, u chihuy.Update) error {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, u)
				return tc.recordErr
			})
			ts := httptest.NewServer(h)
			defer ts.Close()
			req, _ := http.NewRequest(tc.method, ts.URL, bytes.NewReader(tc.body))
			if tc.secret != nil {
				req.Header.Set(SecretHeader, *tc.secret)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			if resp.StatusCode != tc.wantStatus || len(got) != tc.wantCalls {
				t.Fatalf("status %d, %d records; want %d, %d", resp.StatusCode, len(got), tc.wantStatus, tc.wantCalls)
			}
			if tc.wantCalls > 0 && (tc.name == "dated year 10000" || tc.name == "a field of the wrong type") {
				if got[0].Invalid == "" || got[0].Raw != string(tc.body) {
					t.Errorf("recorded %+v, want it invalid with its body", got[0])
				}
				return
			}
			if tc.wantCalls > 0 && tc.name == "entity length 2^63-1" {
				if got[0].Invalid != "" || got[0].Text != "/baocao f0 1" {
					t.Errorf("recorded %+v, want the text with the entity ignored", got[0])
				}
				return
			}
			if tc.wantCalls > 0 {
				u := got[0]
				if u.ID != "telegram:900001" || u.Text != "/baocao F0 3 F1 12 xét nghiệm 240" || !u.ToBot ||
					u.Chat != chatRef(groupID) || u.ChatTitle != "BCĐ phòng chống dịch xã Bản Giang" {
					t.Errorf("recorded %+v", u)
				}
			}
		})
	}

	t.Run("no secret configured refuses everything", func(t *testing.T) {
		called := false
		ts := httptest.NewServer(c.Webhook("", func(context.Context, chihuy.Update) error { called = true; return nil }))
		defer ts.Close()
		resp, err := http.Post(ts.URL, "application/json", bytes.NewReader(update))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 || called {
			t.Errorf("status %d, recorded %v", resp.StatusCode, called)
		}
	})
}

// TestWebhookRecordsOnce: Telegram delivers an update again when it got no
// 200 in time; the store keeps one.
func TestWebhookRecordsOnce(t *testing.T) {
	update, err := os.ReadFile("testdata/webhook_update.json")
	if err != nil {
		t.Fatal(err)
	}
	c := connect(t, fake(t))
	st := newStore(t)
	ts := httptest.NewServer(c.Webhook("s", st.Record))
	defer ts.Close()
	for range 3 {
		req, _ := http.NewRequest("POST", ts.URL, bytes.NewReader(update))
		req.Header.Set(SecretHeader, "s")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	n, err := st.PendingUpdates(context.Background())
	if err != nil || n != 1 {
		t.Errorf("journal holds %d updates (%v), want 1", n, err)
	}
}

func ptr(s string) *string { return &s }
