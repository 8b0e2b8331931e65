package zalotest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot/zalo/zalotest"
)

const token = "12345689:abc-xyz"

var t0 = time.Date(2025, 6, 19, 8, 0, 0, 0, time.UTC)

type answer struct {
	status int
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Code   int             `json:"error_code"`
	Desc   string          `json:"description"`
	raw    string
}

func call(t *testing.T, base, tok, method, body string) answer {
	t.Helper()
	resp, err := http.Post(base+"/bot"+tok+"/"+method, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, raw: string(b)}
	_ = json.Unmarshal(b, &a)
	return a
}

func start(t *testing.T, opts ...zalotest.Option) *zalotest.Server {
	t.Helper()
	s := zalotest.Start(token, append([]zalotest.Option{zalotest.WithClock(chihuy.ClockFunc(func() time.Time { return t0 }))}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

func TestMethods(t *testing.T) {
	s := start(t, zalotest.WithPollCap(10*time.Millisecond))
	s.AddChat("c1", zalotest.Private)
	long := strings.Repeat("ạ", 2001)
	tests := []struct {
		name   string
		tok    string
		method string
		body   string
		status int
		code   int
		result string // expected result JSON, "" to skip
		inDesc string
	}{
		{name: "getMe", method: "getMe", body: `{}`, status: 200,
			result: `{"account_name":"bot.chihuy","account_type":"BASIC","can_join_groups":false,"id":"1459232241454765289"}`},
		{name: "wrong token", tok: "1:nope", method: "getMe", status: 401, code: 401},
		{name: "unknown method", method: "sendVideo", body: `{}`, status: 404, code: 404},
		{name: "empty poll", method: "getUpdates", body: `{"timeout":"1"}`, status: 200, code: 408, inDesc: "Request timeout"},
		{name: "timeout as number", method: "getUpdates", body: `{"timeout":1}`, status: 200, code: 408},
		{name: "bad timeout", method: "getUpdates", body: `{"timeout":"soon"}`, status: 400, code: 400},
		{name: "not JSON", method: "sendMessage", body: `chat_id=c1`, status: 400, code: 400},
		{name: "send", method: "sendMessage", body: `{"chat_id":"c1","text":"Xin chào"}`, status: 200,
			result: `{"date":1750320000000,"message_id":"0000000000b000000001"}`},
		{name: "send 2001 chars", method: "sendMessage", body: `{"chat_id":"c1","text":"` + long + `"}`, status: 400, code: 400, inDesc: "got 2001"},
		{name: "send empty", method: "sendMessage", body: `{"chat_id":"c1","text":""}`, status: 400, code: 400},
		{name: "send unknown chat", method: "sendMessage", body: `{"chat_id":"c9","text":"x"}`, status: 400, code: 400, inDesc: "chat not found"},
		{name: "send no chat", method: "sendMessage", body: `{"text":"x"}`, status: 400, code: 400},
		{name: "photo", method: "sendPhoto", body: `{"chat_id":"c1","photo":"https://placehold.co/600x400","caption":"Ảnh"}`, status: 200},
		{name: "photo data uri", method: "sendPhoto", body: `{"chat_id":"c1","photo":"data:image/png;base64,AAAA"}`, status: 400, code: 400, inDesc: "http://"},
		{name: "photo none", method: "sendPhoto", body: `{"chat_id":"c1"}`, status: 400, code: 400},
		{name: "action", method: "sendChatAction", body: `{"chat_id":"c1","action":"typing"}`, status: 200},
		{name: "bad action", method: "sendChatAction", body: `{"chat_id":"c1","action":"dance"}`, status: 400, code: 400},
		{name: "webhook short secret", method: "setWebhook", body: `{"url":"https://x.example/h","secret_token":"1234567"}`, status: 400, code: 400, inDesc: "8 to 256"},
		{name: "webhook long secret", method: "setWebhook", body: `{"url":"https://x.example/h","secret_token":"` + strings.Repeat("s", 257) + `"}`, status: 400, code: 400},
		{name: "webhook bad url", method: "setWebhook", body: `{"url":"x.example","secret_token":"12345678"}`, status: 400, code: 400},
		{name: "webhook info empty", method: "getWebhookInfo", body: `{}`, status: 200, result: `{"updated_at":0,"url":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.tok
			if tok == "" {
				tok = token
			}
			a := call(t, s.URL(), tok, tt.method, tt.body)
			if a.status != tt.status || a.Code != tt.code || a.OK != (tt.code == 0) {
				t.Errorf("answer = HTTP %d %s, want HTTP %d code %d", a.status, a.raw, tt.status, tt.code)
			}
			if tt.result != "" && string(a.Result) != tt.result {
				t.Errorf("result = %s, want %s", a.Result, tt.result)
			}
			if !strings.Contains(a.Desc, tt.inDesc) {
				t.Errorf("description %q lacks %q", a.Desc, tt.inDesc)
			}
		})
	}
	sent := s.SentTo("c1")
	if len(sent) != 3 || sent[0].Text != "Xin chào" || sent[1].Photo != "https://placehold.co/600x400" ||
		sent[1].Caption != "Ảnh" || sent[2].Action != "typing" || !sent[0].Time.Equal(t0) {
		t.Errorf("SentTo = %+v", sent)
	}
}

func TestFormAndQueryParams(t *testing.T) {
	s := start(t)
	s.AddChat("c1", zalotest.Private)
	resp, err := http.PostForm(s.URL()+"/bot"+token+"/sendMessage", url.Values{"chat_id": {"c1"}, "text": {"qua form"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get(s.URL() + "/bot" + token + "/sendMessage?chat_id=c1&text=" + url.QueryEscape("qua query"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sent := s.SentTo("c1")
	if len(sent) != 2 || sent[0].Text != "qua form" || sent[1].Text != "qua query" {
		t.Errorf("sent = %+v", sent)
	}
}

func TestGetUpdatesOneAtATime(t *testing.T) {
	s := start(t, zalotest.WithPollCap(10*time.Millisecond))
	id1 := s.PushText("c1", zalotest.Group, "u1", "Trưởng trạm", "f0 2")
	id2 := s.PushText("c2", "", "u2", "Cán bộ", "f0 3")
	for i, want := range []string{id1, id2} {
		a := call(t, s.URL(), token, "getUpdates", `{"timeout":"30"}`)
		var u zalotest.Update
		if err := json.Unmarshal(a.Result, &u); err != nil || !a.OK || u.Message == nil || u.Message.MessageID != want {
			t.Fatalf("poll %d = %s", i, a.raw)
		}
		if u.EventName != "message.text.received" || u.Message.Date != t0.UnixMilli() {
			t.Errorf("poll %d update = %+v", i, u)
		}
	}
	if a := call(t, s.URL(), token, "getUpdates", `{}`); a.Code != 408 || a.status != 200 {
		t.Errorf("third poll = %d %s, want the 408 answer", a.status, a.raw)
	}
	calls := s.Calls()
	if len(calls) != 3 || calls[0].Update != id1 || calls[1].Update != id2 || calls[2].Update != "" || calls[2].Code != 408 {
		t.Errorf("calls = %+v", calls)
	}
	// A known chat can be written to; the group kept its type.
	if a := call(t, s.URL(), token, "sendMessage", `{"chat_id":"c1","text":"ok"}`); !a.OK {
		t.Errorf("send to a pushed chat: %s", a.raw)
	}
}

func TestLongPollWakesOnPush(t *testing.T) {
	s := start(t)
	done := make(chan answer, 1)
	go func() { done <- call(t, s.URL(), token, "getUpdates", `{"timeout":"30"}`) }()
	for s.CallCount("getUpdates") == 0 {
		time.Sleep(time.Millisecond)
	}
	id := s.PushText("c1", zalotest.Private, "c1", "A", "hi")
	select {
	case a := <-done:
		if !strings.Contains(string(a.Result), id) {
			t.Errorf("poll = %s, want %s", a.raw, id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting poll did not wake up")
	}
}

func TestWebhookMode(t *testing.T) {
	var mu sync.Mutex
	var got []string
	var headers []string
	fail := 1
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		headers = append(headers, r.Header.Get("X-Bot-Api-Secret-Token"))
		if fail > 0 {
			fail--
			w.WriteHeader(500)
			return
		}
		got = append(got, string(b))
	}))
	t.Cleanup(hook.Close)
	s := start(t, zalotest.WithWebhookRetry(3, time.Millisecond))
	if a := call(t, s.URL(), token, "setWebhook", `{"url":"`+hook.URL+`","secret_token":"secret-123"}`); !a.OK {
		t.Fatalf("setWebhook: %s", a.raw)
	}
	if a := call(t, s.URL(), token, "getUpdates", `{}`); a.Code != 409 || a.status != 409 {
		t.Errorf("getUpdates while a webhook is set = %d %s", a.status, a.raw)
	}
	id := s.PushText("c1", zalotest.Private, "c1", "A", "qua webhook")
	deadline := time.Now().Add(5 * time.Second)
	for s.Pending() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	if len(got) != 1 || !strings.Contains(got[0], `"ok":true`) || !strings.Contains(got[0], id) || len(headers) != 2 || headers[0] != "secret-123" {
		t.Errorf("webhook got %v with headers %v", got, headers)
	}
	mu.Unlock()
	if a := call(t, s.URL(), token, "getWebhookInfo", `{}`); !strings.Contains(string(a.Result), hook.URL) {
		t.Errorf("getWebhookInfo = %s", a.raw)
	}
	if a := call(t, s.URL(), token, "deleteWebhook", `{}`); !a.OK || string(a.Result) != `{"updated_at":1750320000000,"url":""}` {
		t.Errorf("deleteWebhook = %s", a.raw)
	}
	if a := call(t, s.URL(), token, "getUpdates", `{"timeout":"0"}`); a.Code != 408 && !a.OK {
		t.Errorf("getUpdates after deleteWebhook = %s", a.raw)
	}
}

func TestWebhookGivesUp(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	t.Cleanup(hook.Close)
	s := start(t, zalotest.WithWebhookRetry(2, time.Millisecond))
	call(t, s.URL(), token, "setWebhook", `{"url":"`+hook.URL+`","secret_token":"secret-123"}`)
	id := s.PushText("c1", zalotest.Private, "c1", "A", "mất")
	deadline := time.Now().Add(5 * time.Second)
	for s.Pending() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	d := s.Dropped()
	if len(d) != 1 || d[0].Message.MessageID != id || s.CallCount("webhook") != 2 {
		t.Errorf("dropped %+v after %d posts", d, s.CallCount("webhook"))
	}
}

func TestFaults(t *testing.T) {
	s := start(t)
	s.AddChat("c1", zalotest.Private)
	send := `{"chat_id":"c1","text":"x"}`
	s.Inject("sendMessage", 2, zalotest.RateLimit(3*time.Second))
	s.Inject("", 1, zalotest.HTMLPage(502))
	s.Inject("sendMessage", 1, zalotest.Malformed())

	for i := 0; i < 2; i++ {
		a := call(t, s.URL(), token, "sendMessage", send)
		if a.status != 429 || a.Code != 429 || !strings.Contains(a.raw, `"retry_after":3`) {
			t.Errorf("rate limited send %d = %d %s", i, a.status, a.raw)
		}
	}
	if a := call(t, s.URL(), token, "getMe", `{}`); a.status != 502 || !strings.Contains(a.raw, "<html>") {
		t.Errorf("HTML fault = %d %s", a.status, a.raw)
	}
	if a := call(t, s.URL(), token, "sendMessage", send); a.status != 200 || json.Valid([]byte(a.raw)) {
		t.Errorf("malformed fault = %d %s", a.status, a.raw)
	}
	if a := call(t, s.URL(), token, "sendMessage", send); !a.OK {
		t.Errorf("after the faults = %s", a.raw)
	}
	s.Block("c1")
	if a := call(t, s.URL(), token, "sendMessage", send); a.status != 403 || a.Code != 403 || !strings.Contains(a.Desc, "blocked") {
		t.Errorf("blocked = %s", a.raw)
	}
	s.Unblock("c1")
	if a := call(t, s.URL(), token, "sendMessage", send); !a.OK {
		t.Errorf("unblocked = %s", a.raw)
	}
	if n := len(s.Sent()); n != 2 {
		t.Errorf("%d sends accepted, want 2", n)
	}
}

func TestLatency(t *testing.T) {
	s := start(t)
	s.SetLatency(2 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+token+"/getMe", strings.NewReader(`{}`))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a slow answer arrived before the client's timeout")
	}
	s.SetLatency(0)
	s.Inject("getMe", 1, zalotest.Delay(20*time.Millisecond))
	if a := call(t, s.URL(), token, "getMe", `{}`); !a.OK {
		t.Errorf("delayed answer = %s", a.raw)
	}
}

func TestSubscribe(t *testing.T) {
	s := start(t)
	s.AddChat("c1", zalotest.Private)
	var mu sync.Mutex
	var seen []zalotest.Sent
	cancel := s.Subscribe(func(m zalotest.Sent) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, m)
	})
	call(t, s.URL(), token, "sendMessage", `{"chat_id":"c1","text":"một"}`)
	cancel()
	call(t, s.URL(), token, "sendMessage", `{"chat_id":"c1","text":"hai"}`)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0].Text != "một" || seen[0].MessageID == "" {
		t.Errorf("subscriber saw %+v", seen)
	}
}

func TestMountedHandler(t *testing.T) {
	s := zalotest.New(token, zalotest.WithCanJoinGroups(true))
	t.Cleanup(s.Close)
	mux := http.NewServeMux()
	mux.Handle("/zalo/", s)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	if s.URL() != "" {
		t.Errorf("URL of an unstarted fake = %q", s.URL())
	}
	a := call(t, ts.URL+"/zalo", token, "getMe", `{}`)
	if !a.OK || !strings.Contains(string(a.Result), `"can_join_groups":true`) {
		t.Errorf("getMe through a mount = %s", a.raw)
	}
}
