package reorg

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
)

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

func writeJournal(ctx context.Context, st *store.Store, j journal) error {
	data, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("write reorganisation: %w", err)
	}
	return st.SetReorgJournal(ctx, data)
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
