package telegramtest

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRateLimits(t *testing.T) {
	clock := &stepClock{now: time.Date(2021, 8, 12, 9, 0, 0, 0, time.UTC)}
	s := start(t, WithClock(clock), WithLimits(Limits{PerSecond: 3, PerChatPerSecond: 1, PerGroupPerMinute: 2}))
	send := func(chat string) answer { return form(t, s, "sendMessage", "chat_id", chat, "text", "x") }
	steps := []struct {
		advance    time.Duration
		chat       string
		retryAfter int // 0: sent
	}{
		{0, "1", 0},
		{0, "1", 1}, // per chat
		{0, "2", 0},
		{0, "3", 0},
		{0, "4", 1}, // global
		{time.Second, "4", 0},
		{0, "-100", 0},
		{time.Second, "-100", 0},
		{time.Second, "-100", 58}, // per group: 2 a minute, the first at +1 s
		{58 * time.Second, "-100", 0},
	}
	for i, st := range steps {
		clock.add(st.advance)
		a := send(st.chat)
		if st.retryAfter == 0 && !a.OK {
			t.Errorf("step %d: %+v, want sent", i, a)
		}
		if st.retryAfter > 0 && (a.Status != 429 || a.ErrorCode != 429 || a.Parameters.RetryAfter != st.retryAfter ||
			a.Description != "Too Many Requests: retry after "+strconv.Itoa(st.retryAfter)) {
			t.Errorf("step %d: %+v, want 429 retry after %d", i, a, st.retryAfter)
		}
	}
	if s.TooManyRequests() != 3 {
		t.Errorf("TooManyRequests = %d, want 3", s.TooManyRequests())
	}
	s.SetLimits(Limits{})
	if a := send("1"); !a.OK {
		t.Errorf("without limits: %+v", a)
	}
}

func TestFaults(t *testing.T) {
	s := start(t)
	send := func(chat string) answer { return form(t, s, "sendMessage", "chat_id", chat, "text", "x") }

	s.SetChatFault(-100, Kicked)
	if a := send("-100"); a.Status != 403 || a.ErrorCode != 403 || a.Description != "Forbidden: bot was kicked from the group chat" {
		t.Errorf("kicked: %+v", a)
	}
	if a := send("-200"); !a.OK {
		t.Errorf("another chat: %+v", a)
	}
	s.SetChatFault(-100, ChatNotFound)
	if a := send("-100"); a.Status != 400 || a.Description != "Bad Request: chat not found" {
		t.Errorf("chat not found: %+v", a)
	}
	s.ClearChatFault(-100)
	if a := send("-100"); !a.OK {
		t.Errorf("after clearing: %+v", a)
	}

	s.FailNext("sendMessage", 2, ServerError)
	s.FailNext("", 1, TooManyRequests(9))
	for i, want := range []int{500, 500, 429, 200} {
		if a := send("-100"); a.Status != want {
			t.Errorf("call %d: status %d, want %d", i, a.Status, want)
		}
	}

	s.FailNext("getMe", 1, BadGateway)
	resp, err := http.Get(s.URL() + "/bot" + s.Token() + "/getMe")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(body, []byte("<html>")) {
		t.Errorf("bad gateway: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	s.SetLatency(50 * time.Millisecond)
	began := time.Now()
	send("-100")
	if d := time.Since(began); d < 50*time.Millisecond {
		t.Errorf("answer came after %s, want at least the 50ms latency", d)
	}
}

// stepClock is a clock tests move by hand.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
