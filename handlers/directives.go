package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

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
//
// Outbox keys tie sends back to directives:
//
//	cd:ID:UNIT:CHAT      the directive to one chat of a target unit
//	cdp:ID               the lead's progress message (edited in place)
//	cdr:ID               the lead's list of results (edited as they come)
//	cda:ID:UNIT:CHAT     the edit of a unit's copy once it acknowledged

// progressEvery bounds how often the progress message is edited.
const progressEvery = 3 * time.Second

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
	if _, err := h.Store.Enqueue(ctx, chihuy.Message{
		Key: d.ProgressKey, Chat: d.LeadChat, Priority: chihuy.PriorityReply, Group: d.LeadChat.ID != "" && d.LeadChat.ID[0] == '-',
		Thread: h.chatThread(ctx, d.LeadChat), Text: h.progressText(d, issuer, time.Time{}),
	}); err != nil {
		return err
	}
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

// progressText is the lead's progress message.
func (h *Handler) progressText(d directive.Directive, issuer *units.Unit, now time.Time) string {
	title := firstLine(d.Body, 80)
	p := directive.Progress{Total: d.Counts.Total, Sent: d.Counts.Sent, Failed: d.Counts.Failed, Acked: d.Counts.Acked,
		Results: d.Counts.Results, Started: d.Started, Now: now, Done: !d.Finished.IsZero()}
	if now.IsZero() {
		p.Now = h.Clock.Now()
	}
	if p.Done {
		p.Now = d.Finished
	}
	if d.State == directive.Cancelled {
		// on the title line: the head goes on with the targets and options
		title += msgCdCancelledMark
	}
	head := fmt.Sprintf(msgCdProgressHead, d.ID, title, d.Counts.Total)
	if d.Targets != "" {
		head += fmt.Sprintf(msgCdTargets, d.Targets)
	}
	head += h.understood(d)
	return head + "\n" + p.Text() + fmt.Sprintf(msgCdStatusHint, d.ID)
}

func firstLine(s string, n int) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(line); len(r) > n {
		line = string(r[:n-1]) + "…"
	}
	return line
}

// refreshProgress edits the lead's progress message when the throttle
// allows (always for the final state).
func (h *Handler) refreshProgress(ctx context.Context, id string) error {
	d, err := h.Store.Directive(ctx, id)
	if err != nil {
		return err
	}
	if d.Started.IsZero() {
		// Never confirmed: there is no progress message to edit (an edit
		// of a message never sent would wait for it forever).
		return nil
	}
	if !h.canEdit(d.LeadChat) {
		return h.progressMilestone(ctx, d)
	}
	now := h.Clock.Now()
	final := !d.Finished.IsZero() || !d.State.Open()
	ok, err := h.Store.ShouldEditProgress(ctx, id, now, progressEvery, final)
	if err != nil || !ok {
		return err
	}
	issuer := h.dirShown(d, d.Issuer)
	if issuer == nil {
		return nil
	}
	text := h.progressText(d, issuer, now)
	h.mu.Lock()
	same := h.shownProgress[id] == text
	h.shownProgress[id] = text
	h.mu.Unlock()
	if same {
		return nil
	}
	_, err = h.Store.Enqueue(ctx, chihuy.Message{
		Key: outboxkey.ProgressEdit(d.ProgressKey, now), Chat: d.LeadChat, EditOf: d.ProgressKey,
		Priority: chihuy.PriorityReply, Text: text,
	})
	return err
}

// refreshAllProgress brings every open directive's progress message up to
// date: edits skipped by the throttle are caught up here (every minute).
func (h *Handler) refreshAllProgress(ctx context.Context) error {
	ids, err := h.Store.OpenDirectiveIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := h.refreshProgress(ctx, id); err != nil && chihuy.ErrorCode(err) == chihuy.EINTERNAL {
			return err
		}
	}
	return nil
}

// directiveSent counts a confirmed delivery and updates the progress.
func (h *Handler) directiveSent(ctx context.Context, m chihuy.Message, _ []string) {
	id, unit, chat, ok := outboxkey.ParseDirective(m.Key)
	if !ok {
		return
	}
	if err := h.Store.DirectiveDelivered(ctx, id, unit, chat, h.Clock.Now()); err != nil {
		h.Log.Error().Err(err).Str("directive", id).Msg("count delivery")
		return
	}
	// A copy taken by the sender before /huycd and delivered after it:
	// the unit has the directive, so it is told of the cancellation too.
	if d, err := h.Store.Directive(ctx, id); err != nil {
		h.Log.Error().Err(err).Str("directive", id).Msg("read directive")
	} else if d.State == directive.Cancelled {
		if err := h.tellCancelled(ctx, d, unit); err != nil {
			h.Log.Error().Err(err).Str("directive", id).Msg("tell cancelled")
		}
	}
	if err := h.refreshProgress(ctx, id); err != nil {
		h.Log.Error().Err(err).Str("directive", id).Msg("progress")
	}
}

// directiveDead counts a failed delivery.
func (h *Handler) directiveDead(ctx context.Context, m chihuy.Message, reason string) {
	id, unit, chat, ok := outboxkey.ParseDirective(m.Key)
	if !ok {
		return
	}
	if err := h.Store.DirectiveFailed(ctx, id, unit, chat, reason, h.Clock.Now()); err != nil {
		h.Log.Error().Err(err).Str("directive", id).Msg("count failure")
		return
	}
	if err := h.refreshProgress(ctx, id); err != nil {
		h.Log.Error().Err(err).Str("directive", id).Msg("progress")
	}
}

// directiveCallback handles the buttons: "ack:ID" (a unit acknowledges),
// "cdok:ID" / "cdno:ID" (the lead confirms or aborts a big broadcast).
func (h *Handler) directiveCallback(ctx context.Context, r *request) error {
	kind, id, _ := outboxkey.ParseButton(r.u.Callback.Data)
	switch kind {
	case outboxkey.ButtonAck:
		if r.unit == nil {
			return h.answerCallback(ctx, r, msgCdForged)
		}
		text, err := h.acknowledge(ctx, r, id, r.unit)
		if err != nil {
			if chihuy.ErrorCode(err) == chihuy.EINTERNAL {
				return err
			}
			return h.answerCallback(ctx, r, chihuy.ErrorMessage(err))
		}
		return h.answerCallback(ctx, r, text)
	case outboxkey.ButtonConfirm, outboxkey.ButtonAbort:
		text, err := h.confirm(ctx, r, id, kind == outboxkey.ButtonConfirm)
		if err != nil {
			if chihuy.ErrorCode(err) == chihuy.EINTERNAL {
				return err
			}
			return h.answerCallback(ctx, r, chihuy.ErrorMessage(err))
		}
		// The answer is the toast only: a message saying the same would
		// take one of the lead group's sends a minute.
		return h.answerCallback(ctx, r, text)
	}
	return h.answerCallback(ctx, r, msgCdForged)
}

// acknowledge records unit's acknowledgement of directive id and edits the
// unit's copies to say who acknowledged and when.
func (h *Handler) acknowledge(ctx context.Context, r *request, rawID string, unit *units.Unit) (string, error) {
	id, ok := directive.ParseID(rawID)
	if !ok {
		return "", chihuy.Errorf(chihuy.EINVALID, msgCdBadID, rawID)
	}
	now := h.Clock.Now()
	codes, err := h.actingCodes(ctx, id, unit)
	if err != nil {
		return "", err
	}
	first := false
	for _, code := range codes {
		f, err := h.Store.AckDirective(ctx, id, code, r.u.From, now)
		if err != nil {
			return "", err
		}
		first = first || f
	}
	if !first {
		return fmt.Sprintf(msgCdAckAgain, id), nil
	}
	d, err := h.Store.Directive(ctx, id)
	if err != nil {
		return "", err
	}
	// Copies of a directive of the old tree went out under the old units:
	// the reply says who acknowledged.
	issuer, _ := h.Tree.Get(d.Issuer)
	if issuer != nil && !h.oldDirective(d) {
		who := r.u.FromName
		if who == "" {
			who = r.u.From.String()
		}
		mark := fmt.Sprintf(msgCdAckMark, who, now.In(h.Loc).Format("15:04 02/01"))
		targets, err := h.Store.Targets(ctx, unit.Code)
		if err != nil {
			return "", err
		}
		var edits []chihuy.Message
		for _, b := range targets {
			if !h.buttons(b.Chat) {
				continue // no edit on platforms without it: the reply says it
			}
			edits = append(edits, chihuy.Message{Key: outboxkey.Acknowledged(id, unit.Code).To(b.Chat), Chat: b.Chat, Group: b.Kind == chihuy.Group,
				EditOf: outboxkey.Directive(id, unit.Code).To(b.Chat), Priority: chihuy.PriorityReply, Text: h.directiveText(d, issuer) + mark})
		}
		if len(edits) > 0 {
			if _, err := h.Store.Enqueue(ctx, edits...); err != nil {
				return "", err
			}
		}
	}
	if err := h.refreshProgress(ctx, id); err != nil {
		return "", err
	}
	return fmt.Sprintf(msgCdAcked, id, unit.FullName()), nil
}

// cmdDanhan acknowledges by command (platforms without buttons).
func (h *Handler) cmdDanhan(ctx context.Context, r *request) error {
	id := strings.TrimSpace(r.args)
	if id == "" {
		return h.reply(ctx, r, msgDanhanUsage)
	}
	text, err := h.acknowledge(ctx, r, strings.Fields(id)[0], r.unit)
	if err != nil {
		return err
	}
	return h.reply(ctx, r, text)
}

// cmdKetqua records a unit's result report and shows it to the lead.
func (h *Handler) cmdKetqua(ctx context.Context, r *request) error {
	rawID, text, _ := strings.Cut(strings.TrimSpace(r.args), " ")
	text = strings.TrimSpace(text)
	if rawID == "" || text == "" {
		return h.reply(ctx, r, msgKetquaUsage)
	}
	id, ok := directive.ParseID(rawID)
	if !ok {
		return chihuy.Errorf(chihuy.EINVALID, msgCdBadID, rawID)
	}
	codes, err := h.actingCodes(ctx, id, r.unit)
	if err != nil {
		return err
	}
	first := false
	for _, code := range codes {
		f, err := h.Store.RecordDirectiveResult(ctx, id, code, r.u.From, text, h.Clock.Now())
		if err != nil {
			return err
		}
		first = first || f
	}
	// A result that replaces an earlier one changes no count: its edit
	// of the lead's list is keyed by the update, or it would be taken for
	// the edit already sent for that count.
	again := ""
	if !first {
		again = r.u.ID
	}
	if err := h.showResults(ctx, id, again); err != nil {
		return err
	}
	if err := h.refreshProgress(ctx, id); err != nil {
		return err
	}
	return h.reply(ctx, r, fmt.Sprintf(msgKetquaDone, id, r.unit.FullName()))
}

// maxResultsShown bounds the lead's list of results.
const maxResultsShown = 30

// showResults keeps one message in the lead's chat listing the newest
// results, edited as more arrive: edits of one message coalesce in the
// outbox, so results that come together are shown together. again is the
// update that replaced a unit's earlier result, empty for a new result.
func (h *Handler) showResults(ctx context.Context, id, again string) error {
	st, err := h.Store.DirectiveStatus(ctx, id)
	if err != nil {
		return err
	}
	var with []directive.UnitStatus
	for _, u := range st.Units {
		if !u.ResultAt.IsZero() {
			with = append(with, u)
		}
	}
	sort.Slice(with, func(i, j int) bool { return with[i].ResultAt.After(with[j].ResultAt) })
	// Within the lead chat's text limit: an edit over it would keep only
	// the end of the list, losing the heading and the newest results.
	limit := h.textLimit(st.LeadChat)
	lines := []string{fmt.Sprintf(msgResultsHead, id, len(with), st.Counts.Total)}
	size := utf8.RuneCountInString(lines[0])
	for i, u := range with {
		line := fmt.Sprintf(msgResultLine, h.dirName(st.Directive, u.Unit), u.ResultAt.In(h.Loc).Format("15:04"), firstLine(u.Result, 300))
		n := 1 + utf8.RuneCountInString(line)
		if i < len(with)-1 {
			// room for the line counting the results after this one
			n += 1 + utf8.RuneCountInString(fmt.Sprintf(msgMoreResults, len(with)))
		}
		if i == maxResultsShown || (i > 0 && size+n > limit) {
			lines = append(lines, fmt.Sprintf(msgMoreResults, len(with)-i))
			break
		}
		lines = append(lines, line)
		size += 1 + utf8.RuneCountInString(line)
	}
	text := strings.Join(lines, "\n")
	key := outboxkey.Results(id)
	if len(with) == 1 && again == "" {
		_, err = h.Store.Enqueue(ctx, chihuy.Message{Key: key, Chat: st.LeadChat, Thread: h.chatThread(ctx, st.LeadChat),
			Priority: chihuy.PriorityBulk, Text: text})
		return err
	}
	_, err = h.Store.Enqueue(ctx, chihuy.Message{Key: outboxkey.ResultsEdit(id, len(with), again), Chat: st.LeadChat,
		EditOf: key, Priority: chihuy.PriorityBulk, Text: text})
	return err
}

// directiveFor loads directive rawID and checks the sender may see it
// (member at the issuing unit) or, with lead, direct it.
func (h *Handler) directiveFor(ctx context.Context, r *request, rawID string, role chihuy.Role) (directive.Directive, error) {
	id, ok := directive.ParseID(rawID)
	if !ok {
		return directive.Directive{}, chihuy.Errorf(chihuy.EINVALID, msgCdBadID, rawID)
	}
	d, err := h.Store.Directive(ctx, id)
	if err != nil {
		return d, err
	}
	issuer, ok := h.dirUnit(d, d.Issuer)
	if !ok {
		return d, chihuy.Errorf(chihuy.ENOTFOUND, msgCdBadID, rawID)
	}
	return d, h.require(ctx, r, issuer, role)
}

// maxStatusNames bounds the names listed per group in /trangthai.
const maxStatusNames = 15

// cmdTrangthai shows delivery, acknowledgement and results within a
// screen: the progress, then the groups of units (by parent) that need
// action, the most behind first, with a few names each. "/trangthai <mã>
// tatca" gives the full list by unit.
func (h *Handler) cmdTrangthai(ctx context.Context, r *request) error {
	fields := strings.Fields(r.args)
	if len(fields) == 0 {
		return h.reply(ctx, r, msgTrangthaiUsage)
	}
	d, err := h.directiveFor(ctx, r, fields[0], chihuy.RoleMember)
	if err != nil {
		return err
	}
	full := len(fields) > 1 && fullWords[vntext.Fold(strings.Join(fields[1:], " "))]
	st, err := h.Store.DirectiveStatus(ctx, d.ID)
	if err != nil {
		return err
	}
	issuer := h.dirShown(d, d.Issuer)
	head := strings.TrimSuffix(h.progressText(st.Directive, issuer, h.Clock.Now()), fmt.Sprintf(msgCdStatusHint, d.ID))
	lines := []string{head}
	if !full {
		used := strings.Count(strings.Join(lines, "\n"), "\n") + 1
		lines = append(lines, h.statusSummary(st, screenLines-used)...)
		return h.reply(ctx, r, strings.Join(lines, "\n"))
	}
	if ended := h.endedLine(st.Directive); ended != "" {
		lines = append(lines, ended)
	}
	lines = append(lines, h.statusLines(st, "")...)
	for _, part := range splitLines(lines, h.textLimit(r.u.Chat)) {
		if err := h.reply(ctx, r, part); err != nil {
			return err
		}
	}
	return nil
}

// fullWords ask /trangthai for the full list (folded).
var fullWords = map[string]bool{"tatca": true, "tat ca": true, "day du": true, "du": true, "het": true, "all": true}

// endedLine says that directive d was cancelled or closed, and when: it
// has nobody left to chase. It is "" while d is open.
func (h *Handler) endedLine(d directive.Directive) string {
	format, at := "", time.Time{}
	switch d.State {
	case directive.Cancelled:
		format, at = msgStatusCancelled, d.Cancelled
	case directive.Closed:
		format, at = msgStatusClosed, d.Closed
	default:
		return ""
	}
	when := ""
	if !at.IsZero() {
		when = fmt.Sprintf(msgStatusEndedAt, directive.FormatDeadline(at.In(h.Loc)))
	}
	return fmt.Sprintf(format, when)
}

// statusSummary is the part of /trangthai after the progress, in at most
// room lines: one line per group of units that needs action, or when the
// directive was cancelled or closed, that it was.
func (h *Handler) statusSummary(st directive.Status, room int) []string {
	if ended := h.endedLine(st.Directive); ended != "" {
		lines := []string{ended}
		if len(st.Forwards) > 0 {
			lines = append(lines, fmt.Sprintf(msgStatusForwards, len(st.Forwards)))
		}
		return append(lines, fmt.Sprintf(msgStatusFullHint, st.ID))
	}
	type group struct {
		title                          string
		total, acked, failed, noResult int
		unacked                        []string
	}
	var need []group
	for _, g := range directive.ByParent(st.Units) {
		x := group{title: h.dirName(st.Directive, g.Parent), total: len(g.Units)}
		for _, u := range g.Units {
			switch {
			case u.Failed():
				x.failed++
			case !u.Acked():
				x.unacked = append(x.unacked, h.dirName(st.Directive, u.Unit))
			default:
				x.acked++
			}
			if st.ResultRequired && u.ResultAt.IsZero() {
				x.noResult++
			}
		}
		if x.failed+len(x.unacked)+x.noResult > 0 {
			need = append(need, x)
		}
	}
	var lines []string
	if len(need) == 0 {
		lines = append(lines, msgStatusAllDone)
	} else {
		sort.SliceStable(need, func(i, j int) bool {
			return need[i].failed+len(need[i].unacked) > need[j].failed+len(need[j].unacked)
		})
		lines = append(lines, msgStatusNeedHead)
		shown := min(len(need), max(room-3, 1))
		if shown < len(need) {
			shown = max(shown-1, 1) // room for the "and more" line
		}
		names := 3
		if shown == 1 {
			names = 10
		}
		for _, x := range need[:shown] {
			line := fmt.Sprintf(msgStatusGroup, "", x.title, x.acked, x.total)
			if len(x.unacked) > 0 {
				line += fmt.Sprintf(msgStatusUnackedShort, fewNames(x.unacked, names))
			}
			if x.failed > 0 {
				line += fmt.Sprintf(msgStatusFailedShort, x.failed)
			}
			if x.noResult > 0 {
				line += fmt.Sprintf(msgStatusNoResultShort, x.noResult)
			}
			lines = append(lines, line)
		}
		if rest := len(need) - shown; rest > 0 {
			lines = append(lines, fmt.Sprintf(msgStatusMoreGroups, rest))
		}
	}
	if len(st.Forwards) > 0 {
		lines = append(lines, fmt.Sprintf(msgStatusForwards, len(st.Forwards)))
	}
	return append(lines, fmt.Sprintf(msgStatusFullHint, st.ID))
}

// fewNames lists up to n names, then how many more.
func fewNames(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(msgMoreNames, len(names)-n)
}

// statusLines lists, per parent group, the units missing an
// acknowledgement or a result, and the forwarded directives under their
// forwarding unit.
func (h *Handler) statusLines(st directive.Status, indent string) []string {
	var lines []string
	for _, g := range directive.ByParent(st.Units) {
		var unacked, noResult, failed []string
		acked := 0
		for _, u := range g.Units {
			name := h.dirName(st.Directive, u.Unit)
			switch {
			case u.Failed():
				failed = append(failed, name)
			case !u.Acked():
				unacked = append(unacked, name)
			default:
				acked++
			}
			if st.ResultRequired && u.ResultAt.IsZero() {
				noResult = append(noResult, name)
			}
		}
		head := fmt.Sprintf(msgStatusGroup, indent, h.dirName(st.Directive, g.Parent), acked, len(g.Units))
		lines = append(lines, head)
		if len(failed) > 0 {
			lines = append(lines, indent+"  "+fmt.Sprintf(msgStatusFailed, listNames(failed)))
		}
		if len(unacked) > 0 {
			lines = append(lines, indent+"  "+fmt.Sprintf(msgStatusUnacked, listNames(unacked)))
		}
		if len(noResult) > 0 {
			lines = append(lines, indent+"  "+fmt.Sprintf(msgStatusNoResult, listNames(noResult)))
		}
		for _, u := range g.Units {
			if fwd, ok := st.Forwards[u.Unit]; ok {
				lines = append(lines, indent+"  "+fmt.Sprintf(msgStatusForward, h.dirName(st.Directive, u.Unit), fwd.ID, fwd.Counts.Acked, fwd.Counts.Total))
				lines = append(lines, h.statusLines(fwd, indent+"    ")...)
			}
		}
	}
	return lines
}

func listNames(names []string) string {
	if len(names) <= maxStatusNames {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:maxStatusNames], ", ") + fmt.Sprintf(msgAndMore, len(names)-maxStatusNames)
}

// splitLines packs lines into messages within limit runes.
func splitLines(lines []string, limit int) []string {
	var parts []string
	var cur strings.Builder
	n := 0
	for _, l := range lines {
		ln := len([]rune(l)) + 1
		if n > 0 && n+ln > limit {
			parts = append(parts, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(l)
		n += ln
	}
	if n > 0 {
		parts = append(parts, cur.String())
	}
	return parts
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

// cmdChuyentiep forwards a directive received by the chat's unit to the
// unit's own subtree, with optional extra text and options; the original's
// status then shows this one under the forwarding unit. Forwarding counts
// as acknowledging.
func (h *Handler) cmdChuyentiep(ctx context.Context, r *request) error {
	rawID, extra, _ := strings.Cut(strings.TrimSpace(r.args), " ")
	if rawID == "" {
		return h.reply(ctx, r, msgChuyentiepUsage)
	}
	id, ok := directive.ParseID(rawID)
	if !ok {
		return chihuy.Errorf(chihuy.EINVALID, msgCdBadID, rawID)
	}
	if err := h.require(ctx, r, r.unit, chihuy.RoleLead); err != nil {
		return err
	}
	orig, err := h.Store.Directive(ctx, id)
	if err != nil {
		return err
	}
	if r.unit.IsLeaf() {
		// A commune has nobody below it: relaying means nothing, and
		// "no unit receives it" would not say why.
		return chihuy.Errorf(chihuy.EINVALID, msgCdNoSubunits+msgCdNoSubunitsAck, r.unit.Title(), id, id)
	}
	draft := directive.Draft{Target: directive.Target{Kind: directive.TargetAll}}
	if extra = strings.TrimSpace(extra); extra != "" {
		var problems []directive.Problem
		draft, problems = directive.ParseOptions(extra, h.now())
		// An extra text of options only leaves an empty body: fine here.
		var real []directive.Problem
		for _, p := range problems {
			if p.Start != 0 || p.End != len(extra) || draft.Body != "" {
				real = append(real, p)
			}
		}
		if len(real) > 0 {
			lines := []string{msgCdProblems}
			for _, p := range real {
				lines = append(lines, "• "+p.Message)
			}
			return h.reply(ctx, r, strings.Join(lines, "\n"))
		}
	}
	origIssuer := h.dirShown(orig, orig.Issuer)
	body := orig.Body
	if origIssuer != nil {
		body = fmt.Sprintf(msgCdForwardBody, origIssuer.FullName(), orig.ID, orig.Body)
	}
	if draft.Body != "" {
		body = draft.Body + "\n\n" + body
	}
	draft.Body = body
	if draft.Deadline.IsZero() {
		draft.Deadline = orig.Deadline
	}
	if draft.Ref == "" {
		draft.Ref = orig.Ref
	}
	draft.ResultRequired = draft.ResultRequired || orig.ResultRequired
	targets, err := h.resolveTargets(r.unit, draft.Target)
	if err != nil {
		return err
	}
	if _, err := h.Store.AckDirective(ctx, id, r.unit.Code, r.u.From, h.Clock.Now()); err != nil && !errors.Is(err, context.Canceled) {
		if chihuy.ErrorCode(err) == chihuy.EINTERNAL {
			return err
		}
		return err
	}
	if err := h.refreshProgress(ctx, id); err != nil {
		return err
	}
	return h.issue(ctx, r, r.unit, draft, targets, id)
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

// RemindAndEscalate is the scheduler's directive job: reminders to units
// that have not acknowledged, and the deadline report to the lead and the
// issuing unit's chats.
func (h *Handler) RemindAndEscalate(ctx context.Context, interval time.Duration, maxReminders int) error {
	if err := h.refreshAllProgress(ctx); err != nil {
		return err
	}
	now := h.Clock.Now()
	due, err := h.Store.DueReminders(ctx, now, interval, maxReminders)
	if err != nil {
		return err
	}
	for _, rem := range due {
		d, err := h.Store.Directive(ctx, rem.ID)
		if err != nil {
			return err
		}
		n, err := h.Store.MarkReminded(ctx, rem.ID, rem.Units, now)
		if err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		text := fmt.Sprintf(msgCdReminder, d.ID, firstLine(d.Body, 200), d.ID)
		if !d.Deadline.IsZero() {
			text += fmt.Sprintf(msgCdDeadline, directive.FormatDeadline(d.Deadline.In(h.Loc)))
		}
		for _, u := range rem.Units {
			to := h.dirChats(d, u)
			if to == "" {
				continue
			}
			if _, err := h.sendUnit(ctx, to, outboxkey.DirectiveReminder(d.ID, u, now), chihuy.PriorityBulk, text); err != nil {
				return err
			}
		}
	}
	ids, err := h.Store.DueDeadlines(ctx, now)
	if err != nil {
		return err
	}
	for _, id := range ids {
		first, err := h.Store.MarkDeadlineReported(ctx, id, now)
		if err != nil {
			return err
		}
		if !first {
			continue
		}
		st, err := h.Store.DirectiveStatus(ctx, id)
		if err != nil {
			return err
		}
		var unacked, noResult []string
		for _, u := range st.Units {
			if !u.Acked() {
				unacked = append(unacked, h.dirName(st.Directive, u.Unit))
			}
			if st.ResultRequired && u.ResultAt.IsZero() {
				noResult = append(noResult, h.dirName(st.Directive, u.Unit))
			}
		}
		lines := []string{fmt.Sprintf(msgCdDeadlineHead, id, firstLine(st.Body, 120))}
		if len(unacked) == 0 && len(noResult) == 0 {
			lines = append(lines, msgCdDeadlineAllOK)
		}
		if len(unacked) > 0 {
			lines = append(lines, fmt.Sprintf(msgCdDeadlineUnacked, len(unacked), strings.Join(unacked, ", ")))
		}
		if len(noResult) > 0 {
			lines = append(lines, fmt.Sprintf(msgCdDeadlineNoResult, len(noResult), strings.Join(noResult, ", ")))
		}
		text := strings.Join(lines, "\n")
		if _, err := h.Store.Enqueue(ctx, chihuy.Message{Key: outboxkey.DeadlineLead(id), Chat: st.LeadChat, Thread: h.chatThread(ctx, st.LeadChat),
			Priority: chihuy.PriorityReply, Text: text}); err != nil {
			return err
		}
		// And the issuing unit's other chats (the lead's is often one).
		targets, err := h.Store.Targets(ctx, h.dirChats(st.Directive, st.Issuer))
		if err != nil {
			return err
		}
		var msgs []chihuy.Message
		for _, b := range targets {
			if b.Chat != st.LeadChat {
				msgs = append(msgs, chihuy.Message{Key: outboxkey.Deadline(id).To(b.Chat), Chat: b.Chat,
					Group: b.Kind == chihuy.Group, Thread: b.Thread, Priority: chihuy.PriorityReply, Text: text})
			}
		}
		if len(msgs) > 0 {
			if _, err := h.Store.Enqueue(ctx, msgs...); err != nil {
				return err
			}
		}
	}
	return nil
}
