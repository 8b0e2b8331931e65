package handlers

import (
	"context"

	"github.com/chihuy/chihuy"
)

// Help fits the person: /help shows what the sender may do at the chat's
// unit — a member's few commands, a lead's directives, an admin's roles —
// one example per line, in the platform's way (Zalo has no buttons), and
// ends with /lenh, the full list, one tap away.

// cmdHelp answers /help, /trogiup and /start with the help of the
// sender's role here.
func (h *Handler) cmdHelp(ctx context.Context, r *request) error {
	role := chihuy.RoleNone
	if home, err := h.homeUnit(ctx, r); err == nil {
		if role, err = h.roleAt(ctx, r, home.Code, chihuy.RoleAdmin); err != nil {
			return err
		}
	}
	text := helpFor(max(role, chihuy.RoleMember), r.u.Chat.Platform)
	if p, ok := h.Platforms[r.u.Chat.Platform]; ok && !p.CanReadAll && r.u.Chat.Platform == chihuy.Telegram && r.u.ChatKind == chihuy.Group {
		text += msgPrivacyNote
	}
	if r.unit == nil && role == chihuy.RoleNone {
		// Nobody yet: how to enrol comes first; the commands are for later.
		text = msgUnbound + "\n\n" + helpFor(chihuy.RoleMember, r.u.Chat.Platform)
	}
	return h.reply(ctx, r, text)
}

// cmdLenh answers /lenh with every command and an example of each.
func (h *Handler) cmdLenh(ctx context.Context, r *request) error {
	return h.reply(ctx, r, helpFull)
}
