package telegramtest

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
)

func TestRouting(t *testing.T) {
	s := start(t, WithToken("42:abc"), WithUsername("bcd_bot"), WithReadAllGroupMessages(true))
	get := func(path string) answer {
		req, _ := http.NewRequest("GET", s.URL()+path, nil)
		return do(t, req)
	}
	tests := []struct {
		path   string
		status int
	}{
		{"/bot42:abc/getMe", 200},
		{"/bot42:abc/GETME", 200},
		{"/bot42:wrong/getMe", 401},
		{"/bot42:abc/noSuchMethod", 404},
		{"/bot42:abc/", 404},
		{"/getMe", 404},
	}
	for _, tc := range tests {
		if a := get(tc.path); a.Status != tc.status || a.OK != (tc.status == 200) || !a.OK && a.ErrorCode != tc.status {
			t.Errorf("%s: %+v, want status %d", tc.path, a, tc.status)
		}
	}
	var me wireMe
	json.Unmarshal(get("/bot42:abc/getMe").Result, &me)
	if me != (wireMe{ID: 42, IsBot: true, FirstName: "Chỉ huy", Username: "bcd_bot", CanJoinGroups: true, CanReadAllGroupMessages: true}) {
		t.Errorf("getMe = %+v", me)
	}
	if s.Calls("getMe") != 3 || s.Calls("GETME") != 3 { // two in the table, one decoded; a wrong token is not counted
		t.Errorf("getMe calls = %d", s.Calls("getMe"))
	}
}

func TestBodies(t *testing.T) {
	s := start(t)
	kb := `{"inline_keyboard":[[{"text":"Đã nhận","callback_data":"ack:1"}]]}`
	buttons := [][]chihuy.Button{{{Text: "Đã nhận", Data: "ack:1"}}}

	id1 := messageID(t, form(t, s, "sendMessage", "chat_id", "-100", "text", "qua form", "reply_markup", kb))
	id2 := messageID(t, jsonCall(t, s, "sendMessage", map[string]any{"chat_id": -100, "text": "qua JSON",
		"reply_markup": json.RawMessage(kb)}))
	id3 := messageID(t, uploadCall(t, s, "sendDocument", "document", "baocao.csv", []byte("a,b\n1,2\n"),
		"chat_id", "-100", "caption", "tệp", "reply_markup", kb))
	id4 := messageID(t, uploadCall(t, s, "sendPhoto", "photo", "f0.png", []byte("png"), "chat_id", "-100"))
	q, _ := http.NewRequest("GET", s.URL()+"/bot"+s.Token()+"/sendMessage?chat_id=-100&text=qua+query", nil)
	id5 := messageID(t, do(t, q))
	if want := []int{1, 2, 3, 4, 5}; !reflect.DeepEqual([]int{id1, id2, id3, id4, id5}, want) {
		t.Errorf("ids %v, want %v", []int{id1, id2, id3, id4, id5}, want)
	}

	got := s.MessagesTo(-100)
	for i := range got {
		got[i].Time = time.Time{}
	}
	want := []Sent{
		{Chat: -100, MessageID: 1, Method: "sendMessage", Text: "qua form", Buttons: buttons},
		{Chat: -100, MessageID: 2, Method: "sendMessage", Text: "qua JSON", Buttons: buttons},
		{Chat: -100, MessageID: 3, Method: "sendDocument", Text: "tệp", Buttons: buttons, FileName: "baocao.csv", FileSize: 8, FileData: []byte("a,b\n1,2\n")},
		{Chat: -100, MessageID: 4, Method: "sendPhoto", FileName: "f0.png", FileSize: 3, FileData: []byte("png"), Photo: true},
		{Chat: -100, MessageID: 5, Method: "sendMessage", Text: "qua query"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sent\n%+v\nwant\n%+v", got, want)
	}
}

func TestMessageIDsPerChat(t *testing.T) {
	s := start(t)
	_, u1 := s.PushMessage(-100, "supergroup", "A", 1, "x", "một")
	b1 := messageID(t, form(t, s, "sendMessage", "chat_id", "-100", "text", "đáp"))
	b2 := messageID(t, form(t, s, "sendMessage", "chat_id", "-200", "text", "khác"))
	_, u2 := s.PushMessage(-200, "supergroup", "B", 1, "x", "hai")
	if got := []int{u1, b1, b2, u2}; !reflect.DeepEqual(got, []int{1, 2, 1, 2}) {
		t.Errorf("ids %v, want 1 2 in each chat", got)
	}
}

func TestWebhookEndpoints(t *testing.T) {
	s := start(t)
	s.PushMessage(7, "private", "", 7, "Lan", "F0 1")
	if a := form(t, s, "setWebhook", "url", "https://bot.example.vn/webhook/telegram", "secret_token", "k3y",
		"allowed_updates", `["message","callback_query"]`); !a.OK {
		t.Fatalf("setWebhook: %+v", a)
	}
	if u, k := s.Webhook(); u != "https://bot.example.vn/webhook/telegram" || k != "k3y" {
		t.Errorf("webhook %q %q", u, k)
	}
	if a := form(t, s, "getUpdates"); a.Status != 409 || !strings.Contains(a.Description, "webhook is active") {
		t.Errorf("getUpdates with a webhook: %+v", a)
	}
	var info wireWebhookInfo
	json.Unmarshal(form(t, s, "getWebhookInfo").Result, &info)
	if info.URL != "https://bot.example.vn/webhook/telegram" || info.PendingUpdateCount != 1 ||
		!reflect.DeepEqual(info.AllowedUpdates, []string{"message", "callback_query"}) {
		t.Errorf("getWebhookInfo = %+v", info)
	}
	if a := form(t, s, "deleteWebhook", "drop_pending_updates", "true"); !a.OK {
		t.Fatalf("deleteWebhook: %+v", a)
	}
	if u, _ := s.Webhook(); u != "" || s.Pending() != 0 {
		t.Errorf("after deleteWebhook: url %q, pending %d", u, s.Pending())
	}
}

func TestValidation(t *testing.T) {
	s := start(t)
	_, userMsg := s.PushMessage(-100, "supergroup", "A", 1, "x", "một")
	tests := []struct {
		name   string
		method string
		kv     []string
		want   string // description, "" for success
	}{
		{"empty text", "sendMessage", []string{"chat_id", "-100", "text", ""}, "Bad Request: message text is empty"},
		{"text too long", "sendMessage", []string{"chat_id", "-100", "text", strings.Repeat("ư", 4097)}, "Bad Request: message is too long"},
		{"text at the limit", "sendMessage", []string{"chat_id", "-100", "text", strings.Repeat("ư", 4096)}, ""},
		{"no chat", "sendMessage", []string{"text", "x"}, "Bad Request: chat_id is empty"},
		{"button data too long", "sendMessage", []string{"chat_id", "-100", "text", "x",
			"reply_markup", `{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("d", 65) + `"}]]}`}, "Bad Request: BUTTON_DATA_INVALID"},
		{"keyboard not JSON", "sendMessage", []string{"chat_id", "-100", "text", "x", "reply_markup", "{"}, "Bad Request: can't parse reply keyboard markup JSON object"},
		{"reply to a missing message", "sendMessage", []string{"chat_id", "-100", "text", "x", "reply_to_message_id", "99"}, "Bad Request: message to be replied not found"},
		{"reply to a missing message, allowed", "sendMessage", []string{"chat_id", "-100", "text", "x", "reply_to_message_id", "99", "allow_sending_without_reply", "true"}, ""},
		{"caption too long", "sendPhoto", []string{"chat_id", "-100", "photo", "file-id", "caption", strings.Repeat("a", 1025)}, "Bad Request: message caption is too long"},
		{"no file", "sendDocument", []string{"chat_id", "-100"}, "Bad Request: there is no document in the request"},
		{"edit a user's message", "editMessageText", []string{"chat_id", "-100", "message_id", strconv.Itoa(userMsg), "text", "y"}, "Bad Request: message can't be edited"},
		{"edit a missing message", "editMessageText", []string{"chat_id", "-100", "message_id", "999", "text", "y"}, "Bad Request: message to edit not found"},
		{"unknown callback", "answerCallbackQuery", []string{"callback_query_id", "nope"}, "Bad Request: query is too old and response timeout expired or query ID is invalid"},
		{"bad command", "setMyCommands", []string{"commands", `[{"command":"Bao-Cao","description":"x"}]`}, "Bad Request: BOT_COMMAND_INVALID"},
		{"unknown menu scope", "setMyCommands", []string{"commands", `[{"command":"a","description":"x"}]`, "scope", `{"type":"moon"}`}, "Bad Request: unsupported bot command scope type"},
		{"member scope without user", "setMyCommands", []string{"commands", `[{"command":"a","description":"x"}]`, "scope", `{"type":"chat_member","chat_id":-100}`}, "Bad Request: chat not found"},
		{"chat action", "sendChatAction", []string{"chat_id", "-100", "action", "typing"}, ""},
		{"webhook without https", "setWebhook", []string{"url", "ftp://x"}, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := form(t, s, tc.method, tc.kv...)
			if tc.want == "" && !a.OK || tc.want != "" && (a.Status != 400 || a.Description != tc.want) {
				t.Errorf("%+v, want %q", a, tc.want)
			}
		})
	}

	t.Run("edit that changes nothing", func(t *testing.T) {
		id := messageID(t, form(t, s, "sendMessage", "chat_id", "-100", "text", "a"))
		if a := form(t, s, "editMessageText", "chat_id", "-100", "message_id", strconv.Itoa(id), "text", "a"); !strings.Contains(a.Description, "message is not modified") {
			t.Errorf("%+v", a)
		}
		if a := form(t, s, "editMessageText", "chat_id", "-100", "message_id", strconv.Itoa(id), "text", "b"); !a.OK {
			t.Errorf("%+v", a)
		}
	})
}

func TestWaitForAndOnSend(t *testing.T) {
	s := start(t)
	var mu sync.Mutex
	var seen []string
	s.OnSend(func(m Sent) {
		mu.Lock()
		seen = append(seen, m.Text)
		mu.Unlock()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got := make(chan Sent, 1)
	go func() {
		m, err := s.WaitFor(ctx, func(m Sent) bool { return m.Chat == -100 && m.Edits == 1 })
		if err != nil {
			t.Error(err)
		}
		got <- m
	}()
	id := messageID(t, form(t, s, "sendMessage", "chat_id", "-100", "text", "Chỉ thị 12"))
	form(t, s, "editMessageText", "chat_id", "-100", "message_id", strconv.Itoa(id), "text", "Chỉ thị 12 — đã nhận")
	if m := <-got; m.MessageID != id || m.Text != "Chỉ thị 12 — đã nhận" {
		t.Errorf("WaitFor = %+v", m)
	}
	mu.Lock()
	if !reflect.DeepEqual(seen, []string{"Chỉ thị 12", "Chỉ thị 12 — đã nhận"}) {
		t.Errorf("OnSend saw %q", seen)
	}
	mu.Unlock()

	short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := s.WaitFor(short, func(m Sent) bool { return m.Chat == -999 }); err == nil {
		t.Error("WaitFor for a message never sent returned no error")
	}
}

func TestEntities(t *testing.T) {
	tests := []struct {
		text string
		want []wireEntity
	}{
		{"/baocao@chihuy_test_bot F0 3", []wireEntity{{"bot_command", 0, 23}}},
		{"/baocao F0 3", []wireEntity{{"bot_command", 0, 7}}},
		{"Gửi @chihuy_test_bot: số liệu", []wireEntity{{"mention", 4, 16}}},
		{"📊 @abcde", []wireEntity{{"mention", 3, 6}}},
		{"/tonghop @chihuy_test_bot", []wireEntity{{"bot_command", 0, 8}, {"mention", 9, 16}}},
		{"thư a@bcdefg.vn", nil},
		{"@abc quá ngắn", nil},
		{"/", nil},
		{"báo cáo F0 3", nil},
	}
	for _, tc := range tests {
		if got := entities(tc.text); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("entities(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
