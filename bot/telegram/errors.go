package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
)

// chatGoneTexts are the descriptions of 400 answers that mean the bot can
// no longer write to the chat (403 always means so).
var chatGoneTexts = []string{
	"chat not found",
	"bot was kicked",
	"bot was blocked",
	"bot is not a member",
	"user is deactivated",
	"have no rights to send",
	"not enough rights to send",
	"chat_write_forbidden",
	"need administrator rights",
	"group chat was upgraded to a supergroup",
	"peer_id_invalid",
	"bot can't initiate conversation",
}

// notModified is the 400 an edit gets when the message already says so.
const notModified = "message is not modified"

// classify turns a failed call into a *bot.SendError. status is the HTTP
// status seen, 0 when no answer came: the library leaves the error code
// out of failed uploads, and Telegram's error_code equals the status.
func classify(err error, status int) *bot.SendError {
	se := &bot.SendError{Platform: chihuy.Telegram, Failure: bot.Retry, Code: status}
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		se.Err = err
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			se.Description = "no answer in time"
		case status != 0:
			se.Description = fmt.Sprintf("HTTP %d with an answer that is not the API's JSON", status)
		default:
			se.Description = "no answer from the API"
		}
		return se
	}
	if te.Code != 0 {
		se.Code = te.Code
	}
	se.Description = te.Message
	lower := strings.ToLower(te.Message)
	switch {
	case te.RetryAfter > 0 || se.Code == http.StatusTooManyRequests:
		se.Failure = bot.RateLimited
		se.RetryAfter = time.Duration(te.RetryAfter) * time.Second
		if se.RetryAfter <= 0 { // a 429 that names no wait: wait a little
			se.RetryAfter = time.Second
		}
	case te.MigrateToChatID != 0:
		// The group became a supergroup with a new id: not a broken chat,
		// the same chat under a new id, where the message is sent again.
		se.Failure = bot.Migrated
		se.MigratedTo = strconv.FormatInt(te.MigrateToChatID, 10)
		se.Description = fmt.Sprintf("%s (migrated to chat %d)", te.Message, te.MigrateToChatID)
	case se.Code == http.StatusForbidden:
		se.Failure = bot.ChatGone
	case se.Code == http.StatusBadRequest && containsAny(lower, chatGoneTexts):
		se.Failure = bot.ChatGone
	case se.Code >= 500, se.Code < 400:
		// Server trouble, or an ok=false answer with no error code: a
		// garbled answer, not a verdict on the request.
		se.Failure = bot.Retry
	case se.Code == http.StatusUnauthorized, se.Code == http.StatusNotFound, se.Code == http.StatusConflict:
		// A revoked token, a wrong API URL, a competing poller: not the
		// message's fault; retrying keeps it until the operator fixes it.
		se.Failure = bot.Retry
	default:
		se.Failure = bot.Permanent
	}
	return se
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// isNotModified reports whether err is the 400 of an edit that changes
// nothing.
func isNotModified(err error) bool {
	var se *bot.SendError
	return errors.As(err, &se) && se.Code == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(se.Description), notModified)
}
