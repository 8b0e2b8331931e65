package zalo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
)

var (
	_ bot.Platform = (*Client)(nil)
	_ bot.Receiver = (*Client)(nil)
)

// Name is "zalo".
func (c *Client) Name() string { return chihuy.Zalo }

// TextLimit is 2000 characters.
func (c *Client) TextLimit() int { return TextLimit }

// HasButtons is false: Zalo bots have no inline buttons.
func (c *Client) HasButtons() bool { return false }

// CanEdit is false: Zalo cannot edit a message sent (an edit goes as a new
// message), so progress is told at milestones rather than kept in place.
func (c *Client) CanEdit() bool { return false }

// SetCommands does nothing: Zalo bots have no command menu.
func (c *Client) SetCommands(context.Context, []bot.Command) error { return nil }

// Me asks getMe who the bot is. CanReadAllGroupMessages is always false:
// in groups the platform delivers only replies to the bot and mentions.
func (c *Client) Me(ctx context.Context) (bot.Info, error) {
	res, err := c.call(ctx, "getMe", struct{}{}, c.requestTimeout)
	if err != nil {
		return bot.Info{}, err
	}
	var w wireBotInfo
	if err := json.Unmarshal(res, &w); err != nil || w.ID == "" {
		return bot.Info{}, c.failure("getMe", bot.Retry, 0, 0, "unexpected result: "+c.snippet(res), err)
	}
	name := w.AccountName
	if name == "" {
		name = w.Name
	}
	if name == "" {
		name = w.DisplayName
	}
	return bot.Info{ID: string(w.ID), Username: name, CanJoinGroups: w.CanJoinGroups}, nil
}

// Send delivers one message part and returns the platform's message id.
//
//   - Text goes out with sendMessage. It is not split here: the outbox
//     splits at TextLimit, and a longer text comes back Permanent so that
//     the bug shows.
//   - editID: Zalo cannot edit, so the text is sent as a new message.
//   - ReplyTo and Buttons are ignored (no such fields on Zalo).
//   - A picture goes out with sendPhoto, Text as caption, when WithPhotoURL
//     offers a URL for it; otherwise, and for documents, the text goes
//     alone with a note that the file could not be attached.
//   - A callback answer (CallbackID) is a no-op: Zalo has no buttons.
func (c *Client) Send(ctx context.Context, m chihuy.Message, editID string) (string, error) {
	if m.CallbackID != "" {
		return "", nil
	}
	if m.Chat.Platform != "" && m.Chat.Platform != chihuy.Zalo {
		return "", c.failure("send", bot.Permanent, 0, 0, "wrong platform",
			chihuy.Errorf(chihuy.EINVALID, msgNotZaloChat, m.Chat))
	}
	if m.File != nil && m.File.Photo && c.photoURL != nil {
		if u, ok := c.photoURL(ctx, *m.File); ok && u != "" {
			p := struct {
				ChatID  string `json:"chat_id"`
				Photo   string `json:"photo"`
				Caption string `json:"caption,omitempty"`
			}{m.Chat.ID, u, m.Text}
			return c.sendCall(ctx, "sendPhoto", p)
		}
	}
	text := m.Text
	if m.File != nil {
		text = withFileNote(text, m.File.Name)
	}
	p := struct {
		ChatID string `json:"chat_id"`
		Text   string `json:"text"`
	}{m.Chat.ID, text}
	return c.sendCall(ctx, "sendMessage", p)
}

// withFileNote adds the "file not sent" note to text when it still fits.
func withFileNote(text, fileName string) string {
	name := strings.TrimSpace(fileName)
	if name == "" {
		name = "đính kèm"
	}
	note := fmt.Sprintf(msgFileNotSent, name)
	if strings.TrimSpace(text) == "" {
		return note
	}
	if utf8.RuneCountInString(text)+2+utf8.RuneCountInString(note) > TextLimit {
		return text
	}
	return text + "\n\n" + note
}

func (c *Client) sendCall(ctx context.Context, method string, params any) (string, error) {
	res, err := c.call(ctx, method, params, c.requestTimeout)
	if err != nil {
		return "", err
	}
	// The message is out; an unreadable receipt must not make the outbox
	// send it again, so it only costs the id.
	var w wireSent
	if err := json.Unmarshal(res, &w); err != nil {
		c.log.Warn().Str("method", method).Msg("zalo: unreadable send receipt")
	}
	return string(w.MessageID), nil
}

// ChatAction shows a passing status in the chat: "typing", or
// "upload_photo" (announced by the platform, not yet available).
func (c *Client) ChatAction(ctx context.Context, chatID, action string) error {
	p := struct {
		ChatID string `json:"chat_id"`
		Action string `json:"action"`
	}{chatID, action}
	_, err := c.call(ctx, "sendChatAction", p, c.requestTimeout)
	return err
}
