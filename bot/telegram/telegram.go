// Package telegram is the bot's Telegram adapter: a bot.Platform (send,
// edit, files, buttons, callback answers, command menu) and a bot.Receiver
// (long polling and webhook) on the go-telegram-bot-api client, pointed at
// a configurable API base URL so that tests and drills use a local server
// (see telegramtest).
//
// Failures are *bot.SendError values that tell the outbox what to do: 429
// is RateLimited with the platform's retry_after, 403 and the 400s that
// mean the chat is unreachable are ChatGone, other 400s are Permanent, and
// 5xx, network trouble and answers that are not the API's JSON are Retry.
//
// Intake acknowledges an update to Telegram only after the record function
// stored it: Poll advances getUpdates' offset past an update only once
// record returned nil, and the webhook answers 200 only then.
package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
)

// DefaultBaseURL is the real Bot API.
const DefaultBaseURL = "https://api.telegram.org"

// Telegram's size limits, in characters.
const (
	TextLimit         = 4096
	CaptionLimit      = 1024
	CallbackTextLimit = 200
)

// Defaults of the options.
const (
	DefaultPollTimeout    = 30 * time.Second
	DefaultRequestTimeout = 60 * time.Second
	DefaultBackoffMin     = 500 * time.Millisecond
	DefaultBackoffMax     = 30 * time.Second
)

// Client talks to one bot's Bot API. It implements bot.Platform and
// bot.Receiver and is safe for concurrent use.
type Client struct {
	// api holds the token and endpoint. Every call runs on a copy of it
	// whose HTTP client is bound to the call's context: the library's own
	// requests carry none.
	api *tgbotapi.BotAPI
	hc  *http.Client

	clock       chihuy.Clock
	pollTimeout time.Duration
	reqTimeout  time.Duration
	backoffMin  time.Duration
	backoffMax  time.Duration
	onError     func(error)
	log         zerolog.Logger
	sleep       func(context.Context, time.Duration) bool // Poll's waits; tests observe them

	mu sync.RWMutex
	me bot.Info
	id int64 // the bot's user id, to spot replies to its messages
}

var (
	_ bot.Platform = (*Client)(nil)
	_ bot.Receiver = (*Client)(nil)
)

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (transport, proxies). Its Timeout,
// if any, must exceed the poll timeout; per-call deadlines come from
// WithRequestTimeout.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithPollTimeout sets getUpdates' long-poll timeout, rounded up to whole
// seconds, at least 1 s (default 30 s).
func WithPollTimeout(d time.Duration) Option { return func(c *Client) { c.pollTimeout = d } }

// WithRequestTimeout bounds each API call (default 60 s); a long poll may
// take the poll timeout longer.
func WithRequestTimeout(d time.Duration) Option { return func(c *Client) { c.reqTimeout = d } }

// WithBackoff sets the waits between failed polls: doubling from min up
// to max (defaults 0.5 s and 30 s).
func WithBackoff(min, max time.Duration) Option {
	return func(c *Client) { c.backoffMin, c.backoffMax = min, max }
}

// WithClock injects the clock that stamps button presses (Telegram gives
// them no date).
func WithClock(clock chihuy.Clock) Option { return func(c *Client) { c.clock = clock } }

// WithErrorHandler receives the errors Poll recovers from (failed
// getUpdates, failed records, undecodable updates), for logging.
func WithErrorHandler(fn func(error)) Option { return func(c *Client) { c.onError = fn } }

// WithLogger receives what the client does on its own that an operator
// must know (a webhook removed in poll mode).
func WithLogger(l zerolog.Logger) Option { return func(c *Client) { c.log = l } }

// New connects to the Bot API at baseURL (DefaultBaseURL when empty):
// requests go to {baseURL}/bot{token}/{method}. It calls getMe, so a wrong
// token or an unreachable API fails here.
func New(ctx context.Context, token, baseURL string, opts ...Option) (*Client, error) {
	c := &Client{
		hc:          defaultHTTPClient(),
		clock:       chihuy.SystemClock{},
		pollTimeout: DefaultPollTimeout,
		reqTimeout:  DefaultRequestTimeout,
		backoffMin:  DefaultBackoffMin,
		backoffMax:  DefaultBackoffMax,
		sleep:       chihuy.Sleep,
		log:         zerolog.Nop(),
	}
	for _, o := range opts {
		o(c)
	}
	if strings.TrimSpace(token) == "" {
		return nil, fmt.Errorf("telegram: empty bot token")
	}
	if strings.ContainsAny(token, "/?#% \t\r\n") {
		return nil, fmt.Errorf("telegram: the bot token has characters no token has")
	}
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("telegram: api url %q: want http(s)://host[/path]", baseURL)
	}
	if c.hc == nil {
		c.hc = defaultHTTPClient()
	}
	if c.clock == nil {
		c.clock = chihuy.SystemClock{}
	}
	if c.backoffMin <= 0 {
		c.backoffMin = DefaultBackoffMin
	}
	if c.backoffMax < c.backoffMin {
		c.backoffMax = c.backoffMin
	}
	if c.reqTimeout <= 0 {
		c.reqTimeout = DefaultRequestTimeout
	}
	endpoint := strings.ReplaceAll(strings.TrimRight(baseURL, "/"), "%", "%%") + "/bot%s/%s"

	ctx, cancel := context.WithTimeout(ctx, c.reqTimeout)
	defer cancel()
	d := &boundClient{ctx: ctx, hc: c.hc}
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, d)
	if err != nil {
		return nil, fmt.Errorf("telegram getMe at %s: %w", u.Redacted(), classify(err, d.status))
	}
	c.api = api
	c.setMe(api.Self.ID, bot.Info{
		ID: strconv.FormatInt(api.Self.ID, 10), Username: api.Self.UserName,
		CanReadAllGroupMessages: api.Self.CanReadAllGroupMessages, CanJoinGroups: api.Self.CanJoinGroups,
	})
	return c, nil
}

// defaultHTTPClient keeps enough idle connections for the outbox's
// concurrent sends (the standard transport keeps two per host).
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return &http.Client{Transport: t}
}

// Name is "telegram".
func (c *Client) Name() string { return chihuy.Telegram }

// TextLimit is 4096 characters.
func (c *Client) TextLimit() int { return TextLimit }

// HasButtons is true: Telegram has inline keyboards.
func (c *Client) HasButtons() bool { return true }

// Info returns what the last getMe said, without asking again.
func (c *Client) Info() bot.Info {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.me
}

func (c *Client) setMe(id int64, info bot.Info) {
	c.mu.Lock()
	c.id, c.me = id, info
	c.mu.Unlock()
}

// self is the bot's identity as conversion needs it.
func (c *Client) self() (id int64, username string) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.id, c.me.Username
}

// Me asks getMe who the bot is, including can_read_all_group_messages
// (false while privacy mode is on).
func (c *Client) Me(ctx context.Context) (bot.Info, error) {
	var resp *tgbotapi.APIResponse
	err := c.call(ctx, c.reqTimeout, func(api *tgbotapi.BotAPI) (err error) {
		resp, err = api.MakeRequest("getMe", nil)
		return err
	})
	if err != nil {
		return bot.Info{}, fmt.Errorf("telegram getMe: %w", err)
	}
	var me struct {
		ID                      int64  `json:"id"`
		Username                string `json:"username"`
		CanJoinGroups           bool   `json:"can_join_groups"`
		CanReadAllGroupMessages bool   `json:"can_read_all_group_messages"`
	}
	if err := json.Unmarshal(resp.Result, &me); err != nil {
		return bot.Info{}, fmt.Errorf("telegram getMe: decode %s: %w", resp.Result, err)
	}
	info := bot.Info{ID: strconv.FormatInt(me.ID, 10), Username: me.Username,
		CanReadAllGroupMessages: me.CanReadAllGroupMessages, CanJoinGroups: me.CanJoinGroups}
	c.setMe(me.ID, info)
	return info, nil
}

// SetCommands replaces the bot's command menu (setMyCommands).
func (c *Client) SetCommands(ctx context.Context, cmds []bot.Command) error {
	list := make([]tgbotapi.BotCommand, len(cmds))
	for i, cmd := range cmds {
		list[i] = tgbotapi.BotCommand{Command: strings.TrimPrefix(cmd.Name, "/"), Description: cmd.Description}
	}
	err := c.call(ctx, c.reqTimeout, func(api *tgbotapi.BotAPI) error {
		_, err := api.Request(tgbotapi.NewSetMyCommands(list...))
		return err
	})
	if err != nil {
		return fmt.Errorf("telegram setMyCommands: %w", err)
	}
	return nil
}

// SetScopedCommands sets the command menu of one chat, or of one member
// of a chat (setMyCommands with BotCommandScopeChat or
// BotCommandScopeChatMember).
func (c *Client) SetScopedCommands(ctx context.Context, scope bot.CommandScope, cmds []bot.Command) error {
	chat, err := strconv.ParseInt(scope.Chat, 10, 64)
	if err != nil {
		return fmt.Errorf("telegram setMyCommands: chat %q: %w", scope.Chat, err)
	}
	sc := tgbotapi.NewBotCommandScopeChat(chat)
	if scope.User != "" {
		user, err := strconv.ParseInt(scope.User, 10, 64)
		if err != nil {
			return fmt.Errorf("telegram setMyCommands: user %q: %w", scope.User, err)
		}
		sc = tgbotapi.NewBotCommandScopeChatMember(chat, user)
	}
	list := make([]tgbotapi.BotCommand, len(cmds))
	for i, cmd := range cmds {
		list[i] = tgbotapi.BotCommand{Command: strings.TrimPrefix(cmd.Name, "/"), Description: cmd.Description}
	}
	err = c.call(ctx, c.reqTimeout, func(api *tgbotapi.BotAPI) error {
		_, err := api.Request(tgbotapi.NewSetMyCommandsWithScope(sc, list...))
		return err
	})
	if err != nil {
		return fmt.Errorf("telegram setMyCommands %s: %w", scope.Chat, err)
	}
	return nil
}

// call runs fn on a copy of the API whose requests carry ctx with the
// timeout, and turns a failure into a *bot.SendError.
func (c *Client) call(ctx context.Context, timeout time.Duration, fn func(*tgbotapi.BotAPI) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := &boundClient{ctx: ctx, hc: c.hc}
	api := *c.api
	api.Client = d
	if err := fn(&api); err != nil {
		return classify(err, d.status)
	}
	return nil
}

// boundClient gives the library's requests a context and remembers the
// HTTP status, which the library drops for failed uploads.
type boundClient struct {
	ctx    context.Context
	hc     *http.Client
	status int
}

func (b *boundClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := b.hc.Do(req.WithContext(b.ctx))
	if resp != nil {
		b.status = resp.StatusCode
	}
	return resp, err
}
