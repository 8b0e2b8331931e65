package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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
	if m.Thread != "" {
		if n, err := strconv.ParseInt(m.Thread, 10, 64); err != nil || n <= 0 {
			return "", permanent("message_thread_id %q is not a Telegram topic id", m.Thread)
		}
		to.thread = m.Thread
	}
	id, err := c.sendTo(ctx, to, m, replyTo, kb)
	if to.thread != "" && threadGone(err) {
		// The topic was deleted or closed since the chat was enrolled:
		// the message goes to General rather than nowhere.
		to.thread = ""
		return c.sendTo(ctx, to, m, replyTo, kb)
	}
	return id, err
}

func (c *Client) sendTo(ctx context.Context, to chatTarget, m chihuy.Message, replyTo int, kb *tgbotapi.InlineKeyboardMarkup) (string, error) {
	if m.File != nil {
		return c.sendFile(ctx, to, m, replyTo, kb)
	}
	return c.sendText(ctx, to, m.Text, replyTo, kb)
}

// threadGone reports whether a send was refused because its forum topic
// does not exist (any more) or is closed.
func threadGone(err error) bool {
	var se *bot.SendError
	if !errors.As(err, &se) || se.Code != http.StatusBadRequest {
		return false
	}
	d := strings.ToLower(se.Description)
	return strings.Contains(d, "thread not found") || strings.Contains(d, "topic_closed") || strings.Contains(d, "topic_deleted")
}

// chatTarget is a chat as the library addresses it: a numeric id, or a
// public @username; and the forum topic to post in, if any.
type chatTarget struct {
	id       int64
	username string
	thread   string // message_thread_id; empty for none (General)
}

// params are the request parameters of a message to the target. They are
// built here rather than by the library's configs because the library,
// frozen at an older Bot API, has no message_thread_id.
func (t chatTarget) params(replyTo int, kb *tgbotapi.InlineKeyboardMarkup) (tgbotapi.Params, error) {
	p := tgbotapi.Params{}
	if err := p.AddFirstValid("chat_id", t.id, t.username); err != nil {
		return nil, err
	}
	p.AddNonEmpty("message_thread_id", t.thread)
	p.AddNonZero("reply_to_message_id", replyTo)
	p.AddBool("allow_sending_without_reply", replyTo != 0)
	if kb != nil {
		if err := p.AddInterface("reply_markup", kb); err != nil {
			return nil, err
		}
	}
	return p, nil
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
	p, err := to.params(replyTo, kb)
	if err != nil {
		return "", permanent("sendMessage: %v", err)
	}
	p["text"] = text
	p.AddBool("disable_web_page_preview", true)
	return c.request(ctx, "sendMessage", p, nil)
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
	p, err := to.params(replyTo, fileKB)
	if err != nil {
		return "", permanent("send file: %v", err)
	}
	p.AddNonEmpty("caption", caption)
	method, field := "sendDocument", "document"
	if m.File.Photo {
		method, field = "sendPhoto", "photo"
	}
	files := []tgbotapi.RequestFile{{Name: field, Data: tgbotapi.FileBytes{Name: name, Bytes: m.File.Data}}}
	id, err := c.request(ctx, method, p, files)
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

// request makes one call that returns a Message, with files uploaded when
// there are any, and gives the message's id.
func (c *Client) request(ctx context.Context, method string, p tgbotapi.Params, files []tgbotapi.RequestFile) (string, error) {
	var msg tgbotapi.Message
	err := c.call(ctx, c.reqTimeout, func(api *tgbotapi.BotAPI) error {
		var resp *tgbotapi.APIResponse
		var err error
		if len(files) > 0 {
			resp, err = api.UploadFiles(method, p, files)
		} else {
			resp, err = api.MakeRequest(method, p)
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(resp.Result, &msg)
	})
	return messageID(msg, err)
}

// send makes one call that returns a Message and gives its id.
func (c *Client) send(ctx context.Context, cfg tgbotapi.Chattable) (string, error) {
	var msg tgbotapi.Message
	err := c.call(ctx, c.reqTimeout, func(api *tgbotapi.BotAPI) (err error) {
		msg, err = api.Send(cfg)
		return err
	})
	return messageID(msg, err)
}

// messageID is the id of the message a call answered, or its error.
func messageID(msg tgbotapi.Message, err error) (string, error) {
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
