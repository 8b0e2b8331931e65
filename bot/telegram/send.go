package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
)

// Send delivers one outbound message as plain text (no parse mode):
//
//   - m.CallbackID set: answers the button press, m.Text as the toast
//     (cut to 200 characters); the id returned is empty.
//   - editID set: edits that message's text (its caption when m.File is
//     set); its keyboard becomes m.Buttons (none removes it). An edit that
//     changes nothing counts as done.
//   - m.File set: sendPhoto or sendDocument with the bytes, m.Text as the
//     caption when it fits in 1024 characters; otherwise the file goes
//     without caption and m.Text follows as a message, whose id is
//     returned. m.Buttons go on the last message sent.
//   - otherwise sendMessage. m.ReplyTo replies to that message, or sends
//     without the reply if the message is gone.
//
// Errors are *bot.SendError.
func (c *Client) Send(ctx context.Context, m chihuy.Message, editID string) (string, error) {
	if m.CallbackID != "" {
		return "", c.answerCallback(ctx, m)
	}
	to, err := target(m.Chat)
	if err != nil {
		return "", err
	}
	kb := keyboard(m.Buttons)
	if editID != "" {
		return c.edit(ctx, to, m, editID, kb)
	}
	replyTo := 0
	if m.ReplyTo != "" {
		if replyTo, err = strconv.Atoi(m.ReplyTo); err != nil || replyTo <= 0 {
			return "", permanent("reply-to message id %q is not a Telegram message id", m.ReplyTo)
		}
	}
	if m.File != nil {
		return c.sendFile(ctx, to, m, replyTo, kb)
	}
	return c.sendText(ctx, to, m.Text, replyTo, kb)
}

// chatTarget is a chat as the library addresses it: a numeric id, or a
// public @username.
type chatTarget struct {
	id       int64
	username string
}

func (t chatTarget) base(replyTo int, kb *tgbotapi.InlineKeyboardMarkup) tgbotapi.BaseChat {
	b := tgbotapi.BaseChat{ChatID: t.id, ChannelUsername: t.username,
		ReplyToMessageID: replyTo, AllowSendingWithoutReply: replyTo != 0}
	if kb != nil {
		b.ReplyMarkup = kb
	}
	return b
}

func target(ref chihuy.ChatRef) (chatTarget, error) {
	if ref.Platform != chihuy.Telegram {
		return chatTarget{}, permanent("chat %s is not a Telegram chat", ref)
	}
	if strings.HasPrefix(ref.ID, "@") && len(ref.ID) > 1 {
		return chatTarget{username: ref.ID}, nil
	}
	id, err := strconv.ParseInt(ref.ID, 10, 64)
	if err != nil || id == 0 {
		return chatTarget{}, permanent("chat %s: not a Telegram chat id", ref)
	}
	return chatTarget{id: id}, nil
}

func keyboard(rows [][]chihuy.Button) *tgbotapi.InlineKeyboardMarkup {
	var kb [][]tgbotapi.InlineKeyboardButton
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
		}
		if len(r) > 0 {
			kb = append(kb, r)
		}
	}
	if len(kb) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: kb}
}

func (c *Client) sendText(ctx context.Context, to chatTarget, text string, replyTo int, kb *tgbotapi.InlineKeyboardMarkup) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "", permanent("empty message text")
	}
	cfg := tgbotapi.MessageConfig{BaseChat: to.base(replyTo, kb), Text: text, DisableWebPagePreview: true}
	return c.send(ctx, cfg)
}

func (c *Client) sendFile(ctx context.Context, to chatTarget, m chihuy.Message, replyTo int, kb *tgbotapi.InlineKeyboardMarkup) (string, error) {
	caption, rest := m.Text, ""
	if utf8.RuneCountInString(caption) > CaptionLimit {
		caption, rest = "", m.Text
	}
	fileKB := kb
	if rest != "" {
		fileKB = nil
	}
	name := m.File.Name
	if name == "" {
		name = "file"
	}
	data := tgbotapi.FileBytes{Name: name, Bytes: m.File.Data}
	base := tgbotapi.BaseFile{BaseChat: to.base(replyTo, fileKB), File: data}
	var cfg tgbotapi.Chattable
	if m.File.Photo {
		cfg = tgbotapi.PhotoConfig{BaseFile: base, Caption: caption}
	} else {
		cfg = tgbotapi.DocumentConfig{BaseFile: base, Caption: caption}
	}
	id, err := c.send(ctx, cfg)
	if err != nil || rest == "" {
		return id, err
	}
	return c.sendText(ctx, to, rest, 0, kb)
}

func (c *Client) edit(ctx context.Context, to chatTarget, m chihuy.Message, editID string, kb *tgbotapi.InlineKeyboardMarkup) (string, error) {
	id, err := strconv.Atoi(editID)
	if err != nil || id <= 0 {
		return "", permanent("edited message id %q is not a Telegram message id", editID)
	}
	base := tgbotapi.BaseEdit{ChatID: to.id, ChannelUsername: to.username, MessageID: id, ReplyMarkup: kb}
	var cfg tgbotapi.Chattable = tgbotapi.EditMessageTextConfig{BaseEdit: base, Text: m.Text, DisableWebPagePreview: true}
	if m.File != nil {
		cfg = tgbotapi.EditMessageCaptionConfig{BaseEdit: base, Caption: m.Text}
	}
	if _, err := c.send(ctx, cfg); err != nil && !isNotModified(err) {
		return "", err
	}
	return editID, nil
}

func (c *Client) answerCallback(ctx context.Context, m chihuy.Message) error {
	text := m.Text
	if utf8.RuneCountInString(text) > CallbackTextLimit {
		text = string([]rune(text)[:CallbackTextLimit-1]) + "…"
	}
	return c.call(ctx, c.reqTimeout, func(api *tgbotapi.BotAPI) error {
		_, err := api.Request(tgbotapi.NewCallback(m.CallbackID, text))
		return err
	})
}

// send makes one call that returns a Message and gives its id.
func (c *Client) send(ctx context.Context, cfg tgbotapi.Chattable) (string, error) {
	var msg tgbotapi.Message
	err := c.call(ctx, c.reqTimeout, func(api *tgbotapi.BotAPI) (err error) {
		msg, err = api.Send(cfg)
		return err
	})
	if err != nil {
		return "", err
	}
	if msg.MessageID <= 0 {
		return "", &bot.SendError{Platform: chihuy.Telegram, Failure: bot.Retry, Code: 200,
			Description: "the answer names no message id"}
	}
	return strconv.Itoa(msg.MessageID), nil
}

// permanent is a request the adapter refuses before calling Telegram.
func permanent(format string, args ...any) *bot.SendError {
	return &bot.SendError{Platform: chihuy.Telegram, Failure: bot.Permanent, Description: fmt.Sprintf(format, args...)}
}
