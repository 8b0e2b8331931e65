package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/chihuy/chihuy/bot"
)

// SecretHeader carries the webhook secret on Telegram's requests.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// MaxWebhookBody is the largest update body the webhook reads; an update
// is a few kilobytes.
const MaxWebhookBody = 1 << 20

// Webhook returns the handler for Telegram's webhook requests. It answers
// 405 to anything but POST, 401 without recording when the secret header
// does not match secret (always, if secret is empty), 413 beyond
// MaxWebhookBody, 400 to a body that is not an update, 500 when record
// fails (Telegram then delivers the update again) and 200 once record
// stored it.
func (c *Client) Webhook(secret string, record bot.RecordFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(SecretHeader)
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "update too large", http.StatusRequestEntityTooLarge)
			return
		} else if err != nil {
			http.Error(w, "read update", http.StatusBadRequest)
			return
		}
		u, _, ok := c.convert(body, c.clock.Now())
		if !ok {
			// Not even an update_id: nothing Telegram would send.
			http.Error(w, "not a Telegram update", http.StatusBadRequest)
			return
		}
		if u.Invalid != "" {
			c.report(fmt.Errorf("telegram webhook: update %s goes to the dead list: %s", u.ID, u.Invalid))
		}
		if err := record(r.Context(), u); err != nil {
			c.report(fmt.Errorf("telegram webhook: record update %s: %w", u.ID, err))
			http.Error(w, "not recorded, send again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// SetWebhook registers url with Telegram, with secret sent back in
// SecretHeader on every request, for the update kinds the bot reads.
// Telegram wants secret to be 1–256 of A–Z, a–z, 0–9, _ and -.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	if !validSecret(secret) {
		return fmt.Errorf("telegram setWebhook: the secret must be 1 to 256 of A-Z, a-z, 0-9, _ and -")
	}
	allowed, err := json.Marshal(allowedUpdates)
	if err != nil {
		return fmt.Errorf("telegram setWebhook: %w", err)
	}
	params := tgbotapi.Params{"url": url, "secret_token": secret, "allowed_updates": string(allowed)}
	err = c.call(ctx, c.reqTimeout, func(api *tgbotapi.BotAPI) error {
		_, err := api.MakeRequest("setWebhook", params)
		return err
	})
	if err != nil {
		return fmt.Errorf("telegram setWebhook: %w", err)
	}
	return nil
}

// DeleteWebhook removes the webhook, keeping pending updates for Poll.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	err := c.call(ctx, c.reqTimeout, func(api *tgbotapi.BotAPI) error {
		_, err := api.Request(tgbotapi.DeleteWebhookConfig{})
		return err
	})
	if err != nil {
		return fmt.Errorf("telegram deleteWebhook: %w", err)
	}
	return nil
}

func validSecret(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
