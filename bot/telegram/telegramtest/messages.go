package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
)

// Sent is one message the bot sent, as it stands now (after edits).
type Sent struct {
	Chat      int64
	MessageID int
	Method    string // sendMessage, sendPhoto or sendDocument
	// Text is the message text, or the caption of a file.
	Text    string
	Buttons [][]chihuy.Button
	// ReplyTo is the id of the message replied to, 0 for none (also when
	// the replied message was gone and the bot allowed sending anyway).
	ReplyTo  int
	FileName string
	FileSize int
	// FileData is the uploaded file's content (the demo saves it).
	FileData []byte
	Photo    bool
	// Edits counts the editMessageText and editMessageCaption calls
	// applied.
	Edits    int
	Time     time.Time
	EditedAt time.Time
	// Thread is the forum topic posted in (message_thread_id), 0 for
	// General or a chat without topics.
	Thread int
}

// Answer is one answerCallbackQuery call.
type Answer struct {
	CallbackID string
	Text       string
	ShowAlert  bool
}

// chat is what the fake knows of one chat: its kind and its messages,
// whose ids count up per chat as on the real platform.
type chat struct {
	wire          wireChat
	nextID        int
	msgs          map[int]*stored
	deletedTopics map[int]bool
}

// stored is one message of a chat: the bot's (sent ≥ 0, index in
// Server.sent) or a simulated user's (sent = -1).
type stored struct {
	wire *wireMessage
	sent int
}

// note is an OnSend notification to run once the lock is released.
type note struct {
	sent      Sent
	listeners []func(Sent)
}

// chatFor returns the chat with id, creating it when unknown: a positive
// id is a private chat, a negative one a supergroup.
func (s *Server) chatFor(id int64) *chat {
	if c, ok := s.chats[id]; ok {
		return c
	}
	c := &chat{wire: wireChat{ID: id, Type: "private"}, msgs: make(map[int]*stored)}
	if id < 0 {
		c.wire.Type = "supergroup"
		c.wire.Title = "Group " + strconv.FormatInt(-id, 10)
	} else {
		c.wire.FirstName = "User " + strconv.FormatInt(id, 10)
	}
	s.chats[id] = c
	return c
}

func (c *chat) add(m *wireMessage, sent int) {
	c.nextID++
	m.MessageID = c.nextID
	c.msgs[m.MessageID] = &stored{wire: m, sent: sent}
}

// replyTarget resolves the message replied to, honouring
// allow_sending_without_reply (old style) and reply_parameters (new style).
func (s *Server) replyTarget(c *chat, p *params) (*wireMessage, *apiError) {
	id, _ := p.int("reply_to_message_id")
	allow := p.bool("allow_sending_without_reply")
	if raw := p.get("reply_parameters"); raw != "" {
		var rp struct {
			MessageID int  `json:"message_id"`
			Allow     bool `json:"allow_sending_without_reply"`
		}
		if err := json.Unmarshal([]byte(raw), &rp); err != nil {
			return nil, badRequest("can't parse reply parameters JSON object")
		}
		id, allow = rp.MessageID, rp.Allow
	}
	if id == 0 {
		return nil, nil
	}
	if m, ok := c.msgs[id]; ok {
		cp := *m.wire
		cp.ReplyToMessage = nil // the real API nests one level only
		return &cp, nil
	}
	if allow {
		return nil, nil
	}
	return nil, badRequest("message to be replied not found")
}

// parseKeyboard reads reply_markup; only inline keyboards are used by the
// bot.
func parseKeyboard(raw string) (*wireKeyboard, [][]chihuy.Button, *apiError) {
	if raw == "" || raw == "null" {
		return nil, nil, nil
	}
	var kb wireKeyboard
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return nil, nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil, nil, nil
	}
	buttons := make([][]chihuy.Button, len(kb.InlineKeyboard))
	for i, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				return nil, nil, badRequest("text buttons are unallowed in the inline keyboard")
			}
			if b.CallbackData == "" || len(b.CallbackData) > 64 {
				return nil, nil, badRequest("BUTTON_DATA_INVALID")
			}
			buttons[i] = append(buttons[i], chihuy.Button{Text: b.Text, Data: b.CallbackData})
		}
	}
	return &kb, buttons, nil
}

func (s *Server) sendMessage(p *params) (any, *apiError) {
	text := p.get("text")
	if text == "" {
		return nil, badRequest("message text is empty")
	}
	if utf8.RuneCountInString(text) > 4096 {
		return nil, badRequest("message is too long")
	}
	return s.deliver(p, Sent{Method: "sendMessage", Text: text})
}

func (s *Server) sendPhoto(p *params) (any, *apiError) { return s.sendFile(p, "sendPhoto", "photo") }

func (s *Server) sendDocument(p *params) (any, *apiError) {
	return s.sendFile(p, "sendDocument", "document")
}

func (s *Server) sendFile(p *params, method, field string) (any, *apiError) {
	caption := p.get("caption")
	if utf8.RuneCountInString(caption) > 1024 {
		return nil, badRequest("message caption is too long")
	}
	sent := Sent{Method: method, Text: caption, Photo: field == "photo"}
	if f, ok := p.files[field]; ok {
		if f.Size == 0 {
			return nil, badRequest("file must be non-empty")
		}
		sent.FileName, sent.FileSize, sent.FileData = f.Name, f.Size, f.Data
	} else if ref := p.get(field); ref != "" {
		sent.FileName = ref // a file_id or URL
	} else {
		return nil, badRequest("there is no " + field + " in the request")
	}
	return s.deliver(p, sent)
}

// deliver applies rate limits, stores the message in its chat and in the
// list of sent messages, and returns the Message object.
func (s *Server) deliver(p *params, sent Sent) (any, *apiError) {
	id, aerr := p.chatID()
	if aerr != nil {
		return nil, aerr
	}
	kb, buttons, aerr := parseKeyboard(p.get("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if to, ok := s.migratedTo(id); ok {
		return nil, migrationError(to)
	}
	c := s.chatFor(id)
	reply, aerr := s.replyTarget(c, p)
	if aerr != nil {
		return nil, aerr
	}
	thread, aerr := threadOf(c, p)
	if aerr != nil {
		return nil, aerr
	}
	now := s.clock.Now()
	if aerr := s.admit(c, now); aerr != nil {
		return nil, aerr
	}
	m := &wireMessage{From: s.bot(), Chat: c.wire, Date: now.Unix(), ReplyToMessage: reply, ReplyMarkup: kb,
		MessageThreadID: thread, IsTopicMessage: thread != 0}
	if sent.Method == "sendMessage" {
		m.Text = sent.Text
	} else {
		m.Caption = sent.Text
		fileID := fmt.Sprintf("f%d_%d", id, c.nextID+1)
		if sent.Photo {
			m.Photo = []wirePhotoSize{{FileID: fileID, FileUniqueID: fileID, Width: 1280, Height: 720, FileSize: sent.FileSize}}
		} else {
			m.Document = &wireDocument{FileID: fileID, FileUniqueID: fileID, FileName: sent.FileName, FileSize: sent.FileSize}
		}
	}
	c.add(m, len(s.sent))
	sent.Chat, sent.MessageID, sent.Buttons, sent.Time, sent.Thread = id, m.MessageID, buttons, now, thread
	if reply != nil {
		sent.ReplyTo = reply.MessageID
	}
	s.sent = append(s.sent, sent)
	s.changedLocked(sent)
	return m, nil
}

// threadOf reads message_thread_id: a topic of a forum supergroup (0, or
// none, is General). Elsewhere the real API refuses it.
func threadOf(c *chat, p *params) (int, *apiError) {
	raw := p.get("message_thread_id")
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, badRequest("invalid message_thread_id")
	}
	if n != 0 && (!c.wire.IsForum || c.deletedTopics[n]) {
		return 0, badRequest("message thread not found")
	}
	return n, nil
}

func (s *Server) editMessageText(p *params) (any, *apiError) { return s.editMessage(p, false) }

func (s *Server) editMessageCaption(p *params) (any, *apiError) { return s.editMessage(p, true) }

// editMessage changes the text (or the caption, of a file message) and the
// keyboard of a message the bot sent; no reply_markup removes the keyboard.
func (s *Server) editMessage(p *params, caption bool) (any, *apiError) {
	if p.get("inline_message_id") != "" {
		return nil, badRequest("inline messages are not supported by the fake")
	}
	id, aerr := p.chatID()
	if aerr != nil {
		return nil, aerr
	}
	mid, _ := p.int("message_id")
	text, limit := p.get("text"), 4096
	if caption {
		text, limit = p.get("caption"), 1024
	} else if text == "" {
		return nil, badRequest("message text is empty")
	}
	if utf8.RuneCountInString(text) > limit {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	kb, buttons, aerr := parseKeyboard(p.get("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if to, ok := s.migratedTo(id); ok {
		return nil, migrationError(to)
	}
	c := s.chatFor(id)
	st, ok := c.msgs[mid]
	if !ok {
		return nil, badRequest("message to edit not found")
	}
	isFile := st.wire.Photo != nil || st.wire.Document != nil
	current := st.wire.Text
	if caption {
		current = st.wire.Caption
	}
	switch {
	case st.sent < 0:
		return nil, badRequest("message can't be edited")
	case !caption && isFile:
		return nil, badRequest("there is no text in the message to edit")
	case caption && !isFile:
		return nil, badRequest("there is no caption in the message to edit")
	case current == text && sameKeyboard(st.wire.ReplyMarkup, kb):
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	now := s.clock.Now()
	if aerr := s.admit(c, now); aerr != nil {
		return nil, aerr
	}
	edited := *st.wire
	if caption {
		edited.Caption = text
	} else {
		edited.Text = text
	}
	edited.ReplyMarkup, edited.EditDate = kb, now.Unix()
	st.wire = &edited
	sent := &s.sent[st.sent]
	sent.Text, sent.Buttons, sent.EditedAt = text, buttons, now
	sent.Edits++
	s.changedLocked(*sent)
	return st.wire, nil
}

func sameKeyboard(a, b *wireKeyboard) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func (s *Server) answerCallbackQuery(p *params) (any, *apiError) {
	id := p.get("callback_query_id")
	if answered, ok := s.callbacks[id]; !ok || answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf8.RuneCountInString(p.get("text")) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.callbacks[id] = true
	s.answers = append(s.answers, Answer{CallbackID: id, Text: p.get("text"), ShowAlert: p.bool("show_alert")})
	return true, nil
}

// changedLocked wakes WaitFor callers and queues OnSend notifications.
func (s *Server) changedLocked(sent Sent) {
	close(s.changed)
	s.changed = make(chan struct{})
	if len(s.listeners) > 0 {
		s.notes = append(s.notes, note{sent: sent, listeners: s.listeners})
	}
}

func (s *Server) takeNotifications() []note {
	n := s.notes
	s.notes = nil
	return n
}

// OnSend registers fn to be called with every message the bot sends and
// again after every edit. Calls come from the request's goroutine, in
// order per request, after the server's lock is released; fn must not
// block for long.
func (s *Server) OnSend(fn func(Sent)) {
	s.mu.Lock()
	s.listeners = append(append([](func(Sent))(nil), s.listeners...), fn)
	s.mu.Unlock()
}

// Messages returns every message the bot sent, in order.
func (s *Server) Messages() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// MessagesTo returns the messages the bot sent to one chat, in order.
func (s *Server) MessagesTo(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, m := range s.sent {
		if m.Chat == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Message returns one message the bot sent.
func (s *Server) Message(chatID int64, messageID int) (Sent, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.chats[chatID]; ok {
		if st, ok := c.msgs[messageID]; ok && st.sent >= 0 {
			return s.sent[st.sent], true
		}
	}
	return Sent{}, false
}

// Answers returns the answerCallbackQuery calls, in order.
func (s *Server) Answers() []Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Answer(nil), s.answers...)
}

// WaitFor returns the first message the bot sent (or edited into a state)
// that match accepts, waiting for one until ctx ends. match runs without
// the server's lock held.
func (s *Server) WaitFor(ctx context.Context, match func(Sent) bool) (Sent, error) {
	for {
		s.mu.Lock()
		snapshot := append([]Sent(nil), s.sent...)
		wake := s.changed
		s.mu.Unlock()
		// Every message is checked again on each change: an edit can make
		// an earlier message match.
		for _, m := range snapshot {
			if match(m) {
				return m, nil
			}
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return Sent{}, fmt.Errorf("wait for a message (%d sent so far): %w", len(snapshot), ctx.Err())
		}
	}
}
