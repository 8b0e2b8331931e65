package telegramtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault is an error answer the server gives instead of doing the call.
type Fault struct {
	Code        int    // HTTP status and error_code; 500 when zero
	Description string // default: the real API's text for Code
	RetryAfter  int    // seconds, sent as parameters.retry_after (429)
	// HTML answers an HTML error page (as a proxy in front of the API
	// would) instead of the API's JSON.
	HTML bool
}

// Faults the real API answers.
var (
	Kicked       = Fault{Code: 403, Description: "Forbidden: bot was kicked from the group chat"}
	Blocked      = Fault{Code: 403, Description: "Forbidden: bot was blocked by the user"}
	ChatNotFound = Fault{Code: 400, Description: "Bad Request: chat not found"}
	ServerError  = Fault{Code: 500, Description: "Internal Server Error"}
	// BadGateway is an HTML page from the proxy in front of the API.
	BadGateway = Fault{Code: 502, HTML: true}
)

// TooManyRequests is a 429 asking to wait retryAfter seconds.
func TooManyRequests(retryAfter int) Fault {
	return Fault{Code: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

func (f Fault) code() int {
	if f.Code == 0 {
		return http.StatusInternalServerError
	}
	return f.Code
}

func (f Fault) description() string {
	switch {
	case f.Description != "":
		return f.Description
	case f.code() == http.StatusTooManyRequests:
		return "Too Many Requests: retry after " + strconv.Itoa(f.RetryAfter)
	}
	return http.StatusText(f.code())
}

type pendingFault struct {
	method string // lower case; "" for any
	left   int
	fault  Fault
}

// FailNext makes the next n calls of method (any case; "" for any method)
// answer f instead of doing the call.
func (s *Server) FailNext(method string, n int, f Fault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	s.nextFaults = append(s.nextFaults, pendingFault{method: strings.ToLower(method), left: n, fault: f})
	s.mu.Unlock()
}

func (s *Server) takeFault(method string) (Fault, bool) {
	for i := range s.nextFaults {
		pf := &s.nextFaults[i]
		if pf.method != "" && pf.method != method {
			continue
		}
		f := pf.fault
		if pf.left--; pf.left == 0 {
			s.nextFaults = append(s.nextFaults[:i], s.nextFaults[i+1:]...)
		}
		return f, true
	}
	return Fault{}, false
}

// SetChatFault makes every later call naming chatID (sending, editing,
// chat actions) answer f, e.g. Kicked or ChatNotFound.
func (s *Server) SetChatFault(chatID int64, f Fault) {
	s.mu.Lock()
	s.chatFaults[chatID] = f
	s.mu.Unlock()
}

// ClearChatFault undoes SetChatFault.
func (s *Server) ClearChatFault(chatID int64) {
	s.mu.Lock()
	delete(s.chatFaults, chatID)
	s.mu.Unlock()
}

var chatMethods = map[string]bool{
	"sendmessage": true, "sendphoto": true, "senddocument": true,
	"editmessagetext": true, "editmessagecaption": true, "sendchataction": true,
}

func (s *Server) chatFault(method string, p *params) (Fault, bool) {
	if len(s.chatFaults) == 0 || !chatMethods[method] {
		return Fault{}, false
	}
	id, err := p.chatID()
	if err != nil {
		return Fault{}, false
	}
	f, ok := s.chatFaults[id]
	return f, ok
}

// Limits are the rate limits the server enforces on messages sent and
// edited; zero fields are unlimited.
type Limits struct {
	PerSecond         int // all chats together
	PerChatPerSecond  int
	PerGroupPerMinute int
}

// TelegramLimits are the real platform's documented limits.
var TelegramLimits = Limits{PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20}

// SetLimits enforces l from now on, answering 429 with retry_after when a
// message would exceed it. Windows slide over the server's clock.
func (s *Server) SetLimits(l Limits) {
	s.mu.Lock()
	s.limits = l
	s.mu.Unlock()
}

// rateWindow remembers when recent messages were sent.
type rateWindow struct {
	global   []time.Time
	perChat  map[int64][]time.Time
	perGroup map[int64][]time.Time
}

func newRateWindow() rateWindow {
	return rateWindow{perChat: make(map[int64][]time.Time), perGroup: make(map[int64][]time.Time)}
}

// prune drops the times at or before cutoff from the front of q.
func prune(q []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(q) && !q[i].After(cutoff) {
		i++
	}
	return q[i:]
}

// wait is how long until q, holding the sends of the last span, has room
// for one more under limit; 0 when it has room now.
func wait(q []time.Time, limit int, span time.Duration, now time.Time) time.Duration {
	if limit <= 0 || len(q) < limit {
		return 0
	}
	return q[len(q)-limit].Add(span).Sub(now)
}

// admit counts one message to c at now against the limits, or answers 429.
func (s *Server) admit(c *chat, now time.Time) *apiError {
	l := s.limits
	if l == (Limits{}) {
		return nil
	}
	w := &s.window
	group := c.wire.Type != "private"
	w.global = prune(w.global, now.Add(-time.Second))
	chatQ := prune(w.perChat[c.wire.ID], now.Add(-time.Second))
	var groupQ []time.Time
	if group {
		groupQ = prune(w.perGroup[c.wire.ID], now.Add(-time.Minute))
	}
	d := max(wait(w.global, l.PerSecond, time.Second, now),
		wait(chatQ, l.PerChatPerSecond, time.Second, now))
	if group {
		d = max(d, wait(groupQ, l.PerGroupPerMinute, time.Minute, now))
	}
	if d > 0 {
		secs := int((d + time.Second - 1) / time.Second)
		w.perChat[c.wire.ID] = chatQ
		return &apiError{Code: http.StatusTooManyRequests,
			Description: "Too Many Requests: retry after " + strconv.Itoa(secs), RetryAfter: secs}
	}
	if l.PerSecond > 0 {
		w.global = append(w.global, now)
	}
	if l.PerChatPerSecond > 0 {
		w.perChat[c.wire.ID] = append(chatQ, now)
	}
	if group && l.PerGroupPerMinute > 0 {
		w.perGroup[c.wire.ID] = append(groupQ, now)
	}
	return nil
}
