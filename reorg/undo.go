package reorg

import (
	"context"
	"fmt"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/outboxkey"
	"github.com/chihuy/chihuy/store"
)

// Undo restores what the recorded reorganisation changed: bindings (a
// chat enrolled elsewhere since keeps its new binding), roles, invites,
// and the store's tree; the chats whose binding comes back are told. The
// plan must be the one applied.
func (p *Plan) Undo(ctx context.Context, st *store.Store) (Result, error) {
	j, found, err := readJournal(ctx, st)
	if err != nil {
		return Result{}, err
	}
	if !found {
		return Result{}, chihuy.Errorf(chihuy.ENOTFOUND, msgNothingUndo)
	}
	if j.From != TreeID(p.From) || j.To != TreeID(p.To) {
		return Result{}, chihuy.Errorf(chihuy.ECONFLICT, msgUndoOther, j.From, j.To, TreeID(p.From), TreeID(p.To))
	}
	res := p.resultOf(j)
	var back []store.Rebinding
	for _, jb := range j.Bindings {
		if jb.New != "" {
			back = append(back, store.Rebinding{Chat: jb.ref(), From: jb.New, To: jb.Old})
			continue
		}
		if _, err := st.Binding(ctx, jb.ref()); err == nil {
			continue // enrolled again since: keep it
		} else if chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
			return res, err
		}
		if err := st.Bind(ctx, jb.binding()); err != nil {
			return res, err
		}
	}
	if _, err := st.Rebind(ctx, back); err != nil {
		return res, err
	}
	for _, jr := range j.Roles {
		user, role, ok := jr.parse()
		if !ok {
			continue
		}
		if jr.New != "" && jr.New != jr.Old {
			prev, err := chihuy.ParseRole(jr.Prev)
			if err != nil {
				prev = chihuy.RoleNone
			}
			if err := st.Grant(ctx, user, jr.New, prev); err != nil {
				return res, err
			}
		}
		if err := st.Grant(ctx, user, jr.Old, role); err != nil {
			return res, err
		}
	}
	for _, ji := range j.Invites {
		if ji.New == "" {
			if err := st.RestoreInvite(ctx, ji.invite()); err != nil {
				return res, err
			}
			continue
		}
		if err := st.RetargetInvite(ctx, ji.Code, ji.Old); err != nil {
			return res, err
		}
	}
	var msgs []chihuy.Message
	stamp := outboxkey.ReorganisationUndone(j.At)
	for _, jb := range j.Bindings {
		b := jb.binding()
		if f, ok := p.Fate(jb.Old); ok {
			msgs = append(msgs, message(b, stamp, fmt.Sprintf(msgUndoneChat, f.Old.String())))
		}
	}
	if res.Told, err = enqueue(ctx, st, msgs); err != nil {
		return res, err
	}
	if err := st.SetUnitsTree(ctx, j.From); err != nil {
		return res, err
	}
	return res, st.SetReorgJournal(ctx, nil)
}
