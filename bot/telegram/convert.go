package telegram

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/chihuy/chihuy"
)

// allowedUpdates are the update kinds the bot asks for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// convert normalises one Telegram update. Every update becomes a
// chihuy.Update with its ID, so that it is recorded and confirmed even
// when it carries nothing the bot acts on (a sticker, the bot's own
// membership change). now stamps button presses, which have no date.
func (c *Client) convert(tu *tgbotapi.Update, now time.Time) chihuy.Update {
	botID, username := c.self()
	u := chihuy.Update{ID: chihuy.Telegram + ":" + strconv.Itoa(tu.UpdateID)}
	switch {
	case tu.Message != nil:
		fromMessage(&u, tu.Message, botID, username)
	case tu.EditedMessage != nil:
		fromMessage(&u, tu.EditedMessage, botID, username)
	case tu.CallbackQuery != nil:
		cq := tu.CallbackQuery
		u.Callback = &chihuy.Callback{ID: cq.ID, Data: cq.Data}
		u.ToBot = true
		u.Time = now.UTC()
		if cq.From != nil {
			u.From, u.FromName = user(cq.From)
		}
		if m := cq.Message; m != nil {
			u.Callback.MessageID = strconv.Itoa(m.MessageID)
			if m.Chat != nil {
				setChat(&u, m.Chat)
			}
		}
	case tu.MyChatMember != nil:
		mc := tu.MyChatMember
		setChat(&u, &mc.Chat)
		u.From, u.FromName = user(&mc.From)
		u.Time = time.Unix(int64(mc.Date), 0).UTC()
		switch mc.NewChatMember.Status {
		case "member", "administrator", "creator":
			u.Membership = chihuy.BotJoined
		case "left", "kicked":
			u.Membership = chihuy.BotLeft
		}
	}
	return u
}

func fromMessage(u *chihuy.Update, m *tgbotapi.Message, botID int64, username string) {
	if m.Chat != nil {
		setChat(u, m.Chat)
	}
	if m.From != nil {
		u.From, u.FromName = user(m.From)
	}
	u.MessageID = strconv.Itoa(m.MessageID)
	u.Time = time.Unix(int64(m.Date), 0).UTC()
	text, entities := m.Text, m.Entities
	if text == "" {
		text, entities = m.Caption, m.CaptionEntities
	}
	var addressed bool
	u.Text, addressed = addressedText(text, entities, botID, username)
	reply := m.ReplyToMessage
	u.ToBot = addressed || u.ChatKind == chihuy.Private ||
		reply != nil && reply.From != nil && botID != 0 && reply.From.ID == botID
}

func setChat(u *chihuy.Update, ch *tgbotapi.Chat) {
	u.Chat = chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(ch.ID, 10)}
	u.ChatKind = chihuy.Group
	if ch.Type == "private" {
		u.ChatKind = chihuy.Private
	}
	u.ChatTitle = ch.Title
}

func user(from *tgbotapi.User) (chihuy.UserRef, string) {
	name := strings.TrimSpace(from.FirstName + " " + from.LastName)
	if name == "" {
		name = from.UserName
	}
	return chihuy.UserRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(from.ID, 10)}, name
}

// addressedText reports whether text addresses the bot, by a /command@bot
// at its start (the @bot is cut from the text returned), an @bot mention,
// or a mention of the bot's user. Entity offsets count UTF-16 code units;
// entities that do not fit the text are ignored. Without entities (a
// hand-made webhook body) the text itself is read.
func addressedText(text string, entities []tgbotapi.MessageEntity, botID int64, username string) (string, bool) {
	if entities == nil {
		return addressedPlain(text, username)
	}
	var units []uint16
	span := func(e tgbotapi.MessageEntity) (string, bool) {
		if units == nil {
			units = utf16.Encode([]rune(text))
		}
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > len(units) {
			return "", false
		}
		return string(utf16.Decode(units[e.Offset : e.Offset+e.Length])), true
	}
	// The command's @bot, when addressed to this bot, spans units
	// [cmdKeep, cmdEnd) and is cut from the text.
	addressed, cmdKeep, cmdEnd := false, 0, 0
	for _, e := range entities {
		switch e.Type {
		case "bot_command":
			cmd, ok := span(e)
			if !ok || e.Offset != 0 {
				continue
			}
			name, at, found := strings.Cut(cmd, "@")
			if found && username != "" && strings.EqualFold(at, username) {
				addressed = true
				cmdKeep, cmdEnd = len(utf16.Encode([]rune(name))), e.Length
			}
		case "mention":
			if m, ok := span(e); ok && username != "" && strings.EqualFold(m, "@"+username) {
				addressed = true
			}
		case "text_mention":
			if e.User != nil && botID != 0 && e.User.ID == botID {
				addressed = true
			}
		}
	}
	if cmdEnd > 0 {
		text = string(utf16.Decode(units[:cmdKeep])) + string(utf16.Decode(units[cmdEnd:]))
	}
	return text, addressed
}

// addressedPlain is addressedText for a text without entities.
func addressedPlain(text, username string) (string, bool) {
	if username == "" {
		return text, false
	}
	at := "@" + strings.ToLower(username)
	if strings.HasPrefix(text, "/") {
		end := strings.IndexAny(text, " \t\n")
		if end < 0 {
			end = len(text)
		}
		if i := strings.IndexByte(text[:end], '@'); i > 0 && strings.ToLower(text[i:end]) == at {
			return text[:i] + text[end:], true
		}
	}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		if strings.TrimRight(w, ".,:;!?") == at {
			return text, true
		}
	}
	return text, false
}
