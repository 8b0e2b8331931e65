package handlers

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/bot/telegram"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
)

// menuEnv is the handler's test environment whose menus go to the fake
// Bot API through the real Telegram client.
func menuEnv(t *testing.T) (*env, *telegramtest.Server, func() []string) {
	t.Helper()
	e := newEnv(t)
	srv := telegramtest.Start()
	t.Cleanup(srv.Close)
	c, err := telegram.New(context.Background(), srv.Token(), srv.URL(), telegram.WithRequestTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		calls []string
	)
	e.h.SetMenu = func(ctx context.Context, platform string, scope bot.CommandScope, cmds []bot.Command) error {
		mu.Lock()
		calls = append(calls, platform+":"+scope.Chat+":"+scope.User)
		mu.Unlock()
		if platform != chihuy.Telegram {
			t.Errorf("menu set on %s", platform)
			return nil
		}
		return c.SetScopedCommands(ctx, scope, cmds)
	}
	e.h.Platforms = map[string]PlatformInfo{
		chihuy.Telegram: {Buttons: true, CanReadAll: true, Menus: true},
		chihuy.Zalo:     {NoEdits: true},
	}
	return e, srv, func() []string {
		e.h.menus.wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		out := calls
		calls = nil
		return out
	}
}

// menuNames is the names of a menu the fake recorded, space-separated.
func menuNames(cmds []telegramtest.Command) string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Command)
	}
	return strings.Join(out, " ")
}

// A lead granted with /capquyen gets the lead menu in their private chat
// and in the groups of their subtree; revoked, they get the members' back.
func TestMenusFollowRoles(t *testing.T) {
	e, srv, settled := menuEnv(t)
	tamDuong, _ := e.tree.Get("106")
	commune := tamDuong.Children[0].Code
	e.bind("telegram:-100106", "106")
	e.bind("telegram:-100"+commune, commune)
	e.bind("telegram:-10012", "12")
	lead := func(chat, user int64) bool {
		m := menuNames(srv.ScopedCommands(chat, user))
		return strings.Contains(m, "chidao") && strings.Contains(m, "baocao")
	}
	member := func(chat, user int64) bool {
		m := menuNames(srv.ScopedCommands(chat, user))
		return !strings.Contains(m, "chidao") && strings.Contains(m, "baocao")
	}

	e.send(msg{chat: "telegram:" + admin, from: admin, text: "/capquyen telegram:2002 lanhdao 106"})
	settled()
	if !lead(2002, 0) {
		t.Errorf("private menu of the new lead: %q", menuNames(srv.ScopedCommands(2002, 0)))
	}
	if !lead(-100106, 2002) {
		t.Errorf("menu of the new lead in the district's group: %q", menuNames(srv.ScopedCommands(-100106, 2002)))
	}
	communeChat := chatID(t, "-100"+commune)
	if !lead(communeChat, 2002) {
		t.Errorf("menu of the new lead in the commune's group: %q", menuNames(srv.ScopedCommands(communeChat, 2002)))
	}
	if got := srv.ScopedCommands(-10012, 2002); got != nil {
		t.Errorf("a district lead got a menu in the province's group: %q", menuNames(got))
	}

	// A group enrolled later gives the lead, and the admins, their menu.
	inv := invites(t, e.send(msg{chat: "telegram:" + admin, from: admin, text: "/mamoi " + tamDuong.Children[1].Code}))
	e.send(msg{chat: "telegram:-100777", from: "3003", text: "/dangky " + inv[tamDuong.Children[1].Code]})
	settled()
	if !lead(-100777, 2002) || !lead(-100777, 1001) {
		t.Errorf("menus in the group enrolled later: lead %q, admin %q",
			menuNames(srv.ScopedCommands(-100777, 2002)), menuNames(srv.ScopedCommands(-100777, 1001)))
	}
	if got := srv.ScopedCommands(-100777, 3003); got != nil {
		t.Errorf("a member got a menu of their own: %q", menuNames(got))
	}

	// Revoked, the lead loses the directing commands everywhere.
	e.send(msg{chat: "telegram:" + admin, from: admin, text: "/capquyen telegram:2002 thuhoi 106"})
	settled()
	for _, sc := range [][2]int64{{2002, 0}, {-100106, 2002}, {communeChat, 2002}, {-100777, 2002}} {
		if !member(sc[0], sc[1]) {
			t.Errorf("menu %v after /thuhoi: %q", sc, menuNames(srv.ScopedCommands(sc[0], sc[1])))
		}
	}

	// A group unenrolled leaves no directing commands in it.
	e.send(msg{chat: "telegram:-100777", from: admin, text: "/huydangky"})
	settled()
	if !member(-100777, 1001) {
		t.Errorf("admin's menu in the unenrolled group: %q", menuNames(srv.ScopedCommands(-100777, 1001)))
	}

	// Zalo has no menus: a grant there sets nothing.
	e.send(msg{chat: "telegram:" + admin, from: admin, text: "/capquyen zalo:abc lanhdao 106"})
	if calls := settled(); len(calls) != 0 {
		t.Errorf("menus set for a Zalo grant: %v", calls)
	}
}

// A menu the platform could not take is set again; the handler does not
// wait for it.
func TestMenuRetried(t *testing.T) {
	defer func(d time.Duration) { menuRetry = d }(menuRetry)
	menuRetry = 10 * time.Millisecond
	e, srv, settled := menuEnv(t)
	srv.FailNext("setMyCommands", 2, telegramtest.ServerError)
	e.send(msg{chat: "telegram:" + admin, from: admin, text: "/capquyen telegram:2002 lanhdao 106"})
	if calls := settled(); len(calls) != 3 {
		t.Errorf("menu calls = %v, want three tries of the private chat's", calls)
	}
	if m := menuNames(srv.ScopedCommands(2002, 0)); !strings.Contains(m, "chidao") {
		t.Errorf("private menu after two failures: %q", m)
	}
}

func chatID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
