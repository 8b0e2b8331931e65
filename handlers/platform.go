package handlers

import (
	"context"

	"github.com/chihuy/chihuy"
)

// How platforms behave in production (SPEC §10): groups that change their
// id, edited messages.

// correctable are the commands whose edit is a correction of what the
// original recorded: reports. Any other edited command is not run again.
var correctable = map[string]bool{"baocao": true, "bc": true, "sua": true}

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
