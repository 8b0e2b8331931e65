package telegram

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
)

var testTime = time.Date(2021, 8, 12, 9, 30, 0, 0, time.UTC)

const (
	groupID   = -1001001
	privateID = 2002
)

func chatRef(id int64) chihuy.ChatRef {
	return chihuy.ChatRef{Platform: chihuy.Telegram, ID: strconv.FormatInt(id, 10)}
}

var ackButtons = [][]chihuy.Button{{{Text: "Đã nhận", Data: "ack:42"}, {Text: "Chưa rõ", Data: "ask:42"}}}

// sentOne returns the message id names in chat, failing the test if it
// is not there.
func sentOne(t *testing.T, srv *telegramtest.Server, chat int64, id string) telegramtest.Sent {
	t.Helper()
	n, err := strconv.Atoi(id)
	if err != nil {
		t.Fatalf("message id %q: %v", id, err)
	}
	m, ok := srv.Message(chat, n)
	if !ok {
		t.Fatalf("message %d not sent to chat %d", n, chat)
	}
	return m
}

func TestSendText(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	ctx := context.Background()
	_, userMsg := srv.PushMessage(groupID, "supergroup", "BCĐ xã Bản Giang", 3003, "Lò Văn Hùng", "F0: 3")

	tests := []struct {
		name        string
		m           chihuy.Message
		chat        int64
		wantReplyTo int
	}{
		{"group with buttons", chihuy.Message{Chat: chatRef(groupID), Text: "Chỉ thị số 12: tăng cường xét nghiệm.", Buttons: ackButtons}, groupID, 0},
		{"private", chihuy.Message{Chat: chatRef(privateID), Text: "Đã ghi nhận báo cáo của xã."}, privateID, 0},
		{"reply", chihuy.Message{Chat: chatRef(groupID), Text: "Đã ghi nhận.", ReplyTo: strconv.Itoa(userMsg)}, groupID, userMsg},
		{"reply to a message that is gone", chihuy.Message{Chat: chatRef(groupID), Text: "Đã ghi nhận.", ReplyTo: "9999"}, groupID, 0},
		{"markup characters stay plain", chihuy.Message{Chat: chatRef(groupID), Text: "<b>F0</b> *3* _x_ [a](b)"}, groupID, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := c.Send(ctx, tc.m, "")
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := sentOne(t, srv, tc.chat, id)
			if got.Method != "sendMessage" || got.Text != tc.m.Text || got.ReplyTo != tc.wantReplyTo ||
				!reflect.DeepEqual(got.Buttons, tc.m.Buttons) {
				t.Errorf("sent %+v, want text %q, reply to %d, buttons %v", got, tc.m.Text, tc.wantReplyTo, tc.m.Buttons)
			}
		})
	}
}

func TestSendEdit(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	ctx := context.Background()
	id, err := c.Send(ctx, chihuy.Message{Chat: chatRef(groupID), Text: "Chỉ thị số 12", Buttons: ackButtons}, "")
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	done := [][]chihuy.Button{{{Text: "Xem ai chưa nhận", Data: "who:42"}}}

	steps := []struct {
		name        string
		m           chihuy.Message
		editID      string
		wantText    string
		wantButtons [][]chihuy.Button
		wantEdits   int
	}{
		{"replace text and keyboard", chihuy.Message{Text: "Chỉ thị số 12 — 3/5 xã đã nhận", Buttons: done}, id, "Chỉ thị số 12 — 3/5 xã đã nhận", done, 1},
		{"same again is not an error", chihuy.Message{Text: "Chỉ thị số 12 — 3/5 xã đã nhận", Buttons: done}, id, "Chỉ thị số 12 — 3/5 xã đã nhận", done, 1},
		{"no buttons removes the keyboard", chihuy.Message{Text: "Chỉ thị số 12 — 5/5 xã đã nhận"}, id, "Chỉ thị số 12 — 5/5 xã đã nhận", nil, 2},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.m.Chat = chatRef(groupID)
			got, err := c.Send(ctx, st.m, st.editID)
			if err != nil || got != st.editID {
				t.Fatalf("Send edit = %q, %v; want %q", got, err, st.editID)
			}
			m := sentOne(t, srv, groupID, id)
			if m.Text != st.wantText || !reflect.DeepEqual(m.Buttons, st.wantButtons) || m.Edits != st.wantEdits {
				t.Errorf("after edit: %+v", m)
			}
		})
	}

	t.Run("caption of a file", func(t *testing.T) {
		file := &chihuy.File{Name: "bieudo.png", Photo: true, Data: []byte("png")}
		pid, err := c.Send(ctx, chihuy.Message{Chat: chatRef(groupID), Text: "Biểu đồ F0 tuần 32", File: file}, "")
		if err != nil {
			t.Fatalf("Send photo: %v", err)
		}
		if _, err := c.Send(ctx, chihuy.Message{Chat: chatRef(groupID), Text: "Biểu đồ F0 tuần 32 (đã sửa)", File: file}, pid); err != nil {
			t.Fatalf("edit caption: %v", err)
		}
		if m := sentOne(t, srv, groupID, pid); m.Text != "Biểu đồ F0 tuần 32 (đã sửa)" || m.Edits != 1 {
			t.Errorf("after caption edit: %+v", m)
		}
	})
	t.Run("message gone", func(t *testing.T) {
		_, err := c.Send(ctx, chihuy.Message{Chat: chatRef(groupID), Text: "x"}, "777")
		if bot.FailureOf(err) != bot.Permanent {
			t.Errorf("edit of a missing message = %v, want Permanent", err)
		}
	})
}

func TestSendFile(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	ctx := context.Background()
	_, userMsg := srv.PushMessage(groupID, "supergroup", "BCĐ huyện Tân Uyên", 3003, "Lan", "/xuat")
	long := strings.Repeat("Xã Phúc Khoa: F0 mới 2, F1 14. ", 40) // > 1024 characters
	csv := []byte("ma,ten,f0\n03418,Bản Giang,3\n")

	t.Run("photo with caption", func(t *testing.T) {
		m := chihuy.Message{Chat: chatRef(groupID), Text: "Biểu đồ F0", Buttons: ackButtons, ReplyTo: strconv.Itoa(userMsg),
			File: &chihuy.File{Name: "f0.png", Photo: true, Data: []byte("\x89PNG....")}}
		id, err := c.Send(ctx, m, "")
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		got := sentOne(t, srv, groupID, id)
		want := telegramtest.Sent{Chat: groupID, MessageID: got.MessageID, Method: "sendPhoto", Text: "Biểu đồ F0",
			Buttons: ackButtons, ReplyTo: userMsg, FileName: "f0.png", FileSize: 8, FileData: []byte("\x89PNG...."), Photo: true, Time: got.Time}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("sent %+v\nwant %+v", got, want)
		}
	})
	t.Run("document with a text too long for a caption", func(t *testing.T) {
		before := len(srv.MessagesTo(groupID))
		m := chihuy.Message{Chat: chatRef(groupID), Text: long, Buttons: ackButtons,
			File: &chihuy.File{Name: "baocao.csv", Data: csv}}
		id, err := c.Send(ctx, m, "")
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
		msgs := srv.MessagesTo(groupID)[before:]
		if len(msgs) != 2 {
			t.Fatalf("sent %d messages, want the file then the text", len(msgs))
		}
		doc, text := msgs[0], msgs[1]
		if doc.Method != "sendDocument" || doc.Text != "" || doc.FileName != "baocao.csv" || doc.FileSize != len(csv) || doc.Buttons != nil {
			t.Errorf("file part: %+v", doc)
		}
		if text.Method != "sendMessage" || text.Text != long || !reflect.DeepEqual(text.Buttons, ackButtons) ||
			strconv.Itoa(text.MessageID) != id {
			t.Errorf("text part: %+v (id returned %s)", text, id)
		}
	})
}

func TestSendCallbackAnswer(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	ctx := context.Background()
	id, err := c.Send(ctx, chihuy.Message{Chat: chatRef(groupID), Text: "Chỉ thị", Buttons: ackButtons}, "")
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	mid, _ := strconv.Atoi(id)
	_, cb := srv.PushCallback(groupID, mid, 3003, "Lan", "ack:42")

	toast := strings.Repeat("Đã ghi nhận xác nhận của xã. ", 10)
	got, err := c.Send(ctx, chihuy.Message{CallbackID: cb, Text: toast}, "")
	if err != nil || got != "" {
		t.Fatalf("answer = %q, %v", got, err)
	}
	answers := srv.Answers()
	if len(answers) != 1 || answers[0].CallbackID != cb || utf8.RuneCountInString(answers[0].Text) != CallbackTextLimit ||
		!strings.HasPrefix(toast, strings.TrimSuffix(answers[0].Text, "…")) {
		t.Errorf("answers = %+v", answers)
	}
	_, err = c.Send(ctx, chihuy.Message{CallbackID: cb, Text: "again"}, "")
	if bot.FailureOf(err) != bot.Permanent {
		t.Errorf("second answer = %v, want Permanent (query too old)", err)
	}
}

func TestSendRefused(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	tests := []struct {
		name   string
		m      chihuy.Message
		editID string
	}{
		{"another platform", chihuy.Message{Chat: chihuy.ChatRef{Platform: "zalo", ID: "8a7f3c"}, Text: "x"}, ""},
		{"not a chat id", chihuy.Message{Chat: chihuy.ChatRef{Platform: "telegram", ID: "abc"}, Text: "x"}, ""},
		{"reply to a non-id", chihuy.Message{Chat: chatRef(groupID), Text: "x", ReplyTo: "r1"}, ""},
		{"edit of a non-id", chihuy.Message{Chat: chatRef(groupID), Text: "x"}, "k1"},
		{"empty text", chihuy.Message{Chat: chatRef(groupID), Text: "  "}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Send(context.Background(), tc.m, tc.editID)
			var se *bot.SendError
			if !errors.As(err, &se) || se.Failure != bot.Permanent {
				t.Errorf("Send = %v, want a Permanent SendError", err)
			}
		})
	}
	if n := srv.Calls("sendMessage") + srv.Calls("editMessageText"); n != 0 {
		t.Errorf("%d calls reached the API", n)
	}
}

func TestSendErrors(t *testing.T) {
	text := chihuy.Message{Chat: chatRef(groupID), Text: "Báo cáo tổng hợp"}
	doc := chihuy.Message{Chat: chatRef(groupID), Text: "Số liệu", File: &chihuy.File{Name: "a.csv", Data: []byte("a,b\n")}}
	photo := chihuy.Message{Chat: chatRef(groupID), File: &chihuy.File{Name: "a.png", Photo: true, Data: []byte("png")}}
	tests := []struct {
		name       string
		setup      func(*testing.T, *telegramtest.Server, *Client)
		m          chihuy.Message
		failure    bot.Failure
		code       int
		retryAfter time.Duration
	}{
		{"429", func(t *testing.T, s *telegramtest.Server, c *Client) {
			s.FailNext("sendMessage", 1, telegramtest.TooManyRequests(17))
		},
			text, bot.RateLimited, 429, 17 * time.Second},
		{"429 on an upload", func(t *testing.T, s *telegramtest.Server, c *Client) {
			s.FailNext("sendDocument", 1, telegramtest.TooManyRequests(5))
		},
			doc, bot.RateLimited, 429, 5 * time.Second},
		{"429 from the rate limit", func(t *testing.T, s *telegramtest.Server, c *Client) {
			s.SetLimits(telegramtest.Limits{PerChatPerSecond: 1})
			if _, err := c.Send(context.Background(), chihuy.Message{Chat: chatRef(groupID), Text: "first"}, ""); err != nil {
				t.Fatalf("first send: %v", err)
			}
		}, text, bot.RateLimited, 429, time.Second},
		{"403 kicked", func(t *testing.T, s *telegramtest.Server, c *Client) { s.SetChatFault(groupID, telegramtest.Kicked) },
			text, bot.ChatGone, 403, 0},
		{"403 blocked on an upload", func(t *testing.T, s *telegramtest.Server, c *Client) { s.SetChatFault(groupID, telegramtest.Blocked) },
			photo, bot.ChatGone, 403, 0},
		{"chat not found", func(t *testing.T, s *telegramtest.Server, c *Client) {
			s.SetChatFault(groupID, telegramtest.ChatNotFound)
		},
			text, bot.ChatGone, 400, 0},
		{"chat not found on an upload", func(t *testing.T, s *telegramtest.Server, c *Client) {
			s.SetChatFault(groupID, telegramtest.ChatNotFound)
		},
			doc, bot.ChatGone, 400, 0},
		{"no rights to send", func(t *testing.T, s *telegramtest.Server, c *Client) {
			s.FailNext("", 1, telegramtest.Fault{Code: 400, Description: "Bad Request: have no rights to send a message"})
		}, text, bot.ChatGone, 400, 0},
		{"user is deactivated", func(t *testing.T, s *telegramtest.Server, c *Client) {
			s.FailNext("", 1, telegramtest.Fault{Code: 403, Description: "Forbidden: user is deactivated"})
		}, text, bot.ChatGone, 403, 0},
		{"400 other", func(t *testing.T, s *telegramtest.Server, c *Client) {
			s.FailNext("", 1, telegramtest.Fault{Code: 400, Description: "Bad Request: can't parse entities"})
		}, text, bot.Permanent, 400, 0},
		{"400 other on an upload", func(t *testing.T, s *telegramtest.Server, c *Client) {}, chihuy.Message{Chat: chatRef(groupID), Text: "x",
			File: &chihuy.File{Name: "empty.csv"}}, bot.Permanent, 400, 0},
		{"text too long", func(t *testing.T, s *telegramtest.Server, c *Client) {}, chihuy.Message{Chat: chatRef(groupID),
			Text: strings.Repeat("ạ", 4097)}, bot.Permanent, 400, 0},
		{"500", func(t *testing.T, s *telegramtest.Server, c *Client) { s.FailNext("", 1, telegramtest.ServerError) },
			text, bot.Retry, 500, 0},
		{"500 on an upload", func(t *testing.T, s *telegramtest.Server, c *Client) { s.FailNext("", 1, telegramtest.ServerError) },
			doc, bot.Retry, 500, 0},
		{"HTML page", func(t *testing.T, s *telegramtest.Server, c *Client) { s.FailNext("", 1, telegramtest.BadGateway) },
			text, bot.Retry, 502, 0},
		{"HTML page on an upload", func(t *testing.T, s *telegramtest.Server, c *Client) { s.FailNext("", 1, telegramtest.BadGateway) },
			photo, bot.Retry, 502, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The fake's clock stands still: rate windows do not slide.
			srv := fake(t, telegramtest.WithClock(chihuy.ClockFunc(func() time.Time { return testTime })))
			c := connect(t, srv)
			tc.setup(t, srv, c)
			_, err := c.Send(context.Background(), tc.m, "")
			var se *bot.SendError
			if !errors.As(err, &se) {
				t.Fatalf("Send = %v, want a *bot.SendError", err)
			}
			if se.Platform != "telegram" || se.Failure != tc.failure || se.Code != tc.code || se.RetryAfter != tc.retryAfter {
				t.Errorf("got %s/%d/%s (%v), want %s/%d/%s", se.Failure, se.Code, se.RetryAfter, se, tc.failure, tc.code, tc.retryAfter)
			}
			if tc.failure == bot.RateLimited && srv.TooManyRequests() == 0 {
				t.Error("the server counted no 429")
			}
		})
	}
}

func TestSendTimeoutAndNetwork(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv, WithRequestTimeout(100*time.Millisecond))
	srv.SetLatency(5 * time.Second)
	_, err := c.Send(context.Background(), chihuy.Message{Chat: chatRef(groupID), Text: "x"}, "")
	var se *bot.SendError
	if !errors.As(err, &se) || se.Failure != bot.Retry || se.Code != 0 {
		t.Errorf("Send past the timeout = %v, want Retry with code 0", err)
	}
	srv.SetLatency(0)

	srv.Close()
	_, err = c.Send(context.Background(), chihuy.Message{Chat: chatRef(groupID), Text: "x"}, "")
	if !errors.As(err, &se) || se.Failure != bot.Retry || se.Code != 0 {
		t.Errorf("Send to a closed server = %v, want Retry with code 0", err)
	}
}

// TestSendOddAnswers: whatever comes back, Send returns a SendError and
// does not panic.
func TestSendOddAnswers(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		failure bot.Failure
	}{
		{"empty body", 200, ``, bot.Retry},
		{"null", 200, `null`, bot.Retry},
		{"truncated", 200, `{"ok":tr`, bot.Retry},
		{"ok without result", 200, `{"ok":true}`, bot.Retry},
		{"result of the wrong type", 200, `{"ok":true,"result":"x"}`, bot.Retry},
		{"result is a list", 200, `{"ok":true,"result":[1,2]}`, bot.Retry},
		{"message without id", 200, `{"ok":true,"result":{}}`, bot.Retry},
		{"not ok, no code", 200, `{"ok":false}`, bot.Retry},
		{"error code of the wrong type", 400, `{"ok":false,"error_code":"x"}`, bot.Retry},
		{"400 without description", 400, `{"ok":false,"error_code":400}`, bot.Permanent},
		{"429 with a negative wait", 429, `{"ok":false,"error_code":429,"parameters":{"retry_after":-5}}`, bot.RateLimited},
		{"HTML 200", 200, `<html><body>captive portal</body></html>`, bot.Retry},
		{"HTML 504", 504, `<html>Gateway Time-out</html>`, bot.Retry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := oddServer(t, tc.status, tc.body)
			c, err := New(context.Background(), "7:x", ts.URL)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			for _, m := range []chihuy.Message{
				{Chat: chatRef(groupID), Text: "x"},
				{Chat: chatRef(groupID), Text: "x", File: &chihuy.File{Name: "a.csv", Data: []byte("a")}},
			} {
				_, err := c.Send(context.Background(), m, "")
				var se *bot.SendError
				if !errors.As(err, &se) || se.Failure != tc.failure {
					t.Errorf("Send (file %v) = %v, want a %s SendError", m.File != nil, err, tc.failure)
				}
				if se != nil && se.Failure == bot.RateLimited && se.RetryAfter <= 0 {
					t.Errorf("RetryAfter = %s", se.RetryAfter)
				}
			}
		})
	}
}
