package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func runCmd(t *testing.T, e map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb, env(e))
	return code, out.String(), errb.String()
}

func TestCheckNationalTree(t *testing.T) {
	code, out, errs := runCmd(t, nil, "check")
	if code != 0 {
		t.Fatalf("check exited %d: %s%s", code, out, errs)
	}
	for _, want := range []string{"63", "696", "10047"} {
		if !strings.Contains(strings.ReplaceAll(out, ".", ""), want) {
			t.Errorf("check output lacks %s:\n%s", want, out)
		}
	}
}

func TestCheckRejectsBadConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("chats:\n  - {chat: \"telegram:-100\", unit: \"99999\"}\n"), 0o600)
	code, out, errs := runCmd(t, map[string]string{"CHIHUY_CONFIG": cfg}, "check")
	if code == 0 {
		t.Fatalf("check accepted a binding to an unknown unit:\n%s", out)
	}
	if !strings.Contains(out+errs, "99999") {
		t.Fatalf("the error does not name the unit: %s%s", out, errs)
	}
}

func TestExportCSV(t *testing.T) {
	srv := redistest.Start(t, false)
	st := store.New(srv.Client(t)) // the bot's own prefix: export reads what the bot wrote
	ctx := context.Background()
	aggs := builtinAggregations()
	inVN := st.In(builtinTree(t))
	d := chihuy.Day{Year: 2021, Month: 11, Day: 8}
	reports := []report.Input{
		{Unit: "03418", Day: d, Values: report.Values{"f0": 3, "f0cd": 1, "f1": 25, "clnha": 30}},
		{Unit: "03418", Day: d.AddDays(1), Values: report.Values{"f0": 1}},
		{Unit: "03601", Day: d, Values: report.Values{"f0": 2, "xn": 1200}},
	}
	for _, r := range reports {
		r.Agg = aggs
		if _, err := inVN.RecordUnitReport(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	e := map[string]string{"CHIHUY_REDIS_URL": srv.URL()}
	code, out, errs := runCmd(t, e, "export", "--unit", "12", "--from", "2021-11-08", "--to", "2021-11-09", "--format", "csv")
	if code != 0 {
		t.Fatalf("export exited %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := "date,unit,name,level," + strings.Join(dataset.Builtin().Codes(), ",")
	if got := strings.Join(rows[0], ","); got != header {
		t.Fatalf("header = %s\nwant     %s", got, header)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	want := []struct{ date, unit, f0, f1, xn string }{
		{"2021-11-08", "03418", "3", "25", ""},
		{"2021-11-08", "03601", "2", "", "1200"},
		{"2021-11-09", "03418", "1", "", ""},
	}
	if len(rows)-1 != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows)-1, len(want), out)
	}
	for i, w := range want {
		r := rows[i+1]
		if r[col["date"]] != w.date || r[col["unit"]] != w.unit || r[col["f0"]] != w.f0 || r[col["f1"]] != w.f1 || r[col["xn"]] != w.xn {
			t.Errorf("row %d = %v, want %+v", i+1, r, w)
		}
	}
	// --aggregate: one row per unit of the subtree with its aggregate.
	code, out, errs = runCmd(t, e, "export", "--unit", "106", "--from", "2021-11-08", "--to", "2021-11-09", "--aggregate")
	if code != 0 {
		t.Fatalf("export --aggregate exited %d: %s", code, errs)
	}
	rows, _ = csv.NewReader(strings.NewReader(out)).ReadAll()
	if len(rows)-1 != 14 { // huyện Tam Đường and its 13 communes
		t.Fatalf("aggregate rows = %d, want 14", len(rows)-1)
	}
	if r := rows[1]; r[col["unit"]] != "106" || r[col["f0"]] != "4" || r[col["clnha"]] != "30" {
		t.Fatalf("district aggregate row = %v", r)
	}
	// XLSX to a file.
	path := filepath.Join(t.TempDir(), "out.xlsx")
	if code, _, errs := runCmd(t, e, "export", "--unit", "12", "--from", "2021-11-08", "--to", "2021-11-09", "--format", "xlsx", "--out", path); code != 0 {
		t.Fatalf("xlsx export exited %d: %s", code, errs)
	}
	if b, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatalf("xlsx file: %v, %d bytes", err, len(b))
	}
}

func TestInviteCSV(t *testing.T) {
	srv := redistest.Start(t, false)
	e := map[string]string{"CHIHUY_REDIS_URL": srv.URL()}
	code, out, errs := runCmd(t, e, "invite", "--unit", "111", "--all-below")
	if code != 0 {
		t.Fatalf("invite exited %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 11 || rows[0][0] != "invite" {
		t.Fatalf("invite CSV: %v\n%s", err, out)
	}
	st := store.New(srv.Client(t))
	inv, err := st.RedeemInvite(context.Background(), rows[1][0])
	if err != nil || inv.Unit != rows[1][1] {
		t.Fatalf("redeem printed code: %+v %v", inv, err)
	}
	if inv.Expires.Before(time.Now().Add(6 * 24 * time.Hour)) {
		t.Fatalf("invite expires %s, want about 7 days", inv.Expires)
	}
}

// The command line answers --help in Vietnamese, says what is wrong in
// Vietnamese, and exits 0 (done or help), 1 (failed) or 2 (called wrongly).
func TestCLI(t *testing.T) {
	cfg := func(name string) map[string]string {
		return map[string]string{"CHIHUY_CONFIG": filepath.Join("testdata", name)}
	}
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		code       int
		stdout     []string // each must appear
		stderr     []string
		onceStdout string // must appear exactly once in stdout+stderr
	}{
		{name: "--help", args: []string{"--help"}, stdout: []string{"Cách dùng: chihuy <lệnh>", "check", "zalo-webhook"}},
		{name: "-h", args: []string{"-h"}, stdout: []string{"Cách dùng: chihuy <lệnh>"}},
		{name: "help", args: []string{"help"}, stdout: []string{"Cách dùng: chihuy <lệnh>"}},
		{name: "help export", args: []string{"help", "export"}, stdout: []string{"Cách dùng: chihuy export", "--format csv|xlsx", "--aggregate"}},
		{name: "help of an unknown command", args: []string{"help", "exprot"}, code: 2, stderr: []string{`không có lệnh "exprot" — có phải "export"?`}},
		{name: "run --help", args: []string{"run", "--help"}, stdout: []string{"Cách dùng: chihuy run"}},
		{name: "check --help", args: []string{"check", "--help"}, stdout: []string{"Cách dùng: chihuy check"}},
		{name: "invite -h", args: []string{"invite", "-h"}, stdout: []string{"Cách dùng: chihuy invite", "--unit MÃ", "--all-below"}},
		{name: "export --help", args: []string{"export", "--help"}, stdout: []string{"Cách dùng: chihuy export", "--from YYYY-MM-DD"}},
		{name: "demo --help", args: []string{"demo", "--help"}, stdout: []string{"Cách dùng: chihuy demo", "--script TỆP"}},
		{name: "zalo-webhook --help", args: []string{"zalo-webhook", "--help"}, stdout: []string{"Cách dùng: chihuy zalo-webhook", "--set URL"}},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: []string{`không có lệnh "frobnicate". Gõ chihuy --help`}},
		{name: "misspelt command", args: []string{"chek"}, code: 2, stderr: []string{`có phải "check"?`}},
		{name: "unknown option", args: []string{"check", "--bogus"}, code: 2, stderr: []string{"không có tùy chọn -bogus", "Gõ chihuy check --help"}},
		{name: "option without value", args: []string{"invite", "--unit"}, code: 2, stderr: []string{"tùy chọn -unit cần một giá trị"}},
		{name: "bad boolean", args: []string{"invite", "--all-below=maybe", "--unit", "12"}, code: 2, stderr: []string{`giá trị "maybe" của tùy chọn -all-below không hợp lệ`}},
		{name: "extra argument", args: []string{"check", "now"}, code: 2, stderr: []string{"thừa đối số: now"}},
		{name: "missing --unit", args: []string{"invite"}, code: 2, stderr: []string{"thiếu --unit (bắt buộc)"}},
		{name: "missing export flags", args: []string{"export", "--unit", "12"}, code: 2, stderr: []string{"thiếu --from, --to (bắt buộc)"}},
		{name: "bad format", args: []string{"export", "--unit", "12", "--from", "2021-11-01", "--to", "2021-11-02", "--format", "pdf"}, code: 2, stderr: []string{`--format phải là csv hoặc xlsx, không phải "pdf"`}},
		{name: "bad day", args: []string{"export", "--unit", "12", "--from", "2021-13-01", "--to", "2021-11-02"}, code: 2, stderr: []string{`--from: Ngày "2021-13-01" không hợp lệ`}},
		{name: "no Redis for invite", args: []string{"invite", "--unit", "106"}, code: 1, stderr: []string{"chưa đặt CHIHUY_REDIS_URL: lệnh này đọc và ghi kho Redis của bot"}},
		{name: "no Redis for export", args: []string{"export", "--unit", "12", "--from", "2021-11-01", "--to", "2021-11-02"}, code: 1, stderr: []string{"chưa đặt CHIHUY_REDIS_URL"}},
		{name: "unit not in tree", args: []string{"invite", "--unit", "99999"}, code: 1, stderr: []string{`không có đơn vị "99999" trong cây đơn vị`}},
		{name: "unit name shared", args: []string{"invite", "--unit", "Tân Uyên"}, code: 1, stderr: []string{`tên "Tân Uyên" trùng với`}},
		{name: "no Zalo token", args: []string{"zalo-webhook"}, code: 1, stderr: []string{"chưa đặt CHIHUY_ZALO_TOKEN"}},
		{name: "script not found", args: []string{"demo", "--script", filepath.Join("testdata", "none.txt")}, code: 1, stderr: []string{"không mở được tệp kịch bản testdata/none.txt: không có tệp này"}},
		{name: "config not found", env: cfg("none.yaml"), args: []string{"check"}, code: 1, stderr: []string{"không đọc được tệp cấu hình testdata/none.yaml: không có tệp này"}},
		{name: "units file not found", env: cfg("missing_units.yaml"), args: []string{"check"}, code: 1, stderr: []string{"không đọc được tệp đơn vị testdata/missing-units.yaml: không có tệp này"}},
		{name: "YAML syntax", env: cfg("syntax.yaml"), args: []string{"check"}, code: 1, stderr: []string{"testdata/syntax.yaml:2: lỗi cú pháp YAML: dấu { mở ở dòng 2 chưa được đóng bằng }"}},
		{name: "misspelt key", env: cfg("misspelt.yaml"), args: []string{"check"}, code: 1, stderr: []string{"testdata/misspelt.yaml:1: schedul: khóa không được hỗ trợ (có phải schedule?)"}},
		{name: "unknown units once", env: cfg("unknown_units.yaml"), args: []string{"check"}, code: 1,
			stdout: []string{"cấu hình có 2 lỗi:", `88888`}, stderr: []string{"cấu hình chưa hợp lệ"},
			onceStdout: `testdata/unknown_units.yaml:2: chats: không có đơn vị mã "99999" trong cây đơn vị`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(t, tt.env, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			if tt.onceStdout != "" {
				if n := strings.Count(out+errs, tt.onceStdout); n != 1 {
					t.Errorf("%q printed %d times:\n%s%s", tt.onceStdout, n, out, errs)
				}
			}
			if tt.code == 0 && errs != "" {
				t.Errorf("stderr not empty: %s", errs)
			}
			for _, english := range []string{"Usage", "not set", "no such file", "is not in the tree", "flag provided", "unknown command"} {
				if strings.Contains(out+errs, english) {
					t.Errorf("English %q in the output:\n%s%s", english, out, errs)
				}
			}
		})
	}
}

// The demo runs from a script: a lead presses the "Đã nhận" button, a
// commune types a report over two lines, an export is written from the
// demo's own store, and the evening digest's chart is saved as a file in
// the folder the demo names.
func TestDemoScript(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCmd(t, nil, "demo", "--no-intro", "--start", "2021-11-08 09:00", "--dir", dir,
		"--script", filepath.Join("testdata", "demo_script.txt"))
	if code != 0 {
		t.Fatalf("demo exited %d: %s\n%s", code, errs, out)
	}
	if errs != "" {
		t.Errorf("the demo wrote to stderr (logs belong in its log file): %s", errs)
	}
	for _, want := range []string{
		"Hình và tệp bot gửi, tệp xuất: " + dir,
		"(bấm nút [✅ Đã nhận]",
		"✅ Đã nhận: ",         // the directive marked acknowledged by the button
		"• F1: 10",            // the first line of the report…
		"cách ly tại nhà: 30", // …and its continuation, recorded as one report
		"Đã xuất 1 dòng số liệu",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Đã ghi nhận báo cáo"); n != 1 {
		t.Errorf("the two-line report gave %d echoes, want 1", n)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "*-106-xu-huong-106.png"))
	if len(pngs) != 1 {
		t.Fatalf("chart of huyện Tam Đường not saved: %v", pngs)
	}
	if b, err := os.ReadFile(pngs[0]); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("saved chart is not a PNG: %v", err)
	}
	if !strings.Contains(out, "đã lưu: "+pngs[0]) {
		t.Errorf("the saved path is not printed")
	}
	if b, err := os.ReadFile(filepath.Join(dir, "xuat-106-2021-11-02-2021-11-08.xlsx")); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("export file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "chihuy-demo.log")); err != nil {
		t.Errorf("no log file: %v", err)
	}
}
