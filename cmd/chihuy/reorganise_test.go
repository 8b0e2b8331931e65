package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
)

// chihuy reorganise on a real Redis: the dry run prints what would move
// and writes nothing, the run moves, a second run does nothing, export of
// a new unit over a day before the date reads the old units, undo
// restores.
func TestReorganiseCommand(t *testing.T) {
	srv := redistest.Start(t, false)
	st := store.New(srv.Client(t))
	ctx := context.Background()
	aggs := builtinAggregations()
	inVN := st.In(builtinTree(t))
	day := chihuy.Day{Year: 2025, Month: 6, Day: 30}
	for _, r := range []report.Input{
		{Unit: "03418", Day: day, Values: report.Values{"f0": 3}},
		{Unit: "03409", Day: day, Values: report.Values{"f0": 4}},
	} {
		r.Agg = aggs
		if _, err := inVN.RecordUnitReport(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	bound := chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-1003418"}
	split := chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-1000016"}
	for chat, unit := range map[chihuy.ChatRef]string{bound: "03418", split: "00016"} {
		if err := st.Bind(ctx, store.Binding{Chat: chat, Unit: unit, Kind: chihuy.Group}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Grant(ctx, chihuy.UserRef{Platform: chihuy.Telegram, ID: "9"}, "00016", chihuy.RoleLead); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CHIHUY_REDIS_URL": srv.URL()}
	args := []string{"reorganise", "--to", "gso-2025-07", "--effective", "2025-07-01"}

	code, out, errs := runCmd(t, env, append(args, "--dry-run")...)
	if code != 0 {
		t.Fatalf("dry run exited %d: %s", code, errs)
	}
	for _, want := range []string{
		"chạy thử", "Nhóm chuyển sang đơn vị mới: 1", "telegram:-1003418: xã Bản Giang (03418) → phường Tân Phong (03408)",
		"Nhóm phải đăng ký lại", "telegram:-1000016: phường Ngọc Hà (00016) — chia vào: phường Ba Đình (00004)",
		"telegram:9 (lãnh đạo): phường Ngọc Hà (00016)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if b, _ := st.Binding(ctx, bound); b.Unit != "03418" {
		t.Fatalf("dry run moved the binding to %q", b.Unit)
	}

	if code, out, errs = runCmd(t, env, args...); code != 0 || !strings.Contains(out, "Tin nhắn đã xếp hàng gửi: 2") {
		t.Fatalf("run exited %d: %s\n%s", code, errs, out)
	}
	if b, _ := st.Binding(ctx, bound); b.Unit != "03408" {
		t.Fatalf("binding now %q", b.Unit)
	}
	if code, out, _ = runCmd(t, env, args...); code != 0 || !strings.Contains(out, "Đã sắp xếp lại từ trước") {
		t.Fatalf("second run exited %d: %s", code, out)
	}

	// The deployment now runs on the new tree; exporting the new ward over
	// the day before reads the old communes that went into it whole.
	cfgFile := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(cfgFile, []byte("units: gso-2025-07\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env["CHIHUY_CONFIG"] = cfgFile
	code, out, errs = runCmd(t, env, "export", "--unit", "03408", "--from", "2025-06-30", "--to", "2025-06-30", "--aggregate")
	if code != 0 {
		t.Fatalf("export exited %d: %s", code, errs)
	}
	if !strings.Contains(out, "2025-06-30..2025-06-30,03408,phường Tân Phong,phường,7,") || !strings.Contains(errs, "xã Bản Giang (03418)") {
		t.Errorf("export:\n%s\n%s", out, errs)
	}
	delete(env, "CHIHUY_CONFIG")

	if code, out, errs = runCmd(t, env, append(args, "--undo")...); code != 0 || !strings.Contains(out, "Đã hoàn tác") {
		t.Fatalf("undo exited %d: %s\n%s", code, errs, out)
	}
	if b, _ := st.Binding(ctx, bound); b.Unit != "03418" {
		t.Errorf("after undo, binding %q", b.Unit)
	}
	if b, _ := st.Binding(ctx, split); b.Unit != "00016" {
		t.Errorf("after undo, split chat binding %q", b.Unit)
	}
}

// The demo on the tree of July 2025: Lai Châu's 38 communes and wards.
func TestDemoUnits2025(t *testing.T) {
	script := filepath.Join(t.TempDir(), "none.txt")
	if err := os.WriteFile(script, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, nil, "demo", "--units", "gso-2025-07", "--start", "2025-07-02 09:00", "--dir", t.TempDir(), "--script", script)
	if code != 0 {
		t.Fatalf("demo exited %d: %s\n%s", code, errs, out)
	}
	for _, want := range []string{
		"tỉnh Lai Châu: 39 đơn vị (cây từ 01/07/2025: tỉnh và 38 xã, phường)",
		"Đã ghi nhận báo cáo của phường Tân Phong, ngày 02/07/2025",
		"Báo cáo: 2/38 đơn vị",
		"xã Tân Uyên đã nhận chỉ đạo CD-12-0001",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if code, _, errs := runCmd(t, nil, "demo", "--units", "gso-2021"); code != 2 || !strings.Contains(errs, "gso-2025-07") {
		t.Errorf("bad --units: exit %d, %s", code, errs)
	}
}

// builtinAggregations gives the built-in data set's elements their
// aggregations, as the bot does.
func builtinAggregations() dataset.Aggregations { return dataset.Builtin().Aggregations() }
