package telegram

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/chihuy/chihuy"
)

// allowedUpdates are the update kinds the bot asks for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// isPseudoSender reports whether a Telegram user id is one of the accounts
// that stand for a chat rather than a person.
func isPseudoSender(id int64) bool {
	return chihuy.IsPseudoUser(chihuy.UserRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(id, 10)})
}

// maxDate bounds message dates: a date past year 9999 cannot be recorded.
var maxDate = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()

// extra holds the fields of an update that telegram-bot-api v5 does not
// decode (it is frozen at an older Bot API): forum topics and the newer
// forward_origin.
type extra struct {
	Message       *extraMessage `json:"message"`
	EditedMessage *extraMessage `json:"edited_message"`
	CallbackQuery *struct {
		Message *extraMessage `json:"message"`
	} `json:"callback_query"`
}

type extraMessage struct {
	MessageThreadID int64           `json:"message_thread_id"`
	IsTopicMessage  bool            `json:"is_topic_message"`
	ForwardOrigin   json.RawMessage `json:"forward_origin"`
}

// convert normalises one raw Telegram update. Every update becomes a
// chihuy.Update with its ID, so that it is recorded and confirmed even
// when it carries nothing the bot acts on (a sticker, the bot's own
// membership change). One that cannot be read comes back with Invalid set
// (and Raw), for the dead list; conversion never panics, whatever the
// update holds. now stamps button presses, which have no date. ok is false
// when the update has no usable update_id: it is then named by a hash of
// its body.
func (c *Client) convert(raw []byte, now time.Time) (u chihuy.Update, updateID int, ok bool) {
	var id struct {
		UpdateID int `json:"update_id"`
	}
	if json.Unmarshal(raw, &id) == nil && id.UpdateID > 0 {
		updateID, ok = id.UpdateID, true
		u.ID = chihuy.Telegram + ":" + strconv.Itoa(id.UpdateID)
	} else {
		sum := sha256.Sum256(raw)
		u.ID = chihuy.Telegram + ":raw:" + hex.EncodeToString(sum[:12])
	}
	invalid := func(why string) chihuy.Update {
		return chihuy.Update{ID: u.ID, Invalid: why, Raw: string(raw)}
	}
	if !ok {
		return invalid("no update_id"), 0, false
	}
	var tu tgbotapi.Update
	if err := json.Unmarshal(raw, &tu); err != nil {
		return invalid("undecodable: " + err.Error()), updateID, true
	}
	var ex extra
	_ = json.Unmarshal(raw, &ex) // optional fields: a mismatch leaves them out
	defer func() {
		if p := recover(); p != nil {
			u = invalid(fmt.Sprintf("conversion failed: %v", p))
		}
	}()
	u, err := c.convertUpdate(&tu, &ex, now)
	if err != nil {
		return invalid(err.Error()), updateID, true
	}
	return u, updateID, true
}

// convertUpdate is convert for a decoded update.
func (c *Client) convertUpdate(tu *tgbotapi.Update, ex *extra, now time.Time) (chihuy.Update, error) {
	botID, username := c.self()
	u := chihuy.Update{ID: chihuy.Telegram + ":" + strconv.Itoa(tu.UpdateID)}
	switch {
	case tu.Message != nil:
		if err := fromMessage(&u, tu.Message, ex.Message, botID, username); err != nil {
			return u, err
		}
	case tu.EditedMessage != nil:
		if err := fromMessage(&u, tu.EditedMessage, ex.EditedMessage, botID, username); err != nil {
			return u, err
		}
		u.Edited = true
	case tu.CallbackQuery != nil:
		cq := tu.CallbackQuery
		u.Callback = &chihuy.Callback{ID: cq.ID, Data: cq.Data}
		u.ToBot = true
		u.Time = now.UTC()
		if cq.From != nil {
			u.From, u.FromName = user(cq.From)
			u.Pseudo = isPseudoSender(cq.From.ID)
		}
		if m := cq.Message; m != nil {
			u.Callback.MessageID = strconv.Itoa(m.MessageID)
			if m.Chat != nil {
				setChat(&u, m.Chat)
			}
			if ex.CallbackQuery != nil {
				u.Thread = topic(ex.CallbackQuery.Message) // answers go to the button's topic
			}
		}
	case tu.MyChatMember != nil:
		mc := tu.MyChatMember
		setChat(&u, &mc.Chat)
		u.From, u.FromName = user(&mc.From)
		t, err := date(mc.Date)
		if err != nil {
			return u, err
		}
		u.Time = t
		switch mc.NewChatMember.Status {
		case "member", "administrator", "creator":
			u.Membership = chihuy.BotJoined
		case "left", "kicked":
			u.Membership = chihuy.BotLeft
		}
	}
	return u, nil
}

// topic is the forum topic of a message, "" outside topics: a reply
// thread of a supergroup without topics has a message_thread_id too, but
// is no topic to post in.
func topic(ex *extraMessage) string {
	if ex != nil && ex.IsTopicMessage && ex.MessageThreadID > 0 {
		return strconv.FormatInt(ex.MessageThreadID, 10)
	}
	return ""
}

// date converts a message date (unix seconds), refusing one that cannot be
// recorded.
func date(d int) (time.Time, error) {
	if d < 0 || int64(d) > maxDate {
		return time.Time{}, fmt.Errorf("message date %d is out of range", d)
	}
	return time.Unix(int64(d), 0).UTC(), nil
}

func fromMessage(u *chihuy.Update, m *tgbotapi.Message, ex *extraMessage, botID int64, username string) error {
	t, err := date(m.Date)
	if err != nil {
		return err
	}
	u.Time = t
	if m.Chat != nil {
		setChat(u, m.Chat)
	}
	if m.From != nil {
		u.From, u.FromName = user(m.From)
		u.Pseudo = isPseudoSender(m.From.ID)
	}
	if m.SenderChat != nil {
		// Written on behalf of a chat (an anonymous admin, a channel): the
		// chat is the sender, whatever from says.
		// Without from, the update names no sender and acts as nobody.
		u.Pseudo = true
		u.FromName = m.SenderChat.Title
	}
	u.MessageID = strconv.Itoa(m.MessageID)
	u.Thread = topic(ex)
	u.Forwarded = m.ForwardDate != 0 || m.ForwardFrom != nil || m.ForwardFromChat != nil ||
		m.ForwardSenderName != "" || m.IsAutomaticForward ||
		ex != nil && len(ex.ForwardOrigin) > 0 && string(ex.ForwardOrigin) != "null"
	if m.MigrateToChatID != 0 && m.Chat != nil {
		// Service message in the old group: it became m.MigrateToChatID.
		u.MigratedTo = &chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(m.MigrateToChatID, 10)}
	} else if m.MigrateFromChatID != 0 && m.Chat != nil {
		// The same news in the new supergroup: told from the old chat.
		to := u.Chat
		u.Chat = chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(m.MigrateFromChatID, 10)}
		u.ChatKind = chihuy.Group
		u.MigratedTo = &to
	}
	text, entities := m.Text, m.Entities
	if text == "" {
		text, entities = m.Caption, m.CaptionEntities
	}
	var addressed bool
	u.Text, addressed, u.OtherBot = addressedText(text, entities, botID, username)
	reply := m.ReplyToMessage
	u.ToBot = addressed || u.ChatKind == chihuy.Private ||
		reply != nil && reply.From != nil && botID != 0 && reply.From.ID == botID
	return nil
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
//
// otherBot is true when the text starts with a command addressed to another
// bot ("/baocao@OtherBot"): only commands without a bot name or with ours
// are ours.
func addressedText(text string, entities []tgbotapi.MessageEntity, botID int64, username string) (out string, addressed, otherBot bool) {
	if entities == nil {
		return addressedPlain(text, username)
	}
	var units []uint16
	span := func(e tgbotapi.MessageEntity) (string, bool) {
		if units == nil {
			units = utf16.Encode([]rune(text))
		}
		// Compared without adding: offset+length may overflow.
		if e.Offset < 0 || e.Length <= 0 || e.Offset > len(units) || e.Length > len(units)-e.Offset {
			return "", false
		}
		return string(utf16.Decode(units[e.Offset : e.Offset+e.Length])), true
	}
	// The command's @bot, when addressed to this bot, spans units
	// [cmdKeep, cmdEnd) and is cut from the text.
	cmdKeep, cmdEnd := 0, 0
	for _, e := range entities {
		switch e.Type {
		case "bot_command":
			cmd, ok := span(e)
			if !ok || e.Offset != 0 {
				continue
			}
			name, at, found := strings.Cut(cmd, "@")
			switch {
			case !found:
			case username != "" && strings.EqualFold(at, username):
				addressed = true
				cmdKeep, cmdEnd = len(utf16.Encode([]rune(name))), e.Length
			default:
				otherBot = true
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
	return text, addressed, otherBot
}

// addressedPlain is addressedText for a text without entities.
func addressedPlain(text, username string) (string, bool, bool) {
	at := "@" + strings.ToLower(username)
	if strings.HasPrefix(text, "/") {
		end := strings.IndexAny(text, " \t\n")
		if end < 0 {
			end = len(text)
		}
		if i := strings.IndexByte(text[:end], '@'); i > 0 {
			if username != "" && strings.ToLower(text[i:end]) == at {
				return text[:i] + text[end:], true, false
			}
			return text, false, true
		}
	}
	if username == "" {
		return text, false, false
	}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		if strings.TrimRight(w, ".,:;!?") == at {
			return text, true, false
		}
	}
	return text, false, false
}
