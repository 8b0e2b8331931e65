package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/handlers"
)

// maxScopedMenus bounds the setMyCommands calls made at start for leads.
const maxScopedMenus = 2000

// leadMenus gives the configured leads and admins the lead menu where
// they act — their private chat with the bot, and each configured group
// bound to a unit of their subtree — while everyone else keeps the
// members' menu set as the default. A private chat the person never
// opened is refused by the platform; that costs nothing but a log line.
func (a *App) leadMenus(ctx context.Context, log zerolog.Logger, p *platform) {
	set, ok := p.client.(bot.ScopedCommandSetter)
	if !ok {
		return
	}
	type lead struct{ user, unit string }
	var leads []lead
	for _, adm := range a.Cfg.Admins {
		if adm.Platform == p.name {
			leads = append(leads, lead{adm.ID, a.Tree.Root().Code})
		}
	}
	for _, g := range a.Cfg.Roles {
		if g.User.Platform == p.name && g.Role >= chihuy.RoleLead {
			leads = append(leads, lead{g.User.ID, g.Unit})
		}
	}
	menu := handlers.Menu(chihuy.RoleLead)
	calls, failed := 0, 0
	for _, l := range leads {
		scopes := []bot.CommandScope{{Chat: l.user}} // a private chat has the person's id
		for _, b := range a.Cfg.Chats {
			if b.Chat.Platform == p.name && strings.HasPrefix(b.Chat.ID, "-") && a.Tree.Within(b.Unit, l.unit) {
				scopes = append(scopes, bot.CommandScope{Chat: b.Chat.ID, User: l.user})
			}
		}
		for _, sc := range scopes {
			if calls == maxScopedMenus {
				log.Warn().Int("calls", calls).Msg("lead command menus: too many to set at start; the rest keep the members' menu")
				return
			}
			calls++
			if err := set.SetScopedCommands(ctx, sc, menu); err != nil {
				failed++
				log.Debug().Err(err).Str("chat", sc.Chat).Str("user", sc.User).Msg("lead command menu")
			}
		}
	}
	if calls > 0 {
		log.Info().Int("set", calls-failed).Int("refused", failed).Msg("lead command menus")
	}
}

// setMenu sets the command menu of one scope, for the handlers when a role
// or a group's enrolment changes; a platform without menus (Zalo) has
// nothing to set.
func (a *App) setMenu(ctx context.Context, platform string, scope bot.CommandScope, cmds []bot.Command) error {
	p, ok := a.Platform(platform)
	if !ok {
		return fmt.Errorf("set command menu: platform %q not enabled", platform)
	}
	set, ok := p.(bot.ScopedCommandSetter)
	if !ok {
		return nil
	}
	return set.SetScopedCommands(ctx, scope, cmds)
}
