package reorg

import (
	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// Move is a chat whose binding moves to the new unit its old unit went
// into whole.
type Move struct {
	Binding  store.Binding // as it was (Unit is the old code)
	Old, New *units.Unit
}

// ReEnrol is a chat of a split or gone unit: unbound, told to enrol again.
type ReEnrol struct {
	Binding store.Binding
	Fate    Fate
}

// RoleChange is a role of an old unit: moved to the new unit (New set),
// or removed because the unit was split or is gone (listed to the
// operator).
type RoleChange struct {
	User chihuy.UserRef
	Role chihuy.Role
	Old  *units.Unit
	New  *units.Unit // nil: removed
	Fate Fate
}

// InviteChange is an unredeemed invite of an old unit: retargeted to the
// new unit, or dropped.
type InviteChange struct {
	Invite store.Invite
	New    *units.Unit // nil: dropped
}

// Result is what Apply did, or would do in a dry run.
type Result struct {
	// Already is true when the store had the reorganisation applied
	// before: nothing was done.
	Already bool
	Moved   []Move
	ReEnrol []ReEnrol
	Roles   []RoleChange // moved and removed
	Invites []InviteChange
	// Unknown counts bindings of codes the old tree does not have, left
	// alone.
	Unknown int
	// Told counts the messages queued to chats.
	Told int
}

// RemovedRoles returns the roles removed (split or gone units): the leads
// the operator must contact.
func (r Result) RemovedRoles() []RoleChange {
	var out []RoleChange
	for _, c := range r.Roles {
		if c.New == nil {
			out = append(out, c)
		}
	}
	return out
}
