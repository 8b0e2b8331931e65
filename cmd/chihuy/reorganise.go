package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/config"
	"github.com/chihuy/chihuy/reorg"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// cmdReorganise applies (or rehearses, or undoes) a reorganisation of
// units on the bot's store (SPEC §1): "chihuy reorganise --to gso-2025-07
// [--mapping FILE] --effective 2025-07-01 [--dry-run] [--undo]". Flags
// left out are taken from the configuration's reorganise: key.
func cmdReorganise(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fs := flags("reorganise")
	toS := fs.String("to", "", flagReTo)
	mapping := fs.String("mapping", "", flagReMapping)
	effS := fs.String("effective", "", flagReEffective)
	dry := fs.Bool("dry-run", false, flagReDryRun)
	undo := fs.Bool("undo", false, flagReUndo)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if re := cfg.Reorganise; re != nil {
		if *toS == "" {
			*toS = re.To
		}
		if *mapping == "" {
			*mapping = re.Mapping
		}
		if *effS == "" {
			*effS = re.Effective.String()
		}
	}
	var missing []string
	if *toS == "" {
		missing = append(missing, "--to")
	}
	if *effS == "" {
		missing = append(missing, "--effective")
	}
	if len(missing) > 0 {
		return usageError{msgRequired(strings.Join(missing, ", "))}
	}
	eff, err := chihuy.ParseDay(*effS)
	if err != nil {
		return usageError{fmt.Sprintf(msgFlagDayPrefix, "effective", chihuy.ErrorMessage(err))}
	}
	from, err := loadTree(cfg)
	if err != nil {
		return err
	}
	to, err := config.LoadTree(*toS)
	if err != nil {
		return err
	}
	plan, err := reorg.Load(from, to, *mapping, eff)
	if err != nil {
		return cliError(err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	var res reorg.Result
	switch {
	case *undo && *dry:
		return usageError{msgUndoDry}
	case *undo:
		if res, err = plan.Undo(ctx, st); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, msgReUndone+"\n", plan, len(res.Moved)+len(res.ReEnrol), len(res.Roles), len(res.Invites), res.Told)
		return nil
	default:
		if res, err = plan.Apply(ctx, st, reorg.Options{DryRun: *dry}); err != nil {
			return cliError(err)
		}
	}
	printReorganised(stdout, plan, res, *dry)
	return nil
}

// cliError shows a user error's Vietnamese message alone.
func cliError(err error) error {
	if chihuy.ErrorCode(err) != chihuy.EINTERNAL {
		return errors.New(chihuy.ErrorMessage(err))
	}
	return err
}

// printReorganised prints what moved (or would move) and what needs the
// operator: chats to enrol again, leads of split or gone units.
func printReorganised(w io.Writer, plan *reorg.Plan, res reorg.Result, dry bool) {
	head := msgReHead
	if dry {
		head = msgReHeadDry
	}
	fmt.Fprintf(w, head+"\n", plan)
	if res.Already {
		fmt.Fprintln(w, msgReAlready)
		return
	}
	fmt.Fprintf(w, msgReMoved+"\n", len(res.Moved))
	for _, m := range res.Moved {
		fmt.Fprintf(w, "  %s: %s → %s\n", m.Binding.Chat, m.Old, m.New)
	}
	fmt.Fprintf(w, msgReReEnrol+"\n", len(res.ReEnrol))
	for _, r := range res.ReEnrol {
		fmt.Fprintf(w, "  %s: %s — %s\n", r.Binding.Chat, r.Fate.Old, fateText(r.Fate))
	}
	var moved, removed []reorg.RoleChange
	for _, r := range res.Roles {
		if r.New != nil {
			moved = append(moved, r)
		} else {
			removed = append(removed, r)
		}
	}
	fmt.Fprintf(w, msgReRoles+"\n", len(moved))
	for _, r := range moved {
		fmt.Fprintf(w, "  %s (%s): %s → %s\n", r.User, r.Role.Label(), r.Old, r.New)
	}
	fmt.Fprintf(w, msgReLeads+"\n", len(removed))
	for _, r := range removed {
		fmt.Fprintf(w, "  %s (%s): %s — %s\n", r.User, r.Role.Label(), r.Old, fateText(r.Fate))
	}
	dropped := 0
	for _, i := range res.Invites {
		if i.New == nil {
			dropped++
		}
	}
	fmt.Fprintf(w, msgReInvites+"\n", len(res.Invites)-dropped, dropped)
	if res.Unknown > 0 {
		fmt.Fprintf(w, msgReUnknown+"\n", res.Unknown)
	}
	if !dry {
		fmt.Fprintf(w, msgReTold+"\n", res.Told)
	}
}

// fateText is "chia vào: …" or "không còn trong cây mới".
func fateText(f reorg.Fate) string {
	if f.Gone() {
		return msgReGone
	}
	names := make([]string, len(f.Parts))
	for i, u := range f.Parts {
		names[i] = u.String()
	}
	return msgReSplitInto + strings.Join(names, ", ")
}

// loadPlan returns the reorganisation the offline commands read history
// through, and the tree in force: the configured one in force, else the
// one the store recorded; nil when none.
func loadPlan(ctx context.Context, cfg *config.Config, st *store.Store, tree *units.Tree) (*reorg.Plan, *units.Tree, error) {
	if re := cfg.Reorganise; re != nil {
		to, err := config.LoadTree(re.To)
		if err != nil {
			return nil, nil, err
		}
		plan, err := reorg.Load(tree, to, re.Mapping, re.Effective)
		if err != nil {
			return nil, nil, cliError(err)
		}
		if plan.Before(chihuy.DayOf(st.Now().In(cfg.Location))) {
			return nil, tree, nil
		}
		return plan, plan.To, nil
	}
	plan, err := reorg.Recorded(ctx, st, tree, config.LoadTree)
	return plan, tree, err
}
