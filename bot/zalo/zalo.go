// Package zalo is the bot's adapter for the Zalo Bot Platform: a small HTTP
// client of its Telegram-like API (there is no Go library), implementing
// bot.Platform and bot.Receiver.
//
// Requests go to {base}/bot{token}/{method} as POST with a JSON body, and
// every answer is {"ok":…, "result":…, "error_code":…, "description":…}.
//
// What the platform cannot do, and what the adapter does instead:
//   - No buttons, no callbacks: buttons are dropped (the text must already
//     say "/danhan <id>"), a callback answer is a no-op.
//   - No edits: an edit is sent as a new message.
//   - No reply field on sendMessage: Message.ReplyTo is ignored.
//   - Pictures only by URL (sendPhoto fetches a public http(s) URL): the
//     application supplies the URL with WithPhotoURL; without it, or for a
//     document (there is no document upload), the text goes alone with a
//     short note that the file could not be attached.
//   - getUpdates hands out one update per call and forgets it: there is no
//     offset to acknowledge. Poll records each update before asking for the
//     next and keeps retrying the recording, but an update handed out while
//     the process dies is lost. Webhook mode (200 only after recording) is
//     the at-least-once option.
//   - getUpdates and a webhook exclude each other. The platform does not
//     document its refusal; Poll takes a 409, a description naming the
//     webhook, or any other client error confirmed by getWebhookInfo, as
//     ErrWebhookSet.
//   - Groups (in beta) deliver only replies to the bot and mentions of it,
//     so every update has ToBot set.
//
// Every failed call is a *bot.SendError carrying the outbox's policy: 429
// is RateLimited (retry_after from the answer or Retry-After header, else
// the WithRetryAfter default, as the platform documents none); 403, 404 or
// a description saying the chat is gone or the bot blocked is ChatGone;
// other 4xx are Permanent; 401 (a wrong or reset token), 408, 5xx, network
// errors, timeouts and answers that are not the API's JSON (a proxy's HTML
// page) are Retry. The token never appears in an error.
package zalo

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
)

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://bot-api.zaloplatforms.com"

// TextLimit is the longest text of one message, in characters.
const TextLimit = 2000

// SecretHeader carries the webhook secret on every webhook request.
const SecretHeader = "X-Bot-Api-Secret-Token"

const (
	defaultPollTimeout    = 30 * time.Second
	defaultRequestTimeout = 20 * time.Second
	defaultRecordTimeout  = 10 * time.Second
	defaultRetryAfter     = 60 * time.Second
	defaultBackoffMin     = time.Second
	defaultBackoffMax     = 30 * time.Second
	defaultShutdownGrace  = 5 * time.Second
	// minEmptyPoll: an empty poll answered faster than this is followed by
	// a pause.
	minEmptyPoll = 100 * time.Millisecond
	// maxResponseBody caps what is read of an API answer (an HTML error
	// page from a proxy can be large).
	maxResponseBody = 1 << 20
	// maxWebhookBody caps a webhook request body.
	maxWebhookBody = 1 << 20
)

// PhotoURLFunc returns a public http(s) URL under which the platform can
// fetch the picture, or ok=false when none can be offered (no public URL
// configured).
type PhotoURLFunc func(ctx context.Context, file chihuy.File) (url string, ok bool)

// Client is a Zalo Bot Platform client. It is safe for concurrent use.
type Client struct {
	token          string
	base           string
	hc             *http.Client
	photoURL       PhotoURLFunc
	pollTimeout    time.Duration
	requestTimeout time.Duration
	recordTimeout  time.Duration
	retryAfter     time.Duration
	backoffMin     time.Duration
	backoffMax     time.Duration
	shutdownGrace  time.Duration
	clock          chihuy.Clock
	log            zerolog.Logger
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client. Leave its Timeout at zero: the
// client bounds every request itself, long polls included.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithPhotoURL lets Send deliver pictures: sendPhoto needs a URL.
func WithPhotoURL(f PhotoURLFunc) Option { return func(c *Client) { c.photoURL = f } }

// WithPollTimeout sets how long one getUpdates waits for an update
// (whole seconds, at least one; default 30 s).
func WithPollTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d < time.Second {
			d = time.Second
		}
		c.pollTimeout = d.Truncate(time.Second)
	}
}

// WithRequestTimeout bounds every call other than getUpdates (default 20 s).
func WithRequestTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.requestTimeout = d
		}
	}
}

// WithRecordTimeout bounds one attempt to record an update (default 10 s).
func WithRecordTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.recordTimeout = d
		}
	}
}

// WithRetryAfter sets the wait reported for a 429 that names none
// (default 60 s).
func WithRetryAfter(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.retryAfter = d
		}
	}
}

// WithBackoff sets the first and the longest wait between failed polls or
// failed recordings (default 1 s to 30 s, doubling).
func WithBackoff(minWait, maxWait time.Duration) Option {
	return func(c *Client) {
		if minWait > 0 {
			c.backoffMin = minWait
		}
		if maxWait >= c.backoffMin {
			c.backoffMax = maxWait
		}
	}
}

// WithShutdownGrace sets how long Poll keeps trying to record an update
// it already took from the platform once its context has ended (default
// 5 s): the platform cannot hand that update out again.
func WithShutdownGrace(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.shutdownGrace = d
		}
	}
}

// WithClock sets the clock used when an update carries no date.
func WithClock(clk chihuy.Clock) Option { return func(c *Client) { c.clock = clk } }

// WithLogger sets the logger (default: none). Message texts are logged at
// debug level only.
func WithLogger(l zerolog.Logger) Option { return func(c *Client) { c.log = l } }

// New returns a client of the bot with token, talking to baseURL
// (DefaultBaseURL when empty).
func New(token, baseURL string, opts ...Option) *Client {
	if strings.TrimSpace(baseURL) == "" {
		baseURL = DefaultBaseURL
	}
	c := &Client{
		token:          token,
		base:           strings.TrimRight(strings.TrimSpace(baseURL), "/"),
		hc:             http.DefaultClient,
		pollTimeout:    defaultPollTimeout,
		requestTimeout: defaultRequestTimeout,
		recordTimeout:  defaultRecordTimeout,
		retryAfter:     defaultRetryAfter,
		backoffMin:     defaultBackoffMin,
		backoffMax:     defaultBackoffMax,
		shutdownGrace:  defaultShutdownGrace,
		clock:          chihuy.SystemClock{},
		log:            zerolog.Nop(),
	}
	for _, o := range opts {
		o(c)
	}
	if c.hc == nil {
		c.hc = http.DefaultClient
	}
	return c
}
