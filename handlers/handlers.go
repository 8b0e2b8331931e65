// Package handlers decides what the bot does with each update: the
// command router, enrollment and roles, reports, summaries, directives and
// exports. It reads and writes the store and puts every answer in the
// outbox; it never talks to a platform directly.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/outboxkey"
	"github.com/chihuy/chihuy/reorg"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// PlatformInfo is what the handlers need to know about a platform.
type PlatformInfo struct {
	Buttons bool // inline buttons exist
	// CanReadAll is false for a Telegram bot in privacy mode: it sees
	// only commands and replies in groups.
	CanReadAll bool
	// TextLimit is the longest message in runes, as the platform
	// declares it (bot.Platform.TextLimit). Zero: not known, and long
	// texts are left for the outbox to split.
	TextLimit int
	// NoEdits is true where a sent message cannot be edited (Zalo): the
	// lead's progress goes at milestones there, never one per event.
	NoEdits bool
	// Menus is true where the command menu can differ by chat and member
	// (Telegram; Zalo has no menus): see menus.go.
	Menus bool
}

// textLimit is the text limit of chat's platform, as its PlatformInfo
// declares it. Where none is declared, texts are not split here: the
// outbox splits them at the platform's own limit.
func (h *Handler) textLimit(chat chihuy.ChatRef) int {
	if p := h.Platforms[chat.Platform]; p.TextLimit > 0 {
		return p.TextLimit
	}
	return noTextLimit
}

// noTextLimit is the limit of a platform that declared none: larger than
// any text, small enough that sums of lengths do not overflow.
const noTextLimit = math.MaxInt32

// Deps are the handler's collaborators and settings. The settings are
// taken as given, zero included: their defaults are config.Default's,
// and the caller (app) passes the configuration's values.
type Deps struct {
	Store *store.Store
	Tree  *units.Tree
	// Reorg, when set, is the reorganisation that made Tree the tree in
	// force: figures of days before its effective date are read from the
	// old units (see history.go).
	Reorg   *reorg.Plan
	DataSet *dataset.DataSet // nil: the built-in data set
	Clock   chihuy.Clock     // nil: the system clock
	// Loc is the zone of civil days and deadlines (nil: UTC; the
	// configuration's zone in production).
	Loc       *time.Location
	Log       zerolog.Logger
	Admins    []chihuy.UserRef
	Platforms map[string]PlatformInfo
	// InviteTTL is how long an invite code stays valid.
	InviteTTL time.Duration
	// ReportWindow is how many days back a report may be dated.
	ReportWindow int
	// DailyDeadline is the time of day reports are due ("17:00" → 17h),
	// as an offset from midnight; a report after it is late.
	DailyDeadline time.Duration
	// Coverage are the vaccination coverage thresholds (fraction) by
	// element code, for digests.
	Coverage map[string]float64
	// ConfirmAbove is how many target units make a directive wait for
	// the lead's confirmation.
	ConfirmAbove int
	// Demo enables commands that only make sense in `chihuy demo`.
	Demo bool
	// FastForward moves the demo's clock to the next hh:mm (demo only).
	FastForward func(hhmm string) error
	// AnswerCallback answers a button press at once through the platform
	// (a chihuy.Message with CallbackID). A callback answer is not a chat
	// message: it must not wait in the chat's queue behind the group's
	// rate limit, and after a crash it is too late to send. When nil,
	// answers go through the outbox.
	AnswerCallback func(ctx context.Context, m chihuy.Message) error
	// SetMenu sets the command menu of one scope of a platform whose
	// PlatformInfo has Menus (Telegram's setMyCommands with
	// BotCommandScopeChat or BotCommandScopeChatMember). Errors are
	// *bot.SendError when the platform answered. When nil, menus are
	// those set at start.
	SetMenu func(ctx context.Context, platform string, scope bot.CommandScope, cmds []bot.Command) error
}

// callbackTimeout bounds one direct answer of a button press.
const callbackTimeout = 10 * time.Second

// Handler handles updates. It is safe for concurrent use.
type Handler struct {
	Deps
	// commands are the rows of commandTable (commands.go) by name and
	// alias.
	commands map[string]*command
	admins   map[chihuy.UserRef]bool
	mu       sync.Mutex
	// shownProgress is the last progress text queued per directive (the
	// message itself, then each edit), so an unchanged progress is not
	// edited again and does not take the throttle's turn.
	shownProgress map[string]string
	// menus keeps the menu refreshes of one scope in order (menus.go).
	menus menuLocks
}

// New returns a handler running the commands of commandTable.
func New(d Deps) *Handler {
	if d.Clock == nil {
		d.Clock = chihuy.SystemClock{}
	}
	if d.Loc == nil {
		d.Loc = time.UTC
	}
	if d.DataSet == nil {
		d.DataSet = dataset.Builtin()
	}
	h := &Handler{Deps: d, admins: map[chihuy.UserRef]bool{}, shownProgress: map[string]string{}}
	h.commands = commandIndex(commandTable(), d.Demo && d.FastForward != nil)
	for _, a := range d.Admins {
		h.admins[a] = true
	}
	return h
}

// now is the handler's clock in the configured zone.
func (h *Handler) now() time.Time { return h.Clock.Now().In(h.Loc) }

// today is the current civil day in the configured zone.
func (h *Handler) today() chihuy.Day { return chihuy.DayOf(h.now()) }

// request is one update being handled.
type request struct {
	u       chihuy.Update
	binding *store.Binding // nil when the chat is not bound
	unit    *units.Unit    // the bound unit, nil when unbound
	cmd     string         // command name without slash, "" for free text
	args    string         // text after the command
	n       int            // replies sent so far
}

// Handle handles one update. It returns an error only for internal
// failures (the update is then handled again later); user mistakes are
// answered, not returned.
func (h *Handler) Handle(ctx context.Context, u chihuy.Update) error {
	r := &request{u: u}
	b, err := h.Store.Binding(ctx, u.Chat)
	switch {
	case err == nil:
		r.binding = &b
		r.unit, _ = h.Tree.Get(b.Unit)
	case chihuy.ErrorCode(err) != chihuy.ENOTFOUND:
		return err
	}
	err = h.dispatch(ctx, r)
	if code := chihuy.ErrorCode(err); code != "" && code != chihuy.EINTERNAL {
		// A user mistake: answered, never retried.
		if r.u.Callback != nil {
			return h.answerCallback(ctx, r, chihuy.ErrorMessage(err))
		}
		return h.reply(ctx, r, chihuy.ErrorMessage(err))
	}
	return err
}

// dispatch routes an update: a moved chat, the bot's membership, a
// button press (handleCallback), a command (the table of commands.go) or
// free text (handleText).
func (h *Handler) dispatch(ctx context.Context, r *request) error {
	if r.u.MigratedTo != nil {
		return h.migrate(ctx, r.u.Chat, *r.u.MigratedTo)
	}
	if r.u.OtherBot {
		return nil // "/cmd@OtherBot": only commands without a bot name or with ours are ours
	}
	if r.u.Membership != "" {
		return h.membership(ctx, r)
	}
	if r.u.Callback != nil {
		return h.handleCallback(ctx, r)
	}
	r.cmd, r.args = splitCommand(stripMention(r.u.Text))
	if r.cmd == "" {
		return h.handleText(ctx, r)
	}
	c, ok := h.commands[r.cmd]
	if ok && r.u.Edited && !c.correctable {
		// An edited command is never run again: the original ran.
		return h.reply(ctx, r, msgEditedCommand)
	}
	if !ok {
		return h.unknownCommand(ctx, r)
	}
	if !c.allowedIn(r) {
		return h.tellUnbound(ctx, r)
	}
	return c.run(h, ctx, r)
}

// stripMention drops a leading "@botname" (Zalo group messages to the
// bot start with it; Telegram mentions may too).
func stripMention(text string) string {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "@") {
		return text
	}
	_, rest, _ := strings.Cut(t, " ")
	return strings.TrimLeft(strings.TrimSpace(rest), ":,")
}

// splitCommand splits "/cmd@bot args" into ("cmd", "args"); free text
// gives ("", text).
func splitCommand(text string) (cmd, args string) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return "", text
	}
	head, rest, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		rest = head[i:] + " " + rest
		head = head[:i]
	}
	head, _, _ = strings.Cut(head, "@")
	return strings.ToLower(head), strings.TrimSpace(rest)
}

// answerCallback answers a button press with a short toast: at once
// through AnswerCallback (off the handling goroutine: a slow platform
// does not hold up the chat's next update), else through the outbox.
func (h *Handler) answerCallback(ctx context.Context, r *request, text string) error {
	m := chihuy.Message{
		Key: outboxkey.CallbackAnswer(r.u.ID), Chat: r.u.Chat, Priority: chihuy.PriorityReply,
		CallbackID: r.u.Callback.ID, Text: text,
	}
	if h.AnswerCallback != nil {
		go func() {
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callbackTimeout)
			defer cancel()
			if err := h.AnswerCallback(actx, m); err != nil {
				h.Log.Warn().Err(err).Str("update", r.u.ID).Msg("answer button press")
			}
		}()
		return nil
	}
	_, err := h.Store.Enqueue(ctx, m)
	return err
}

// tellUnbound explains enrollment once per chat, then stays silent.
func (h *Handler) tellUnbound(ctx context.Context, r *request) error {
	first, err := h.Store.TellOnce(ctx, r.u.Chat, "unbound")
	if err != nil || !first {
		return err
	}
	return h.reply(ctx, r, msgUnbound)
}

// reply answers the update in its chat. Keys derive from the update, so
// handling the same update twice never sends an answer twice.
func (h *Handler) reply(ctx context.Context, r *request, text string) error {
	return h.replyWith(ctx, r, chihuy.Message{Text: text})
}

func (h *Handler) replyWith(ctx context.Context, r *request, m chihuy.Message) error {
	r.n++
	m.Key = outboxkey.Reply(r.u.ID, r.n)
	m.Chat = r.u.Chat
	m.Group = r.u.ChatKind == chihuy.Group
	m.Thread = r.u.Thread // an answer goes to the topic of what it answers
	m.Priority = chihuy.PriorityReply
	if m.ReplyTo == "" {
		m.ReplyTo = r.u.MessageID
	}
	_, err := h.Store.Enqueue(ctx, m)
	return err
}

// sendUnit sends text to every healthy chat of unit, under the keys of
// key's copies, so a repeat of the same event sends nothing new.
func (h *Handler) sendUnit(ctx context.Context, unit string, key outboxkey.Stem, prio chihuy.Priority, text string) (int, error) {
	targets, err := h.Store.Targets(ctx, unit)
	if err != nil {
		return 0, err
	}
	msgs := make([]chihuy.Message, 0, len(targets))
	for _, t := range targets {
		msgs = append(msgs, chihuy.Message{
			Key: key.To(t.Chat), Chat: t.Chat, Group: t.Kind == chihuy.Group, Thread: t.Thread,
			Priority: prio, Text: text,
		})
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	_, err = h.Store.Enqueue(ctx, msgs...)
	return len(msgs), err
}

// ChatGone is the outbox's hook for a chat the platform refused: the
// binding is marked broken and the parent unit is told.
func (h *Handler) ChatGone(ctx context.Context, chat chihuy.ChatRef, cause error) {
	b, err := h.Store.MarkBroken(ctx, chat, reasonOf(cause))
	if err != nil {
		if chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
			h.Log.Error().Err(err).Str("chat", chat.String()).Msg("mark chat broken")
		}
		return
	}
	u, ok := h.Tree.Get(b.Unit)
	if !ok || u.Parent == nil {
		return
	}
	what := "nhóm"
	if b.Kind == chihuy.Private {
		what = "thành viên"
	}
	text := fmt.Sprintf(msgChatGoneParent, what, u.FullName(), u.Code, b.Broken)
	if _, err := h.sendUnit(ctx, u.Parent.Code, outboxkey.ChatGone(chat, h.now()), chihuy.PriorityReply, text); err != nil {
		h.Log.Error().Err(err).Msg("tell parent of broken chat")
	}
}

func reasonOf(err error) string {
	if err == nil {
		return "không gửi được"
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		s = s[i+2:]
	}
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// cmdTua fast-forwards the demo's clock ("/tua 18:00") so the reminders,
// the late list and the digest can be seen at once. Demo only.
func (h *Handler) cmdTua(ctx context.Context, r *request) error {
	if err := h.FastForward(strings.TrimSpace(r.args)); err != nil {
		return h.reply(ctx, r, err.Error())
	}
	return h.reply(ctx, r, fmt.Sprintf(msgTua, strings.TrimSpace(r.args)))
}

// membership handles the bot being added to or removed from a chat. Added
// to a group not yet bound, it explains enrollment; added back to a group
// whose binding broke, it restores it. Removed, it marks the binding
// broken and tells the parent unit, as when a send finds the chat gone.
func (h *Handler) membership(ctx context.Context, r *request) error {
	switch r.u.Membership {
	case chihuy.BotJoined:
		if r.binding == nil {
			if _, err := h.Store.TellOnce(ctx, r.u.Chat, "unbound"); err != nil {
				return err
			}
			return h.reply(ctx, r, msgJoined+"\n\n"+msgUnbound)
		}
		if r.binding.Broken == "" || r.unit == nil {
			return nil
		}
		b := *r.binding
		b.Broken = ""
		if err := h.Store.Bind(ctx, b); err != nil {
			return err
		}
		return h.reply(ctx, r, fmt.Sprintf(msgRejoined, r.unit.String()))
	case chihuy.BotLeft:
		if r.binding != nil && r.binding.Broken == "" {
			h.ChatGone(ctx, r.u.Chat, errors.New(msgRemovedReason))
		}
	}
	return nil
}
