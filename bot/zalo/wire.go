package zalo

// The JSON shapes of the Zalo Bot API. Decoding is lenient where the
// documentation does not commit: ids and codes are accepted as strings or
// numbers, display names under "display_name" or "name".

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
)

// Event names of updates.
const (
	EventText        = "message.text.received"
	EventImage       = "message.image.received"
	EventSticker     = "message.sticker.received"
	EventUnsupported = "message.unsupported.received"
)

// envelope is every API answer, and the webhook request body.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   flexInt         `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter flexInt `json:"retry_after"`
	} `json:"parameters"`
	RetryAfter flexInt `json:"retry_after"`
}

// flexString decodes a JSON string or number as a string.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*s = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*s = flexString(n.String())
	return nil
}

// flexInt decodes a JSON number or numeric string as an int; anything else
// is zero.
type flexInt int

func (n *flexInt) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		*n = 0
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(string(s)), 64)
	if err != nil || f > 1<<31 || f < -(1<<31) {
		*n = 0
		return nil
	}
	*n = flexInt(f)
	return nil
}

type wireUser struct {
	ID          flexString `json:"id"`
	DisplayName string     `json:"display_name"`
	Name        string     `json:"name"`
	IsBot       bool       `json:"is_bot"`
}

func (u wireUser) displayName() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Name
}

type wireChat struct {
	ID       flexString `json:"id"`
	ChatType string     `json:"chat_type"`
}

type wireMessage struct {
	From      wireUser   `json:"from"`
	Chat      wireChat   `json:"chat"`
	Text      string     `json:"text"`
	Caption   string     `json:"caption"`
	Photo     string     `json:"photo"`
	MessageID flexString `json:"message_id"`
	Date      flexInt64  `json:"date"`
}

// flexInt64 is flexInt for millisecond timestamps.
type flexInt64 int64

func (n *flexInt64) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(s)), 10, 64)
	if err != nil {
		*n = 0
		return nil
	}
	*n = flexInt64(v)
	return nil
}

type wireUpdate struct {
	EventName string       `json:"event_name"`
	Message   *wireMessage `json:"message"`
}

type wireBotInfo struct {
	ID            flexString `json:"id"`
	AccountName   string     `json:"account_name"`
	Name          string     `json:"name"`
	DisplayName   string     `json:"display_name"`
	CanJoinGroups bool       `json:"can_join_groups"`
}

type wireSent struct {
	MessageID flexString `json:"message_id"`
	Date      flexInt64  `json:"date"`
}

type wireWebhookInfo struct {
	URL       string    `json:"url"`
	UpdatedAt flexInt64 `json:"updated_at"`
}

// skipReason says why an update is not turned into a chihuy.Update.
type skipReason string

const (
	skipNone      skipReason = ""
	skipEvent     skipReason = "event not handled"
	skipNoMessage skipReason = "no message"
	skipNoID      skipReason = "message without id"
	skipNoChat    skipReason = "message without chat"
	skipEmpty     skipReason = "no text"
)

// toUpdate normalises an update. Text messages carry their text, pictures
// their caption; stickers, unsupported messages (the platform hides their
// content for protected users) and unknown events are skipped.
//
// ToBot is true in every chat: in a private chat everything is addressed to
// the bot, and in a group the platform delivers only replies to the bot and
// mentions of it.
func (w wireUpdate) toUpdate(now func() time.Time) (chihuy.Update, skipReason) {
	var text string
	switch w.EventName {
	case EventText, EventImage:
	default:
		return chihuy.Update{}, skipEvent
	}
	m := w.Message
	if m == nil {
		return chihuy.Update{}, skipNoMessage
	}
	if m.MessageID == "" {
		return chihuy.Update{}, skipNoID
	}
	if m.Chat.ID == "" {
		return chihuy.Update{}, skipNoChat
	}
	if w.EventName == EventText {
		text = m.Text
	} else {
		text = m.Caption
	}
	if strings.TrimSpace(text) == "" {
		return chihuy.Update{}, skipEmpty
	}
	kind := chihuy.Private
	if strings.EqualFold(m.Chat.ChatType, "GROUP") {
		kind = chihuy.Group
	}
	t := now()
	if m.Date > 0 {
		if int64(m.Date) > maxDateMilli {
			// Not a date the message can have: it cannot be recorded.
			return invalidUpdate(chihuy.Zalo+":"+string(m.MessageID), fmt.Sprintf("message date %d is out of range", int64(m.Date)), nil), skipNone
		}
		t = time.UnixMilli(int64(m.Date))
	}
	from := string(m.From.ID)
	if from == "" && kind == chihuy.Private {
		from = string(m.Chat.ID)
	}
	return chihuy.Update{
		ID:        chihuy.Zalo + ":" + string(m.MessageID),
		Chat:      chihuy.ChatRef{Platform: chihuy.Zalo, ID: string(m.Chat.ID)},
		ChatKind:  kind,
		From:      chihuy.UserRef{Platform: chihuy.Zalo, ID: from},
		FromName:  m.From.displayName(),
		MessageID: string(m.MessageID),
		Text:      text,
		ToBot:     true,
		Time:      t,
	}, skipNone
}

// maxDateMilli bounds message dates (unix ms): past year 9999 a date
// cannot be recorded.
var maxDateMilli = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).UnixMilli()

// invalidUpdate is an update that cannot be converted or recorded, for the
// dead list: named id, or by a hash of raw when it names no message.
func invalidUpdate(id, why string, raw []byte) chihuy.Update {
	if id == "" || id == chihuy.Zalo+":" {
		sum := sha256.Sum256(raw)
		id = chihuy.Zalo + ":raw:" + hex.EncodeToString(sum[:12])
	}
	return chihuy.Update{ID: id, Invalid: why, Raw: string(raw)}
}

// convert decodes and normalises one raw update (a getUpdates result or a
// webhook body). One that cannot be read comes back with Invalid set, for
// the dead list; conversion never panics, whatever the update holds.
func convert(raw []byte, now func() time.Time) (u chihuy.Update, why skipReason) {
	defer func() {
		if p := recover(); p != nil {
			u, why = invalidUpdate("", fmt.Sprintf("conversion failed: %v", p), raw), skipNone
		}
	}()
	w, err := decodeWebhookBody(raw)
	if err != nil {
		return invalidUpdate("", "undecodable: "+err.Error(), raw), skipNone
	}
	u, why = w.toUpdate(now)
	if u.Invalid != "" {
		u.Raw = string(raw)
	}
	return u, why
}

// decodeWebhookBody accepts the documented {"ok":true,"result":{update}}
// and a bare update object.
func decodeWebhookBody(body []byte) (wireUpdate, error) {
	var env struct {
		Result    json.RawMessage `json:"result"`
		EventName string          `json:"event_name"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return wireUpdate{}, err
	}
	raw := body
	if r := bytes.TrimSpace(env.Result); len(r) > 0 && r[0] == '{' && env.EventName == "" {
		raw = r
	}
	var u wireUpdate
	if err := json.Unmarshal(raw, &u); err != nil {
		return wireUpdate{}, err
	}
	return u, nil
}
