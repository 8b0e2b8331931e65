package zalo

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
)

// ErrWebhookSet is returned by Poll when the platform refuses getUpdates
// because a webhook is registered: the two are mutually exclusive on Zalo.
var ErrWebhookSet = errors.New("zalo: getUpdates is refused while a webhook is set; " +
	"remove it with `chihuy zalo-webhook --delete` or run with CHIHUY_ZALO_MODE=webhook")

// WebhookSetError is the detailed form of ErrWebhookSet (errors.Is matches
// ErrWebhookSet).
type WebhookSetError struct {
	URL         string // the registered webhook, when known
	Code        int    // the platform's error code for getUpdates
	Description string
}

func (e *WebhookSetError) Error() string {
	s := ErrWebhookSet.Error()
	if e.URL != "" {
		s += " (webhook: " + e.URL + ")"
	}
	if e.Description != "" {
		s += fmt.Sprintf(" [%d %s]", e.Code, e.Description)
	}
	return s
}

func (e *WebhookSetError) Is(target error) bool { return target == ErrWebhookSet }

// WebhookInfo is the platform's webhook registration.
type WebhookInfo struct {
	URL       string // empty when none is set
	UpdatedAt time.Time
}

// SetWebhook registers url; the platform then posts every update there
// with secret in the X-Bot-Api-Secret-Token header. The secret must be 8
// to 256 characters.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	if strings.TrimSpace(url) == "" {
		return chihuy.Errorf(chihuy.EINVALID, msgWebhookURL)
	}
	if n := utf8.RuneCountInString(secret); n < 8 || n > 256 {
		return chihuy.Errorf(chihuy.EINVALID, msgSecretLength, n)
	}
	p := struct {
		URL         string `json:"url"`
		SecretToken string `json:"secret_token"`
	}{url, secret}
	if _, err := c.call(ctx, "setWebhook", p, c.requestTimeout); err != nil {
		return fmt.Errorf("set zalo webhook: %w", err)
	}
	return nil
}

// DeleteWebhook removes the webhook, so that getUpdates works again.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	if _, err := c.call(ctx, "deleteWebhook", struct{}{}, c.requestTimeout); err != nil {
		return fmt.Errorf("delete zalo webhook: %w", err)
	}
	return nil
}

// WebhookInfo reads the webhook registration.
func (c *Client) WebhookInfo(ctx context.Context) (WebhookInfo, error) {
	res, err := c.call(ctx, "getWebhookInfo", struct{}{}, c.requestTimeout)
	if err != nil {
		return WebhookInfo{}, fmt.Errorf("zalo webhook info: %w", err)
	}
	var w wireWebhookInfo
	if t := strings.TrimSpace(string(res)); t != "" && t != "null" {
		if err := json.Unmarshal(res, &w); err != nil {
			return WebhookInfo{}, fmt.Errorf("zalo webhook info: %w",
				c.failure("getWebhookInfo", bot.Retry, 0, 0, "unexpected result: "+c.snippet(res), err))
		}
	}
	info := WebhookInfo{URL: w.URL}
	if w.UpdatedAt > 0 {
		info.UpdatedAt = time.UnixMilli(int64(w.UpdatedAt))
	}
	return info, nil
}

// getUpdate asks for one update, waiting up to the poll timeout. It
// returns nil, nil when none arrived (the platform's 408), and the raw
// update otherwise: handed out, it is gone from the platform, so even one
// that cannot be read must be kept (on the dead list).
func (c *Client) getUpdate(ctx context.Context) (json.RawMessage, error) {
	secs := int(c.pollTimeout / time.Second)
	p := struct {
		Timeout string `json:"timeout"`
	}{strconv.Itoa(secs)}
	res, err := c.call(ctx, "getUpdates", p, c.pollTimeout+10*time.Second)
	if err != nil {
		var se *bot.SendError
		if errors.As(err, &se) && se.Code == codeTimeout && se.Err == nil {
			return nil, nil
		}
		return nil, err
	}
	t := strings.TrimSpace(string(res))
	if t == "" || t == "null" || t == "{}" {
		return nil, nil
	}
	return res, nil
}

// webhookSet tells whether a getUpdates failure means a webhook is set:
// a 409 or a description naming the webhook at once, any other client
// error after getWebhookInfo confirms a registration.
func (c *Client) webhookSet(ctx context.Context, err error) *WebhookSetError {
	var se *bot.SendError
	if !errors.As(err, &se) || se.Err != nil || se.Code < 400 || se.Code >= 500 || se.Code == codeQuota || se.Code == codeUnauthorized {
		return nil
	}
	desc := strings.TrimPrefix(se.Description, "getUpdates: ")
	ws := &WebhookSetError{Code: se.Code, Description: desc}
	direct := se.Code == codeConflict || strings.Contains(strings.ToLower(desc), "webhook")
	info, ierr := c.WebhookInfo(ctx)
	if ierr == nil && info.URL != "" {
		ws.URL = info.URL
		return ws
	}
	if direct {
		return ws
	}
	return nil
}

// Poll long-polls getUpdates until ctx ends, recording every update before
// asking for the next one: the platform forgets an update once handed out,
// so a failed recording is retried with backoff (and, after ctx ended, for
// a short grace) rather than dropped. Updates that carry nothing to handle
// are skipped. Poll returns nil when ctx ends, and an error matching
// ErrWebhookSet when the platform refuses polling because of a webhook.
func (c *Client) Poll(ctx context.Context, record bot.RecordFunc) error {
	wait := c.backoffMin
	for ctx.Err() == nil {
		started := time.Now()
		w, err := c.getUpdate(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if ws := c.webhookSet(ctx, err); ws != nil {
				return ws
			}
			var se *bot.SendError
			ev := c.log.Warn()
			if errors.As(err, &se) {
				if se.Failure == bot.RateLimited && se.RetryAfter > wait {
					wait = se.RetryAfter
				}
				if se.Code == codeUnauthorized && se.Err == nil {
					ev = c.log.Error() // the token is wrong: the operator must act
				}
			}
			ev.Err(err).Dur("backoff", wait).Msg("zalo: getUpdates failed")
			if !chihuy.Sleep(ctx, wait) {
				return nil
			}
			wait = min(2*wait, c.backoffMax)
			continue
		}
		wait = c.backoffMin
		if w == nil {
			// An empty poll that came back at once (a platform not
			// honouring the timeout) must not turn into a busy loop.
			if time.Since(started) < minEmptyPoll && !chihuy.Sleep(ctx, min(c.backoffMin, time.Second)) {
				return nil
			}
			continue
		}
		u, why := convert(w, c.clock.Now)
		if why != skipNone {
			c.log.Info().Str("reason", string(why)).Msg("zalo: update skipped")
			continue
		}
		if u.Invalid != "" {
			c.log.Warn().Str("update", u.ID).Str("reason", u.Invalid).Msg("zalo: update cannot be handled; it goes to the dead list")
		}
		c.log.Debug().Str("update", u.ID).Str("text", u.Text).Msg("zalo: update received")
		if err := c.recordDurably(ctx, record, u); err != nil {
			c.log.Error().Err(err).Str("update", u.ID).Str("chat", u.Chat.String()).
				Msg("zalo: UPDATE LOST: taken from the platform but never recorded (use webhook mode for at-least-once intake)")
			return nil
		}
	}
	return nil
}

// recordDurably calls record until it succeeds. Once ctx has ended it
// keeps trying for the shutdown grace, then gives up with the last error.
func (c *Client) recordDurably(ctx context.Context, record bot.RecordFunc, u chihuy.Update) error {
	rctx := context.WithoutCancel(ctx)
	wait := c.backoffMin
	var giveUp <-chan time.Time
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(rctx, c.recordTimeout)
		err := record(actx, u)
		cancel()
		if err == nil {
			if attempt > 1 {
				c.log.Info().Str("update", u.ID).Int("attempts", attempt).Msg("zalo: update recorded after retries")
			}
			return nil
		}
		c.log.Error().Err(err).Str("update", u.ID).Int("attempt", attempt).Dur("backoff", wait).
			Msg("zalo: recording update failed; retrying (it cannot be fetched again)")
		if giveUp == nil && ctx.Err() != nil {
			t := time.NewTimer(c.shutdownGrace)
			defer t.Stop()
			giveUp = t.C
		}
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-giveUp:
			timer.Stop()
			return fmt.Errorf("record update %s: %w", u.ID, err)
		case <-ctx.Done():
			// Shutdown: switch to the grace period at once.
			timer.Stop()
			if giveUp == nil {
				t := time.NewTimer(c.shutdownGrace)
				defer t.Stop()
				giveUp = t.C
			}
		}
		wait = min(2*wait, c.backoffMax, bot.RecordRetryMax)
	}
}

// Webhook returns the handler of webhook mode. It accepts POST only,
// checks the X-Bot-Api-Secret-Token header in constant time (401 without
// recording when it is missing or wrong, or when secret is empty), reads
// at most 1 MiB, and answers 200 only once record has stored the update;
// 500 when recording failed, so that the platform may deliver it again.
// Updates with nothing to handle are acknowledged without recording.
// Recording goes on (bounded by the record timeout) even if the platform
// hangs up, since it may not deliver the update again.
func (c *Client) Webhook(secret string, record bot.RecordFunc) http.Handler {
	want := sha256.Sum256([]byte(secret))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := sha256.Sum256([]byte(r.Header.Get(SecretHeader)))
		if secret == "" || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			c.log.Warn().Str("remote", r.RemoteAddr).Msg("zalo: webhook request with a missing or wrong secret")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		u, why := convert(body, c.clock.Now)
		if why != skipNone {
			c.log.Info().Str("reason", string(why)).Msg("zalo: update skipped")
			writeOK(w)
			return
		}
		if u.Invalid != "" {
			// Recorded on the dead list and answered 200: sent again, it
			// would fail again, forever.
			c.log.Warn().Str("update", u.ID).Str("reason", u.Invalid).Msg("zalo: webhook update cannot be handled; it goes to the dead list")
		}
		c.log.Debug().Str("update", u.ID).Str("text", u.Text).Msg("zalo: update received")
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), c.recordTimeout)
		defer cancel()
		if err := record(ctx, u); err != nil {
			c.log.Error().Err(err).Str("update", u.ID).Msg("zalo: recording webhook update failed; answering 500")
			http.Error(w, "not recorded", http.StatusInternalServerError)
			return
		}
		writeOK(w)
	})
}

func writeOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, `{"ok":true}`)
}
