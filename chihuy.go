// Package chihuy holds the domain types shared by every part of the bot:
// chats and users on a platform, roles, normalised inbound updates and
// outbound messages, and the injectable clock. Packages below it implement
// the domain against one dependency each (store: Redis; bot: Telegram and
// Zalo; units: the administrative tree).
package chihuy

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Platform names as they appear in chat and user references.
const (
	Telegram = "telegram"
	Zalo     = "zalo"
)

// ChatRef names one chat on one platform, written "platform:chat_id".
type ChatRef struct {
	Platform string `json:"p"`
	ID       string `json:"c"`
}

func (c ChatRef) String() string { return c.Platform + ":" + c.ID }

// IsZero reports whether c is the zero reference.
func (c ChatRef) IsZero() bool { return c.Platform == "" && c.ID == "" }

// ParseChatRef parses "platform:id".
func ParseChatRef(s string) (ChatRef, error) {
	p, id, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || p == "" || id == "" {
		return ChatRef{}, Errorf(EINVALID, msgBadChatRef, s)
	}
	return ChatRef{Platform: p, ID: id}, nil
}

// UserRef names one person on one platform, written "platform:user_id".
type UserRef struct {
	Platform string `json:"p"`
	ID       string `json:"u"`
}

func (u UserRef) String() string { return u.Platform + ":" + u.ID }

// ParseUserRef parses "platform:id".
func ParseUserRef(s string) (UserRef, error) {
	p, id, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || p == "" || id == "" {
		return UserRef{}, Errorf(EINVALID, msgBadUserRef, s)
	}
	return UserRef{Platform: p, ID: id}, nil
}

// Telegram's pseudo-senders: accounts that stand for a chat, not a person
// (SPEC §2).
const (
	// TelegramGroupAnonymousBot sends an anonymous group admin's messages;
	// sender_chat is then the group itself.
	TelegramGroupAnonymousBot = "1087968824"
	// TelegramServiceNotifications sends a linked channel's posts into
	// its discussion group.
	TelegramServiceNotifications = "777000"
	// TelegramChannelBot sends the messages a channel writes as itself.
	TelegramChannelBot = "136817688"
)

// IsPseudoUser reports whether u is not a person but an account that
// stands for a chat: Telegram's pseudo-senders, or a chat id (negative on
// Telegram) given where a user is meant. No role can be granted to one.
func IsPseudoUser(u UserRef) bool {
	if u.Platform != Telegram {
		return false
	}
	switch u.ID {
	case TelegramGroupAnonymousBot, TelegramServiceNotifications, TelegramChannelBot:
		return true
	}
	return strings.HasPrefix(u.ID, "-")
}

// Role is what a user may do in a unit's subtree. Roles are ordered:
// a higher role includes the lower ones.
type Role int

const (
	RoleNone   Role = iota
	RoleMember      // report, acknowledge, read the subtree
	RoleLead        // also direct the subtree, grant roles below, make invites
	RoleAdmin       // everything
)

var roleNames = [...]string{"", "member", "lead", "admin"}

func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return fmt.Sprintf("role(%d)", int(r))
	}
	return roleNames[r]
}

// roleLabels are the one Vietnamese name of each role, shown to users
// everywhere (help, /toi, /capquyen, chihuy check).
var roleLabels = [...]string{"", "thành viên", "lãnh đạo", "quản trị"}

// Label is the role's Vietnamese name: "thành viên", "lãnh đạo", "quản trị".
func (r Role) Label() string {
	if r <= RoleNone || int(r) >= len(roleLabels) {
		return ""
	}
	return roleLabels[r]
}

// ParseRole accepts the English names (the configuration's member, lead,
// admin) and the Vietnamese ones, with or without diacritics ("lãnh đạo",
// "lanhdao", and "chỉ huy", the older word for a lead).
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "member", "thanhvien", "thành viên", "thanh vien", "tv":
		return RoleMember, nil
	case "lead", "chihuy", "chỉ huy", "chi huy", "lanhdao", "lãnh đạo", "lanh dao", "ld":
		return RoleLead, nil
	case "admin", "quantri", "quản trị", "quan tri", "qt":
		return RoleAdmin, nil
	}
	return RoleNone, Errorf(EINVALID, msgBadRole, s)
}

// ChatKind tells a private chat from a group.
type ChatKind string

const (
	Private ChatKind = "private"
	Group   ChatKind = "group"
)

// Update is one inbound event from a platform, normalised. It is what the
// intake records durably before acknowledging to the platform.
type Update struct {
	// ID is unique per platform event and is the deduplication key:
	// "telegram:<update_id>", "zalo:<message_id>".
	ID        string   `json:"id"`
	Chat      ChatRef  `json:"chat"`
	ChatKind  ChatKind `json:"kind"`
	ChatTitle string   `json:"title,omitempty"`
	From      UserRef  `json:"from"`
	FromName  string   `json:"name,omitempty"`
	MessageID string   `json:"mid,omitempty"`
	Text      string   `json:"text,omitempty"`
	// ToBot is true when the message addresses the bot: a reply to one of
	// its messages or a mention. Free text in a group is only answered then
	// or when it parses as a report.
	ToBot    bool      `json:"tobot,omitempty"`
	Callback *Callback `json:"cb,omitempty"`
	// Membership is set when the update is the bot's own membership of
	// the chat changing: BotJoined or BotLeft (removed, kicked).
	Membership string    `json:"member,omitempty"`
	Time       time.Time `json:"t"`
	// Thread is the forum topic the message was written in (Telegram's
	// message_thread_id), empty outside topics. Answers go back to it.
	Thread string `json:"thread,omitempty"`
	// Edited is true when the update is a new version of the earlier
	// message MessageID (Telegram's edited_message): an edited report
	// corrects what the original recorded; an edited command is not run
	// again.
	Edited bool `json:"edited,omitempty"`
	// Forwarded is true when the message is a forward of someone else's
	// message (Telegram's forward_origin, forward_from…, forward_date):
	// its figures are not the sender's report.
	Forwarded bool `json:"fwd,omitempty"`
	// Pseudo is true when the sender is not a person: an anonymous group
	// admin (GroupAnonymousBot with sender_chat), a linked channel's post
	// (777000) or a channel writing as itself. It acts with the rights of
	// the chat only, and no role may be granted to it.
	Pseudo bool `json:"pseudo,omitempty"`
	// OtherBot is true when the message is a command addressed to another
	// bot ("/baocao@OtherBot"): it is not for this bot.
	OtherBot bool `json:"otherbot,omitempty"`
	// MigratedTo is set by the service message of a group upgraded to a
	// supergroup: Chat is the old group and MigratedTo the new chat, which
	// takes over its binding and queued messages.
	MigratedTo *ChatRef `json:"migto,omitempty"`
	// Invalid says why the platform's update could not be converted or
	// recorded; such an update goes to the dead list with Raw, the
	// platform's payload, instead of being handled.
	Invalid string `json:"invalid,omitempty"`
	Raw     string `json:"-"`
}

// NoSender reports whether the update names no sender: it then acts as
// nobody (no role, no membership of a private chat).
func (u Update) NoSender() bool { return u.From.ID == "" }

// Membership changes of the bot in a chat.
const (
	BotJoined = "joined"
	BotLeft   = "left"
)

// Callback is a button press (Telegram inline keyboards).
type Callback struct {
	ID        string `json:"id"`
	Data      string `json:"data"`
	MessageID string `json:"mid,omitempty"`
}

// Priority orders outbound messages: replies jump ahead of bulk sends so
// that one huge broadcast never starves the answer to a commune's report.
type Priority int

const (
	PriorityReply Priority = iota // answers to a user, alerts
	PriorityBulk                  // broadcasts, digests, reminders
)

// Button is an inline button; Data comes back in a Callback.
type Button struct {
	Text string `json:"t"`
	Data string `json:"d"`
}

// Message is one outbound item. Every outgoing message goes through the
// outbox; Key makes delivery idempotent (a key confirmed sent is never
// sent again).
type Message struct {
	Key  string  `json:"key"`
	Chat ChatRef `json:"chat"`
	// Group is true when Chat is a group (per-group rate limits apply).
	Group    bool     `json:"grp,omitempty"`
	Priority Priority `json:"prio,omitempty"`
	Text     string   `json:"text,omitempty"`
	// Buttons are inline buttons (Telegram). Platforms without buttons
	// ignore them; the text must already say how to answer by command.
	Buttons [][]Button `json:"btn,omitempty"`
	// ReplyTo is the platform message id to reply to, when any.
	ReplyTo string `json:"re,omitempty"`
	// EditOf, when set, edits an earlier message in place instead of
	// sending a new one. It is the key of that earlier message; the outbox
	// knows which platform message id it became.
	EditOf string `json:"edit,omitempty"`
	// File is a picture or document to send with Text as caption.
	File *File `json:"file,omitempty"`
	// CallbackID answers a button press (Text is shown as a toast).
	CallbackID string `json:"cbid,omitempty"`
	// Thread is the forum topic to post in (Telegram's message_thread_id):
	// the topic of the message answered, or the chat's bound topic.
	Thread string `json:"thread,omitempty"`
	// Supersedes tags a message that makes older ones moot: queuing it
	// drops the chat's queued message with the same tag, unless that one
	// is being sent (the echo of a unit's report for a day supersedes the
	// earlier echoes of that unit and day, so a flood of reports cannot
	// clog the chat's queue).
	Supersedes string `json:"sup,omitempty"`
}

// File is an attachment.
type File struct {
	Name  string `json:"name"`
	Photo bool   `json:"photo,omitempty"` // send as a picture, not a document
	Data  []byte `json:"data"`
}

// Clock tells the time; tests inject a fixed or stepping one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

func (f ClockFunc) Now() time.Time { return f() }

// Sleep waits d of real time, or until ctx ends, and reports whether d
// passed (false: ctx ended first). Retry loops wait with it so that a
// shutdown never waits out a back-off.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
