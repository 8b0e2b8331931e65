package reorg

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/outboxkey"
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

// journal is the stored record of a reorganisation: enough to resume it,
// recognise it and undo it.
type journal struct {
	State     string    `json:"state"` // stateApplying, stateApplied
	From      string    `json:"from"`
	FromRoot  string    `json:"from_root"`
	To        string    `json:"to"`
	ToRoot    string    `json:"to_root"`
	Mapping   string    `json:"mapping"`
	Effective string    `json:"effective"`
	At        time.Time `json:"at"`
	Bindings  []jBind   `json:"bindings,omitempty"`
	Roles     []jRole   `json:"roles,omitempty"`
	Invites   []jInvite `json:"invites,omitempty"`
}

const (
	stateApplying = "applying"
	stateApplied  = "applied"
)

type jBind struct {
	Chat  string `json:"c"`
	Old   string `json:"o"`
	New   string `json:"n,omitempty"` // "": unbound
	Kind  string `json:"k,omitempty"`
	Title string `json:"t,omitempty"`
	User  string `json:"u,omitempty"`
	By    string `json:"b,omitempty"`
	At    int64  `json:"a,omitempty"`
}

type jRole struct {
	User string `json:"u"`
	Old  string `json:"o"`
	New  string `json:"n,omitempty"` // "": removed
	Role string `json:"r"`
	Prev string `json:"p,omitempty"` // the role the user had at New before
}

type jInvite struct {
	Code    string `json:"c"`
	Old     string `json:"o"`
	New     string `json:"n,omitempty"` // "": dropped
	By      string `json:"b,omitempty"`
	Expires int64  `json:"e,omitempty"`
}

// Options of Apply.
type Options struct {
	// DryRun computes what would change and writes nothing.
	DryRun bool
}

// Record is the reorganisation a store holds, as Stored reads it.
type Record struct {
	From, To, Mapping string
	// FromRoot and ToRoot are the roots of the trees ("root:" subtrees).
	FromRoot, ToRoot string
	Effective        chihuy.Day
	At               time.Time
	Applied          bool // false: interrupted, Apply resumes it
}

// Stored returns the reorganisation recorded in the store, if any.
func Stored(ctx context.Context, st *store.Store) (Record, bool, error) {
	j, ok, err := readJournal(ctx, st)
	if err != nil || !ok {
		return Record{}, ok, err
	}
	eff, err := chihuy.ParseDay(j.Effective)
	if err != nil {
		return Record{}, false, fmt.Errorf("%s: %w", msgBadJournal, err)
	}
	return Record{From: j.From, To: j.To, FromRoot: j.FromRoot, ToRoot: j.ToRoot, Mapping: j.Mapping, Effective: eff, At: j.At, Applied: j.State == stateApplied}, true, nil
}

func readJournal(ctx context.Context, st *store.Store) (journal, bool, error) {
	var j journal
	data, err := st.ReorgJournal(ctx)
	if err != nil || data == nil {
		return j, false, err
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return j, false, fmt.Errorf("%s: %w", msgBadJournal, err)
	}
	return j, true, nil
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

func writeJournal(ctx context.Context, st *store.Store, j journal) error {
	data, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("write reorganisation: %w", err)
	}
	return st.SetReorgJournal(ctx, data)
}

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

func (jb jBind) ref() chihuy.ChatRef {
	r, _ := chihuy.ParseChatRef(jb.Chat)
	return r
}

func (jb jBind) binding() store.Binding {
	b := store.Binding{Chat: jb.ref(), Unit: jb.Old, Kind: chihuy.ChatKind(jb.Kind), Title: jb.Title}
	b.User, _ = chihuy.ParseUserRef(jb.User)
	b.By, _ = chihuy.ParseUserRef(jb.By)
	if jb.At != 0 {
		b.At = time.Unix(jb.At, 0)
	}
	return b
}

// parse reads the user and role of a journal entry.
func (jr jRole) parse() (chihuy.UserRef, chihuy.Role, bool) {
	user, err := chihuy.ParseUserRef(jr.User)
	if err != nil {
		return user, chihuy.RoleNone, false
	}
	role, err := chihuy.ParseRole(jr.Role)
	return user, role, err == nil
}

func (ji jInvite) invite() store.Invite {
	inv := store.Invite{Code: ji.Code, Unit: ji.Old}
	inv.By, _ = chihuy.ParseUserRef(ji.By)
	if ji.Expires != 0 {
		inv.Expires = time.Unix(ji.Expires, 0)
	}
	return inv
}

func userStr(u chihuy.UserRef) string {
	if u.Platform == "" {
		return ""
	}
	return u.String()
}
