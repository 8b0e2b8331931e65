package telegram

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot"
)

// TestConvert runs the cases of testdata/convert.json: a Telegram update
// as the API sends it, and the chihuy.Update it must become, for the bot
// with id 1000 and username chihuy_test_bot.
func TestConvert(t *testing.T) {
	raw, err := os.ReadFile("testdata/convert.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name   string          `json:"name"`
		Update json.RawMessage `json:"update"`
		Want   chihuy.Update   `json:"want"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("testdata/convert.json: %v", err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	c := &Client{}
	c.setMe(1000, bot.Info{ID: "1000", Username: "chihuy_test_bot"})
	now := time.Date(2021, 8, 12, 10, 0, 0, 0, time.UTC)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			u, _, _ := c.convert(tc.Update, now)
			got, _ := json.Marshal(u)
			want, _ := json.Marshal(tc.Want)
			if string(got) != string(want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}
