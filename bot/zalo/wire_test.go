package zalo

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
)

var fixedNow = time.Date(2025, 6, 19, 8, 0, 0, 0, time.UTC)

func TestToUpdate(t *testing.T) {
	tests := []struct {
		file string
		want chihuy.Update
		skip skipReason
	}{
		{file: "webhook_text.json", want: chihuy.Update{
			ID: "zalo:2d758cb5e222177a4e35", Chat: chihuy.ChatRef{Platform: "zalo", ID: "6ede9afa66b88fe6d6a9"},
			ChatKind: chihuy.Private, From: chihuy.UserRef{Platform: "zalo", ID: "6ede9afa66b88fe6d6a9"},
			FromName: "Ted", MessageID: "2d758cb5e222177a4e35", Text: "Xin chào", ToBot: true,
			Time: time.UnixMilli(1750316131602),
		}},
		{file: "update_bare.json", want: chihuy.Update{
			ID: "zalo:m-0001", Chat: chihuy.ChatRef{Platform: "zalo", ID: "a1b2c3"},
			ChatKind: chihuy.Private, From: chihuy.UserRef{Platform: "zalo", ID: "a1b2c3"},
			FromName: "Cán bộ xã Bản Giang", MessageID: "m-0001", Text: "/baocao f0 3 f1 12", ToBot: true,
			Time: time.UnixMilli(1750316131602),
		}},
		{file: "update_group.json", want: chihuy.Update{
			ID: "zalo:m-0002", Chat: chihuy.ChatRef{Platform: "zalo", ID: "g42"},
			ChatKind: chihuy.Group, From: chihuy.UserRef{Platform: "zalo", ID: "u77"},
			FromName: "Trưởng trạm y tế", MessageID: "m-0002", Text: "@Bot Chỉ huy f0 5", ToBot: true,
			Time: time.UnixMilli(1750316200000),
		}},
		{file: "update_image.json", want: chihuy.Update{
			ID: "zalo:m-0003", Chat: chihuy.ChatRef{Platform: "zalo", ID: "u1"},
			ChatKind: chihuy.Private, From: chihuy.UserRef{Platform: "zalo", ID: "u1"},
			FromName: "Lò Văn A", MessageID: "m-0003", Text: "f0 2", ToBot: true,
			Time: time.UnixMilli(1750316300000),
		}},
		{file: "update_numeric.json", want: chihuy.Update{
			ID: "zalo:987654321", Chat: chihuy.ChatRef{Platform: "zalo", ID: "123456789"},
			ChatKind: chihuy.Private, From: chihuy.UserRef{Platform: "zalo", ID: "123456789"},
			FromName: "Số", MessageID: "987654321", Text: "xin chào", ToBot: true,
			Time: time.UnixMilli(1750316400000),
		}},
		{file: "update_nodate.json", want: chihuy.Update{
			ID: "zalo:m-0009", Chat: chihuy.ChatRef{Platform: "zalo", ID: "u9"},
			ChatKind: chihuy.Private, From: chihuy.UserRef{Platform: "zalo", ID: "u9"},
			FromName: "Chưa có ngày", MessageID: "m-0009", Text: "hello", ToBot: true, Time: fixedNow,
		}},
		{file: "update_sticker.json", skip: skipEvent},
		{file: "update_unsupported.json", skip: skipEvent},
		{file: "update_unknown_event.json", skip: skipEvent},
		{file: "update_no_id.json", skip: skipNoID},
		{file: "update_image_nocaption.json", skip: skipEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			w, err := decodeWebhookBody(body)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			got, why := w.toUpdate(func() time.Time { return fixedNow })
			if why != tt.skip {
				t.Fatalf("skip = %q, want %q", why, tt.skip)
			}
			if !got.Time.Equal(tt.want.Time) {
				t.Errorf("time = %v, want %v", got.Time, tt.want.Time)
			}
			got.Time, tt.want.Time = time.Time{}, time.Time{}
			if got != tt.want {
				t.Errorf("update =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeWebhookBodyRejects(t *testing.T) {
	for _, body := range []string{``, `nope`, `[1,2]`, `{"result":`, `{"ok":true,"result":{"message":"x"}}`} {
		if _, err := decodeWebhookBody([]byte(body)); err == nil {
			t.Errorf("decodeWebhookBody(%q): no error", body)
		}
	}
}

func TestFlexInt(t *testing.T) {
	tests := []struct {
		in   string
		want flexInt
	}{
		{`429`, 429}, {`"408"`, 408}, {`null`, 0}, {`"x"`, 0}, {`true`, 0}, {`1e20`, 0}, {`-3`, -3},
	}
	for _, tt := range tests {
		var n flexInt
		if err := n.UnmarshalJSON([]byte(tt.in)); err != nil || n != tt.want {
			t.Errorf("flexInt(%s) = %d, %v; want %d", tt.in, n, err, tt.want)
		}
	}
}

func TestRedact(t *testing.T) {
	c := New("123456789:AbCdEfGhIjKlMnOp", "")
	tests := []struct{ in, want string }{
		{"GET /bot123456789:AbCdEfGhIjKlMnOp/getMe", "GET /bot<token>/getMe"},
		{"/bot123456789%3AAbCdEfGhIjKlMnOp/x", "/bot123456789%3A<token>/x"},
		{"half AbCdEfGhIjKlMnOp leaked", "half <token> leaked"},
	}
	for _, tt := range tests {
		if got := c.redact(tt.in); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzConvert: no update body, however odd, makes conversion panic; an
// update accepted has an id, a chat and text, and can be recorded (encodes
// to JSON); one refused as invalid keeps its body for the dead list.
// Seeded with the whole updates of testdata; crashers are kept under
// testdata/fuzz/FuzzConvert.
func FuzzConvert(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		u, why := convert(body, func() time.Time { return fixedNow })
		if why != skipNone {
			return
		}
		if u.Invalid != "" {
			if u.Raw != string(body) || u.ID == "" || u.ID == "zalo:" {
				t.Fatalf("invalid update without its body or id: %+v", u)
			}
			return
		}
		if u.ID == "zalo:" || u.Chat.ID == "" || u.Text == "" {
			t.Fatalf("accepted an update without id, chat or text: %+v", u)
		}
		if _, err := json.Marshal(u); err != nil {
			t.Fatalf("accepted an update that cannot be recorded: %+v: %v", u, err)
		}
	})
}
