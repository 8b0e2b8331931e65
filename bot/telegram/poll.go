package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/chihuy/chihuy/bot"
)

// pollLimit is the most updates one getUpdates returns.
const pollLimit = 100

// Poll long-polls getUpdates until ctx ends, and then returns ctx's error.
// Each update is converted and handed to record in order; the offset moves
// past an update only once record returned nil for it, so an update whose
// record failed (or was cut short by ctx) comes again, on the next round
// or the next Poll; record must drop duplicates. Failed polls and records
// are retried with backoff (a 429 waits its retry_after) and passed to the
// error handler (WithErrorHandler). Only one Poll may run per bot: Telegram
// refuses concurrent getUpdates, and while a webhook is set.
//
// A webhook left registered (by an earlier run in webhook mode) makes
// Telegram refuse getUpdates with 409 for as long as it is set: Poll
// removes it before the first poll, and again whenever a poll is refused
// because of one, logging the URL it removed.
func (c *Client) Poll(ctx context.Context, record bot.RecordFunc) error {
	offset, failures := 0, 0
	clearWebhook := true
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if clearWebhook {
			if err := c.removeWebhook(ctx); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				c.report(err)
			} else {
				clearWebhook = false
			}
		}
		raws, err := c.getUpdates(ctx, offset)
		if webhookActive(err) {
			clearWebhook = true
		}
		recording := false
		if err == nil {
			offset, err = c.recordAll(ctx, raws, offset, record)
			recording = err != nil
		}
		if err == nil {
			failures = 0
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.report(err)
		wait := c.backoff(failures)
		failures++
		var se *bot.SendError
		if errors.As(err, &se) && se.Failure == bot.RateLimited {
			wait = se.RetryAfter
		} else if recording {
			wait = min(wait, bot.RecordRetryMax) // the store: back as soon as it is
		}
		if !c.sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}

// removeWebhook deletes a registered webhook, keeping its pending
// updates for getUpdates, and logs the URL it removed.
func (c *Client) removeWebhook(ctx context.Context) error {
	var info struct {
		URL                string `json:"url"`
		PendingUpdateCount int    `json:"pending_update_count"`
	}
	err := c.call(ctx, c.reqTimeout, func(api *tgbotapi.BotAPI) error {
		resp, err := api.MakeRequest("getWebhookInfo", nil)
		if err != nil {
			return err
		}
		return json.Unmarshal(resp.Result, &info)
	})
	if err != nil {
		return fmt.Errorf("telegram getWebhookInfo: %w", err)
	}
	if info.URL == "" {
		return nil
	}
	if err := c.DeleteWebhook(ctx); err != nil {
		return err
	}
	c.log.Warn().Str("url", info.URL).Int("pending_updates", info.PendingUpdateCount).
		Msg("telegram: poll mode: removed the webhook left registered (getUpdates is refused while one is set)")
	return nil
}

// webhookActive reports whether getUpdates was refused because a webhook
// is set (409 naming the webhook).
func webhookActive(err error) bool {
	var se *bot.SendError
	return errors.As(err, &se) && se.Code == http.StatusConflict &&
		strings.Contains(strings.ToLower(se.Description), "webhook")
}

// getUpdates asks for the updates from offset on, each left undecoded so
// that one update the library cannot read does not block the others.
func (c *Client) getUpdates(ctx context.Context, offset int) ([]json.RawMessage, error) {
	// getUpdates' timeout is whole seconds, and never 0: an empty short
	// poll would be asked again at once, without end.
	secs := max(1, int((c.pollTimeout+time.Second-1)/time.Second))
	cfg := tgbotapi.UpdateConfig{Offset: offset, Limit: pollLimit, Timeout: secs, AllowedUpdates: allowedUpdates}
	var raws []json.RawMessage
	err := c.call(ctx, time.Duration(secs)*time.Second+c.reqTimeout, func(api *tgbotapi.BotAPI) error {
		resp, err := api.Request(cfg)
		if err != nil {
			return err
		}
		return json.Unmarshal(resp.Result, &raws)
	})
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates offset %d: %w", offset, err)
	}
	return raws, nil
}

// recordAll records the updates in order and returns the offset past the
// last one recorded. It stops at the first failure to record. An update
// that cannot be converted is recorded too, as dead (see convert): no
// update can hold up the ones behind it.
func (c *Client) recordAll(ctx context.Context, raws []json.RawMessage, offset int, record bot.RecordFunc) (int, error) {
	for _, raw := range raws {
		u, id, ok := c.convert(raw, c.clock.Now())
		if ok && id < offset {
			continue // confirmed already
		}
		if u.Invalid != "" {
			c.report(fmt.Errorf("telegram update %s goes to the dead list: %s: %.200s", u.ID, u.Invalid, raw))
		}
		if err := record(ctx, u); err != nil {
			return offset, fmt.Errorf("telegram record update %s: %w", u.ID, err)
		}
		if ok {
			offset = id + 1
		}
	}
	return offset, nil
}

func (c *Client) report(err error) {
	if c.onError != nil {
		c.onError(err)
	}
}

// backoff is the wait after n failures in a row: doubling from the
// minimum, capped, with ±20 % jitter so that restarted bots spread out.
func (c *Client) backoff(n int) time.Duration {
	d := c.backoffMin
	for i := 0; i < n && d < c.backoffMax; i++ {
		d *= 2
	}
	d = min(d, c.backoffMax)
	return d + time.Duration((rand.Float64()*0.4-0.2)*float64(d))
}
