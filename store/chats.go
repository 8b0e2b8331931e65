package store

// Chats, members, roles and invites (SPEC §2). All under the {cfg} tag:
//
//	{cfg}:chat:PLATFORM:ID      hash: unit, kind (group|private), title,
//	                            user (the member, for private chats), by,
//	                            at (unix s), broken (reason, when the
//	                            platform said the chat is gone), thread
//	                            (the forum topic enrolled from)
//	{cfg}:targets:UNIT          set of chat refs a unit's messages go to:
//	                            its bound groups and members' private chats
//	{cfg}:roles:PLATFORM:ID     hash of a user's roles: unit → role name
//	{cfg}:invite:CODE           hash: unit, by, at; TTL = the invite's life;
//	                            deleted when redeemed (one-time)
//	{cfg}:told:PLATFORM:ID      an unbound chat was told how to enrol once

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
)

// Binding is a chat bound to a unit.
type Binding struct {
	Chat   chihuy.ChatRef
	Unit   string
	Kind   chihuy.ChatKind
	Title  string
	User   chihuy.UserRef // the member, for a private chat
	By     chihuy.UserRef
	At     time.Time
	Broken string // why the platform refused it; empty when healthy
	// Thread is the forum topic the chat was enrolled from (Telegram's
	// message_thread_id): broadcasts, digests and alerts go there.
	Thread string
}

// Bind binds chat to unit, replacing an earlier binding of that chat.
func (s *Store) Bind(ctx context.Context, b Binding) error {
	key := s.Key("cfg", "chat", b.Chat.String())
	old, err := s.rdb.HGet(ctx, key, "unit").Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("bind %s: %w", b.Chat, err)
	}
	if b.At.IsZero() {
		b.At = s.Now()
	}
	p := s.rdb.TxPipeline()
	if old != "" && old != b.Unit {
		p.SRem(ctx, s.Key("cfg", "targets", old), b.Chat.String())
	}
	p.Del(ctx, key)
	p.HSet(ctx, key, "unit", b.Unit, "kind", string(b.Kind), "title", b.Title,
		"user", userString(b.User), "by", userString(b.By), "at", b.At.Unix())
	if b.Thread != "" {
		p.HSet(ctx, key, "thread", b.Thread)
	}
	p.SAdd(ctx, s.Key("cfg", "targets", b.Unit), b.Chat.String())
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("bind %s to %s: %w", b.Chat, b.Unit, err)
	}
	return nil
}

func userString(u chihuy.UserRef) string {
	if u.Platform == "" {
		return ""
	}
	return u.String()
}

// Unbind removes chat's binding. It returns chihuy.ENOTFOUND when the chat
// is not bound.
func (s *Store) Unbind(ctx context.Context, chat chihuy.ChatRef) (Binding, error) {
	b, err := s.Binding(ctx, chat)
	if err != nil {
		return b, err
	}
	p := s.rdb.TxPipeline()
	p.Del(ctx, s.Key("cfg", "chat", chat.String()))
	p.SRem(ctx, s.Key("cfg", "targets", b.Unit), chat.String())
	if _, err := p.Exec(ctx); err != nil {
		return b, fmt.Errorf("unbind %s: %w", chat, err)
	}
	return b, nil
}

// Binding returns chat's binding, or an error with code chihuy.ENOTFOUND.
func (s *Store) Binding(ctx context.Context, chat chihuy.ChatRef) (Binding, error) {
	m, err := s.rdb.HGetAll(ctx, s.Key("cfg", "chat", chat.String())).Result()
	if err != nil {
		return Binding{}, fmt.Errorf("binding of %s: %w", chat, err)
	}
	if m["unit"] == "" {
		return Binding{}, chihuy.Errorf(chihuy.ENOTFOUND, msgChatUnbound, chat)
	}
	return bindingFrom(chat, m), nil
}

func bindingFrom(chat chihuy.ChatRef, m map[string]string) Binding {
	b := Binding{Chat: chat, Unit: m["unit"], Kind: chihuy.ChatKind(m["kind"]), Title: m["title"], Broken: m["broken"],
		Thread: m["thread"]}
	b.User, _ = chihuy.ParseUserRef(m["user"])
	b.By, _ = chihuy.ParseUserRef(m["by"])
	if sec, err := strconv.ParseInt(m["at"], 10, 64); err == nil {
		b.At = time.Unix(sec, 0)
	}
	return b
}

// Targets returns the healthy chats a unit's messages go to, sorted.
func (s *Store) Targets(ctx context.Context, unit string) ([]Binding, error) {
	m, err := s.TargetsOf(ctx, []string{unit})
	return m[unit], err
}

// TargetsOf returns the healthy chats of many units in one round trip.
func (s *Store) TargetsOf(ctx context.Context, units []string) (map[string][]Binding, error) {
	out := make(map[string][]Binding, len(units))
	if len(units) == 0 {
		return out, nil
	}
	p := s.rdb.Pipeline()
	cmds := make([]*redis.StringSliceCmd, len(units))
	for i, u := range units {
		cmds[i] = p.SMembers(ctx, s.Key("cfg", "targets", u))
	}
	if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("targets: %w", err)
	}
	var refs []chihuy.ChatRef
	for _, c := range cmds {
		for _, r := range c.Val() {
			if ref, err := chihuy.ParseChatRef(r); err == nil {
				refs = append(refs, ref)
			}
		}
	}
	p = s.rdb.Pipeline()
	hcmds := make([]*redis.MapStringStringCmd, len(refs))
	for i, r := range refs {
		hcmds[i] = p.HGetAll(ctx, s.Key("cfg", "chat", r.String()))
	}
	if len(refs) > 0 {
		if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("targets: %w", err)
		}
	}
	for i, r := range refs {
		m := hcmds[i].Val()
		if m["unit"] == "" || m["broken"] != "" {
			continue
		}
		b := bindingFrom(r, m)
		out[b.Unit] = append(out[b.Unit], b)
	}
	for u := range out {
		sort.Slice(out[u], func(i, j int) bool { return out[u][i].Chat.String() < out[u][j].Chat.String() })
	}
	return out, nil
}

// MarkBroken records that the platform refused chat (blocked, kicked,
// not found). The chat stays bound but gets no more messages until it is
// bound again. It returns the binding so the caller can tell the parent.
func (s *Store) MarkBroken(ctx context.Context, chat chihuy.ChatRef, reason string) (Binding, error) {
	b, err := s.Binding(ctx, chat)
	if err != nil {
		return b, err
	}
	if reason == "" {
		reason = "gone"
	}
	if err := s.rdb.HSet(ctx, s.Key("cfg", "chat", chat.String()), "broken", reason).Err(); err != nil {
		return b, fmt.Errorf("mark %s broken: %w", chat, err)
	}
	b.Broken = reason
	return b, nil
}

// MoveChat moves chat from's binding to chat to — a Telegram group
// upgraded to a supergroup gets a new id — with its unit, kind, title and
// topic, healthy again; and the open directives issued from from now
// report there. It returns the binding as moved, or chihuy.ENOTFOUND when
// from is not bound (already moved). Roles belong to people, not chats:
// they need no move; the outbox moves its own queue (MigrateOutbox).
func (s *Store) MoveChat(ctx context.Context, from, to chihuy.ChatRef) (Binding, error) {
	b, err := s.Binding(ctx, from)
	if err != nil {
		return b, err
	}
	nb := b
	nb.Chat, nb.Broken = to, ""
	if nb.Kind == "" {
		nb.Kind = chihuy.Group
	}
	if old, err := s.Binding(ctx, to); err == nil && old.Unit != b.Unit {
		// The new chat was bound meanwhile (enrolled again by hand): that
		// binding is the newer word.
		nb = old
	}
	key := s.Key("cfg", "chat", to.String())
	p := s.rdb.TxPipeline()
	p.Del(ctx, s.Key("cfg", "chat", from.String()))
	p.SRem(ctx, s.Key("cfg", "targets", b.Unit), from.String())
	p.Del(ctx, key)
	p.HSet(ctx, key, "unit", nb.Unit, "kind", string(nb.Kind), "title", nb.Title,
		"user", userString(nb.User), "by", userString(nb.By), "at", nb.At.Unix())
	if nb.Thread != "" {
		p.HSet(ctx, key, "thread", nb.Thread)
	}
	p.SAdd(ctx, s.Key("cfg", "targets", nb.Unit), to.String())
	if _, err := p.Exec(ctx); err != nil {
		return b, fmt.Errorf("move chat %s to %s: %w", from, to, err)
	}
	ids, err := s.OpenDirectiveIDs(ctx)
	if err != nil {
		return nb, err
	}
	for _, id := range ids {
		key := s.cdKey(id, "meta")
		if c, err := s.rdb.HGet(ctx, key, "chat").Result(); err == nil && c == from.String() {
			if err := s.rdb.HSet(ctx, key, "chat", to.String()).Err(); err != nil {
				return nb, fmt.Errorf("move directive %s to %s: %w", id, to, err)
			}
		}
	}
	return nb, nil
}

// Bindings lists every binding (for `chihuy check` and operators).
func (s *Store) Bindings(ctx context.Context) ([]Binding, error) {
	var out []Binding
	prefix := s.Key("cfg", "chat") + ":"
	iter := s.rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		ref, err := chihuy.ParseChatRef(strings.TrimPrefix(iter.Val(), prefix))
		if err != nil {
			continue
		}
		b, err := s.Binding(ctx, ref)
		if err == nil {
			out = append(out, b)
		}
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("list bindings: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Chat.String() < out[j].Chat.String() })
	return out, nil
}

// Grant gives user role at unit (RoleNone removes it).
func (s *Store) Grant(ctx context.Context, user chihuy.UserRef, unit string, role chihuy.Role) error {
	key := s.Key("cfg", "roles", user.String())
	var err error
	if role == chihuy.RoleNone {
		err = s.rdb.HDel(ctx, key, unit).Err()
	} else {
		err = s.rdb.HSet(ctx, key, unit, role.String()).Err()
	}
	if err != nil {
		return fmt.Errorf("grant %s %s at %s: %w", user, role, unit, err)
	}
	return nil
}

// Roles returns user's stored roles: unit code → role.
func (s *Store) Roles(ctx context.Context, user chihuy.UserRef) (map[string]chihuy.Role, error) {
	m, err := s.rdb.HGetAll(ctx, s.Key("cfg", "roles", user.String())).Result()
	if err != nil {
		return nil, fmt.Errorf("roles of %s: %w", user, err)
	}
	out := make(map[string]chihuy.Role, len(m))
	for unit, name := range m {
		if r, err := chihuy.ParseRole(name); err == nil {
			out[unit] = r
		}
	}
	return out, nil
}

// Invite is a one-time enrollment code for a unit.
type Invite struct {
	Code    string
	Unit    string
	By      chihuy.UserRef
	Expires time.Time
}

// inviteAlphabet avoids look-alikes (0/O, 1/I/L) for codes read aloud or
// typed on a phone.
const inviteAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func newInviteCode() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = inviteAlphabet[int(c)%len(inviteAlphabet)]
	}
	return string(out), nil
}

// CreateInvites makes one invite code per unit, valid for ttl.
func (s *Store) CreateInvites(ctx context.Context, units []string, by chihuy.UserRef, ttl time.Duration) ([]Invite, error) {
	now := s.Now()
	out := make([]Invite, 0, len(units))
	p := s.rdb.Pipeline()
	for _, u := range units {
		code, err := newInviteCode()
		if err != nil {
			return nil, fmt.Errorf("invite code: %w", err)
		}
		key := s.Key("cfg", "invite", code)
		p.HSet(ctx, key, "unit", u, "by", userString(by), "at", now.Unix(), "exp", now.Add(ttl).Unix())
		p.PExpire(ctx, key, ttl)
		out = append(out, Invite{Code: code, Unit: u, By: by, Expires: now.Add(ttl)})
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, fmt.Errorf("create invites: %w", err)
	}
	return out, nil
}

var redeemScript = newScript("invite_redeem", scriptSpec{keys: []string{"invite"}})

// RedeemInvite uses up code and returns its invite. An unknown, used or
// expired code is chihuy.ENOTFOUND.
func (s *Store) RedeemInvite(ctx context.Context, code string) (Invite, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	res, err := redeemScript.run(ctx, s.rdb, names{"invite": s.Key("cfg", "invite", code)}, nil).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return Invite{}, fmt.Errorf("redeem invite: %w", err)
	}
	if len(res) == 0 {
		return Invite{}, chihuy.Errorf(chihuy.ENOTFOUND, msgInviteUnknown, code)
	}
	m := map[string]string{}
	for i := 0; i+1 < len(res); i += 2 {
		m[res[i]] = res[i+1]
	}
	inv := Invite{Code: code, Unit: m["unit"]}
	inv.By, _ = chihuy.ParseUserRef(m["by"])
	if sec, err := strconv.ParseInt(m["exp"], 10, 64); err == nil {
		inv.Expires = time.Unix(sec, 0)
	}
	if !inv.Expires.IsZero() && s.Now().After(inv.Expires) {
		return Invite{}, chihuy.Errorf(chihuy.ENOTFOUND, msgInviteExpired, code)
	}
	return inv, nil
}

// TellOnce reports whether chat has not been told before (and marks it
// told): an unbound chat gets one explanation, then silence.
func (s *Store) TellOnce(ctx context.Context, chat chihuy.ChatRef, what string) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.Key("cfg", "told", what, chat.String()), 1, 30*24*time.Hour).Result()
	if err != nil {
		return false, fmt.Errorf("tell once %s: %w", chat, err)
	}
	return ok, nil
}

// ForgetTold clears TellOnce marks for chat (after it enrols).
func (s *Store) ForgetTold(ctx context.Context, chat chihuy.ChatRef, what string) error {
	return s.rdb.Del(ctx, s.Key("cfg", "told", what, chat.String())).Err()
}
