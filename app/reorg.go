package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/config"
	"github.com/chihuy/chihuy/reorg"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// setUpTree decides the tree in force and brings the store to it, then
// writes the configured bindings and roles (SPEC §1, §13):
//
//   - with "reorganise:" and its date reached, the new tree is in force:
//     the reorganisation is applied (a no-op when the store has it) and
//     the configured codes, those of the "units:" tree, are carried over;
//   - with its date still ahead, the "units:" tree stays in force until a
//     start on or after that date;
//   - without it, a store that has a reorganisation into the configured
//     tree recorded keeps reading the days before it from the old units.
//
// A store whose codes name another tree than the one in force is refused:
// the same code may be another place there.
func (a *App) setUpTree(ctx context.Context) (*reorg.Plan, error) {
	cfg := a.Cfg
	if re := cfg.Reorganise; re != nil {
		to, err := config.LoadTree(re.To)
		if err != nil {
			return nil, err
		}
		plan, err := reorg.Load(a.Tree, to, re.Mapping, re.Effective)
		if err != nil {
			return nil, err
		}
		today := chihuy.DayOf(a.clock.Now().In(cfg.Location))
		if plan.Before(today) {
			a.switchAt = re.Effective.Time(cfg.Location)
			a.Log.Warn().Str("to", reorg.TreeID(plan.To)).Str("effective", re.Effective.String()).
				Msg("reorganisation not yet in force: the bot stops at its date to be restarted on the new tree")
			return nil, a.claimTree(ctx, a.Tree, func(code string) (string, bool) { return code, true })
		}
		cur, err := a.Store.UnitsTree(ctx)
		if err != nil {
			return nil, err
		}
		if cur != reorg.TreeID(plan.To) {
			// The configured codes are bound as written first, so that the
			// reorganisation carries (or tells) them with the rest.
			if err := a.claimTree(ctx, a.Tree, func(code string) (string, bool) { return code, true }); err != nil {
				return nil, err
			}
		}
		// A no-op when applied before (it then learns when it was).
		res, err := plan.Apply(ctx, a.Store, reorg.Options{})
		if err != nil {
			return nil, err
		}
		if !res.Already {
			a.logReorganised(plan, res)
		}
		a.Tree = plan.To
		return plan, a.applyConfig(ctx, func(code string) (string, bool) {
			f, ok := plan.Fate(code)
			if !ok || f.Into == nil {
				return "", false
			}
			return f.Into.Code, true
		})
	}
	plan, err := reorg.Recorded(ctx, a.Store, a.Tree, config.LoadTree)
	if err != nil {
		return nil, err
	}
	return plan, a.claimTree(ctx, a.Tree, func(code string) (string, bool) { return code, true })
}

// ErrReorganised stops Run when a configured reorganisation comes into
// force: the tree of a running bot never changes under it, so the process
// exits and its supervisor (compose: restart unless-stopped) starts it
// again on the new tree.
var ErrReorganised = errors.New("units reorganisation in force: restart on the new tree")

// awaitSwitch returns ErrReorganised once the clock reaches switchAt,
// checking every second (the clock may be a test's or the demo's).
func (a *App) awaitSwitch(ctx context.Context) error {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		if !a.clock.Now().Before(a.switchAt) {
			return ErrReorganised
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// claimTree checks that the store's codes name tree (recording it on a
// store that names none yet) and writes the configured bindings and roles
// through carry.
func (a *App) claimTree(ctx context.Context, tree *units.Tree, carry func(string) (string, bool)) error {
	id := reorg.TreeID(tree)
	cur, err := a.Store.ClaimUnitsTree(ctx, id)
	if err != nil {
		return err
	}
	if cur != id {
		return fmt.Errorf(msgOtherTree, cur, id)
	}
	return a.applyConfig(ctx, carry)
}

// msgOtherTree is the start refused on a store of another tree.
const msgOtherTree = "the store's unit codes are of the tree %s, not %s: set units: (or reorganise:) to match, or run chihuy reorganise"

func (a *App) logReorganised(plan *reorg.Plan, res reorg.Result) {
	a.Log.Warn().Str("reorganisation", plan.String()).Int("chats_moved", len(res.Moved)).
		Int("chats_to_reenrol", len(res.ReEnrol)).Int("roles", len(res.Roles)).Int("invites", len(res.Invites)).
		Int("told", res.Told).Msg("units reorganised")
	for _, r := range res.ReEnrol {
		a.Log.Warn().Str("chat", r.Binding.Chat.String()).Str("old_unit", r.Fate.Old.String()).Msg("chat of a split or gone unit told to enrol again")
	}
	for _, r := range res.RemovedRoles() {
		a.Log.Warn().Str("user", r.User.String()).Str("role", r.Role.String()).Str("old_unit", r.Old.String()).
			Msg("role of a split or gone unit removed: contact this lead")
	}
}

// bindingKind guesses the kind of a configured chat: Telegram groups have
// negative ids.
func bindingKind(c chihuy.ChatRef) chihuy.ChatKind {
	if c.Platform == chihuy.Telegram && len(c.ID) > 0 && c.ID[0] == '-' {
		return chihuy.Group
	}
	return chihuy.Private
}

// applyConfig writes the configured chat bindings and roles to the store,
// their codes carried to the tree in force (carry says false for a unit
// that has no successor: left out, it was told at the reorganisation).
func (a *App) applyConfig(ctx context.Context, carry func(string) (string, bool)) error {
	for _, c := range a.Cfg.Chats {
		unit, ok := carry(c.Unit)
		if !ok {
			a.Log.Warn().Str("chat", c.Chat.String()).Str("unit", c.Unit).Msg("configured chat of a split or gone unit not bound")
			continue
		}
		if err := a.Store.Bind(ctx, store.Binding{Chat: c.Chat, Unit: unit, Kind: bindingKind(c.Chat), Title: "cấu hình"}); err != nil {
			return err
		}
	}
	for _, r := range a.Cfg.Roles {
		unit, ok := carry(r.Unit)
		if !ok {
			a.Log.Warn().Str("user", r.User.String()).Str("unit", r.Unit).Msg("configured role of a split or gone unit not granted")
			continue
		}
		if err := a.Store.Grant(ctx, r.User, unit, r.Role); err != nil {
			return err
		}
	}
	return nil
}
