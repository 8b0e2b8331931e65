// Over 500 lines because it is a fake: the whole Zalo Bot API it imitates shares one state and one lock, and reads as one piece.

// Package zalotest is a fake Zalo Bot API server for tests and for the
// local demo. It speaks the documented shapes at {base}/bot{token}/{method}:
// getMe, getUpdates (one update per call, the 408 answer after the wait
// when none came, an error while a webhook is set), setWebhook (secret of 8
// to 256 characters), deleteWebhook, getWebhookInfo, sendMessage (1 to 2000
// characters, to a chat the bot knows), sendPhoto (by URL) and
// sendChatAction. While a webhook is set, pushed updates are posted to it
// with the secret header.
//
// Tests drive it with PushText, read what the bot sent with Sent and the
// order of calls with Calls, and inject faults (rate limits, blocked chats,
// 5xx, HTML pages, malformed JSON, latency) with Inject, Block and
// SetLatency. The demo watches sends with Subscribe.
package zalotest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
)

// Chat types.
const (
	Private = "PRIVATE"
	Group   = "GROUP"
)

// Event names.
const (
	EventText = "message.text.received"
)

// TextLimit is the longest text or caption the fake accepts, in characters.
const TextLimit = 2000

// Update is one inbound event, in the platform's shape.
type Update struct {
	EventName string   `json:"event_name"`
	Message   *Message `json:"message,omitempty"`
	// Raw, when set, is the update exactly as handed out (it must be
	// JSON): a malformed update — a field of the wrong type, a message
	// dated in the year 10000 — as a platform bug or a fuzzer makes one.
	Raw json.RawMessage `json:"-"`
}

// MarshalJSON writes Raw as it is when set.
func (u Update) MarshalJSON() ([]byte, error) {
	if u.Raw != nil {
		return u.Raw, nil
	}
	type plain Update
	return json.Marshal(plain(u))
}

// PushRaw queues a malformed update: raw (JSON) is handed out as it is.
func (s *Server) PushRaw(raw string) {
	s.Push(Update{Raw: json.RawMessage(raw)})
}

// Message is the message of an update.
type Message struct {
	From      User   `json:"from"`
	Chat      Chat   `json:"chat"`
	Text      string `json:"text,omitempty"`
	Photo     string `json:"photo,omitempty"`
	Caption   string `json:"caption,omitempty"`
	Sticker   string `json:"sticker,omitempty"`
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
}

// User is a sender.
type User struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	IsBot       bool   `json:"is_bot"`
}

// Chat is a conversation.
type Chat struct {
	ID       string `json:"id"`
	ChatType string `json:"chat_type"`
}

// Sent is one thing the bot sent that the fake accepted.
type Sent struct {
	Method    string // sendMessage, sendPhoto or sendChatAction
	ChatID    string
	Text      string // sendMessage
	Photo     string // sendPhoto: the URL
	Caption   string // sendPhoto
	Action    string // sendChatAction
	MessageID string // empty for chat actions
	Time      time.Time
}

// Call is one request the fake received, in arrival order, or one post
// of an update to the webhook (Method "webhook", Code the HTTP status when
// not 200, or -1 when the post failed).
type Call struct {
	Method string
	Time   time.Time
	// Code is the error_code answered, or the HTTP status of an injected
	// non-API answer; 0 for success.
	Code int
	// Update is the message_id getUpdates handed out, if any.
	Update string
}

// Server is the fake. Its zero value is not usable: call New or Start.
type Server struct {
	token         string
	clock         chihuy.Clock
	botID         string
	botName       string
	canJoinGroups bool
	pollCap       time.Duration
	retryWait     time.Duration
	attempts      int

	mu       sync.Mutex
	chats    map[string]*chatState
	queue    []Update
	arrived  chan struct{} // closed when the queue or webhook changes
	hook     webhookReg
	conflict apiErr
	sent     []Sent
	calls    []Call
	faults   []pendingFault
	latency  time.Duration
	subs     map[int]func(Sent)
	nextSub  int
	seq      int
	dropped  []Update

	ts        *httptest.Server
	hc        *http.Client
	closed    chan struct{}
	closeOnce sync.Once
	startOnce sync.Once
	wg        sync.WaitGroup
}

type chatState struct {
	chatType string
	blocked  bool
}

type webhookReg struct {
	url       string
	secret    string
	updatedAt int64
}

type apiErr struct {
	status int
	code   int
	desc   string
}

// Option configures a Server.
type Option func(*Server)

// WithClock sets the clock of message dates and Sent times.
func WithClock(c chihuy.Clock) Option { return func(s *Server) { s.clock = c } }

// WithCanJoinGroups sets getMe's can_join_groups (false, as today).
func WithCanJoinGroups(b bool) Option { return func(s *Server) { s.canJoinGroups = b } }

// WithBot sets getMe's id and account name.
func WithBot(id, accountName string) Option {
	return func(s *Server) { s.botID, s.botName = id, accountName }
}

// WithPollCap caps how long getUpdates waits, whatever timeout the client
// asked for: tests poll with the real 1-second granularity but need not
// wait that long.
func WithPollCap(d time.Duration) Option { return func(s *Server) { s.pollCap = d } }

// WithWebhookRetry sets how often an update is posted to a failing webhook
// and the wait between attempts (default 5 attempts, 200 ms); after the
// last, it is dropped (see Dropped).
func WithWebhookRetry(attempts int, wait time.Duration) Option {
	return func(s *Server) {
		if attempts > 0 {
			s.attempts = attempts
		}
		if wait > 0 {
			s.retryWait = wait
		}
	}
}

// WithHTTPClient sets the client that posts to the webhook.
func WithHTTPClient(hc *http.Client) Option { return func(s *Server) { s.hc = hc } }

// New returns the fake as an http.Handler, to mount anywhere: the bot's
// base URL is then wherever it is mounted. Close stops its webhook
// deliveries.
func New(token string, opts ...Option) *Server {
	s := &Server{
		token:     token,
		clock:     chihuy.SystemClock{},
		botID:     "1459232241454765289",
		botName:   "bot.chihuy",
		retryWait: 200 * time.Millisecond,
		attempts:  5,
		chats:     map[string]*chatState{},
		arrived:   make(chan struct{}),
		conflict: apiErr{status: http.StatusConflict, code: http.StatusConflict,
			desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"},
		subs:   map[int]func(Sent){},
		hc:     &http.Client{Timeout: 10 * time.Second},
		closed: make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Start returns the fake listening on a loopback port; URL is its base URL.
func Start(token string, opts ...Option) *Server {
	s := New(token, opts...)
	s.ts = httptest.NewServer(s)
	return s
}

// URL is the base URL of a started fake ("" for New).
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// Close stops the listener (if started) and webhook deliveries. Waiting
// long polls answer at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
	if s.ts != nil {
		s.ts.CloseClientConnections()
		s.ts.Close()
	}
	s.wg.Wait()
}

// Token is the bot token the fake accepts.
func (s *Server) Token() string { return s.token }

// AddChat makes a chat known, as if its user had written to the bot.
func (s *Server) AddChat(chatID, chatType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addChatLocked(chatID, chatType)
}

func (s *Server) addChatLocked(chatID, chatType string) {
	if chatType == "" {
		chatType = Private
	}
	if c, ok := s.chats[chatID]; ok {
		c.chatType = chatType
		return
	}
	s.chats[chatID] = &chatState{chatType: chatType}
}

// Block makes sends to the chat fail with 403, as when the user blocked
// the bot; Unblock lifts it.
func (s *Server) Block(chatID string) { s.setBlocked(chatID, true) }

// Unblock lifts Block.
func (s *Server) Unblock(chatID string) { s.setBlocked(chatID, false) }

func (s *Server) setBlocked(chatID string, b bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		c = &chatState{chatType: Private}
		s.chats[chatID] = c
	}
	c.blocked = b
}

// PushText queues a text message from a user, as the platform would
// deliver it, and returns its message_id. The chat becomes known.
func (s *Server) PushText(chatID, chatType, fromID, fromName, text string) string {
	if chatType == "" {
		chatType = Private
	}
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("%020x", 0xa000000000+s.seq)
	now := s.clock.Now().UnixMilli()
	s.mu.Unlock()
	s.Push(Update{EventName: EventText, Message: &Message{
		From:      User{ID: fromID, DisplayName: fromName},
		Chat:      Chat{ID: chatID, ChatType: chatType},
		Text:      text,
		MessageID: id,
		Date:      now,
	}})
	return id
}

// Push queues an update as it is, duplicates and unknown events included.
func (s *Server) Push(u Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.Message != nil && u.Message.Chat.ID != "" {
		s.addChatLocked(u.Message.Chat.ID, u.Message.Chat.ChatType)
	}
	s.queue = append(s.queue, u)
	s.wakeLocked()
}

func (s *Server) wakeLocked() {
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// Pending is the number of updates not yet handed out.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Dropped are the updates the fake gave up posting to a failing webhook.
func (s *Server) Dropped() []Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Update(nil), s.dropped...)
}

// Sent is everything accepted from the bot, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo is what was accepted for one chat, in order.
func (s *Server) SentTo(chatID string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Calls are the requests received, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallCount is how many requests of method arrived ("" for all).
func (s *Server) CallCount(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			n++
		}
	}
	return n
}

// Subscribe calls fn, on the request's goroutine, for every send accepted
// from now on. The returned function unsubscribes.
func (s *Server) Subscribe(fn func(Sent)) (cancel func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subs, id)
	}
}

// Webhook is the registered webhook (empty url when none).
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hook.url, s.hook.secret
}

// SetWebhookConflict sets what getUpdates answers while a webhook is set
// (by default HTTP 409, error_code 409, as Telegram does; the platform's
// own answer is undocumented).
func (s *Server) SetWebhookConflict(status, code int, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conflict = apiErr{status: status, code: code, desc: description}
}

// SetLatency delays every answer by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// ServeHTTP answers {anything}/bot{token}/{method}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, tokenOK := s.route(r.URL.Path)
	s.mu.Lock()
	idx := len(s.calls)
	s.calls = append(s.calls, Call{Method: method, Time: s.clock.Now()})
	latency := s.latency
	var fault *Fault
	if tokenOK {
		fault = s.takeFaultLocked(method)
	}
	s.mu.Unlock()

	code := s.serve(w, r, method, tokenOK, latency, fault, idx)
	s.mu.Lock()
	s.calls[idx].Code = code
	s.mu.Unlock()
}

// route splits the path into the method and whether the token matches.
func (s *Server) route(path string) (method string, tokenOK bool) {
	i := strings.LastIndex(path, "/")
	if i < 0 {
		return "", false
	}
	method = path[i+1:]
	prefix := path[:i]
	seg := prefix[strings.LastIndex(prefix, "/")+1:]
	return method, seg == "bot"+s.token
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, method string, tokenOK bool, latency time.Duration, fault *Fault, idx int) int {
	if latency > 0 && !s.wait(r.Context(), latency) {
		return 0
	}
	if !tokenOK {
		return writeErr(w, apiErr{http.StatusUnauthorized, 401, "Unauthorized"})
	}
	if fault != nil {
		if fault.delay > 0 && !s.wait(r.Context(), fault.delay) {
			return 0
		}
		if code, done := fault.write(w); done {
			return code
		}
	}
	params, err := readParams(r)
	if err != nil {
		return writeErr(w, apiErr{http.StatusBadRequest, 400, "Bad Request: " + err.Error()})
	}
	switch method {
	case "getMe":
		return writeResult(w, map[string]any{
			"id": s.botID, "account_name": s.botName, "account_type": "BASIC", "can_join_groups": s.canJoinGroups,
		})
	case "getUpdates":
		return s.getUpdates(w, r, params, idx)
	case "setWebhook":
		return s.setWebhook(w, params)
	case "deleteWebhook":
		s.mu.Lock()
		s.hook = webhookReg{updatedAt: s.clock.Now().UnixMilli()}
		at := s.hook.updatedAt
		s.wakeLocked()
		s.mu.Unlock()
		return writeResult(w, map[string]any{"url": "", "updated_at": at})
	case "getWebhookInfo":
		s.mu.Lock()
		h := s.hook
		s.mu.Unlock()
		return writeResult(w, map[string]any{"url": h.url, "updated_at": h.updatedAt})
	case "sendMessage", "sendPhoto", "sendChatAction":
		return s.send(w, method, params)
	}
	return writeErr(w, apiErr{http.StatusNotFound, 404, "Not Found: method " + method})
}

func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closed:
		return false
	}
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, params map[string]string, idx int) int {
	wait := 30 * time.Second
	if t := strings.TrimSpace(params["timeout"]); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			return writeErr(w, apiErr{http.StatusBadRequest, 400, "Bad Request: timeout must be a number of seconds"})
		}
		wait = time.Duration(n) * time.Second
	}
	if s.pollCap > 0 && wait > s.pollCap {
		wait = s.pollCap
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if s.hook.url != "" {
			c := s.conflict
			s.mu.Unlock()
			return writeErr(w, c)
		}
		if len(s.queue) > 0 {
			u := s.queue[0]
			s.queue = s.queue[1:]
			if u.Message != nil {
				s.calls[idx].Update = u.Message.MessageID
			}
			s.mu.Unlock()
			return writeResult(w, u)
		}
		arrived := s.arrived
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-timer.C:
			// Measured on the platform: HTTP 200 with error_code 408.
			return writeErr(w, apiErr{http.StatusOK, 408, "Request timeout"})
		case <-r.Context().Done():
			return 0
		case <-s.closed:
			return writeErr(w, apiErr{http.StatusOK, 408, "Request timeout"})
		}
	}
}

func (s *Server) setWebhook(w http.ResponseWriter, params map[string]string) int {
	u := strings.TrimSpace(params["url"])
	if pu, err := url.Parse(u); u == "" || err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
		return writeErr(w, apiErr{http.StatusBadRequest, 400, "Bad Request: url must be an http(s) URL"})
	}
	secret := params["secret_token"]
	if n := utf8.RuneCountInString(secret); n < 8 || n > 256 {
		return writeErr(w, apiErr{http.StatusBadRequest, 400, "Bad Request: secret_token must be 8 to 256 characters"})
	}
	s.mu.Lock()
	s.hook = webhookReg{url: u, secret: secret, updatedAt: s.clock.Now().UnixMilli()}
	at := s.hook.updatedAt
	s.wakeLocked()
	s.mu.Unlock()
	s.startOnce.Do(func() {
		s.wg.Add(1)
		go s.deliver()
	})
	return writeResult(w, map[string]any{"url": u, "updated_at": at})
}

func (s *Server) send(w http.ResponseWriter, method string, params map[string]string) int {
	chatID := params["chat_id"]
	if chatID == "" {
		return writeErr(w, apiErr{http.StatusBadRequest, 400, "Bad Request: chat_id is required"})
	}
	m := Sent{Method: method, ChatID: chatID}
	switch method {
	case "sendMessage":
		m.Text = params["text"]
		if n := utf8.RuneCountInString(m.Text); n < 1 || n > TextLimit {
			return writeErr(w, apiErr{http.StatusBadRequest, 400,
				fmt.Sprintf("Bad Request: text must be 1 to %d characters, got %d", TextLimit, n)})
		}
	case "sendPhoto":
		m.Photo, m.Caption = params["photo"], params["caption"]
		if m.Photo == "" {
			return writeErr(w, apiErr{http.StatusBadRequest, 400, "Bad Request: The photo must not be empty"})
		}
		if !strings.HasPrefix(m.Photo, "http://") && !strings.HasPrefix(m.Photo, "https://") {
			return writeErr(w, apiErr{http.StatusBadRequest, 400, "Bad Request: The photo must start with http:// or https://"})
		}
		if utf8.RuneCountInString(m.Caption) > TextLimit {
			return writeErr(w, apiErr{http.StatusBadRequest, 400, "Bad Request: caption is too long"})
		}
	case "sendChatAction":
		m.Action = params["action"]
		if m.Action != "typing" && m.Action != "upload_photo" {
			return writeErr(w, apiErr{http.StatusBadRequest, 400, "Bad Request: unknown action"})
		}
	}
	s.mu.Lock()
	c, ok := s.chats[chatID]
	switch {
	case !ok:
		s.mu.Unlock()
		return writeErr(w, apiErr{http.StatusBadRequest, 400, "Bad Request: chat not found"})
	case c.blocked:
		s.mu.Unlock()
		return writeErr(w, apiErr{http.StatusForbidden, 403, "Forbidden: bot was blocked by the user"})
	}
	m.Time = s.clock.Now()
	if method != "sendChatAction" {
		s.seq++
		m.MessageID = fmt.Sprintf("%020x", 0xb000000000+s.seq)
	}
	s.sent = append(s.sent, m)
	subs := make([]func(Sent), 0, len(s.subs))
	for _, fn := range s.subs {
		subs = append(subs, fn)
	}
	s.mu.Unlock()
	for _, fn := range subs {
		fn(m)
	}
	if method == "sendChatAction" {
		return writeRaw(w, http.StatusOK, []byte(`{"ok":true}`))
	}
	return writeResult(w, map[string]any{"message_id": m.MessageID, "date": m.Time.UnixMilli()})
}

// deliver posts queued updates to the webhook while one is set, in order,
// retrying a failing one a few times before dropping it.
func (s *Server) deliver() {
	defer s.wg.Done()
	failures := 0
	for {
		s.mu.Lock()
		hook, arrived := s.hook, s.arrived
		var next *Update
		if hook.url != "" && len(s.queue) > 0 {
			next = &s.queue[0]
		}
		var body []byte
		if next != nil {
			body, _ = json.Marshal(map[string]any{"ok": true, "result": next})
		}
		s.mu.Unlock()
		if next == nil {
			select {
			case <-arrived:
				continue
			case <-s.closed:
				return
			}
		}
		status := s.post(hook, body)
		s.mu.Lock()
		s.calls = append(s.calls, Call{Method: "webhook", Time: s.clock.Now(), Code: codeOf(status)})
		if status == http.StatusOK || failures+1 >= s.attempts {
			if len(s.queue) > 0 && s.hook == hook {
				if status != http.StatusOK {
					s.dropped = append(s.dropped, s.queue[0])
				}
				s.queue = s.queue[1:]
			}
			failures = 0
			s.mu.Unlock()
			continue
		}
		failures++
		s.mu.Unlock()
		t := time.NewTimer(s.retryWait)
		select {
		case <-t.C:
		case <-s.closed:
			t.Stop()
			return
		}
	}
}

func codeOf(status int) int {
	switch status {
	case http.StatusOK:
		return 0
	case 0:
		return -1
	}
	return status
}

func (s *Server) post(hook webhookReg, body []byte) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.url, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Bot-Api-Secret-Token", hook.secret)
	resp, err := s.hc.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode
}

// readParams reads parameters from the query, a form body or a JSON body,
// as strings (JSON numbers and booleans in their JSON spelling).
func readParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	if r.Body == nil {
		return out, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return out, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" {
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("form body: %w", err)
		}
		for k, v := range q {
			out[k] = v[0]
		}
		return out, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, fmt.Errorf("body is not a JSON object")
	}
	for k, raw := range obj {
		var str string
		if json.Unmarshal(raw, &str) == nil {
			out[k] = str
			continue
		}
		out[k] = string(bytes.TrimSpace(raw))
	}
	return out, nil
}

func writeResult(w http.ResponseWriter, result any) int {
	b, err := json.Marshal(map[string]any{"ok": true, "result": result})
	if err != nil {
		return writeErr(w, apiErr{http.StatusInternalServerError, 500, "Internal server error"})
	}
	return writeRaw(w, http.StatusOK, b)
}

func writeErr(w http.ResponseWriter, e apiErr) int {
	b, _ := json.Marshal(map[string]any{"ok": false, "error_code": e.code, "description": e.desc})
	writeRaw(w, e.status, b)
	return e.code
}

func writeRaw(w http.ResponseWriter, status int, body []byte) int {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
	return 0
}
