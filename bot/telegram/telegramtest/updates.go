package telegramtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
	"unicode"
	"unicode/utf16"
)

// Incoming is a message a simulated user sends in a chat.
type Incoming struct {
	ChatID int64
	// ChatType is "private", "group" or "supergroup"; empty keeps what the
	// server knows of the chat (private for positive ids, else supergroup).
	ChatType  string
	ChatTitle string
	FromID    int64
	FromName  string
	Text      string
	// Caption sends Text as the caption of a photo instead of as text.
	Caption bool
	// ReplyTo is the id of the message (the bot's or a user's) replied to.
	ReplyTo int
	// Thread is the forum topic written in (message_thread_id): the chat
	// becomes a forum.
	Thread int
	// Anonymous writes as an anonymous group admin: from is
	// GroupAnonymousBot and sender_chat the group itself (FromID is
	// ignored).
	Anonymous bool
	// SenderChatID, when set, writes on behalf of that chat (a channel),
	// with SenderChatTitle; FromID should then be 777000 for a linked
	// channel's post, which also makes it an automatic forward.
	SenderChatID    int64
	SenderChatTitle string
	// Forwarded makes the message a forward of a message of ForwardFrom,
	// with Bot API 7's forward_origin and the older forward_date.
	Forwarded bool
}

// Push queues a message update as Telegram would deliver it, with
// bot_command and mention entities, and returns its update id and the
// message id in the chat.
func (s *Server) Push(in Incoming) (updateID, messageID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatFor(in.ChatID)
	if in.ChatType != "" {
		c.wire.Type = in.ChatType
	}
	if in.ChatTitle != "" && c.wire.Type != "private" {
		c.wire.Title = in.ChatTitle
	}
	if c.wire.Type == "private" {
		c.wire.Title = ""
		c.wire.FirstName = in.FromName
	} else {
		c.wire.FirstName = ""
	}
	if in.Thread != 0 {
		c.wire.Type, c.wire.IsForum = "supergroup", true
	}
	m := &wireMessage{
		From: &wireUser{ID: in.FromID, FirstName: in.FromName},
		Chat: c.wire, Date: s.clock.Now().Unix(),
		MessageThreadID: in.Thread, IsTopicMessage: in.Thread != 0,
	}
	switch {
	case in.Anonymous:
		m.From = &wireUser{ID: GroupAnonymousBotID, IsBot: true, FirstName: "Group", Username: "GroupAnonymousBot"}
		sc := c.wire
		m.SenderChat = &sc
	case in.SenderChatID != 0:
		m.SenderChat = &wireChat{ID: in.SenderChatID, Type: "channel", Title: in.SenderChatTitle}
		if in.FromID == ServiceNotificationsID {
			m.IsAutomatic, m.ForwardFromChat, m.ForwardDate = true, m.SenderChat, m.Date
		}
	}
	if in.Forwarded {
		m.ForwardDate = m.Date - 60
		m.ForwardOrigin = &wireForwardOrigin{Type: "hidden_user", Date: m.Date - 60, SenderUserName: "Người khác"}
	}
	if in.Caption {
		m.Caption, m.CaptionEntities = in.Text, entities(in.Text)
		m.Photo = []wirePhotoSize{{FileID: "in", FileUniqueID: "in", Width: 800, Height: 600}}
	} else {
		m.Text, m.Entities = in.Text, entities(in.Text)
	}
	if st, ok := c.msgs[in.ReplyTo]; ok {
		cp := *st.wire
		cp.ReplyToMessage = nil
		m.ReplyToMessage = &cp
	}
	c.add(m, -1)
	return s.queue("message", wireUpdate{Message: m}), m.MessageID
}

// PushMessage queues a text message: chatType "private", "group" or
// "supergroup", title for groups.
func (s *Server) PushMessage(chatID int64, chatType, title string, fromID int64, fromName, text string) (updateID, messageID int) {
	return s.Push(Incoming{ChatID: chatID, ChatType: chatType, ChatTitle: title,
		FromID: fromID, FromName: fromName, Text: text})
}

// PushReply queues a text message replying to message replyTo of the chat.
func (s *Server) PushReply(chatID int64, chatType, title string, fromID int64, fromName, text string, replyTo int) (updateID, messageID int) {
	return s.Push(Incoming{ChatID: chatID, ChatType: chatType, ChatTitle: title,
		FromID: fromID, FromName: fromName, Text: text, ReplyTo: replyTo})
}

// PushEdit queues an edited_message update: a user changed the text of
// their message messageID. It reports false when there is no such user
// message.
func (s *Server) PushEdit(chatID int64, messageID int, text string) (updateID int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		return 0, false
	}
	st, ok := c.msgs[messageID]
	if !ok || st.sent >= 0 {
		return 0, false
	}
	edited := *st.wire
	edited.Text, edited.Entities, edited.EditDate = text, entities(text), s.clock.Now().Unix()
	st.wire = &edited
	return s.queue("edited_message", wireUpdate{EditedMessage: &edited}), true
}

// PushCallback queues a button press on message messageID of the chat
// (normally one the bot sent with buttons) and returns the update id and
// the callback query id the bot must answer.
func (s *Server) PushCallback(chatID int64, messageID int, fromID int64, fromName, data string) (updateID int, callbackID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatFor(chatID)
	msg := &wireMessage{MessageID: messageID, Chat: c.wire, Date: s.clock.Now().Unix()}
	if st, ok := c.msgs[messageID]; ok {
		cp := *st.wire
		cp.ReplyToMessage = nil
		msg = &cp
	}
	s.nextCB++
	callbackID = "cb" + strconv.Itoa(s.nextCB)
	s.callbacks[callbackID] = false
	cq := &wireCallbackQuery{ID: callbackID, From: wireUser{ID: fromID, FirstName: fromName},
		Message: msg, ChatInstance: strconv.FormatInt(chatID, 10), Data: data}
	return s.queue("callback_query", wireUpdate{CallbackQuery: cq}), callbackID
}

// PushMemberStatus queues a my_chat_member update: the bot's status in the
// chat became status ("member", "administrator", "left", "kicked"), by the
// act of user fromID.
func (s *Server) PushMemberStatus(chatID int64, chatType, title string, fromID int64, fromName, status string) (updateID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatFor(chatID)
	if chatType != "" {
		c.wire.Type = chatType
	}
	if title != "" {
		c.wire.Title = title
	}
	old := "left"
	if status == "left" || status == "kicked" {
		old = "member"
	}
	bot := *s.bot()
	u := &wireChatMemberUpdated{Chat: c.wire, From: wireUser{ID: fromID, FirstName: fromName},
		Date:          s.clock.Now().Unix(),
		OldChatMember: wireChatMember{Status: old, User: bot},
		NewChatMember: wireChatMember{Status: status, User: bot}}
	return s.queue("my_chat_member", wireUpdate{MyChatMember: u})
}

// Pending is the number of updates not confirmed yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

func (s *Server) queue(kind string, u wireUpdate) int {
	s.nextUpdate++
	u.UpdateID = s.nextUpdate
	raw, _ := json.Marshal(u) // plain structs: cannot fail
	s.updates = append(s.updates, queued{id: u.UpdateID, kind: kind, raw: raw})
	close(s.pushed)
	s.pushed = make(chan struct{})
	return u.UpdateID
}

func (s *Server) setAllowed(kinds []string) {
	if len(kinds) == 0 {
		s.allowed = nil
		return
	}
	s.allowed = make(map[string]bool, len(kinds))
	for _, k := range kinds {
		s.allowed[k] = true
	}
}

// confirm forgets the updates that offset confirms: those below a positive
// offset, or all but the last -offset for a negative one.
func (s *Server) confirm(offset int) {
	switch {
	case offset > 0:
		i := 0
		for i < len(s.updates) && s.updates[i].id < offset {
			i++
		}
		s.updates = s.updates[i:]
	case offset < 0 && -offset < len(s.updates):
		s.updates = s.updates[len(s.updates)+offset:]
	}
}

// batch returns up to limit pending updates of the allowed kinds, dropping
// those of other kinds on the way, as the real server never creates them.
func (s *Server) batch(limit int) []json.RawMessage {
	out := make([]json.RawMessage, 0, min(limit, len(s.updates)))
	kept, i := 0, 0
	for ; i < len(s.updates) && len(out) < limit; i++ {
		u := s.updates[i]
		if s.allowed != nil && !s.allowed[u.kind] {
			continue
		}
		s.updates[kept] = u
		kept++
		out = append(out, u.raw)
	}
	if kept < i {
		s.updates = append(s.updates[:kept], s.updates[i:]...)
	}
	return out
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p *params) {
	offset, _ := p.int("offset")
	limit, ok := p.int("limit")
	if !ok || limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := p.int("timeout")
	var expire <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		expire = t.C
	}
	var allowed []string
	if raw := p.get("allowed_updates"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &allowed); err != nil {
			s.writeAPIError(w, badRequest("can't parse allowed_updates JSON array"))
			return
		}
	}

	s.mu.Lock()
	if allowed != nil {
		s.setAllowed(allowed)
	}
	// A new getUpdates ends the one waiting, as on the real server.
	close(s.pollKick)
	s.pollKick = make(chan struct{})
	kicked := s.pollKick
	s.mu.Unlock()
	for {
		s.mu.Lock()
		if s.webhookURL != "" {
			s.mu.Unlock()
			s.writeAPIError(w, &apiError{Code: http.StatusConflict,
				Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})
			return
		}
		s.confirm(offset)
		out := s.batch(limit)
		wake := s.pushed
		s.mu.Unlock()
		if len(out) > 0 || expire == nil {
			writeOK(w, out)
			return
		}
		s.setWaiting(+1)
		select {
		case <-wake:
			s.setWaiting(-1)
			continue
		case <-kicked:
			s.setWaiting(-1)
			s.writeAPIError(w, &apiError{Code: http.StatusConflict,
				Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})
			return
		case <-expire:
		case <-r.Context().Done():
		case <-s.done:
		}
		s.setWaiting(-1)
		writeOK(w, []json.RawMessage{})
		return
	}
}

func (s *Server) setWaiting(d int) {
	s.mu.Lock()
	s.waiting += d
	s.mu.Unlock()
}

// Polling is the number of getUpdates calls waiting for an update now.
func (s *Server) Polling() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

// entities finds what Telegram marks in a text: a bot command at the start
// and @username mentions, with offsets in UTF-16 code units.
func entities(text string) []wireEntity {
	var out []wireEntity
	u := utf16.Encode([]rune(text))
	word := func(c uint16) bool {
		return c == '_' || c < 128 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)))
	}
	if len(u) > 1 && u[0] == '/' {
		n := 1
		for n < len(u) && (word(u[n]) || u[n] == '@') {
			n++
		}
		if n > 1 {
			out = append(out, wireEntity{Type: "bot_command", Offset: 0, Length: n})
		}
	}
	for i := 0; i < len(u); i++ {
		if u[i] != '@' || i > 0 && (word(u[i-1]) || u[i-1] == '/') {
			continue
		}
		if len(out) > 0 && out[0].Type == "bot_command" && i < out[0].Length {
			continue // the @bot of /cmd@bot belongs to the command
		}
		n := 1
		for i+n < len(u) && word(u[i+n]) {
			n++
		}
		if name := n - 1; name >= 5 && name <= 32 {
			out = append(out, wireEntity{Type: "mention", Offset: i, Length: n})
		}
		i += n - 1
	}
	return out
}
