package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// maxInvitesPerCommand bounds /mamoi; the CLI makes any number.
const maxInvitesPerCommand = 200

// cmdDangky binds the chat to the unit of an invite: a group binds the
// group; a private chat binds the person (and makes them a member).
func (h *Handler) cmdDangky(ctx context.Context, r *request) error {
	code := strings.TrimSpace(r.args)
	if code == "" {
		return h.reply(ctx, r, msgDangkyUsage)
	}
	inv, err := h.Store.RedeemInvite(ctx, code)
	if chihuy.ErrorCode(err) == chihuy.ENOTFOUND {
		return h.reply(ctx, r, fmt.Sprintf(msgInviteBad, code))
	} else if err != nil {
		return err
	}
	u, ok := h.Tree.Get(inv.Unit)
	if !ok {
		return h.reply(ctx, r, fmt.Sprintf(msgInviteBad, code))
	}
	// A group enrolled from a forum topic keeps that topic: broadcasts,
	// digests and alerts go there rather than to General.
	b := store.Binding{Chat: r.u.Chat, Unit: u.Code, Kind: r.u.ChatKind, Title: r.u.ChatTitle, By: r.u.From, Thread: r.u.Thread}
	if r.u.ChatKind == chihuy.Private {
		b.User = r.u.From
		b.Title = r.u.FromName
	}
	if err := h.Store.Bind(ctx, b); err != nil {
		return err
	}
	if r.u.ChatKind == chihuy.Private {
		roles, err := h.Store.Roles(ctx, r.u.From)
		if err != nil {
			return err
		}
		if roles[u.Code] < chihuy.RoleMember {
			if err := h.Store.Grant(ctx, r.u.From, u.Code, chihuy.RoleMember); err != nil {
				return err
			}
		}
	}
	h.Store.ForgetTold(ctx, r.u.Chat, "unbound")
	if r.u.ChatKind == chihuy.Group {
		units := []string{u.Code}
		if r.binding != nil {
			units = append(units, r.binding.Unit)
		}
		h.menusAfterBinding(ctx, r.u.Chat, units...)
	}
	h.Log.Info().Str("chat", r.u.Chat.String()).Str("unit", u.Code).Str("by", r.u.From.String()).Msg("chat enrolled")
	text := fmt.Sprintf(msgBoundGroup, u.FullName(), u.Code)
	if r.u.ChatKind == chihuy.Private {
		text = fmt.Sprintf(msgBoundPrivate, u.FullName(), u.Code)
	}
	if r.unit != nil && r.unit.Code != u.Code {
		text += fmt.Sprintf(msgRebound, r.unit.String())
	}
	return h.reply(ctx, r, text)
}

// cmdHuydangky unbinds the chat. In a group only a lead of the unit may;
// a member may always unbind their own private chat.
func (h *Handler) cmdHuydangky(ctx context.Context, r *request) error {
	if r.u.ChatKind == chihuy.Group {
		if err := h.require(ctx, r, r.unit, chihuy.RoleLead); err != nil {
			return err
		}
	}
	b, err := h.Store.Unbind(ctx, r.u.Chat)
	if chihuy.ErrorCode(err) == chihuy.ENOTFOUND {
		return h.reply(ctx, r, msgNotBound)
	} else if err != nil {
		return err
	}
	if r.u.ChatKind == chihuy.Group {
		h.menusAfterBinding(ctx, r.u.Chat, b.Unit)
	}
	if r.u.ChatKind == chihuy.Private && b.User.ID != "" {
		roles, err := h.Store.Roles(ctx, b.User)
		if err == nil && roles[b.Unit] == chihuy.RoleMember {
			h.Store.Grant(ctx, b.User, b.Unit, chihuy.RoleNone)
		}
	}
	return h.reply(ctx, r, fmt.Sprintf(msgUnboundDone, r.unit.FullName(), r.unit.Code))
}

// cmdMamoi makes one-time invite codes: for the named units, or for every
// direct child of the lead's unit.
func (h *Handler) cmdMamoi(ctx context.Context, r *request) error {
	home, err := h.homeUnit(ctx, r)
	if err != nil {
		return err
	}
	var targets []*units.Unit
	if r.args == "" {
		targets = home.Children
		if len(targets) == 0 {
			return h.reply(ctx, r, fmt.Sprintf(msgNoChildren, home.Title(), home.Code))
		}
	} else {
		for _, name := range splitList(r.args) {
			u, err := h.findUnit(home, name)
			if err != nil {
				return err
			}
			targets = append(targets, u)
		}
	}
	if len(targets) > maxInvitesPerCommand {
		return h.reply(ctx, r, fmt.Sprintf(msgTooManyInvite, maxInvitesPerCommand))
	}
	codes := make([]string, len(targets))
	for i, u := range targets {
		if err := h.require(ctx, r, u, chihuy.RoleLead); err != nil {
			return err
		}
		codes[i] = u.Code
	}
	invs, err := h.Store.CreateInvites(ctx, codes, r.u.From, h.InviteTTL)
	if err != nil {
		return err
	}
	lines := []string{fmt.Sprintf(msgInvitesHead, invs[0].Expires.In(h.Loc).Format("15:04 02/01/2006"))}
	for i, inv := range invs {
		lines = append(lines, fmt.Sprintf(msgInviteLine, targets[i].FullName(), inv.Unit, inv.Code))
	}
	return h.reply(ctx, r, strings.Join(lines, "\n"))
}

// splitList splits "03418, 03421; xã Bản Giang" into items. Commas,
// semicolons and new lines separate; a list of bare codes may be separated
// by spaces.
func splitList(s string) []string {
	parts := strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == ';' || c == '\n' })
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		fields := strings.Fields(p)
		allCodes := len(fields) > 1
		for _, f := range fields {
			if !isCode(f) {
				allCodes = false
				break
			}
		}
		if allCodes {
			out = append(out, fields...)
		} else if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// isCode reports whether s looks like a unit code (digits, or letters
// and digits without spaces such as "VN").
func isCode(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// cmdCapquyen grants a role: "/capquyen telegram:2002 lanhdao 106" (the
// person finds their id with /toi; a bare id is on the sender's platform).
// A lead grants member anywhere in their
// subtree and lead strictly below their own unit, and revokes strictly
// below it; only admins grant admin.
func (h *Handler) cmdCapquyen(ctx context.Context, r *request) error {
	fields := strings.Fields(r.args)
	if len(fields) < 2 {
		return h.reply(ctx, r, msgCapquyenUsage)
	}
	user, err := chihuy.ParseUserRef(fields[0])
	if err != nil {
		// A bare id means the same platform as the sender.
		if isDigits(fields[0]) || r.u.Chat.Platform == chihuy.Zalo {
			user = chihuy.UserRef{Platform: r.u.From.Platform, ID: fields[0]}
		} else {
			return h.reply(ctx, r, msgCapquyenUsage)
		}
	}
	if chihuy.IsPseudoUser(user) {
		return h.reply(ctx, r, fmt.Sprintf(msgGrantPseudo, user))
	}
	role, revoke := chihuy.RoleNone, false
	switch strings.ToLower(fields[1]) {
	case "thuhoi", "thu hồi", "none", "revoke":
		revoke = true
	default:
		role, err = chihuy.ParseRole(fields[1])
		if err != nil {
			return h.reply(ctx, r, fmt.Sprintf(msgRoleBad, fields[1]))
		}
	}
	home, err := h.homeUnit(ctx, r)
	if err != nil {
		return err
	}
	target := home
	if len(fields) > 2 {
		if target, err = h.findUnit(home, strings.Join(fields[2:], " ")); err != nil {
			return err
		}
	}
	mine, err := h.roleAt(ctx, r, target.Code, chihuy.RoleAdmin)
	if err != nil {
		return err
	}
	switch {
	case mine < chihuy.RoleLead:
		return denied(r, target, mine)
	case mine == chihuy.RoleLead && revoke && !h.leadAbove(ctx, r, target):
		return chihuy.Errorf(chihuy.EUNAUTHORIZED, msgRevokeTooHigh, target.FullName())
	case mine == chihuy.RoleLead && (role == chihuy.RoleAdmin || role >= chihuy.RoleLead && !h.leadAbove(ctx, r, target)):
		return chihuy.Errorf(chihuy.EUNAUTHORIZED, msgGrantTooHigh)
	}
	if err := h.Store.Grant(ctx, user, target.Code, role); err != nil {
		return err
	}
	h.Log.Info().Str("user", user.String()).Str("unit", target.Code).Str("role", role.String()).Str("by", r.u.From.String()).Msg("role granted")
	h.menusAfterGrant(ctx, user, target.Code)
	if revoke {
		return h.reply(ctx, r, fmt.Sprintf(msgCapquyenNone, user, target.FullName(), target.Code))
	}
	return h.reply(ctx, r, fmt.Sprintf(msgCapquyenDone, role.Label(), target.FullName(), target.Code, user))
}

// leadAbove reports whether the sender is a lead at a strict ancestor of
// target (so may grant lead at target).
func (h *Handler) leadAbove(ctx context.Context, r *request, target *units.Unit) bool {
	if target.Parent == nil {
		return false
	}
	role, err := h.roleAt(ctx, r, target.Parent.Code, chihuy.RoleLead)
	return err == nil && role >= chihuy.RoleLead
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// cmdToi says who the sender is, what the chat is bound to, and their roles.
func (h *Handler) cmdToi(ctx context.Context, r *request) error {
	name := r.u.FromName
	if name == "" {
		name = "Bạn"
	}
	lines := []string{fmt.Sprintf(msgToiHead, name, r.u.From)}
	if r.unit != nil {
		lines = append(lines, fmt.Sprintf(msgToiChat, r.unit.String(), unitPath(r.unit)))
		if r.binding.Broken != "" {
			lines = append(lines, fmt.Sprintf(msgToiBroken, r.binding.Broken))
		}
	} else {
		lines = append(lines, msgToiNoChat)
	}
	// A pseudo-sender has the chat's rights only (see roleAt).
	var roles map[string]chihuy.Role
	if isPerson(r.u) {
		var err error
		if roles, err = h.Store.Roles(ctx, r.u.From); err != nil {
			return err
		}
	}
	type ur struct {
		u    *units.Unit
		role chihuy.Role
	}
	var list []ur
	if isPerson(r.u) && h.admins[r.u.From] {
		list = append(list, ur{h.Tree.Root(), chihuy.RoleAdmin})
	}
	for code, role := range roles {
		if u, ok := h.Tree.Get(code); ok {
			list = append(list, ur{u, role})
		}
	}
	// The bound chat makes its people members: a group's, and the person
	// of a private chat (bound by /dangky or by the configuration).
	if r.unit != nil && !r.u.NoSender() && (r.binding.Kind == chihuy.Group || isPerson(r.u) && r.u.ChatKind == chihuy.Private) {
		if _, has := roles[r.unit.Code]; !has {
			list = append(list, ur{r.unit, chihuy.RoleMember})
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].u.Depth != list[j].u.Depth {
			return list[i].u.Depth < list[j].u.Depth
		}
		return list[i].u.Code < list[j].u.Code
	})
	if len(list) == 0 {
		lines = append(lines, msgToiNoRoles)
	} else {
		lines = append(lines, msgToiRoles)
		for _, x := range list {
			lines = append(lines, fmt.Sprintf(msgToiRole, x.role.Label(), x.u.FullName(), x.u.Code))
		}
	}
	return h.reply(ctx, r, strings.Join(lines, "\n"))
}
