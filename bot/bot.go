// Package bot connects the bot to chat platforms. It defines the small
// interface every platform adapter implements (bot/telegram, bot/zalo), the
// typed send errors that tell the outbox whether to retry, the outbox
// sender with its rate limits, and the intake that records updates durably
// before the platform is acknowledged.
package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/chihuy/chihuy"
)

// Info is what a platform says about the bot itself (getMe).
type Info struct {
	ID       string
	Username string
	// CanReadAllGroupMessages is false on Telegram while privacy mode is on:
	// the bot then sees only commands, replies and mentions in groups.
	CanReadAllGroupMessages bool
	// CanJoinGroups is false on Zalo today: members enrol in private chats.
	CanJoinGroups bool
}

// Command is one entry of the platform's command menu.
type Command struct {
	Name        string // without the slash
	Description string
}

// Platform is one chat platform's client. Implementations are safe for
// concurrent use.
type Platform interface {
	// Name is the platform name used in chat references ("telegram", "zalo").
	Name() string
	// TextLimit is the longest text one message may carry, in runes.
	TextLimit() int
	// HasButtons reports whether inline buttons exist on the platform.
	HasButtons() bool
	// Me asks the platform who the bot is.
	Me(ctx context.Context) (Info, error)
	// SetCommands registers the command menu, where the platform has one.
	SetCommands(ctx context.Context, cmds []Command) error
	// Send delivers one message part: m.Text is already within TextLimit.
	// When editID is not empty the message with that platform id is edited
	// instead. It returns the platform id of the message sent. Errors are
	// *SendError when the platform answered.
	Send(ctx context.Context, m chihuy.Message, editID string) (messageID string, err error)
}

// CommandScope narrows a command menu to one chat, or to one member of a
// chat (Telegram's BotCommandScopeChat and BotCommandScopeChatMember):
// a lead sees the directing commands where members see only reporting.
type CommandScope struct {
	Chat string // platform chat id
	User string // platform user id; empty: everyone in Chat
}

// ScopedCommandSetter is a Platform whose command menu can differ by chat
// and member.
type ScopedCommandSetter interface {
	SetScopedCommands(ctx context.Context, scope CommandScope, cmds []Command) error
}

// Receiver gets updates from a platform. Record must return nil only once
// the update is durably stored; the platform is acknowledged (offset
// advanced, webhook answered 200) only after that.
type Receiver interface {
	// Poll long-polls until ctx ends.
	Poll(ctx context.Context, record RecordFunc) error
	// Webhook returns the HTTP handler for webhook mode. It checks the
	// platform's secret header in constant time and answers 401 without
	// recording when it does not match.
	Webhook(secret string, record RecordFunc) http.Handler
	// SetWebhook registers url with the secret; DeleteWebhook removes it.
	SetWebhook(ctx context.Context, url, secret string) error
	DeleteWebhook(ctx context.Context) error
}

// RecordRetryMax bounds the wait between two tries of a recording that
// failed (the store is failing over or restarting): the intake notices
// that the store is back within about this long, instead of after a
// backoff grown for a platform outage.
const RecordRetryMax = time.Second

// RecordFunc stores one update durably. It returns nil for a duplicate.
type RecordFunc func(ctx context.Context, u chihuy.Update) error

// Failure classifies a failed send so the outbox knows what to do.
type Failure int

const (
	// Retry: network error, timeout, 5xx: retry with backoff.
	Retry Failure = iota
	// RateLimited: 429; wait exactly RetryAfter.
	RateLimited
	// ChatGone: 403 (blocked, kicked) or chat not found: mark the binding
	// broken, tell the parent unit, do not retry.
	ChatGone
	// Permanent: the request itself is wrong (400 other than chat not
	// found): drop it and log.
	Permanent
	// Migrated: the group became a supergroup with a new chat id
	// (MigratedTo): move what is queued for the chat there and send the
	// message again to the new id.
	Migrated
)

func (f Failure) String() string {
	switch f {
	case Retry:
		return "retry"
	case RateLimited:
		return "rate_limited"
	case ChatGone:
		return "chat_gone"
	case Permanent:
		return "permanent"
	case Migrated:
		return "migrated"
	}
	return fmt.Sprintf("failure(%d)", int(f))
}

// SendError is a failed platform call with its retry policy.
type SendError struct {
	Platform    string
	Failure     Failure
	Code        int           // platform error code, 0 for network errors
	RetryAfter  time.Duration // for RateLimited
	MigratedTo  string        // for Migrated: the chat's new id
	Description string
	Err         error // underlying error, if any
}

func (e *SendError) Error() string {
	s := fmt.Sprintf("%s send: %s (code %d): %s", e.Platform, e.Failure, e.Code, e.Description)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" retry after %s", e.RetryAfter)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *SendError) Unwrap() error { return e.Err }

// FailureOf classifies any error: a *SendError's own failure, Retry for
// anything else (network trouble is worth another try).
func FailureOf(err error) Failure {
	var se *SendError
	if errors.As(err, &se) {
		return se.Failure
	}
	return Retry
}
