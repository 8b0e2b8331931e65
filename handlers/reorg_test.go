package handlers

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/reorg"
	"github.com/chihuy/chihuy/units"
)

// The reorganisation of 1 July 2025, end to end on a real Redis: reports
// on the old communes for the 7 days before the date, the switch, reports
// after it. Expected figures are computed from the merges file excerpt in
// units/testdata directly, not through package units.

// sampleMerges reads the excerpt: new code → old code → "full"/"partial".
func sampleMerges(t *testing.T) map[string]map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "units", "testdata", "merges_sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Data []struct {
			Level2s []struct {
				ID     string `json:"level2_id"`
				Merges []struct {
					OldID string `json:"old_id"`
					Type  string `json:"type"`
				} `json:"merges"`
			} `json:"level2s"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, p := range f.Data {
		for _, c := range p.Level2s {
			out[c.ID] = map[string]string{}
			for _, m := range c.Merges {
				out[c.ID][m.OldID] = m.Type
			}
		}
	}
	return out
}

var effective = chihuy.Day{Year: 2025, Month: 7, Day: 1}

// at sets the clock to 09:00 of day.
func (e *env) at(day chihuy.Day) { e.clock.Set(day.Time(vnLoc).Add(9 * time.Hour)) }

// switchTo returns an env on the same store and clock with the new tree
// in force through plan.
func (e *env) switchTo(plan *reorg.Plan) *env {
	n := *e
	n.tree = plan.To
	n.h = New(configured(Deps{Store: e.st, Tree: plan.To, Reorg: plan, Clock: e.clock, Loc: vnLoc, Log: e.h.Log, Admins: e.h.Admins, Platforms: e.h.Platforms}))
	return &n
}

// figure returns the value, 7-day total and cumulative total of the
// element labelled label in a summary.
func figure(t *testing.T, e *env, code string, day chihuy.Day) (value, week, total int64, notes []string) {
	t.Helper()
	u, ok := e.tree.Get(code)
	if !ok {
		t.Fatalf("no unit %s in %s", code, e.tree.Name())
	}
	d, err := e.h.Summarize(e.ctx, u, day)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Figures {
		if f.Label == e.h.DataSet.Label("f0") {
			return f.Value, f.Week, f.Total, d.Notes
		}
	}
	return 0, 0, 0, d.Notes
}

func TestReorganiseLaiChau(t *testing.T) {
	e := newEnv(t)
	merges := sampleMerges(t)
	// Old communes with chats: the five that became phường Tân Phong
	// (03408) — among them the old 03408, Đông Phong, whose code the new
	// ward reuses — and two of Phường Đoàn Kết (03388).
	old := map[string]string{}
	for code := range merges["03408"] {
		old[code] = "telegram:-7" + code
	}
	old["03386"], old["03388"] = "telegram:-703386", "telegram:-703388"
	for code, chat := range old {
		e.bind(chat, code)
	}
	e.bind("telegram:-7106", "106") // district Tam Đường: gone
	e.bind("telegram:-712", "12")
	e.grant("501", "03418", chihuy.RoleLead)
	e.grant("502", "106", chihuy.RoleLead)

	// Seven days of reports before the date: F0 = day of month + a number
	// per commune.
	sent := map[string]map[chihuy.Day]int64{}
	n := int64(0)
	for code, chat := range old {
		n++
		sent[code] = map[chihuy.Day]int64{}
		for i := 7; i >= 1; i-- {
			day := effective.AddDays(-i)
			e.at(day)
			v := int64(day.Day) + n
			e.send(msg{chat: chat, from: "9" + code, text: fmt.Sprintf("F0 %d", v)})
			sent[code][day] = v
		}
	}
	e.drain()

	from := e.tree
	july, err := units.July2025()
	if err != nil {
		t.Fatal(err)
	}
	plan, err := reorg.Load(from, july, reorg.MappingBuiltin, effective)
	if err != nil {
		t.Fatal(err)
	}
	if plan.To.Root().Code != "12" || plan.To.Len() != 1+38 {
		t.Fatalf("new tree: root %s, %d units", plan.To.Root().Code, plan.To.Len())
	}

	// A directive of the province to two old communes, open across the
	// switch.
	e.grant("700", "12", chihuy.RoleLead)
	out := texts(e.send(msg{chat: "telegram:-712", from: "700", text: "/chidao Rà soát người về từ vùng dịch. Gửi: 03418, 03386"}), "telegram:-712")
	cdID := regexp.MustCompile(`CD-12-\d+`).FindString(out)
	if cdID == "" {
		t.Fatalf("no directive id in %q", out)
	}
	e.drain()

	// Dry run: what would move, nothing written.
	e.at(effective)
	invs, err := e.st.CreateInvites(e.ctx, []string{"03415", "105"}, chihuy.UserRef{Platform: chihuy.Telegram, ID: admin}, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	dry, err := plan.Apply(e.ctx, e.st, reorg.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Moved) != len(old)+1 || len(dry.ReEnrol) != 1 || dry.ReEnrol[0].Binding.Unit != "106" {
		t.Fatalf("dry run: %d moved, re-enrol %+v", len(dry.Moved), dry.ReEnrol)
	}
	if b, _ := e.st.Binding(e.ctx, chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-703387"}); b.Unit != "03387" {
		t.Fatalf("dry run moved a binding: %+v", b)
	}
	if ms := e.drain(); len(ms) != 0 {
		t.Fatalf("dry run sent %d messages", len(ms))
	}

	res, err := plan.Apply(e.ctx, e.st, reorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ms := e.drain()
	for code, chat := range old {
		want := "03408"
		if code == "03386" || code == "03388" {
			want = "03388"
		}
		ref, _ := chihuy.ParseChatRef(chat)
		if b, err := e.st.Binding(e.ctx, ref); err != nil || b.Unit != want {
			t.Errorf("chat of %s bound to %+v (%v), want %s", code, b.Unit, err, want)
		}
		if got := texts(ms, chat); !strings.Contains(got, "nhập vào") {
			t.Errorf("chat of %s told %q", code, got)
		}
	}
	if _, err := e.st.Binding(e.ctx, chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-7106"}); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Errorf("district chat still bound: %v", err)
	}
	if got := texts(ms, "telegram:-7106"); !strings.Contains(got, "/dangky") || !strings.Contains(got, "huyện Tam Đường (106)") {
		t.Errorf("district chat told %q", got)
	}
	roles, _ := e.st.Roles(e.ctx, chihuy.UserRef{Platform: chihuy.Telegram, ID: "501"})
	if roles["03408"] != chihuy.RoleLead || len(roles) != 1 {
		t.Errorf("lead of 03418: roles %v", roles)
	}
	removed := res.RemovedRoles()
	if len(removed) != 1 || removed[0].User.ID != "502" || removed[0].Old.Code != "106" {
		t.Errorf("leads listed: %+v", removed)
	}
	if inv, err := e.st.RedeemInvite(e.ctx, invs[0].Code); err != nil || inv.Unit != "03408" {
		t.Errorf("invite of 03415: %+v %v", inv, err)
	}
	if _, err := e.st.RedeemInvite(e.ctx, invs[1].Code); err == nil {
		t.Error("invite of district 105 still redeemable")
	}
	if tree, _ := e.st.UnitsTree(e.ctx); tree != units.TreeJuly2025 {
		t.Errorf("store tree %q", tree)
	}

	// Running it again changes nothing.
	again, err := plan.Apply(e.ctx, e.st, reorg.Options{})
	if err != nil || !again.Already {
		t.Fatalf("second run: %+v %v", again, err)
	}
	if ms := e.drain(); len(ms) != 0 {
		t.Fatalf("second run sent %d messages", len(ms))
	}

	// After the date: a report under the new ward.
	n2 := e.switchTo(plan)
	n2.at(effective)
	n2.send(msg{chat: old["03418"], from: "501", text: "F0 3"})
	rep, ok, err := e.st.In(plan.To).UnitReport(e.ctx, "03408", effective)
	if err != nil || !ok || rep.Values["f0"] != 3 {
		t.Fatalf("report after the date: %+v %v %v", rep, ok, err)
	}
	// Old 03408 (Đông Phong) keeps its own days, untouched.
	oldRep, ok, _ := e.st.In(from).UnitReport(e.ctx, "03408", effective.AddDays(-1))
	if !ok || oldRep.Values["f0"] != sent["03408"][effective.AddDays(-1)] {
		t.Errorf("old report of 03408: %+v", oldRep)
	}

	// The open directive: the new ward acknowledges for Bản Giang; the
	// status names the targets by their new units.
	if got := texts(n2.send(msg{chat: old["03418"], from: "501", text: "/danhan " + cdID}), old["03418"]); !strings.Contains(got, "phường Tân Phong") {
		t.Errorf("acknowledgement after the switch: %q", got)
	}
	status := texts(n2.send(msg{chat: "telegram:-712", from: "700", text: "/trangthai " + cdID}), "telegram:-712")
	if !strings.Contains(status, "chưa nhận: phường Đoàn Kết") || strings.Contains(status, "Quyết Thắng") || !strings.Contains(status, "1/2") {
		t.Errorf("status after the switch: %q", status)
	}

	// The new ward's figures: today's report, and the 7-day trend across
	// the date from the old communes that went into it whole.
	var week, total int64
	for oldCode, typ := range merges["03408"] {
		if typ != "full" {
			continue
		}
		for d, v := range sent[oldCode] {
			total += v
			if !d.Before(effective.AddDays(-6)) {
				week += v
			}
		}
	}
	week, total = week+3, total+3
	v, w, tot, notes := figure(t, n2, "03408", effective)
	if v != 3 || w != week || tot != total {
		t.Errorf("03408 on %s: value %d week %d total %d, want 3, %d, %d", effective, v, w, tot, week, total)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "xã Bản Giang (03418)") || strings.Contains(notes[0], "chia tách") {
		t.Errorf("notes %q", notes)
	}
	// The day before, read from the old units alone.
	var before int64
	for oldCode, typ := range merges["03408"] {
		if typ == "full" {
			before += sent[oldCode][effective.AddDays(-1)]
		}
	}
	if v, _, _, _ := figure(t, n2, "03408", effective.AddDays(-1)); v != before {
		t.Errorf("03408 on the day before: %d, want %d", v, before)
	}
	// The province: everything reported in it.
	var pweek int64
	for _, days := range sent {
		for d, v := range days {
			if !d.Before(effective.AddDays(-6)) {
				pweek += v
			}
		}
	}
	if _, w, _, _ := figure(t, n2, "12", effective); w != pweek+3 {
		t.Errorf("province week %d, want %d", w, pweek+3)
	}

	// Export of the ward over days on both sides of the date.
	tbl, xnotes, err := ExportHistory(e.ctx, e.st, plan.To, plan, n2.h.DataSet, "03408", effective.AddDays(-2), effective, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(tbl.Rows) != 3 || tbl.Rows[1].Values["f0"] != before || tbl.Rows[2].Values["f0"] != 3 || tbl.Rows[0].Unit != "03408" {
		t.Errorf("export rows %+v", tbl.Rows)
	}
	if len(xnotes) != 1 {
		t.Errorf("export notes %q", xnotes)
	}
	agg, _, err := ExportHistory(e.ctx, e.st, plan.To, plan, n2.h.DataSet, "12", effective.AddDays(-6), effective, true)
	if err != nil {
		t.Fatal(err)
	}
	if agg.Rows[0].Unit != "12" || agg.Rows[0].Values["f0"] != pweek+3 {
		t.Errorf("aggregate export of the province: %+v", agg.Rows[0])
	}

	// Undo: bindings, roles and invites as before; reports untouched.
	if _, err := plan.Undo(e.ctx, e.st); err != nil {
		t.Fatal(err)
	}
	for code, chat := range old {
		ref, _ := chihuy.ParseChatRef(chat)
		if b, err := e.st.Binding(e.ctx, ref); err != nil || b.Unit != code {
			t.Errorf("after undo, chat of %s bound to %q (%v)", code, b.Unit, err)
		}
	}
	if b, err := e.st.Binding(e.ctx, chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-7106"}); err != nil || b.Unit != "106" {
		t.Errorf("after undo, district chat: %+v %v", b, err)
	}
	roles, _ = e.st.Roles(e.ctx, chihuy.UserRef{Platform: chihuy.Telegram, ID: "501"})
	if roles["03418"] != chihuy.RoleLead || len(roles) != 1 {
		t.Errorf("after undo, roles %v", roles)
	}
	roles, _ = e.st.Roles(e.ctx, chihuy.UserRef{Platform: chihuy.Telegram, ID: "502"})
	if roles["106"] != chihuy.RoleLead {
		t.Errorf("after undo, district lead roles %v", roles)
	}
	if tree, _ := e.st.UnitsTree(e.ctx); tree != units.TreeMarch2025 {
		t.Errorf("after undo, store tree %q", tree)
	}
	if _, ok, _ := reorg.Stored(e.ctx, e.st); ok {
		t.Error("after undo, a reorganisation is still recorded")
	}
	if ms := e.drain(); !strings.Contains(texts(ms, old["03418"]), "hoàn tác") {
		t.Errorf("undo not told: %q", texts(ms, old["03418"]))
	}
	if _, err := plan.Undo(e.ctx, e.st); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Errorf("second undo: %v", err)
	}
}

// Hà Nội: wards split across several new ones. Phường Ba Đình (00004) got
// Trúc Bạch and Quán Thánh whole and parts of eight others; their figures
// are left out of its history, not of the city's.
func TestReorganiseHanoiPartial(t *testing.T) {
	e := newEnv(t)
	vn, err := units.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	hn, err := vn.Subtree("01")
	if err != nil {
		t.Fatal(err)
	}
	e.tree, e.h.Tree = hn, hn
	merges := sampleMerges(t)["00004"]
	reporting := []string{"00004", "00013", "00016", "00019"} // two whole, two split
	for _, code := range reporting {
		if merges[code] == "" {
			t.Fatalf("sample lacks %s", code)
		}
		e.bind("telegram:-8"+code, code)
	}
	e.grant("601", "00016", chihuy.RoleLead)
	sent := map[string]int64{}
	for i := 7; i >= 1; i-- {
		day := effective.AddDays(-i)
		e.at(day)
		for j, code := range reporting {
			v := int64(10*j + i)
			e.send(msg{chat: "telegram:-8" + code, from: "8" + code, text: fmt.Sprintf("F0 %d", v)})
			if i <= 6 {
				sent[code] += v
			}
		}
	}
	e.drain()
	july, _ := units.July2025()
	plan, err := reorg.Load(hn, july, "", effective)
	if err != nil {
		t.Fatal(err)
	}
	e.at(effective)
	res, err := plan.Apply(e.ctx, e.st, reorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ms := e.drain()
	if len(res.Moved) != 2 || len(res.ReEnrol) != 2 {
		t.Fatalf("moved %d, re-enrol %d", len(res.Moved), len(res.ReEnrol))
	}
	for _, code := range []string{"00016", "00019"} {
		got := texts(ms, "telegram:-8"+code)
		if !strings.Contains(got, "được chia vào") || !strings.Contains(got, "phường Ba Đình (00004)") || !strings.Contains(got, "/dangky") {
			t.Errorf("split chat of %s told %q", code, got)
		}
		if _, err := e.st.Binding(e.ctx, chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-8" + code}); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
			t.Errorf("split chat of %s still bound: %v", code, err)
		}
	}
	if rm := res.RemovedRoles(); len(rm) != 1 || rm[0].User.ID != "601" || len(rm[0].Fate.Parts) < 2 {
		t.Errorf("leads listed: %+v", rm)
	}
	n2 := e.switchTo(plan)
	var wantWard, wantCity int64
	for code, v := range sent {
		wantCity += v
		if merges[code] == "full" {
			wantWard += v
		}
	}
	_, w, _, notes := figure(t, n2, "00004", effective)
	if w != wantWard {
		t.Errorf("Ba Đình week %d, want %d (whole wards only)", w, wantWard)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "phường Ngọc Hà (00016)") || !strings.Contains(notes[0], "chia tách") {
		t.Errorf("Ba Đình notes %q", notes)
	}
	if _, w, _, _ := figure(t, n2, "01", effective); w != wantCity {
		t.Errorf("Hà Nội week %d, want %d (every ward)", w, wantCity)
	}
}
