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
	// Tree replaces the built-in tree's Root subtree.
	Tree *units.Tree
	// Units names the built-in tree whose Root subtree the world holds:
	// units.TreeMarch2025 (the default) or units.TreeJuly2025 (Lai Châu's
	// 38 communes and wards since 1 July 2025; every unit on Telegram, as
	// ZaloUnder's default district no longer exists).
	Units string
}

// Said is one message the bot sent, as the demo shows it.
type Said struct {
	Platform string
	Chat     string
	Unit     *units.Unit // the unit of the chat; nil if unknown
	Text     string
	Buttons  [][]chihuy.Button
	File     string // a file's name (Telegram) or URL (Zalo pictures)
	FileData []byte // the file's content when the platform received it (Telegram)
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
	cfg    *config.Config
	opts   Options

	mu      sync.Mutex
	said    []Said
	changed chan struct{}
	zaloOf  map[string]bool // unit codes on Zalo
	index   map[string]int  // unit code → position in the tree
	order   []*units.Unit   // units by position
}

// Ids of the simulated people and groups: each unit (the i-th in the
// tree's order) has a Telegram group and a lead; Zalo units have a member
// reached in a private chat.
func (w *World) groupID(code string) int64 { return -(1_000_000_000 + int64(w.index[code])) }
func (w *World) leadID(code string) int64  { return 700_000_000 + int64(w.index[code]) }
func zaloUser(code string) string          { return "zl" + code }

// Admin is the Telegram user id of the demo's administrator.
const Admin = 1

// Start builds the world and starts the bot in the background.
func Start(ctx context.Context, o Options) (*World, error) {
	if o.Root == "" {
		o.Root = "12"
	}
	if o.ZaloUnder == "" {
		o.ZaloUnder = "111"
		if o.Units == units.TreeJuly2025 {
			o.ZaloUnder = "-"
		}
	}
	if o.Clock == nil {
		o.Clock = &Clock{}
	}
	tree := o.Tree
	if tree == nil {
		name := o.Units
		if name == "" {
			name = units.TreeMarch2025
		}
		vn, err := units.BuiltinNamed(name)
		if err != nil {
			return nil, err
		}
		if tree, err = vn.Subtree(o.Root); err != nil {
			return nil, err
		}
	}
	w := &World{Clock: o.Clock, Tree: tree, changed: make(chan struct{}), zaloOf: map[string]bool{}, index: map[string]int{}, done: make(chan error, 1)}
	w.order = tree.Units()
	for i, u := range w.order {
		w.index[u.Code] = i
	}
	// the simulated platforms stamp messages with the demo's clock, as the
	// real ones stamp them with the time they were written
	w.Telegram = telegramtest.Start(telegramtest.WithUsername("chihuy_demo_bot"), telegramtest.WithReadAllGroupMessages(true),
		telegramtest.WithLimits(o.TelegramLimits), telegramtest.WithClock(o.Clock))
	w.Zalo = zalotest.Start("demo-zalo-token", zalotest.WithPollCap(500*time.Millisecond), zalotest.WithClock(o.Clock))

	cfg := config.Default()
	cfg.Root = tree.Root().Code
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
		cfg.Chats = append(cfg.Chats, config.ChatBinding{Chat: chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(w.groupID(u.Code), 10)}, Unit: u.Code})
		cfg.Roles = append(cfg.Roles, config.RoleGrant{User: chihuy.UserRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(w.leadID(u.Code), 10)}, Unit: u.Code, Role: chihuy.RoleLead})
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
	w.cfg, w.opts = cfg, o
	if err := w.startApp(ctx); err != nil {
		w.closeServers()
		return nil, err
	}
	w.Telegram.OnSend(func(s telegramtest.Sent) {
		ref := strconv.FormatInt(s.Chat, 10)
		w.add(Said{Platform: chihuy.Telegram, Chat: ref, Unit: w.unitOfChat(chihuy.Telegram, ref), Text: s.Text,
			Buttons: s.Buttons, File: s.FileName, FileData: s.FileData, Edited: s.Edits > 0, TgID: s.MessageID, Time: o.Clock.Now()})
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
	w.run(ctx)
	return w, nil
}

// startApp wires a new bot on the world's configuration and store.
func (w *World) startApp(ctx context.Context) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	w.cfg.HTTPAddr = ln.Addr().String()
	w.cfg.PublicURL = "http://" + ln.Addr().String()
	a, err := app.New(ctx, w.cfg, w.opts.Log, app.Options{Clock: w.opts.Clock, Store: w.opts.Store, Tree: w.Tree, Listener: ln,
		PollTimeout: time.Second, Demo: true, FastForward: func(hhmm string) error {
			go w.fastForward(hhmm) // from a handler: the clock moves while jobs run
			return w.checkTime(hhmm)
		}})
	if err != nil {
		ln.Close()
		return err
	}
	w.App = a
	return nil
}

func (w *World) run(ctx context.Context) {
	rctx, cancel := context.WithCancel(ctx)
	w.cancel = cancel
	done := make(chan error, 1)
	w.done = done
	go func() { done <- w.App.Run(rctx) }()
}

// StartSecond starts another bot process on the same store and platforms
// (tests of several processes sharing one Redis). It stops with ctx.
func (w *World) StartSecond(ctx context.Context) (*app.App, <-chan error, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	cfg := *w.cfg
	cfg.HTTPAddr = ln.Addr().String()
	a, err := app.New(ctx, &cfg, w.opts.Log, app.Options{Clock: w.opts.Clock, Store: w.opts.Store, Tree: w.Tree,
		Listener: ln, PollTimeout: time.Second, Demo: true, Instance: cfg.Instance + "-second"})
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	return a, done, nil
}

// Restart stops the bot as a kill would (its context ends; what was in
// flight is left to the journal and the outbox leases) and starts a new
// one on the same store and simulated platforms. Tests only: the embedded
// store of the demo does not survive its process.
func (w *World) Restart(ctx context.Context) error {
	w.cancel()
	select {
	case <-w.done:
	case <-time.After(15 * time.Second):
		return errors.New("the bot did not stop within 15 s")
	}
	if w.opts.Store == nil {
		w.App.Close()
	}
	if err := w.startApp(ctx); err != nil {
		return err
	}
	w.run(ctx)
	return nil
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
	i := int(-n - 1_000_000_000)
	if i < 0 || i >= w.Tree.Len() {
		return nil
	}
	u := w.order[i]
	return u
}

func (w *World) add(s Said) {
	w.mu.Lock()
	w.said = append(w.said, s)
	close(w.changed)
	w.changed = make(chan struct{})
	w.mu.Unlock()
}

// Advance moves the clock forward by d in steps of 20 minutes, letting
// the scheduler run what falls due at each step, as if the time passed.
func (w *World) Advance(d time.Duration) {
	const step = 20 * time.Minute
	for d > 0 {
		s := min(d, step)
		w.Clock.Advance(s)
		w.App.Kick()
		d -= s
		time.Sleep(60 * time.Millisecond)
	}
}

// parseHHMM reads "18:00", "18h", "18h30", "18".
func parseHHMM(s string) (h, m int, err error) {
	s = strings.ReplaceAll(strings.TrimSpace(strings.ToLower(s)), "h", ":")
	hs, ms, _ := strings.Cut(s, ":")
	if h, err = strconv.Atoi(hs); err != nil || h < 0 || h > 23 {
		return 0, 0, errors.New(msgBadHour)
	}
	if ms != "" {
		if m, err = strconv.Atoi(ms); err != nil || m < 0 || m > 59 {
			return 0, 0, errors.New(msgBadHour)
		}
	}
	return h, m, nil
}

func (w *World) checkTime(hhmm string) error {
	_, _, err := parseHHMM(hhmm)
	return err
}

// fastForward advances the clock to the next hh:mm.
func (w *World) fastForward(hhmm string) {
	h, m, err := parseHHMM(hhmm)
	if err != nil {
		return
	}
	now := w.Clock.Now().In(w.App.Cfg.Location)
	target := time.Date(now.Year(), now.Month(), now.Day(), h, m, 0, 0, now.Location())
	if !target.After(now) {
		target = target.AddDate(0, 0, 1)
	}
	w.Advance(target.Sub(now))
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
	w.Telegram.PushMessage(w.groupID(code), "supergroup", "BCĐ "+u.FullName(), w.leadID(code), "Chỉ huy "+u.Name, text)
	return nil
}

// SayMember sends text as an ordinary member (not a lead) in unit code's
// Telegram group.
func (w *World) SayMember(code, text string) {
	w.Telegram.PushMessage(w.groupID(code), "supergroup", "BCĐ "+code, w.leadID(code)+100_000_000, "Thành viên "+code, text)
}

// Press presses a button of a Telegram message, as the lead of unit code.
func (w *World) Press(code string, s Said, data string) {
	name := code
	if u, ok := w.Tree.Get(code); ok {
		name = u.Name
	}
	w.Telegram.PushCallback(w.groupID(code), s.TgID, w.leadID(code), "Chỉ huy "+name, data)
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
