package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
	"github.com/chihuy/chihuy/outboxkey"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
	"github.com/chihuy/chihuy/vntext"
)

// Directives (§6): a lead's /chidao goes to every chat of the target units
// through the outbox; units acknowledge (button or /danhan) and report
// results (/ketqua); the lead's own message shows the progress, edited in
// place; reminders and the deadline report come from the scheduler.
// This file issues, sends, confirms and cancels directives; the answers
// and the progress message are in directive_answers.go, /trangthai in
// directive_status.go, the scheduler's jobs in directive_jobs.go.
//
// Outbox keys tie sends back to directives:
//
//	cd:ID:UNIT:CHAT      the directive to one chat of a target unit
//	cdp:ID               the lead's progress message (edited in place)
//	cdr:ID               the lead's list of results (edited as they come)
//	cda:ID:UNIT:CHAT     the edit of a unit's copy once it acknowledged

// cmdChidao issues a directive, or lists the open ones without text.
func (h *Handler) cmdChidao(ctx context.Context, r *request) error {
	issuer, err := h.homeUnit(ctx, r)
	if err != nil {
		return err
	}
	if err := h.require(ctx, r, issuer, chihuy.RoleLead); err != nil {
		return err
	}
	if strings.TrimSpace(r.args) == "" {
		return h.listOpen(ctx, r, issuer)
	}
	draft, problems := directive.ParseOptions(r.args, h.now())
	if len(problems) > 0 {
		lines := []string{msgCdProblems}
		for _, p := range problems {
			lines = append(lines, "• "+p.Message)
		}
		return h.reply(ctx, r, strings.Join(lines, "\n"))
	}
	targets, err := h.resolveTargets(issuer, draft.Target)
	if err != nil {
		return err
	}
	return h.issue(ctx, r, issuer, draft, targets, "")
}

// cmdHuycd cancels a directive: queued copies are not sent; units already
// reached are told.
func (h *Handler) cmdHuycd(ctx context.Context, r *request) error {
	rawID := strings.TrimSpace(r.args)
	if rawID == "" {
		return h.reply(ctx, r, msgHuycdUsage)
	}
	d, err := h.directiveFor(ctx, r, strings.Fields(rawID)[0], chihuy.RoleLead)
	if err != nil {
		return err
	}
	text, err := h.cancel(ctx, d)
	if err != nil {
		return err
	}
	return h.reply(ctx, r, text)
}

func (h *Handler) cmdHuy(ctx context.Context, r *request) error {
	id, err := h.pendingID(ctx, r)
	if err != nil {
		return err
	}
	text, err := h.confirm(ctx, r, id, false)
	if err != nil {
		return err
	}
	return h.reply(ctx, r, text)
}

// listOpen lists the open directives issued by unit.
func (h *Handler) listOpen(ctx context.Context, r *request, u *units.Unit) error {
	open, err := h.Store.OpenDirectives(ctx, u.Code)
	if err != nil {
		return err
	}
	if len(open) == 0 {
		return h.reply(ctx, r, fmt.Sprintf(msgCdNoneOpen, u.Title()))
	}
	lines := []string{fmt.Sprintf(msgCdOpenHead, u.FullName(), len(open))}
	for _, d := range open {
		state := ""
		if d.State == directive.Pending {
			state = msgCdPendingMark
		}
		lines = append(lines, fmt.Sprintf(msgCdOpenLine, d.ID, firstLine(d.Body, 60), d.Counts.Acked, d.Counts.Total, state))
	}
	lines = append(lines, msgCdOpenHint)
	return h.reply(ctx, r, strings.Join(lines, "\n"))
}

// resolveTargets turns a target spec into units of issuer's subtree.
func (h *Handler) resolveTargets(issuer *units.Unit, t directive.Target) ([]*units.Unit, error) {
	if issuer.IsLeaf() {
		return nil, chihuy.Errorf(chihuy.EINVALID, msgCdNoSubunits, issuer.Title())
	}
	var out []*units.Unit
	switch t.Kind {
	case directive.TargetChildren:
		out = append(out, issuer.Children...)
	case directive.TargetUnits:
		seen := map[string]bool{}
		for _, name := range t.Names {
			u, err := h.findUnit(issuer, name)
			if err != nil {
				return nil, err
			}
			if u == issuer || !h.Tree.Within(u.Code, issuer.Code) {
				return nil, chihuy.Errorf(chihuy.EUNAUTHORIZED, msgOutOfScope, u.String())
			}
			if !seen[u.Code] {
				seen[u.Code] = true
				out = append(out, u)
			}
		}
	case directive.TargetLevel:
		want := map[string]bool{}
		for _, l := range t.Levels {
			want[l] = true
		}
		for _, u := range h.Tree.Descendants(issuer.Code) {
			if want[vntext.Fold(u.Level)] || want[tierOf(u)] {
				out = append(out, u)
			}
		}
	default:
		out = h.Tree.Descendants(issuer.Code)
	}
	if len(out) == 0 {
		return nil, chihuy.Errorf(chihuy.EINVALID, msgCdNoTargets, t.String())
	}
	return out, nil
}

// tierOf is the tier of the tree a unit belongs to, as directive targets
// name it ("các xã" is every commune-level unit): directive.TierCommune for
// xã, phường, thị trấn and đặc khu; TierDistrict for huyện, quận, thị xã
// and a thành phố inside a province; TierProvince for tỉnh and a thành phố
// under the national root. Other units (thôn, chốt…) have none.
func tierOf(u *units.Unit) string {
	switch vntext.Fold(u.Level) {
	case "xa", "phuong", "thi tran", "dac khu":
		return directive.TierCommune
	case "huyen", "quan", "thi xa":
		return directive.TierDistrict
	case "tinh":
		return directive.TierProvince
	case "thanh pho":
		if u.Parent == nil || vntext.Fold(u.Parent.Level) == "quoc gia" {
			return directive.TierProvince
		}
		return directive.TierDistrict
	}
	return ""
}

// levelShown orders the level words of a target summary.
var levelShown = []string{"tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu"}

// targetSummary says who a directive goes to, by level with counts, in the
// order of the tree: "97 xã, 12 phường, 4 thị trấn".
func targetSummary(targets []*units.Unit) string {
	count := map[string]int{}
	var levels []string
	for _, u := range targets {
		l := u.Level
		if l == "" {
			l = "đơn vị"
		}
		if count[l] == 0 {
			levels = append(levels, l)
		}
		count[l]++
	}
	rank := func(l string) int {
		if i := slices.Index(levelShown, l); i >= 0 {
			return i
		}
		return len(levelShown)
	}
	slices.SortStableFunc(levels, func(a, b string) int { return rank(a) - rank(b) })
	parts := make([]string, len(levels))
	for i, l := range levels {
		parts[i] = fmt.Sprintf("%d %s", count[l], l)
	}
	return strings.Join(parts, ", ")
}

// understood is what was read of a directive's options besides its
// targets, for the lead to see before anything goes out: deadline,
// reference number, result required.
func (h *Handler) understood(d directive.Directive) string {
	var b strings.Builder
	if !d.Deadline.IsZero() {
		fmt.Fprintf(&b, msgCdDeadline, directive.FormatDeadline(d.Deadline.In(h.Loc)))
	}
	if d.Ref != "" {
		fmt.Fprintf(&b, msgCdRef, d.Ref)
	}
	if d.ResultRequired {
		b.WriteString(msgCdResultNeeded)
	}
	return b.String()
}

// issue creates a directive and sends it, or asks the lead to confirm a
// big broadcast first.
func (h *Handler) issue(ctx context.Context, r *request, issuer *units.Unit, draft directive.Draft, targets []*units.Unit, parent string) error {
	id, err := h.Store.NextDirectiveID(ctx, issuer.Code)
	if err != nil {
		return err
	}
	codes := make([]string, len(targets))
	for i, u := range targets {
		codes[i] = u.Code
	}
	chats, err := h.Store.TargetsOf(ctx, codes)
	if err != nil {
		return err
	}
	dts := make([]directive.TargetUnit, len(targets))
	nchats := 0
	for i, u := range targets {
		parentCode := ""
		if u.Parent != nil {
			parentCode = u.Parent.Code
		}
		dts[i] = directive.TargetUnit{Unit: u.Code, Parent: parentCode, Chats: len(chats[u.Code])}
		nchats += len(chats[u.Code])
	}
	state := directive.Active
	if len(targets) > h.ConfirmAbove {
		state = directive.Pending
	}
	d := directive.Directive{
		ID: id, Issuer: issuer.Code, By: r.u.From, LeadChat: r.u.Chat, ProgressKey: outboxkey.Progress(id),
		Body: draft.Body, Ref: draft.Ref, Deadline: draft.Deadline, ResultRequired: draft.ResultRequired,
		Targets: targetSummary(targets), Created: h.Clock.Now(), Parent: parent, State: state,
	}
	if err := h.Store.CreateDirective(ctx, d, dts); err != nil {
		return err
	}
	d.Counts.Total = len(targets)
	d.Started = d.Created
	h.Log.Info().Str("directive", id).Str("issuer", issuer.Code).Int("units", len(targets)).Int("chats", nchats).Str("state", string(state)).Msg("directive created")
	if state == directive.Pending {
		m := chihuy.Message{Text: fmt.Sprintf(msgCdConfirm, id, len(targets), d.Targets, nchats, h.understood(d), id, id)}
		if h.buttons(r.u.Chat) {
			m.Buttons = [][]chihuy.Button{{{Text: btnConfirm, Data: outboxkey.Button(outboxkey.ButtonConfirm, id)}, {Text: btnAbort, Data: outboxkey.Button(outboxkey.ButtonAbort, id)}}}
		}
		return h.replyWith(ctx, r, m)
	}
	return h.deliver(ctx, d, targets, chats)
}

// buttons reports whether chat's platform has inline buttons.
func (h *Handler) buttons(chat chihuy.ChatRef) bool {
	if p, ok := h.Platforms[chat.Platform]; ok {
		return p.Buttons
	}
	return chat.Platform == chihuy.Telegram
}

// deliver sends the lead's progress message and the directive to every
// chat of the targets.
func (h *Handler) deliver(ctx context.Context, d directive.Directive, targets []*units.Unit, chats map[string][]store.Binding) error {
	issuer, _ := h.Tree.Get(d.Issuer)
	progress := h.progressText(d, issuer, time.Time{})
	if _, err := h.Store.Enqueue(ctx, chihuy.Message{
		Key: d.ProgressKey, Chat: d.LeadChat, Priority: chihuy.PriorityReply, Group: d.LeadChat.ID != "" && d.LeadChat.ID[0] == '-',
		Thread: h.chatThread(ctx, d.LeadChat), Text: progress,
	}); err != nil {
		return err
	}
	// the first edit is the first change of this text
	h.mu.Lock()
	h.shownProgress[d.ID] = progress
	h.mu.Unlock()
	text := h.directiveText(d, issuer)
	var batch []chihuy.Message
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := h.Store.Enqueue(ctx, batch...)
		batch = batch[:0]
		return err
	}
	for _, u := range targets {
		for _, b := range chats[u.Code] {
			m := chihuy.Message{
				Key: outboxkey.Directive(d.ID, u.Code).To(b.Chat), Chat: b.Chat, Group: b.Kind == chihuy.Group, Thread: b.Thread,
				Priority: chihuy.PriorityBulk, Text: text,
			}
			if h.buttons(b.Chat) {
				m.Buttons = [][]chihuy.Button{{{Text: btnAck, Data: outboxkey.Button(outboxkey.ButtonAck, d.ID)}}}
			} else {
				m.Text += fmt.Sprintf(msgCdAckByCommand, d.ID)
			}
			batch = append(batch, m)
			if len(batch) == 500 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// directiveText is what target units receive.
func (h *Handler) directiveText(d directive.Directive, issuer *units.Unit) string {
	var b strings.Builder
	fmt.Fprintf(&b, msgCdHead, d.ID, issuer.FullName())
	if d.Ref != "" {
		fmt.Fprintf(&b, msgCdRef, d.Ref)
	}
	b.WriteString("\n\n" + d.Body + "\n")
	if !d.Deadline.IsZero() {
		fmt.Fprintf(&b, msgCdDeadline, directive.FormatDeadline(d.Deadline.In(h.Loc)))
	}
	if d.ResultRequired {
		fmt.Fprintf(&b, msgCdResultReq, d.ID)
	}
	return strings.TrimRight(b.String(), "\n")
}

func firstLine(s string, n int) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(line); len(r) > n {
		line = string(r[:n-1]) + "…"
	}
	return line
}

func (h *Handler) cancel(ctx context.Context, d directive.Directive) (string, error) {
	reached, err := h.Store.CancelDirective(ctx, d.ID, h.Clock.Now())
	if err != nil {
		return "", err
	}
	dropped, err := h.Store.CancelQueued(ctx, outboxkey.DirectivePrefix(d.ID))
	if err != nil {
		return "", err
	}
	for _, u := range reached {
		if err := h.tellCancelled(ctx, d, u); err != nil {
			return "", err
		}
	}
	if err := h.refreshProgress(ctx, d.ID); err != nil {
		return "", err
	}
	h.Log.Info().Str("directive", d.ID).Int("reached", len(reached)).Int("dropped", dropped).Msg("directive cancelled")
	return fmt.Sprintf(msgCdCancelled, d.ID, dropped, len(reached)), nil
}

// tellCancelled tells the chats of unit, which the directive reached, that
// it was cancelled (once per chat: the keys are the same whenever asked).
func (h *Handler) tellCancelled(ctx context.Context, d directive.Directive, unit string) error {
	to := h.dirChats(d, unit)
	if to == "" {
		return nil
	}
	text := fmt.Sprintf(msgCdCancelledUnits, d.ID, h.dirName(d, d.Issuer), firstLine(d.Body, 120))
	_, err := h.sendUnit(ctx, to, outboxkey.Cancelled(d.ID, unit), chihuy.PriorityReply, text)
	return err
}

// confirm sends (ok) or aborts a directive waiting for confirmation.
func (h *Handler) confirm(ctx context.Context, r *request, rawID string, ok bool) (string, error) {
	d, err := h.directiveFor(ctx, r, rawID, chihuy.RoleLead)
	if err != nil {
		return "", err
	}
	if d.State != directive.Pending {
		return fmt.Sprintf(msgCdNotPending, d.ID), nil
	}
	if !ok {
		if _, err := h.Store.CancelDirective(ctx, d.ID, h.Clock.Now()); err != nil {
			return "", err
		}
		return fmt.Sprintf(msgCdAborted, d.ID), nil
	}
	changed, err := h.Store.ConfirmDirective(ctx, d.ID, h.Clock.Now())
	if err != nil || !changed {
		return fmt.Sprintf(msgCdNotPending, d.ID), err
	}
	if d, err = h.Store.Directive(ctx, d.ID); err != nil {
		return "", err
	}
	st, err := h.Store.DirectiveStatus(ctx, d.ID)
	if err != nil {
		return "", err
	}
	targets := make([]*units.Unit, 0, len(st.Units))
	codes := make([]string, 0, len(st.Units))
	for _, u := range st.Units {
		if x, ok := h.Tree.Get(u.Unit); ok {
			targets = append(targets, x)
			codes = append(codes, u.Unit)
		}
	}
	chats, err := h.Store.TargetsOf(ctx, codes)
	if err != nil {
		return "", err
	}
	if err := h.deliver(ctx, d, targets, chats); err != nil {
		return "", err
	}
	return fmt.Sprintf(msgCdConfirmed, d.ID, len(targets)), nil
}

// pendingID is the id given, or the newest directive of the chat's unit
// waiting for confirmation.
func (h *Handler) pendingID(ctx context.Context, r *request) (string, error) {
	if id := strings.TrimSpace(r.args); id != "" {
		return strings.Fields(id)[0], nil
	}
	home, err := h.homeUnit(ctx, r)
	if err != nil {
		return "", err
	}
	open, err := h.Store.OpenDirectives(ctx, home.Code)
	if err != nil {
		return "", err
	}
	for _, d := range open {
		if d.State == directive.Pending {
			return d.ID, nil
		}
	}
	return "", chihuy.Errorf(chihuy.ENOTFOUND, msgCdNonePending)
}

// confirmDirective answers /xacnhan about a directive waiting for the
// lead's confirmation (cmdXacnhan looks for a held report first).
func (h *Handler) confirmDirective(ctx context.Context, r *request) error {
	id, err := h.pendingID(ctx, r)
	if err != nil {
		return err
	}
	text, err := h.confirm(ctx, r, id, true)
	if err != nil {
		return err
	}
	return h.reply(ctx, r, text)
}
