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
	aggs := store.Aggregations{}
	for _, e := range dataset.Builtin().Elements {
		a, _ := store.ParseAggregation(string(e.Aggregation))
		aggs[e.Code] = a
	}
	d := chihuy.Day{Year: 2021, Month: 11, Day: 8}
	reports := []store.ReportInput{
		{Unit: "03418", Shard: "12", Ancestors: []string{"106", "12"}, Day: d, Values: store.Values{"f0": 3, "f0cd": 1, "f1": 25, "clnha": 30}},
		{Unit: "03418", Shard: "12", Ancestors: []string{"106", "12"}, Day: d.AddDays(1), Values: store.Values{"f0": 1}},
		{Unit: "03601", Shard: "12", Ancestors: []string{"111", "12"}, Day: d, Values: store.Values{"f0": 2, "xn": 1200}},
	}
	for _, r := range reports {
		r.Agg = aggs
		if _, err := st.RecordReport(ctx, r); err != nil {
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

func TestUnknownCommand(t *testing.T) {
	if code, _, errs := runCmd(t, nil, "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
}
