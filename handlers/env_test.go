package handlers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// The test environment: a real Redis, the Lai Châu subtree of the built-in
// national tree, a handler with a settable clock, and a drain that takes
// what the handler queued through the real outbox store.

var (
	treeOnce sync.Once
	laiChau  *units.Tree
	treeErr  error
)

func laiChauTree(t testing.TB) *units.Tree {
	treeOnce.Do(func() {
		var vn *units.Tree
		if vn, treeErr = units.Builtin(); treeErr == nil {
			laiChau, treeErr = vn.Subtree("12")
		}
	})
	if treeErr != nil {
		t.Fatal(treeErr)
	}
	return laiChau
}

var vnLoc = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return l
}()

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Store
	h     *Handler
	tree  *units.Tree
	clock *clock
	seq   int
}

const admin = "1001"

func newEnv(t *testing.T) *env {
	t.Helper()
	srv := redistest.Shared(t)
	c := &clock{t: time.Date(2021, 11, 8, 9, 0, 0, 0, vnLoc)}
	st := store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)), store.WithClock(c))
	e := &env{t: t, ctx: context.Background(), st: st, tree: laiChauTree(t), clock: c}
	e.h = New(configured(Deps{
		Store: st, Tree: e.tree, Clock: c, Loc: vnLoc, Log: zerolog.Nop(),
		Admins:    []chihuy.UserRef{{Platform: chihuy.Telegram, ID: admin}},
		Platforms: map[string]PlatformInfo{chihuy.Telegram: {Buttons: true, CanReadAll: true}, chihuy.Zalo: {NoEdits: true}},
	}))
	return e
}

// msg is one message typed by a user.
type msg struct {
	chat string // "telegram:-100106" or "zalo:abc"
	kind chihuy.ChatKind
	from string // user id on the chat's platform
	text string
	fwd  bool      // forwarded from elsewhere
	at   time.Time // when it was written; zero: now
}

// send handles a message and returns what the bot answered (anywhere).
func (e *env) send(m msg) []chihuy.Message {
	e.t.Helper()
	chat, err := chihuy.ParseChatRef(m.chat)
	if err != nil {
		e.t.Fatal(err)
	}
	if m.kind == "" {
		m.kind = chihuy.Group
		if !strings.HasPrefix(chat.ID, "-") && chat.Platform == chihuy.Telegram {
			m.kind = chihuy.Private
		}
	}
	e.seq++
	u := chihuy.Update{
		ID: fmt.Sprintf("%s:%d", chat.Platform, e.seq), Chat: chat, ChatKind: m.kind, ChatTitle: "Nhóm " + chat.ID,
		From: chihuy.UserRef{Platform: chat.Platform, ID: m.from}, FromName: "Cán bộ " + m.from,
		MessageID: fmt.Sprint(e.seq), Text: m.text, Time: e.clock.Now(), Forwarded: m.fwd,
	}
	if !m.at.IsZero() {
		u.Time = m.at
	}
	if err := e.h.Handle(e.ctx, u); err != nil {
		e.t.Fatalf("handle %q: %v", m.text, err)
	}
	return e.drain()
}

// drain takes every message queued for sending, as a sender would.
func (e *env) drain() []chihuy.Message {
	e.t.Helper()
	var out []chihuy.Message
	for _, p := range []string{chihuy.Telegram, chihuy.Zalo} {
		for {
			res, err := e.st.Reserve(e.ctx, p, 100, time.Minute)
			if err != nil {
				e.t.Fatal(err)
			}
			if len(res.Items) == 0 {
				break
			}
			var done []store.Outcome
			for i := range res.Items {
				r := &res.Items[i]
				out = append(out, r.Message)
				done = append(done, r.Sent(fmt.Sprint(len(out)), true, e.clock.Now()))
			}
			if err := e.st.Settle(e.ctx, done...); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	return out
}

// bind binds a chat to a unit directly (as the configuration does).
func (e *env) bind(chat, unit string) {
	e.t.Helper()
	ref, _ := chihuy.ParseChatRef(chat)
	kind := chihuy.Group
	if !strings.HasPrefix(ref.ID, "-") {
		kind = chihuy.Private
	}
	if err := e.st.Bind(e.ctx, store.Binding{Chat: ref, Unit: unit, Kind: kind}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) grant(user, unit string, role chihuy.Role) {
	e.t.Helper()
	if err := e.st.Grant(e.ctx, chihuy.UserRef{Platform: chihuy.Telegram, ID: user}, unit, role); err != nil {
		e.t.Fatal(err)
	}
}

// texts joins the texts of messages sent to chat.
func texts(ms []chihuy.Message, chat string) string {
	var b []string
	for _, m := range ms {
		if m.Chat.String() == chat {
			b = append(b, m.Text)
		}
	}
	return strings.Join(b, "\n---\n")
}
