package telegramtest

import (
	"encoding/json"
	"net/http"
)

// Behaviours of the real Bot API that production bots meet and that are
// each a known source of lost or wrong messages: groups upgraded to
// supergroups, forum topics, anonymous admins and channel posts, edited
// messages, a webhook left registered, malformed updates.

// GroupAnonymousBotID is the sender of an anonymous group admin's messages.
const GroupAnonymousBotID = 1087968824

// ServiceNotificationsID is the sender of a linked channel's posts in its
// discussion group.
const ServiceNotificationsID = 777000

// SetWebhookURL registers a webhook as an earlier run in webhook mode would
// have left it: getUpdates then answers 409 until it is deleted.
func (s *Server) SetWebhookURL(url string) {
	s.mu.Lock()
	s.webhookURL = url
	s.mu.Unlock()
}

// Migrate upgrades group chatID to a supergroup with the id newID, as
// Telegram does past 200 members or when an admin changes some settings:
// the old group gets a service message with migrate_to_chat_id, the new one
// a message with migrate_from_chat_id (both queued as updates, old first),
// and from then on sends to the old id are answered 400 with
// parameters.migrate_to_chat_id. It returns the two update ids.
func (s *Server) Migrate(chatID, newID int64, fromID int64, fromName string) (oldUpdate, newUpdate int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.chatFor(chatID)
	old.wire.Type = "group"
	nc := s.chatFor(newID)
	nc.wire.Type, nc.wire.Title = "supergroup", old.wire.Title
	if s.migrated == nil {
		s.migrated = map[int64]int64{}
	}
	s.migrated[chatID] = newID
	from := &wireUser{ID: fromID, FirstName: fromName}
	m1 := &wireMessage{From: from, Chat: old.wire, Date: s.clock.Now().Unix(), MigrateToChatID: newID}
	old.add(m1, -1)
	m2 := &wireMessage{From: from, Chat: nc.wire, Date: s.clock.Now().Unix(), MigrateFromChatID: chatID}
	nc.add(m2, -1)
	return s.queue("message", wireUpdate{Message: m1}), s.queue("message", wireUpdate{Message: m2})
}

// MigrateQuiet upgrades group chatID to the supergroup newID without the
// service messages (a bot that missed them): only sends to the old id tell
// it, answered 400 with parameters.migrate_to_chat_id.
func (s *Server) MigrateQuiet(chatID, newID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.chatFor(chatID)
	nc := s.chatFor(newID)
	nc.wire.Type, nc.wire.Title = "supergroup", old.wire.Title
	if s.migrated == nil {
		s.migrated = map[int64]int64{}
	}
	s.migrated[chatID] = newID
}

// migratedTo is the supergroup a migrated group became; s.mu is held.
func (s *Server) migratedTo(chatID int64) (int64, bool) {
	id, ok := s.migrated[chatID]
	return id, ok
}

// migrationError is the answer to a send to a group that became a
// supergroup.
func migrationError(newID int64) *apiError {
	return &apiError{Code: http.StatusBadRequest,
		Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateTo: newID}
}

// SetForum makes chat chatID a forum supergroup (topics on).
func (s *Server) SetForum(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatFor(chatID)
	c.wire.Type, c.wire.IsForum = "supergroup", true
}

// DeleteTopic deletes forum topic thread of chat chatID: sends to it are
// then answered 400 "message thread not found".
func (s *Server) DeleteTopic(chatID int64, thread int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatFor(chatID)
	if c.deletedTopics == nil {
		c.deletedTopics = map[int]bool{}
	}
	c.deletedTopics[thread] = true
}

// PushRaw queues an update exactly as given (update_id included): a
// malformed update, or one with fields the helpers do not make. kind is
// the update kind for allowed_updates ("message", …).
func (s *Server) PushRaw(kind string, raw []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var id struct {
		UpdateID int `json:"update_id"`
	}
	_ = json.Unmarshal(raw, &id)
	if id.UpdateID > s.nextUpdate {
		s.nextUpdate = id.UpdateID
	}
	s.updates = append(s.updates, queued{id: id.UpdateID, kind: kind, raw: append([]byte(nil), raw...)})
	close(s.pushed)
	s.pushed = make(chan struct{})
}

// NextUpdateID is the update_id the next pushed update gets.
func (s *Server) NextUpdateID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextUpdate + 1
}
