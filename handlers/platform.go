package handlers

import (
	"context"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
	"github.com/chihuy/chihuy/outboxkey"
)

// How platforms behave in production (SPEC §10): groups that change their
// id, edited messages.

// Migrated is the outbox's hook for a chat the platform says has a new id
// (a Telegram group upgraded to a supergroup answers a send with
// migrate_to_chat_id): the binding and the open directives move there.
func (h *Handler) Migrated(ctx context.Context, from, to chihuy.ChatRef) {
	if err := h.migrate(ctx, from, to); err != nil {
		h.Log.Error().Err(err).Str("chat", from.String()).Str("new_chat", to.String()).Msg("move a migrated chat")
	}
}

// migrate moves chat from to its new id: what is queued for it, its
// binding (unit, topic) and the open directives issued from it. It is not
// a broken chat. A repeat (both service messages, then a send answered
// with the new id) finds nothing left to move.
func (h *Handler) migrate(ctx context.Context, from, to chihuy.ChatRef) error {
	if from == to || from.Platform != to.Platform {
		return nil
	}
	moved, err := h.Store.MigrateOutbox(ctx, from, to)
	if err != nil {
		return err
	}
	b, err := h.Store.MoveChat(ctx, from, to)
	if chihuy.ErrorCode(err) == chihuy.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	h.Log.Info().Str("chat", from.String()).Str("new_chat", to.String()).Str("unit", b.Unit).
		Int("queued_moved", moved).Msg("group upgraded to a supergroup: binding moved to the new chat id")
	h.menusAfterBinding(ctx, to, b.Unit)
	return nil
}

// chatThread is the forum topic a chat was enrolled from, "" when none
// (or the chat is not bound): where messages that answer nothing go.
func (h *Handler) chatThread(ctx context.Context, chat chihuy.ChatRef) string {
	b, err := h.Store.Binding(ctx, chat)
	if err != nil {
		return ""
	}
	return b.Thread
}

// canEdit reports whether a sent message can be edited on chat's
// platform: not on Zalo.
func (h *Handler) canEdit(chat chihuy.ChatRef) bool {
	if p, ok := h.Platforms[chat.Platform]; ok {
		return !p.NoEdits
	}
	return chat.Platform != chihuy.Zalo
}

// Progress milestones where the lead's chat cannot edit: one new message
// each, once (their outbox keys make a repeat a no-op). The deadline's is
// the deadline report itself.
const (
	milestoneSent   = "sent"   // every target unit reached or failed
	milestoneHalf   = "half"   // half the units acknowledged
	milestoneAll    = "all"    // every unit acknowledged
	milestoneCancel = "cancel" // cancelled
)

// progressMilestone tells the lead of directive d, on a platform that
// cannot edit, the milestones reached: the broadcast finished, half and
// then all units acknowledged, cancelled. A milestone passed while a later
// one was reached too is not told on its own (all acknowledged at once
// gives one message, not two).
func (h *Handler) progressMilestone(ctx context.Context, d directive.Directive) error {
	if d.Started.IsZero() {
		return nil // never confirmed: nothing was sent
	}
	issuer, ok := h.Tree.Get(d.Issuer)
	if !ok {
		return nil
	}
	var reached []string
	switch {
	case d.State == directive.Cancelled:
		reached = append(reached, milestoneCancel)
	case d.Counts.Total > 0 && d.Counts.Acked >= d.Counts.Total:
		reached = append(reached, milestoneAll)
	default:
		if !d.Finished.IsZero() {
			reached = append(reached, milestoneSent)
		}
		if d.Counts.Total > 0 && 2*d.Counts.Acked >= d.Counts.Total {
			reached = append(reached, milestoneHalf)
		}
	}
	if len(reached) == 0 {
		return nil
	}
	text := h.progressText(d, issuer, h.Clock.Now())
	msgs := make([]chihuy.Message, len(reached))
	for i, m := range reached {
		msgs[i] = chihuy.Message{Key: outboxkey.Milestone(d.ProgressKey, m), Chat: d.LeadChat, Group: d.LeadChat.ID != "" && d.LeadChat.ID[0] == '-',
			Thread: h.chatThread(ctx, d.LeadChat), Priority: chihuy.PriorityReply, Text: text}
	}
	_, err := h.Store.Enqueue(ctx, msgs...)
	return err
}
