package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/units"
)

// Authorization. A user's role at a unit is the highest of:
//   - admin everywhere for the bootstrap admins of the configuration;
//   - each role granted to them at that unit or an ancestor of it;
//   - member, when they write in a group bound to that unit or an
//     ancestor of it, or in a private chat bound to it (by /dangky or by
//     the configuration's chats: the private chat's person is a member).
// A pseudo-sender (an anonymous group admin, a channel, a linked channel's
// post) is not a person: it has the rights the chat gives and nothing
// more. An update with no sender acts as nobody.
// Every decision is scoped: nothing outside the subtree of the unit that
// gives the role.

// roleAt returns the role the sender of r has at unit code. The stored
// roles are read only when the chat does not already give need: a commune
// member reporting in its own group costs no look-up.
func (h *Handler) roleAt(ctx context.Context, r *request, code string, need chihuy.Role) (chihuy.Role, error) {
	if r.u.NoSender() {
		return chihuy.RoleNone, nil
	}
	person := isPerson(r.u)
	if person && h.admins[r.u.From] {
		return chihuy.RoleAdmin, nil
	}
	best := chihuy.RoleNone
	if r.binding != nil && h.Tree.Within(code, r.binding.Unit) &&
		(r.binding.Kind == chihuy.Group || person && r.u.ChatKind == chihuy.Private) {
		best = chihuy.RoleMember
	}
	if best >= need || !person {
		return best, nil
	}
	roles, err := h.Store.Roles(ctx, r.u.From)
	if err != nil {
		return chihuy.RoleNone, err
	}
	for unit, role := range roles {
		if role > best && h.Tree.Within(code, unit) {
			best = role
		}
	}
	return best, nil
}

// isPerson reports whether u was sent by a person: not a pseudo-sender,
// not without a sender.
func isPerson(u chihuy.Update) bool {
	return !u.Pseudo && !u.NoSender() && !chihuy.IsPseudoUser(u.From)
}

// require returns an EUNAUTHORIZED error unless the sender has at least
// role at unit u.
func (h *Handler) require(ctx context.Context, r *request, u *units.Unit, role chihuy.Role) error {
	got, err := h.roleAt(ctx, r, u.Code, role)
	if err != nil {
		return err
	}
	if got >= role {
		return nil
	}
	return denied(r, u, got)
}

// denied is the EUNAUTHORIZED error for a sender whose role at u, got, is
// not enough. A pseudo-sender that has the chat's rights is told to post
// as a person.
func denied(r *request, u *units.Unit, got chihuy.Role) error {
	switch {
	case !r.u.NoSender() && !isPerson(r.u) && got >= chihuy.RoleMember:
		return chihuy.Errorf(chihuy.EUNAUTHORIZED, msgPseudoNeedsPerson)
	case got == chihuy.RoleNone:
		return chihuy.Errorf(chihuy.EUNAUTHORIZED, msgOutOfScope, u.String())
	}
	return chihuy.Errorf(chihuy.EUNAUTHORIZED, msgNeedLead)
}

// homeUnit is the unit a command acts on by default: the chat's unit, or
// for an unbound private chat the highest unit the sender has a role at.
func (h *Handler) homeUnit(ctx context.Context, r *request) (*units.Unit, error) {
	if r.unit != nil {
		return r.unit, nil
	}
	if !isPerson(r.u) {
		return nil, chihuy.Errorf(chihuy.EUNAUTHORIZED, msgNotBound)
	}
	if h.admins[r.u.From] {
		return h.Tree.Root(), nil
	}
	roles, err := h.Store.Roles(ctx, r.u.From)
	if err != nil {
		return nil, err
	}
	var best *units.Unit
	for code := range roles {
		if u, ok := h.Tree.Get(code); ok && (best == nil || u.Depth < best.Depth || (u.Depth == best.Depth && u.Code < best.Code)) {
			best = u
		}
	}
	if best == nil {
		return nil, chihuy.Errorf(chihuy.EUNAUTHORIZED, msgNotBound)
	}
	return best, nil
}

// findUnit resolves a name or code typed by a user, preferring units in
// scope's subtree. Ambiguous names are an EINVALID error listing codes.
func (h *Handler) findUnit(scope *units.Unit, name string) (*units.Unit, error) {
	name = strings.TrimSpace(name)
	if u, ok := h.Tree.Get(name); ok {
		return u, nil
	}
	var found []*units.Unit
	if scope != nil {
		found = h.Tree.LookupWithin(scope.Code, name)
	}
	if len(found) == 0 {
		found = h.Tree.Lookup(name)
	}
	switch len(found) {
	case 0:
		return nil, chihuy.Errorf(chihuy.ENOTFOUND, msgUnitUnknown, name)
	case 1:
		return found[0], nil
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Code < found[j].Code })
	var b strings.Builder
	for i, u := range found {
		if i == 10 {
			fmt.Fprintf(&b, "… và %d đơn vị khác\n", len(found)-10)
			break
		}
		fmt.Fprintf(&b, "• %s — %s\n", u.Code, unitPath(u))
	}
	return nil, chihuy.Errorf(chihuy.EINVALID, msgUnitAmbiguous, name, strings.TrimSpace(b.String()))
}

// unitPath is "xã Bản Giang › huyện Tân Uyên › tỉnh Lai Châu" (the root
// left out).
func unitPath(u *units.Unit) string {
	parts := []string{u.FullName()}
	for p := u.Parent; p != nil && p.Parent != nil; p = p.Parent {
		parts = append(parts, p.FullName())
	}
	return strings.Join(parts, " › ")
}
