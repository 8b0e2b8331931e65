package handlers

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
	"github.com/chihuy/chihuy/outboxkey"
	"github.com/chihuy/chihuy/units"
)

// Answers to a directive (§6): a unit acknowledges (the button, /danhan),
// reports results (/ketqua) or passes the directive down (/chuyentiep),
// and the lead's progress message counts the copies the outbox confirmed
// or gave up.

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
	// Refused before anything is stored or numbered: a refusal by the
	// store at creation would have used up a directive number.
	fwd, err := h.Store.ForwardedDirectives(ctx, orig.ID)
	if err != nil {
		return err
	}
	if child := fwd[r.unit.Code]; child != "" {
		return chihuy.Errorf(chihuy.ECONFLICT, msgCdForwardedAlready, r.unit.Code, orig.ID, child)
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

// progressEvery bounds how often the progress message is edited.
const progressEvery = 3 * time.Second

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
	issuer := h.dirShown(d, d.Issuer)
	if issuer == nil {
		return nil
	}
	now := h.Clock.Now()
	text := h.progressText(d, issuer, now)
	// An unchanged text is no edit, and must not take the throttle's
	// turn: a change right after it would wait for the next catch-up.
	h.mu.Lock()
	same := h.shownProgress[id] == text
	h.mu.Unlock()
	if same {
		return nil
	}
	final := !d.Finished.IsZero() || !d.State.Open()
	ok, err := h.Store.ShouldEditProgress(ctx, id, now, progressEvery, final)
	if err != nil || !ok {
		return err
	}
	h.mu.Lock()
	h.shownProgress[id] = text
	h.mu.Unlock()
	_, err = h.Store.Enqueue(ctx, chihuy.Message{
		Key: outboxkey.ProgressEdit(d.ProgressKey, now), Chat: d.LeadChat, EditOf: d.ProgressKey,
		Priority: chihuy.PriorityReply, Text: text,
	})
	return err
}
