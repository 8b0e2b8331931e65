package telegramtest

import "encoding/json"

// The Bot API's JSON objects, as far as the fake produces them. They are
// written here, not borrowed from the client library, so that the client is
// tested against the wire format rather than against itself.

type wireMe struct {
	ID                      int64  `json:"id"`
	IsBot                   bool   `json:"is_bot"`
	FirstName               string `json:"first_name"`
	Username                string `json:"username"`
	CanJoinGroups           bool   `json:"can_join_groups"`
	CanReadAllGroupMessages bool   `json:"can_read_all_group_messages"`
	SupportsInlineQueries   bool   `json:"supports_inline_queries"`
}

type wireUser struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name,omitempty"`
	Username  string `json:"username,omitempty"`
}

type wireChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	IsForum   bool   `json:"is_forum,omitempty"`
}

type wireEntity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

type wireButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
}

type wireKeyboard struct {
	InlineKeyboard [][]wireButton `json:"inline_keyboard"`
}

type wireDocument struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type wirePhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int    `json:"file_size,omitempty"`
}

type wireMessage struct {
	MessageID       int             `json:"message_id"`
	From            *wireUser       `json:"from,omitempty"`
	Chat            wireChat        `json:"chat"`
	Date            int64           `json:"date"`
	EditDate        int64           `json:"edit_date,omitempty"`
	ReplyToMessage  *wireMessage    `json:"reply_to_message,omitempty"`
	Text            string          `json:"text,omitempty"`
	Entities        []wireEntity    `json:"entities,omitempty"`
	Caption         string          `json:"caption,omitempty"`
	CaptionEntities []wireEntity    `json:"caption_entities,omitempty"`
	Photo           []wirePhotoSize `json:"photo,omitempty"`
	Document        *wireDocument   `json:"document,omitempty"`
	ReplyMarkup     *wireKeyboard   `json:"reply_markup,omitempty"`
	// Fields of newer Bot APIs than the client library knows.
	MessageThreadID   int                `json:"message_thread_id,omitempty"`
	IsTopicMessage    bool               `json:"is_topic_message,omitempty"`
	SenderChat        *wireChat          `json:"sender_chat,omitempty"`
	ForwardOrigin     *wireForwardOrigin `json:"forward_origin,omitempty"`
	ForwardDate       int64              `json:"forward_date,omitempty"`
	ForwardFromChat   *wireChat          `json:"forward_from_chat,omitempty"`
	IsAutomatic       bool               `json:"is_automatic_forward,omitempty"`
	MigrateToChatID   int64              `json:"migrate_to_chat_id,omitempty"`
	MigrateFromChatID int64              `json:"migrate_from_chat_id,omitempty"`
}

// wireForwardOrigin is Bot API 7.0's MessageOrigin.
type wireForwardOrigin struct {
	Type           string    `json:"type"` // user, hidden_user, chat, channel
	Date           int64     `json:"date"`
	SenderUser     *wireUser `json:"sender_user,omitempty"`
	SenderUserName string    `json:"sender_user_name,omitempty"`
	Chat           *wireChat `json:"chat,omitempty"`
}

type wireCallbackQuery struct {
	ID           string       `json:"id"`
	From         wireUser     `json:"from"`
	Message      *wireMessage `json:"message,omitempty"`
	ChatInstance string       `json:"chat_instance"`
	Data         string       `json:"data,omitempty"`
}

type wireChatMember struct {
	Status string   `json:"status"`
	User   wireUser `json:"user"`
}

type wireChatMemberUpdated struct {
	Chat          wireChat       `json:"chat"`
	From          wireUser       `json:"from"`
	Date          int64          `json:"date"`
	OldChatMember wireChatMember `json:"old_chat_member"`
	NewChatMember wireChatMember `json:"new_chat_member"`
}

type wireUpdate struct {
	UpdateID      int                    `json:"update_id"`
	Message       *wireMessage           `json:"message,omitempty"`
	EditedMessage *wireMessage           `json:"edited_message,omitempty"`
	CallbackQuery *wireCallbackQuery     `json:"callback_query,omitempty"`
	MyChatMember  *wireChatMemberUpdated `json:"my_chat_member,omitempty"`
}

type wireWebhookInfo struct {
	URL                  string   `json:"url"`
	HasCustomCertificate bool     `json:"has_custom_certificate"`
	PendingUpdateCount   int      `json:"pending_update_count"`
	AllowedUpdates       []string `json:"allowed_updates,omitempty"`
}

// queued is an update waiting to be confirmed by getUpdates' offset.
type queued struct {
	id   int
	kind string // message, edited_message, callback_query, my_chat_member
	raw  json.RawMessage
}
