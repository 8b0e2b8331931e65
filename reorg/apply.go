package reorg

import (
	"context"
	"fmt"
	"sort"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/outboxkey"
	"github.com/chihuy/chihuy/store"
)

// Options of Apply.
type Options struct {
	// DryRun computes what would change and writes nothing.
	DryRun bool
}

// Apply carries the store's bindings, roles and invites from the old tree
// to the new one (see the package comment). Run twice, the second run
// does nothing (Result.Already); interrupted, the next run finishes it.
func (p *Plan) Apply(ctx context.Context, st *store.Store, opt Options) (Result, error) {
	from, to := TreeID(p.From), TreeID(p.To)
	j, found, err := readJournal(ctx, st)
	if err != nil {
		return Result{}, err
	}
	if found {
		if j.From != from || j.To != to {
			return Result{}, chihuy.Errorf(chihuy.ECONFLICT, msgOtherReorg, j.From, j.To)
		}
		if j.State == stateApplied {
			p.AppliedAt = j.At
			return Result{Already: true}, nil
		}
		// Interrupted: finish what the journal says, idempotently.
		res := p.resultOf(j)
		if opt.DryRun {
			return res, nil
		}
		return p.run(ctx, st, j, res)
	}
	switch cur, err := st.UnitsTree(ctx); {
	case err != nil:
		return Result{}, err
	case cur == to:
		return Result{Already: true}, nil
	case cur != "" && cur != from:
		return Result{}, chihuy.Errorf(chihuy.ECONFLICT, msgStoreTree, cur, from)
	}
	j, res, err := p.plan(ctx, st)
	if err != nil || opt.DryRun {
		return res, err
	}
	j.At = st.Now()
	return p.run(ctx, st, j, res)
}

// plan reads the store and works out every change.
func (p *Plan) plan(ctx context.Context, st *store.Store) (journal, Result, error) {
	j := journal{State: stateApplying, From: TreeID(p.From), FromRoot: p.From.Root().Code, To: TreeID(p.To), ToRoot: p.To.Root().Code,
		Mapping: p.MappingRef, Effective: p.Effective.String()}
	var res Result
	binds, err := st.AllBindings(ctx)
	if err != nil {
		return j, res, err
	}
	for _, b := range binds {
		f, ok := p.Fate(b.Unit)
		if !ok {
			res.Unknown++
			continue
		}
		jb := jBind{Chat: b.Chat.String(), Old: b.Unit, Kind: string(b.Kind), Title: b.Title, User: userStr(b.User), By: userStr(b.By), At: b.At.Unix()}
		if f.Into != nil {
			jb.New = f.Into.Code
		}
		j.Bindings = append(j.Bindings, jb)
	}
	roles, err := st.AllRoles(ctx)
	if err != nil {
		return j, res, err
	}
	users := make([]chihuy.UserRef, 0, len(roles))
	for u := range roles {
		users = append(users, u)
	}
	sort.Slice(users, func(a, b int) bool { return users[a].String() < users[b].String() })
	for _, u := range users {
		held := roles[u]
		codes := make([]string, 0, len(held))
		for c := range held {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, c := range codes {
			f, ok := p.Fate(c)
			if !ok {
				continue
			}
			jr := jRole{User: u.String(), Old: c, Role: held[c].String()}
			if f.Into != nil {
				jr.New = f.Into.Code
				if prev, ok := held[f.Into.Code]; ok && f.Into.Code != c {
					jr.Prev = prev.String()
				}
			}
			j.Roles = append(j.Roles, jr)
		}
	}
	invs, err := st.Invites(ctx)
	if err != nil {
		return j, res, err
	}
	sort.Slice(invs, func(a, b int) bool { return invs[a].Code < invs[b].Code })
	for _, inv := range invs {
		f, ok := p.Fate(inv.Unit)
		if !ok {
			continue
		}
		ji := jInvite{Code: inv.Code, Old: inv.Unit, By: userStr(inv.By), Expires: inv.Expires.Unix()}
		if f.Into != nil {
			ji.New = f.Into.Code
		}
		j.Invites = append(j.Invites, ji)
	}
	unknown := res.Unknown
	res = p.resultOf(j)
	res.Unknown = unknown
	return j, res, nil
}

// resultOf describes a journal's changes.
func (p *Plan) resultOf(j journal) Result {
	var res Result
	for _, jb := range j.Bindings {
		b := jb.binding()
		f, _ := p.Fate(jb.Old)
		if jb.New != "" {
			res.Moved = append(res.Moved, Move{Binding: b, Old: f.Old, New: f.Into})
		} else {
			res.ReEnrol = append(res.ReEnrol, ReEnrol{Binding: b, Fate: f})
		}
	}
	for _, jr := range j.Roles {
		f, _ := p.Fate(jr.Old)
		user, role, _ := jr.parse()
		res.Roles = append(res.Roles, RoleChange{User: user, Role: role, Old: f.Old, New: f.Into, Fate: f})
	}
	for _, ji := range j.Invites {
		f, _ := p.Fate(ji.Old)
		res.Invites = append(res.Invites, InviteChange{Invite: ji.invite(), New: f.Into})
	}
	return res
}

// run writes the journal, makes its changes, tells the chats, records the
// new tree and marks the journal applied. Every step is idempotent.
func (p *Plan) run(ctx context.Context, st *store.Store, j journal, res Result) (Result, error) {
	if err := writeJournal(ctx, st, j); err != nil {
		return res, err
	}
	moves := make([]store.Rebinding, 0, len(j.Bindings))
	for _, jb := range j.Bindings {
		moves = append(moves, store.Rebinding{Chat: jb.ref(), From: jb.Old, To: jb.New})
	}
	if _, err := st.Rebind(ctx, moves); err != nil {
		return res, err
	}
	for _, jr := range j.Roles {
		user, role, ok := jr.parse()
		if !ok {
			continue
		}
		if jr.New != "" {
			keep := role
			if prev, err := chihuy.ParseRole(jr.Prev); err == nil && prev > keep {
				keep = prev
			}
			if err := st.Grant(ctx, user, jr.New, keep); err != nil {
				return res, err
			}
			if jr.New == jr.Old {
				continue
			}
		}
		if err := st.Grant(ctx, user, jr.Old, chihuy.RoleNone); err != nil {
			return res, err
		}
	}
	for _, ji := range j.Invites {
		if err := st.RetargetInvite(ctx, ji.Code, ji.New); err != nil {
			return res, err
		}
	}
	told, err := p.tell(ctx, st, j, res)
	if err != nil {
		return res, err
	}
	res.Told = told
	if err := st.SetUnitsTree(ctx, j.To); err != nil {
		return res, err
	}
	j.State = stateApplied
	if err := writeJournal(ctx, st, j); err != nil {
		return res, err
	}
	p.AppliedAt = j.At
	return res, nil
}

// tell queues the message of every chat concerned; the keys carry the
// time of the run, so a resumed run does not send twice.
func (p *Plan) tell(ctx context.Context, st *store.Store, j journal, res Result) (int, error) {
	when := fmt.Sprintf(msgFrom, p.Effective.Short())
	stamp := outboxkey.Reorganised(j.At)
	var msgs []chihuy.Message
	for _, m := range res.Moved {
		if m.Binding.Broken != "" || m.Old == nil || m.New == nil {
			continue
		}
		msgs = append(msgs, message(m.Binding, stamp, fmt.Sprintf(msgMovedChat, when, m.Old.String(), m.New.String(), m.New.FullName())))
	}
	for _, r := range res.ReEnrol {
		if r.Binding.Broken != "" || r.Fate.Old == nil {
			continue
		}
		text := fmt.Sprintf(msgGoneChat, when, r.Fate.Old.String())
		if !r.Fate.Gone() {
			text = fmt.Sprintf(msgSplitChat, when, r.Fate.Old.String(), nameList(r.Fate.Parts))
		}
		msgs = append(msgs, message(r.Binding, stamp, text))
	}
	return enqueue(ctx, st, msgs)
}

func message(b store.Binding, key outboxkey.Stem, text string) chihuy.Message {
	return chihuy.Message{Key: key.To(b.Chat), Chat: b.Chat, Group: b.Kind == chihuy.Group,
		Priority: chihuy.PriorityBulk, Text: text}
}

// enqueue queues messages in batches.
func enqueue(ctx context.Context, st *store.Store, msgs []chihuy.Message) (int, error) {
	const batch = 500
	n := 0
	for start := 0; start < len(msgs); start += batch {
		added, err := st.Enqueue(ctx, msgs[start:min(start+batch, len(msgs))]...)
		if err != nil {
			return n, err
		}
		n += added
	}
	return n, nil
}
