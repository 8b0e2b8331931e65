package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
	"github.com/chihuy/chihuy/outboxkey"
)

// The scheduler's directive jobs (§6): reminders to the units that have
// not acknowledged, and the report at the deadline.

// RemindAndEscalate is the scheduler's minute job for directives: it
// catches up the progress messages the throttle left behind, then runs
// both jobs at one instant, RemindUnacknowledged then ReportDeadlines.
func (h *Handler) RemindAndEscalate(ctx context.Context, interval time.Duration, maxReminders int) error {
	if err := h.refreshAllProgress(ctx); err != nil {
		return err
	}
	now := h.Clock.Now()
	if err := h.RemindUnacknowledged(ctx, now, interval, maxReminders); err != nil {
		return err
	}
	return h.ReportDeadlines(ctx, now)
}

// RemindUnacknowledged reminds the units that have not acknowledged a
// directive, in the unit's chats: each unit at most once every interval
// and maxReminders times in all.
func (h *Handler) RemindUnacknowledged(ctx context.Context, now time.Time, interval time.Duration, maxReminders int) error {
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
	return nil
}

// ReportDeadlines reports each directive whose deadline passed, once: to
// the lead's chat and the issuing unit's other chats, the units that have
// not acknowledged and those that owe a result.
func (h *Handler) ReportDeadlines(ctx context.Context, now time.Time) error {
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
