package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
)

// Error codes of the API (its documented table, plus 409 which getUpdates
// is assumed to answer while a webhook is set, as on Telegram).
const (
	codeBadRequest   = 400
	codeUnauthorized = 401
	codeForbidden    = 403
	codeNotFound     = 404
	codeTimeout      = 408
	codeConflict     = 409
	codeQuota        = 429
)

// errUndecodable marks answers that are not the API's JSON.
var errUndecodable = errors.New("undecodable answer")

// goneMarks are descriptions (lower case) meaning the chat cannot be
// reached any more, whatever the code.
var goneMarks = []string{"chat not found", "user not found", "blocked", "kicked", "not a member", "deactivated"}

// call posts params to method and returns the result of a successful
// answer. Every failure is a *bot.SendError classified for the outbox; the
// bot token never appears in it.
func (c *Client) call(ctx context.Context, method string, params any, timeout time.Duration) (json.RawMessage, error) {
	body, err := json.Marshal(params)
	if err != nil {
		return nil, c.failure(method, bot.Permanent, 0, 0, "encode request", err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/bot"+c.token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return nil, c.failure(method, bot.Permanent, 0, 0, "build request", c.redactErr(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.failure(method, bot.Retry, 0, 0, "request failed", c.redactErr(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return nil, c.failure(method, bot.Retry, resp.StatusCode, 0, "read response", c.redactErr(err))
	}
	var env envelope
	if len(raw) > maxResponseBody || json.Unmarshal(raw, &env) != nil || (!env.OK && env.ErrorCode == 0 && env.Description == "") {
		// Not the API talking: a proxy's HTML page, a truncated body.
		f := bot.Retry
		var wait time.Duration
		if resp.StatusCode == http.StatusTooManyRequests {
			f, wait = bot.RateLimited, c.retryAfterOf(resp, 0)
		}
		return nil, c.failure(method, f, resp.StatusCode, wait,
			fmt.Sprintf("HTTP %d: %s", resp.StatusCode, c.snippet(raw)), errUndecodable)
	}
	if env.OK && resp.StatusCode < 300 {
		return env.Result, nil
	}
	code := int(env.ErrorCode)
	if code == 0 {
		code = resp.StatusCode
	}
	desc := c.redact(env.Description)
	if desc == "" {
		desc = http.StatusText(code)
	}
	f, wait := c.classify(code, desc), time.Duration(0)
	if f == bot.RateLimited {
		ra := int(env.Parameters.RetryAfter)
		if ra <= 0 {
			ra = int(env.RetryAfter)
		}
		wait = c.retryAfterOf(resp, ra)
	}
	return nil, c.failure(method, f, code, wait, desc, nil)
}

// classify maps an API error to the outbox's retry policy.
func (c *Client) classify(code int, desc string) bot.Failure {
	lower := strings.ToLower(desc)
	for _, m := range goneMarks {
		if strings.Contains(lower, m) {
			return bot.ChatGone
		}
	}
	switch {
	case code == codeQuota:
		return bot.RateLimited
	case code == codeForbidden || code == codeNotFound:
		return bot.ChatGone
	case code == codeUnauthorized:
		// A wrong or reset token: nothing is wrong with the message, and
		// it goes out once the operator fixes the token.
		return bot.Retry
	case code == codeTimeout || code >= 500:
		return bot.Retry
	case code >= 400 && code < 500:
		return bot.Permanent
	}
	return bot.Retry
}

// retryAfterOf is the wait the answer asks for: seconds from the body,
// else the Retry-After header, else the default.
func (c *Client) retryAfterOf(resp *http.Response, seconds int) time.Duration {
	if seconds > 0 {
		return time.Duration(seconds) * time.Second
	}
	if h := strings.TrimSpace(resp.Header.Get("Retry-After")); h != "" {
		if n, err := strconv.Atoi(h); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(h); err == nil {
			if d := time.Until(t); d > 0 {
				return d
			}
		}
	}
	return c.retryAfter
}

func (c *Client) failure(method string, f bot.Failure, code int, wait time.Duration, desc string, err error) *bot.SendError {
	return &bot.SendError{
		Platform:    chihuy.Zalo,
		Failure:     f,
		Code:        code,
		RetryAfter:  wait,
		Description: method + ": " + desc,
		Err:         err,
	}
}

// redactErr strips the request URL, which holds the token, from transport
// errors, keeping what errors.Is needs (timeouts, cancellation).
func (c *Client) redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &redactedError{op: ue.Op, err: ue.Err, msg: c.redact(ue.Err.Error())}
	}
	return &redactedError{err: err, msg: c.redact(err.Error())}
}

// redactedError is a transport error with the token masked in its text.
type redactedError struct {
	op  string
	err error
	msg string
}

func (e *redactedError) Error() string {
	if e.op != "" {
		return e.op + ": " + e.msg
	}
	return e.msg
}

func (e *redactedError) Unwrap() error { return e.err }

// Timeout reports whether the underlying error is a timeout (net.Error).
func (e *redactedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.err, &t) && t.Timeout()
}

func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	s = strings.ReplaceAll(s, c.token, "<token>")
	s = strings.ReplaceAll(s, url.PathEscape(c.token), "<token>")
	if _, secret, ok := strings.Cut(c.token, ":"); ok && len(secret) >= 8 {
		s = strings.ReplaceAll(s, secret, "<token>")
	}
	return s
}

// snippet is the start of an undecodable body, token masked (before
// cutting, so that a cut cannot leave half a token), on one line.
func (c *Client) snippet(raw []byte) string {
	s := c.redact(string(raw))
	const limit = 120
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.Join(strings.Fields(s), " ")
}
