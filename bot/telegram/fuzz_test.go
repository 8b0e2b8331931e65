package telegram

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/chihuy/chihuy/bot"
)

// FuzzConvert: no update body, however odd, makes conversion panic; the
// text it gives is valid UTF-8; an update with an update_id is always
// named by it; what is not marked invalid can be recorded (encodes to
// JSON). Seeded with the whole updates of testdata/convert.json; crashers
// are kept under testdata/fuzz/FuzzConvert.
func FuzzConvert(f *testing.F) {
	raw, err := os.ReadFile("testdata/convert.json")
	if err != nil {
		f.Fatal(err)
	}
	var cases []struct {
		Update json.RawMessage `json:"update"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		f.Fatal(err)
	}
	for _, tc := range cases {
		f.Add([]byte(tc.Update))
	}
	c := &Client{}
	c.setMe(1000, bot.Info{ID: "1000", Username: "chihuy_test_bot"})
	now := time.Date(2021, 8, 12, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		u, id, ok := c.convert(body, now)
		if u.ID == "" {
			t.Fatalf("no id for %q", body)
		}
		if ok && u.ID != "telegram:"+strconv.Itoa(id) {
			t.Errorf("id %q for update_id %d", u.ID, id)
		}
		if !utf8.ValidString(u.Text) {
			t.Errorf("text %q is not UTF-8", u.Text)
		}
		if u.Invalid == "" {
			if _, err := json.Marshal(u); err != nil {
				t.Errorf("valid update %q cannot be recorded: %v", body, err)
			}
		} else if u.Raw == "" {
			t.Errorf("invalid update %q without its raw body", body)
		}
	})
}

// FuzzAddressedText: entities with any offsets never make the command
// cut panic or give invalid text.
func FuzzAddressedText(f *testing.F) {
	f.Add("/baocao@chihuy_test_bot F0 3", "bot_command", 0, 23)
	f.Add("📊 @chihuy_test_bot", "mention", 3, 16)
	f.Add("/x@chihuy_test_bot", "bot_command", 0, 90)
	f.Add("Gửi @chihuy_test_bot", "mention", -3, 4)
	f.Fuzz(func(t *testing.T, text, kind string, offset, length int) {
		if !utf8.ValidString(text) {
			return
		}
		ents := []tgbotapi.MessageEntity{{Type: kind, Offset: offset, Length: length}}
		got, _, _ := addressedText(text, ents, 1000, "chihuy_test_bot")
		if !utf8.ValidString(got) {
			t.Errorf("addressedText(%q) = %q, not UTF-8", text, got)
		}
	})
}
