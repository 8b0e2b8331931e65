package demo

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/app"
	"github.com/chihuy/chihuy/config"
	"github.com/chihuy/chihuy/units"
)

func reorganise(effective string) func(*config.Config) {
	return func(c *config.Config) {
		d, _ := chihuy.ParseDay(effective)
		c.Reorganise = &config.Reorganise{To: units.TreeJuly2025, Mapping: config.MappingBuiltin, Effective: d}
	}
}

// reorganise: in the configuration, its date reached: the bot starts on
// the new tree, the configured chats (old codes) carried over; a chat of
// a commune that went into a new ward reports as that ward.
func TestConfiguredReorganisation(t *testing.T) {
	w, ctx := startWorld(t, Options{Clock: StartingAt(time.Date(2025, 7, 2, 9, 0, 0, 0, vnLoc)), ZaloUnder: "-", Tweak: reorganise("2025-07-01")})
	if got := w.App.Tree; got.Name() != units.TreeJuly2025 || got.Len() != 1+38 {
		t.Fatalf("tree in force: %s, %d units", got.Name(), got.Len())
	}
	if _, err := w.WaitText(ctx, "03418", "nhập vào phường Tân Phong (03408)"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WaitText(ctx, "106", "/dangky"); err != nil {
		t.Fatal(err)
	}
	if err := w.Say("03418", "F0 2"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WaitText(ctx, "03418", "báo cáo của phường Tân Phong"); err != nil {
		t.Fatal(err)
	}
	// A restart keeps the new tree and does not tell the chats again
	// (once what was queued is sent: a kill in mid-send may send twice).
	w.Quiet(ctx, 2*time.Second)
	if err := w.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if w.App.Tree.Name() != units.TreeJuly2025 {
		t.Fatalf("after restart: %s", w.App.Tree.Name())
	}
	w.Quiet(ctx, 2*time.Second)
	notices := 0
	for _, s := range w.SaidTo("03418") {
		if strings.Contains(s.Text, "Sắp xếp đơn vị hành chính") {
			notices++
		}
	}
	if notices != 1 {
		for _, s := range w.SaidTo("03418") {
			t.Logf("%d %s %.60s", s.TgID, s.Time, s.Text)
		}
		t.Errorf("the chat was told %d times", notices)
	}
}

// With the date ahead, the old tree stays; at the date the bot stops so
// that its supervisor starts it on the new tree.
func TestReorganisationAhead(t *testing.T) {
	clock := StartingAt(time.Date(2025, 6, 30, 23, 0, 0, 0, vnLoc))
	w, ctx := startWorld(t, Options{Clock: clock, ZaloUnder: "-", Tweak: reorganise("2025-07-01")})
	if w.App.Tree.Name() != units.TreeMarch2025 {
		t.Fatalf("tree before the date: %s", w.App.Tree.Name())
	}
	if err := w.Say("03418", "F0 2"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WaitText(ctx, "03418", "báo cáo của xã Bản Giang"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	select {
	case err := <-w.done:
		if !errors.Is(err, app.ErrReorganised) {
			t.Fatalf("Run returned %v", err)
		}
		w.done <- nil // for Stop
	case <-ctx.Done():
		t.Fatal("the bot did not stop at the date")
	}
	if !strings.Contains(app.ErrReorganised.Error(), "restart") {
		t.Error(app.ErrReorganised)
	}
}
