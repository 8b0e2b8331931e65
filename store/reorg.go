package store

// Which tree the stored codes name, and the reorganisation journal
// (SPEC §1). Under the {cfg} tag:
//
//	{cfg}:tree      string: the tree the unit codes of bindings, roles and
//	                invites name ("gso-2025-03", "gso-2025-07"); absent in
//	                stores written before it existed, which are read as
//	                the tree of the configuration
//	{cfg}:reorg     string: the reorganisation applied (or being applied):
//	                its trees, date and journal of every change, as JSON
//	                the reorg package writes; kept so that running it again
//	                is a no-op and it can be undone
//
// Reports, aggregates and alerts need no such record: a tree whose codes
// reuse the default tree's for other places has shards of its own (see
// ShardUnit), so the same code never addresses two places' figures.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
)

// UnitsTree returns the tree the stored unit codes name, "" when none was
// recorded.
func (s *Store) UnitsTree(ctx context.Context) (string, error) {
	v, err := s.rdb.Get(ctx, s.Key("cfg", "tree")).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read units tree: %w", err)
	}
	return v, nil
}

// SetUnitsTree records the tree the stored unit codes name.
func (s *Store) SetUnitsTree(ctx context.Context, tree string) error {
	if err := s.rdb.Set(ctx, s.Key("cfg", "tree"), tree, 0).Err(); err != nil {
		return fmt.Errorf("record units tree: %w", err)
	}
	return nil
}

// ClaimUnitsTree records tree as the tree of the stored codes when none is
// recorded yet, and returns the tree recorded (tree itself, or the one
// found).
func (s *Store) ClaimUnitsTree(ctx context.Context, tree string) (string, error) {
	key := s.Key("cfg", "tree")
	if err := s.rdb.SetNX(ctx, key, tree, 0).Err(); err != nil {
		return "", fmt.Errorf("record units tree: %w", err)
	}
	return s.UnitsTree(ctx)
}

// ReorgJournal returns the stored reorganisation record, nil when none.
func (s *Store) ReorgJournal(ctx context.Context) ([]byte, error) {
	v, err := s.rdb.Get(ctx, s.Key("cfg", "reorg")).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read reorganisation: %w", err)
	}
	return v, nil
}

// SetReorgJournal stores the reorganisation record; nil deletes it.
func (s *Store) SetReorgJournal(ctx context.Context, data []byte) error {
	var err error
	if data == nil {
		err = s.rdb.Del(ctx, s.Key("cfg", "reorg")).Err()
	} else {
		err = s.rdb.Set(ctx, s.Key("cfg", "reorg"), data, 0).Err()
	}
	if err != nil {
		return fmt.Errorf("write reorganisation: %w", err)
	}
	return nil
}

// Rebinding moves a chat's binding from one unit to another, or drops it
// (To empty), only if the chat is still bound to From.
type Rebinding struct {
	Chat     chihuy.ChatRef
	From, To string
}

// rebindScript moves or drops a binding if it still names from (see
// lua/chat_rebind.lua).
var rebindScript = newScript("chat_rebind", scriptSpec{
	keys: []string{"chat", "fromTargets", "toTargets"},
	args: []string{"from", "to", "ref"},
})

// rebindBatch bounds the scripts queued in one pipeline.
const rebindBatch = 1000

// Rebind applies the moves, pipelined (one round trip per thousand); a
// chat no longer bound to the move's From (it enrolled elsewhere since) is
// left alone. It returns how many bindings changed.
func (s *Store) Rebind(ctx context.Context, moves []Rebinding) (int, error) {
	changed := 0
	for start := 0; start < len(moves); start += rebindBatch {
		batch := moves[start:min(start+rebindBatch, len(moves))]
		if err := rebindScript.Load(ctx, s.rdb).Err(); err != nil {
			return changed, fmt.Errorf("rebind: %w", err)
		}
		p := s.rdb.Pipeline()
		cmds := make([]*redis.Cmd, len(batch))
		for i, m := range batch {
			to := m.To
			if to == "" {
				to = m.From
			}
			keys := names{"chat": s.Key("cfg", "chat", m.Chat.String()), "fromTargets": s.Key("cfg", "targets", m.From),
				"toTargets": s.Key("cfg", "targets", to)}
			cmds[i] = rebindScript.evalSha(ctx, p, keys, names{"from": m.From, "to": m.To, "ref": m.Chat.String()})
		}
		if _, err := p.Exec(ctx); err != nil {
			return changed, fmt.Errorf("rebind: %w", err)
		}
		for _, c := range cmds {
			if n, _ := c.Int(); n == 1 {
				changed++
			}
		}
	}
	return changed, nil
}

// AllBindings lists every binding, reading them in pipelined pages (for
// the reorganisation of a whole country's chats).
func (s *Store) AllBindings(ctx context.Context) ([]Binding, error) {
	prefix := s.Key("cfg", "chat") + ":"
	var out []Binding
	err := s.scanHashes(ctx, prefix, func(rest string, m map[string]string) {
		ref, err := chihuy.ParseChatRef(rest)
		if err != nil || m["unit"] == "" {
			return
		}
		out = append(out, bindingFrom(ref, m))
	})
	if err != nil {
		return nil, fmt.Errorf("list bindings: %w", err)
	}
	return out, nil
}

// AllRoles returns every stored role: user → unit → role.
func (s *Store) AllRoles(ctx context.Context) (map[chihuy.UserRef]map[string]chihuy.Role, error) {
	prefix := s.Key("cfg", "roles") + ":"
	out := map[chihuy.UserRef]map[string]chihuy.Role{}
	err := s.scanHashes(ctx, prefix, func(rest string, m map[string]string) {
		user, err := chihuy.ParseUserRef(rest)
		if err != nil {
			return
		}
		for unit, name := range m {
			if r, err := chihuy.ParseRole(name); err == nil {
				if out[user] == nil {
					out[user] = map[string]chihuy.Role{}
				}
				out[user][unit] = r
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	return out, nil
}

// Invites returns every invite not yet redeemed nor expired.
func (s *Store) Invites(ctx context.Context) ([]Invite, error) {
	prefix := s.Key("cfg", "invite") + ":"
	var out []Invite
	err := s.scanHashes(ctx, prefix, func(code string, m map[string]string) {
		if m["unit"] == "" {
			return
		}
		inv := Invite{Code: code, Unit: m["unit"]}
		inv.By, _ = chihuy.ParseUserRef(m["by"])
		if sec, err := strconv.ParseInt(m["exp"], 10, 64); err == nil {
			inv.Expires = time.Unix(sec, 0)
		}
		out = append(out, inv)
	})
	if err != nil {
		return nil, fmt.Errorf("list invites: %w", err)
	}
	return out, nil
}

// retargetScript changes the unit of an invite that still exists.
var retargetScript = newScript("invite_retarget", scriptSpec{keys: []string{"invite"}, args: []string{"unit"}})

// RetargetInvite makes an unredeemed invite enrol into unit instead, or
// deletes it (unit empty). It keeps the invite's expiry; an invite
// redeemed or expired meanwhile stays gone.
func (s *Store) RetargetInvite(ctx context.Context, code, unit string) error {
	key := s.Key("cfg", "invite", code)
	var err error
	if unit == "" {
		err = s.rdb.Del(ctx, key).Err()
	} else {
		err = retargetScript.run(ctx, s.rdb, names{"invite": key}, names{"unit": unit}).Err()
	}
	if err != nil {
		return fmt.Errorf("retarget invite %s: %w", code, err)
	}
	return nil
}

// RestoreInvite writes an invite back (undoing RetargetInvite) until its
// expiry; an expired one is not restored.
func (s *Store) RestoreInvite(ctx context.Context, inv Invite) error {
	if !inv.Expires.IsZero() && !inv.Expires.After(s.Now()) {
		return nil
	}
	key := s.Key("cfg", "invite", inv.Code)
	p := s.rdb.TxPipeline()
	p.HSet(ctx, key, "unit", inv.Unit, "by", userString(inv.By), "at", s.Now().Unix(), "exp", inv.Expires.Unix())
	if !inv.Expires.IsZero() {
		p.ExpireAt(ctx, key, inv.Expires)
	}
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("restore invite %s: %w", inv.Code, err)
	}
	return nil
}

// scanHashes calls fn with the rest of the key after prefix and the hash,
// for every key starting with prefix (SCAN, then one pipelined HGETALL per
// page). On a Cluster the {cfg} keys are in one slot, on one node.
func (s *Store) scanHashes(ctx context.Context, prefix string, fn func(rest string, m map[string]string)) error {
	var cursor uint64
	for {
		keys, next, err := s.rdb.Scan(ctx, cursor, prefix+"*", 1000).Result()
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			p := s.rdb.Pipeline()
			cmds := make([]*redis.MapStringStringCmd, len(keys))
			for i, k := range keys {
				cmds[i] = p.HGetAll(ctx, k)
			}
			if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
				return err
			}
			for i, k := range keys {
				fn(strings.TrimPrefix(k, prefix), cmds[i].Val())
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}
