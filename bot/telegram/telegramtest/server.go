// Over 500 lines because it is a fake: its state, options, routing and small methods (getMe, commands, webhooks) read best together.

// Package telegramtest is a fake Telegram Bot API server. Tests point the
// real Telegram client at it, and `chihuy demo` uses it as a local chat
// platform, so that nothing talks to api.telegram.org.
//
// It serves /bot{token}/{method} with the methods the bot uses: getMe,
// getUpdates (offset and long-poll semantics), sendMessage,
// editMessageText, editMessageCaption, sendPhoto, sendDocument,
// answerCallbackQuery, sendChatAction, setMyCommands, setWebhook,
// deleteWebhook and getWebhookInfo. It accepts JSON, form and multipart
// bodies like the real API, checks what the real API checks where the bot
// could get it wrong (text and caption lengths, button data, replies,
// edits that change nothing), and answers errors in the real API's shape.
//
// Users are simulated with Push, PushMessage, PushReply, PushEdit,
// PushCallback and PushMemberStatus; what the bot sent is read with
// Messages, MessagesTo, WaitFor or OnSend. Faults are injected with
// SetLimits (429 with retry_after), SetChatFault (403, chat not found),
// FailNext (any answer, 5xx, HTML pages) and SetLatency.
//
// A Server is safe for concurrent use.
package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chihuy/chihuy"
)

// DefaultToken is the token the server accepts unless WithToken says
// otherwise. The bot's user id is the number before the colon.
const DefaultToken = "1000:fake-token"

// DefaultUsername is the bot's username unless WithUsername says otherwise.
const DefaultUsername = "chihuy_test_bot"

// Server is the fake Bot API. It is an http.Handler: serve it on any
// listener, or use Start for a loopback test server.
type Server struct {
	token    string
	botID    int64
	username string
	clock    chihuy.Clock

	ts        *httptest.Server
	done      chan struct{}
	closeOnce sync.Once

	mu          sync.Mutex
	readAll     bool
	latency     time.Duration
	limits      Limits
	window      rateWindow
	chatFaults  map[int64]Fault
	nextFaults  []pendingFault
	calls       map[string]int
	tooMany     int
	chats       map[int64]*chat
	sent        []Sent
	changed     chan struct{} // closed and replaced when sent changes
	listeners   []func(Sent)
	notes       []note
	answers     []Answer
	callbacks   map[string]bool // callback id → answered
	nextCB      int
	updates     []queued
	nextUpdate  int
	pushed      chan struct{} // closed and replaced when an update is queued
	pollKick    chan struct{} // closed and replaced when a getUpdates starts
	waiting     int           // getUpdates calls waiting
	allowed     map[string]bool
	webhookURL  string
	webhookKey  string
	webhookUpds []string
	commands    []Command
	scoped      map[string][]Command // "chat:<id>" or "chat_member:<chat>:<user>" → menu
	migrated    map[int64]int64      // group → the supergroup it became
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the only token the server accepts. The bot's user id is
// the number before the colon (1000 when there is none).
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithUsername sets the bot's username (without @).
func WithUsername(name string) Option { return func(s *Server) { s.username = name } }

// WithReadAllGroupMessages sets getMe's can_read_all_group_messages: false
// (the real default) is privacy mode on.
func WithReadAllGroupMessages(on bool) Option { return func(s *Server) { s.readAll = on } }

// WithClock injects the clock used for message dates and rate windows.
func WithClock(c chihuy.Clock) Option { return func(s *Server) { s.clock = c } }

// WithLimits enforces rate limits from the start (see SetLimits).
func WithLimits(l Limits) Option { return func(s *Server) { s.limits = l } }

// WithLatency delays every answer (see SetLatency).
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// New returns a server that is not listening yet; serve it with
// http.Serve, mount it on a mux, or call Start instead.
func New(opts ...Option) *Server {
	s := &Server{
		token:      DefaultToken,
		username:   DefaultUsername,
		clock:      chihuy.SystemClock{},
		done:       make(chan struct{}),
		chatFaults: make(map[int64]Fault),
		calls:      make(map[string]int),
		chats:      make(map[int64]*chat),
		changed:    make(chan struct{}),
		callbacks:  make(map[string]bool),
		nextUpdate: 500000,
		pushed:     make(chan struct{}),
		pollKick:   make(chan struct{}),
		window:     newRateWindow(),
	}
	for _, o := range opts {
		o(s)
	}
	s.botID = 1000
	if id, _, ok := strings.Cut(s.token, ":"); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			s.botID = n
		}
	}
	return s
}

// Start returns a server listening on a loopback port. Close stops it.
func Start(opts ...Option) *Server {
	s := New(opts...)
	s.ts = httptest.NewServer(s)
	return s
}

// URL is the base URL to give the client (requests go to
// URL/bot{token}/{method}). It is empty unless the server came from Start.
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// Token is the token the server accepts.
func (s *Server) Token() string { return s.token }

// BotID is the bot's user id.
func (s *Server) BotID() int64 { return s.botID }

// Username is the bot's username.
func (s *Server) Username() string { return s.username }

// Close ends pending long polls and, for a server from Start, stops
// listening. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.done) })
	if s.ts != nil {
		s.ts.Close()
	}
}

// SetReadAllGroupMessages changes getMe's can_read_all_group_messages.
func (s *Server) SetReadAllGroupMessages(on bool) {
	s.mu.Lock()
	s.readAll = on
	s.mu.Unlock()
}

// SetLatency delays every later answer by d (0 for none).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// Calls is how often method was called (as named in the URL, any case).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToLower(method)]
}

// TooManyRequests is how many 429 answers the server gave, from rate
// limits and injected faults.
func (s *Server) TooManyRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}

// Command is one entry of the bot's command menu (setMyCommands).
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// ScopedCommands returns the menu set for one chat member
// (BotCommandScopeChatMember), or for a chat when user is 0
// (BotCommandScopeChat); nil when none was set.
func (s *Server) ScopedCommands(chat, user int64) []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := fmt.Sprintf("chat:%d", chat)
	if user != 0 {
		key = fmt.Sprintf("chat_member:%d:%d", chat, user)
	}
	return append([]Command(nil), s.scoped[key]...)
}

// Commands returns the menu set by the last setMyCommands.
func (s *Server) Commands() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command(nil), s.commands...)
}

// Webhook returns the registered webhook URL and secret token ("" when
// none is set).
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookKey
}

// handler is one API method. It runs with s.mu held and returns the result
// to send, or an apiError.
type handler func(s *Server, p *params) (any, *apiError)

var methods = map[string]handler{
	"getme":               (*Server).getMe,
	"getupdates":          nil, // long-polls: handled without the lock
	"sendmessage":         (*Server).sendMessage,
	"editmessagetext":     (*Server).editMessageText,
	"editmessagecaption":  (*Server).editMessageCaption,
	"sendphoto":           (*Server).sendPhoto,
	"senddocument":        (*Server).sendDocument,
	"answercallbackquery": (*Server).answerCallbackQuery,
	"sendchataction":      (*Server).sendChatAction,
	"setmycommands":       (*Server).setMyCommands,
	"setwebhook":          (*Server).setWebhook,
	"deletewebhook":       (*Server).deleteWebhook,
	"getwebhookinfo":      (*Server).getWebhookInfo,
}

// ServeHTTP routes /bot{token}/{method}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" || strings.Contains(method, "/") {
		writeError(w, &apiError{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != s.token {
		writeError(w, &apiError{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	method = strings.ToLower(method)
	h, known := methods[method]

	s.mu.Lock()
	s.calls[method]++
	latency := s.latency
	fault, faulted := s.takeFault(method)
	s.mu.Unlock()

	if latency > 0 && !s.sleep(r, latency) {
		return
	}
	if faulted {
		s.writeFault(w, fault)
		return
	}
	if !known {
		writeError(w, &apiError{Code: http.StatusNotFound, Description: "Not Found: method not found"})
		return
	}
	p, perr := parseParams(w, r)
	if perr != nil {
		s.writeAPIError(w, perr)
		return
	}
	if method == "getupdates" {
		s.getUpdates(w, r, p)
		return
	}

	s.mu.Lock()
	if f, ok := s.chatFault(method, p); ok {
		s.mu.Unlock()
		s.writeFault(w, f)
		return
	}
	result, aerr := h(s, p)
	notify := s.takeNotifications()
	s.mu.Unlock()

	for _, n := range notify {
		for _, fn := range n.listeners {
			fn(n.sent)
		}
	}
	if aerr != nil {
		s.writeAPIError(w, aerr)
		return
	}
	writeOK(w, result)
}

// sleep waits d, or less when the request or the server ends; it reports
// whether the full time passed.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

// apiError is an answer with ok=false.
type apiError struct {
	Code        int
	Description string
	RetryAfter  int
	MigrateTo   int64 // parameters.migrate_to_chat_id
}

type envelope struct {
	OK          bool            `json:"ok"`
	Result      any             `json:"result,omitempty"`
	ErrorCode   int             `json:"error_code,omitempty"`
	Description string          `json:"description,omitempty"`
	Parameters  *wireParameters `json:"parameters,omitempty"`
}

type wireParameters struct {
	RetryAfter      int   `json:"retry_after,omitempty"`
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
}

func writeOK(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(envelope{OK: true, Result: result})
}

func writeError(w http.ResponseWriter, e *apiError) {
	env := envelope{ErrorCode: e.Code, Description: e.Description}
	if e.RetryAfter > 0 || e.MigrateTo != 0 {
		env.Parameters = &wireParameters{RetryAfter: e.RetryAfter, MigrateToChatID: e.MigrateTo}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Code)
	json.NewEncoder(w).Encode(env)
}

func (s *Server) writeAPIError(w http.ResponseWriter, e *apiError) {
	if e.Code == http.StatusTooManyRequests {
		s.mu.Lock()
		s.tooMany++
		s.mu.Unlock()
	}
	writeError(w, e)
}

func (s *Server) writeFault(w http.ResponseWriter, f Fault) {
	if f.HTML {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(f.code())
		w.Write([]byte("<html>\r\n<head><title>" + strconv.Itoa(f.code()) + " " + http.StatusText(f.code()) +
			"</title></head>\r\n<body>\r\n<center><h1>" + http.StatusText(f.code()) +
			"</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"))
		return
	}
	s.writeAPIError(w, &apiError{Code: f.code(), Description: f.description(), RetryAfter: f.RetryAfter})
}

func (s *Server) getMe(*params) (any, *apiError) {
	return wireMe{
		ID: s.botID, IsBot: true, FirstName: "Chỉ huy", Username: s.username,
		CanJoinGroups: true, CanReadAllGroupMessages: s.readAll,
	}, nil
}

func (s *Server) bot() *wireUser {
	return &wireUser{ID: s.botID, IsBot: true, FirstName: "Chỉ huy", Username: s.username}
}

func (s *Server) sendChatAction(p *params) (any, *apiError) {
	if _, err := p.chatID(); err != nil {
		return nil, err
	}
	if p.get("action") == "" {
		return nil, badRequest("action is empty")
	}
	return true, nil
}

func (s *Server) setMyCommands(p *params) (any, *apiError) {
	var cmds []Command
	if err := json.Unmarshal([]byte(p.get("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	for _, c := range cmds {
		if !validCommand(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := len([]rune(c.Description)); n == 0 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	if raw := p.get("scope"); raw != "" {
		var sc struct {
			Type   string          `json:"type"`
			ChatID json.RawMessage `json:"chat_id"`
			UserID int64           `json:"user_id"`
		}
		if err := json.Unmarshal([]byte(raw), &sc); err != nil {
			return nil, badRequest("can't parse BotCommandScope JSON object")
		}
		chat, _ := strconv.ParseInt(strings.Trim(string(sc.ChatID), `"`), 10, 64)
		switch sc.Type {
		case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
			if sc.Type == "default" {
				s.commands = cmds
			}
			return true, nil
		case "chat", "chat_administrators":
			if chat == 0 {
				return nil, badRequest("chat not found")
			}
			s.setScoped(fmt.Sprintf("chat:%d", chat), cmds)
			return true, nil
		case "chat_member":
			if chat == 0 || sc.UserID == 0 {
				return nil, badRequest("chat not found")
			}
			s.setScoped(fmt.Sprintf("chat_member:%d:%d", chat, sc.UserID), cmds)
			return true, nil
		}
		return nil, badRequest("unsupported bot command scope type")
	}
	s.commands = cmds
	return true, nil
}

func (s *Server) setScoped(key string, cmds []Command) {
	if s.scoped == nil {
		s.scoped = map[string][]Command{}
	}
	s.scoped[key] = cmds
}

// validCommand is Telegram's rule: 1–32 of a-z, 0-9 and _.
func validCommand(c string) bool {
	if c == "" || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func (s *Server) setWebhook(p *params) (any, *apiError) {
	url := p.get("url")
	if url == "" {
		return s.deleteWebhook(p)
	}
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	s.webhookURL = url
	s.webhookKey = p.get("secret_token")
	s.webhookUpds = nil
	if raw := p.get("allowed_updates"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &s.webhookUpds); err != nil {
			return nil, badRequest("can't parse allowed_updates JSON array")
		}
		s.setAllowed(s.webhookUpds)
	}
	return true, nil
}

func (s *Server) deleteWebhook(p *params) (any, *apiError) {
	s.webhookURL, s.webhookKey, s.webhookUpds = "", "", nil
	if p.bool("drop_pending_updates") {
		s.updates = nil
	}
	return true, nil
}

func (s *Server) getWebhookInfo(*params) (any, *apiError) {
	return wireWebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.updates), AllowedUpdates: s.webhookUpds}, nil
}

func badRequest(desc string) *apiError {
	return &apiError{Code: http.StatusBadRequest, Description: "Bad Request: " + desc}
}
