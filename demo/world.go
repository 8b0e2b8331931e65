// Package demo runs chihuy against simulated chat platforms: an in-process
// fake Telegram Bot API and a fake Zalo Bot API that the real clients talk
// to over HTTP, the embedded store, and a provincial unit tree in which
// every unit has its chat. A World is what `chihuy demo` shows in the
// terminal, and what the end-to-end tests drive.
package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/app"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
	"github.com/chihuy/chihuy/bot/zalo/zalotest"
	"github.com/chihuy/chihuy/config"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// Clock is the demo's clock: the real time shifted by an offset that
// `/tua` (fast-forward) moves.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the shifted time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// StartingAt returns a clock that shows t now and runs on from there
// (tests: a known day, with time still passing for rate limits).
func StartingAt(t time.Time) *Clock { return &Clock{offset: time.Until(t)} }

// Options configure a World.
type Options struct {
	// Root is the unit whose subtree the world holds (default "12", Lai
	// Châu province).
	Root string
	// ZaloUnder names a unit whose descendants are on Zalo (their members
	// enrolled in private chats); every other unit has a Telegram group.
	// Default "111" (huyện Tân Uyên); "-" puts everything on Telegram.
	ZaloUnder string
	// Clock is the time source (default: the real time, shiftable).
	Clock *Clock
	// Store is used instead of the embedded one (tests pass a real Redis).
	Store *store.Store
	// Log receives the bot's logs.
	Log zerolog.Logger
	// Tweak adjusts the configuration before the bot starts.
	Tweak func(*config.Config)
	// TelegramLimits are enforced by the fake Telegram server.
	TelegramLimits telegramtest.Limits
}

// Said is one message the bot sent, as the demo shows it.
type Said struct {
	Platform string
	Chat     string
	Unit     *units.Unit // the unit of the chat; nil if unknown
	Text     string
	Buttons  [][]chihuy.Button
	File     string
	Edited   bool
	TgID     int // Telegram message id, for pressing buttons
	Time     time.Time
}

// World is a running bot with its simulated platforms.
type World struct {
	App      *app.App
	Telegram *telegramtest.Server
	Zalo     *zalotest.Server
	Clock    *Clock
	Tree     *units.Tree

	cancel context.CancelFunc
	done   chan error

	mu      sync.Mutex
	said    []Said
	changed chan struct{}
	zaloOf  map[string]bool // unit codes on Zalo
}

// Telegram ids of the simulated people and groups: each unit has a group
// and a lead; Zalo units have a member reached in a private chat.
func groupID(code string) int64 { n, _ := strconv.ParseInt(code, 10, 64); return -(1_000_000_000 + n) }
func leadID(code string) int64  { n, _ := strconv.ParseInt(code, 10, 64); return 700_000_000 + n }
func zaloUser(code string) string { return "zl" + code }

// Admin is the Telegram user id of the demo's administrator.
const Admin = 1

// Start builds the world and starts the bot in the background.
func Start(ctx context.Context, o Options) (*World, error) {
	if o.Root == "" {
		o.Root = "12"
	}
	if o.ZaloUnder == "" {
		o.ZaloUnder = "111"
	}
	if o.Clock == nil {
		o.Clock = &Clock{}
	}
	vn, err := units.Builtin()
	if err != nil {
		return nil, err
	}
	tree, err := vn.Subtree(o.Root)
	if err != nil {
		return nil, err
	}
	w := &World{Clock: o.Clock, Tree: tree, changed: make(chan struct{}), zaloOf: map[string]bool{}, done: make(chan error, 1)}
	w.Telegram = telegramtest.Start(telegramtest.WithUsername("chihuy_demo_bot"), telegramtest.WithReadAllGroupMessages(true),
		telegramtest.WithLimits(o.TelegramLimits))
	w.Zalo = zalotest.Start("demo-zalo-token", zalotest.WithPollCap(500*time.Millisecond))

	cfg := config.Default()
	cfg.Root = o.Root
	cfg.Telegram = config.Platform{Name: chihuy.Telegram, Token: w.Telegram.Token(), APIURL: w.Telegram.URL(), Mode: config.Poll}
	cfg.Zalo = config.Platform{Name: chihuy.Zalo, Token: w.Zalo.Token(), APIURL: w.Zalo.URL(), Mode: config.Poll}
	cfg.Admins = []chihuy.UserRef{{Platform: chihuy.Telegram, ID: strconv.Itoa(Admin)}}
	for _, u := range tree.Units() {
		if o.ZaloUnder != "-" && u.Code != o.ZaloUnder && tree.Within(u.Code, o.ZaloUnder) {
			w.zaloOf[u.Code] = true
			w.Zalo.AddChat(zaloUser(u.Code), "PRIVATE")
			cfg.Chats = append(cfg.Chats, config.ChatBinding{Chat: chihuy.ChatRef{Platform: chihuy.Zalo, ID: zaloUser(u.Code)}, Unit: u.Code})
			cfg.Roles = append(cfg.Roles, config.RoleGrant{User: chihuy.UserRef{Platform: chihuy.Zalo, ID: zaloUser(u.Code)}, Unit: u.Code, Role: chihuy.RoleLead})
			continue
		}
		cfg.Chats = append(cfg.Chats, config.ChatBinding{Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(groupID(u.Code), 10)}, Unit: u.Code})
		cfg.Roles = append(cfg.Roles, config.RoleGrant{User: chihuy.UserRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(leadID(u.Code), 10)}, Unit: u.Code, Role: chihuy.RoleLead})
	}
	// The simulated groups are read by one person: no need to hold the
	// demo to Telegram's 20 messages a minute per group.
	for name, l := range cfg.Limits {
		l.PerGroupPerMinute = 600
		l.PerChatPerSecond = 10
		cfg.Limits[name] = l
	}
	if o.Tweak != nil {
		o.Tweak(cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.closeServers()
		return nil, err
	}
	cfg.HTTPAddr = ln.Addr().String()
	cfg.PublicURL = "http://" + ln.Addr().String()
	a, err := app.New(ctx, cfg, o.Log, app.Options{Clock: o.Clock, Store: o.Store, Tree: tree, Listener: ln,
		PollTimeout: time.Second, Demo: true})
	if err != nil {
		ln.Close()
		w.closeServers()
		return nil, err
	}
	w.App = a
	w.Telegram.OnSend(func(s telegramtest.Sent) {
		ref := strconv.FormatInt(s.Chat, 10)
		w.add(Said{Platform: chihuy.Telegram, Chat: ref, Unit: w.unitOfChat(chihuy.Telegram, ref), Text: s.Text,
			Buttons: s.Buttons, File: s.FileName, Edited: s.Edits > 0, TgID: s.MessageID, Time: o.Clock.Now()})
	})
	w.Zalo.Subscribe(func(s zalotest.Sent) {
		if s.Method == "sendChatAction" {
			return
		}
		text := s.Text
		if s.Method == "sendPhoto" {
			text = s.Caption
		}
		w.add(Said{Platform: chihuy.Zalo, Chat: s.ChatID, Unit: w.unitOfChat(chihuy.Zalo, s.ChatID), Text: text,
			File: s.Photo, Time: o.Clock.Now()})
	})
	rctx, cancel := context.WithCancel(ctx)
	w.cancel = cancel
	go func() { w.done <- a.Run(rctx) }()
	return w, nil
}

func (w *World) unitOfChat(platform, id string) *units.Unit {
	if platform == chihuy.Zalo {
		u, _ := w.Tree.Get(strings.TrimPrefix(id, "zl"))
		return u
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n > -1_000_000_000 {
		return nil
	}
	u, _ := w.Tree.Get(fmt.Sprintf("%d", -n-1_000_000_000))
	if u == nil { // codes with a leading zero (communes)
		u, _ = w.Tree.Get(fmt.Sprintf("%05d", -n-1_000_000_000))
	}
	if u == nil {
		u, _ = w.Tree.Get(fmt.Sprintf("%03d", -n-1_000_000_000))
	}
	if u == nil {
		u, _ = w.Tree.Get(fmt.Sprintf("%02d", -n-1_000_000_000))
	}
	return u
}

func (w *World) add(s Said) {
	w.mu.Lock()
	w.said = append(w.said, s)
	close(w.changed)
	w.changed = make(chan struct{})
	w.mu.Unlock()
}

// OnZalo reports whether unit code is reached on Zalo.
func (w *World) OnZalo(code string) bool { return w.zaloOf[code] }

// Say sends text as the lead of unit code, in the unit's chat (its
// Telegram group, or the member's private Zalo chat).
func (w *World) Say(code, text string) error {
	u, ok := w.Tree.Get(code)
	if !ok {
		return fmt.Errorf("no unit %s", code)
	}
	if w.zaloOf[code] {
		w.Zalo.PushText(zaloUser(code), "PRIVATE", zaloUser(code), "Cán bộ "+u.Name, text)
		return nil
	}
	w.Telegram.PushMessage(groupID(code), "supergroup", "BCĐ "+u.Title(), leadID(code), "Chỉ huy "+u.Name, text)
	return nil
}

// SayAs sends text as a Telegram user (e.g. the admin) in a private chat.
func (w *World) SayAs(userID int64, name, text string) {
	w.Telegram.PushMessage(userID, "private", "", userID, name, text)
}

// Press presses a button of a Telegram message, as the lead of unit code.
func (w *World) Press(code string, s Said, data string) {
	w.Telegram.PushCallback(groupID(code), s.TgID, leadID(code), "Chỉ huy "+code, data)
}

// Said returns everything the bot sent so far.
func (w *World) Said() []Said {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Said(nil), w.said...)
}

// SaidTo returns what the bot sent to unit code's chats.
func (w *World) SaidTo(code string) []Said {
	var out []Said
	for _, s := range w.Said() {
		if s.Unit != nil && s.Unit.Code == code {
			out = append(out, s)
		}
	}
	return out
}

// WaitFor waits until a message to unit code satisfies match, or ctx ends.
func (w *World) WaitFor(ctx context.Context, code string, match func(Said) bool) (Said, error) {
	for {
		w.mu.Lock()
		ch := w.changed
		for _, s := range w.said {
			if s.Unit != nil && s.Unit.Code == code && match(s) {
				w.mu.Unlock()
				return s, nil
			}
		}
		w.mu.Unlock()
		select {
		case <-ctx.Done():
			return Said{}, fmt.Errorf("waiting for a message to %s: %w", code, ctx.Err())
		case <-ch:
		}
	}
}

// WaitText waits for a message to unit code containing sub.
func (w *World) WaitText(ctx context.Context, code, sub string) (Said, error) {
	return w.WaitFor(ctx, code, func(s Said) bool { return strings.Contains(s.Text, sub) })
}

// Quiet waits until the bot has sent nothing for d (or ctx ends).
func (w *World) Quiet(ctx context.Context, d time.Duration) {
	for {
		w.mu.Lock()
		ch := w.changed
		w.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-ch:
		case <-time.After(d):
			return
		}
	}
}

// Units lists the world's units, top first.
func (w *World) Units() []*units.Unit {
	us := w.Tree.Units()
	sort.SliceStable(us, func(i, j int) bool { return us[i].Depth < us[j].Depth })
	return us
}

// Stop stops the bot and the simulated platforms.
func (w *World) Stop() error {
	w.cancel()
	var err error
	select {
	case err = <-w.done:
	case <-time.After(15 * time.Second):
		err = errors.New("the bot did not stop within 15 s")
	}
	w.App.Close()
	w.closeServers()
	return err
}

func (w *World) closeServers() {
	w.Telegram.Close()
	w.Zalo.Close()
}
