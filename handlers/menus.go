package handlers

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
)

// Command menus follow roles. At start the app gives the configured leads
// the lead menu where they act (their private chat, and as members of the
// groups of their subtree); everyone else has the members' default. After
// that, a role granted or revoked (/capquyen) and a group enrolled or
// unenrolled (/dangky, /huydangky, a group that became a supergroup) set
// again the menus of the scopes they change, through Deps.SetMenu: off the
// handling goroutine, retried while the platform says to retry. A scope's
// menu is worked out when it is set, from the roles and bindings stored
// then, and sets of one scope never overlap: refreshes that race, or a
// retry that comes late, end on the current state.

const (
	// menuAttempts bounds the tries of one scope's menu.
	menuAttempts = 5
	// menuTimeout bounds one setMyCommands call.
	menuTimeout = 10 * time.Second
	// maxMenuScopes bounds the scopes one event sets (a national admin's
	// grant would otherwise set one per group of the country), as at
	// start.
	maxMenuScopes = 2000
)

// menuRetry is the wait before the second try of a scope's menu, doubled
// after each failure (a rate limit's own wait when longer). A variable for
// the tests.
var menuRetry = 2 * time.Second

// menuScope is the menu of one chat (private: User is empty) or of one
// member of a group, on a platform.
type menuScope struct {
	platform string
	scope    bot.CommandScope
}

func (s menuScope) String() string {
	return s.platform + ":" + s.scope.Chat + ":" + s.scope.User
}

// menuLocks keeps the sets of one scope from overlapping.
type menuLocks struct {
	mu    sync.Mutex
	locks map[menuScope]*sync.Mutex
	wg    sync.WaitGroup // refreshes running (tests wait on it)
}

func (l *menuLocks) lock(s menuScope) func() {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[menuScope]*sync.Mutex{}
	}
	m := l.locks[s]
	if m == nil {
		m = &sync.Mutex{}
		l.locks[s] = m
	}
	l.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// hasMenus reports whether menus of platform can be set.
func (h *Handler) hasMenus(platform string) bool {
	return h.SetMenu != nil && h.Platforms[platform].Menus
}

// menusAfterGrant sets again the menus of user after a role at unit was
// granted or revoked: their private chat, and their menu in each group
// bound to unit's subtree.
func (h *Handler) menusAfterGrant(ctx context.Context, user chihuy.UserRef, unit string) {
	if !h.hasMenus(user.Platform) {
		return
	}
	h.refreshMenus(ctx, "grant "+user.String(), func(ctx context.Context) ([]menuScope, error) {
		scopes := []menuScope{{user.Platform, bot.CommandScope{Chat: user.ID}}} // a private chat has the person's id
		bs, err := h.Store.AllBindings(ctx)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			if b.Kind == chihuy.Group && b.Chat.Platform == user.Platform && h.Tree.Within(b.Unit, unit) {
				scopes = append(scopes, menuScope{user.Platform, bot.CommandScope{Chat: b.Chat.ID, User: user.ID}})
			}
		}
		return scopes, nil
	})
}

// menusAfterBinding sets again the menus of the leads and admins in group
// chat after it was bound, unbound or moved: those who have a role at one
// of units (the units it was and is bound to) or above.
func (h *Handler) menusAfterBinding(ctx context.Context, chat chihuy.ChatRef, units ...string) {
	if !h.hasMenus(chat.Platform) {
		return
	}
	h.refreshMenus(ctx, "chat "+chat.String(), func(ctx context.Context) ([]menuScope, error) {
		leads := map[string]bool{}
		for a := range h.admins {
			if a.Platform == chat.Platform {
				leads[a.ID] = true
			}
		}
		all, err := h.Store.AllRoles(ctx)
		if err != nil {
			return nil, err
		}
		for user, roles := range all {
			if user.Platform != chat.Platform {
				continue
			}
			for at, role := range roles {
				for _, u := range units {
					if role >= chihuy.RoleLead && h.Tree.Within(u, at) {
						leads[user.ID] = true
					}
				}
			}
		}
		scopes := make([]menuScope, 0, len(leads))
		for id := range leads {
			scopes = append(scopes, menuScope{chat.Platform, bot.CommandScope{Chat: chat.ID, User: id}})
		}
		return scopes, nil
	})
}

// refreshMenus sets the menus of the scopes found by list, in the
// background; what is the event, for the log.
func (h *Handler) refreshMenus(ctx context.Context, what string, list func(context.Context) ([]menuScope, error)) {
	h.menus.wg.Add(1)
	go func() {
		defer h.menus.wg.Done()
		ctx := context.WithoutCancel(ctx)
		scopes, err := list(ctx)
		if err != nil {
			h.Log.Warn().Err(err).Str("event", what).Msg("command menus not set")
			return
		}
		if len(scopes) > maxMenuScopes {
			h.Log.Warn().Str("event", what).Int("scopes", len(scopes)).Msg("command menus: too many to set; the rest keep theirs")
			scopes = scopes[:maxMenuScopes]
		}
		for _, s := range scopes {
			h.setMenu(ctx, s)
		}
	}()
}

// setMenu sets the menu of one scope to what the scope's person may do
// there now, trying again while the platform says to.
func (h *Handler) setMenu(ctx context.Context, s menuScope) {
	wait := menuRetry
	for attempt := 1; ; attempt++ {
		err := h.setMenuOnce(ctx, s)
		if err == nil {
			return
		}
		f := bot.FailureOf(err)
		if attempt == menuAttempts || (f != bot.Retry && f != bot.RateLimited) {
			// A private chat the person never opened is refused: nothing
			// to do but log.
			h.Log.Debug().Err(err).Str("scope", s.String()).Int("attempt", attempt).Msg("command menu not set")
			return
		}
		d := wait
		var se *bot.SendError
		if errors.As(err, &se) && se.RetryAfter > d {
			d = se.RetryAfter
		}
		chihuy.Sleep(ctx, d)
		wait *= 2
	}
}

// setMenuOnce works out the scope's menu and sets it.
func (h *Handler) setMenuOnce(ctx context.Context, s menuScope) error {
	defer h.menus.lock(s)()
	role, err := h.menuRole(ctx, s)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, menuTimeout)
	defer cancel()
	return h.SetMenu(ctx, s.platform, s.scope, Menu(role))
}

// menuRole is the role whose menu the scope gets: in a private chat the
// person's highest role anywhere, in a group their role at the group's
// unit (a member's when the group is not bound).
func (h *Handler) menuRole(ctx context.Context, s menuScope) (chihuy.Role, error) {
	person := chihuy.UserRef{Platform: s.platform, ID: s.scope.User}
	if s.scope.User == "" {
		person.ID = s.scope.Chat
	}
	unit := ""
	if s.scope.User != "" {
		b, err := h.Store.Binding(ctx, chihuy.ChatRef{Platform: s.platform, ID: s.scope.Chat})
		switch {
		case chihuy.ErrorCode(err) == chihuy.ENOTFOUND:
			return chihuy.RoleMember, nil // nothing but enrolment works there
		case err != nil:
			return chihuy.RoleNone, err
		}
		unit = b.Unit
	}
	if h.admins[person] {
		return chihuy.RoleAdmin, nil
	}
	roles, err := h.Store.Roles(ctx, person)
	if err != nil {
		return chihuy.RoleNone, err
	}
	best := chihuy.RoleMember
	for at, role := range roles {
		if role > best && (unit == "" || h.Tree.Within(unit, at)) {
			best = role
		}
	}
	return best, nil
}
