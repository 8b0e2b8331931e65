package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gso_sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := generate(data)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"# source: Danh mục đơn vị hành chính Việt Nam, Tổng cục Thống kê (GSO)\n",
		"# data_date: 01/03/2025\n",
		"VN\t\tquốc gia\tBan Chỉ đạo Quốc gia\n",
		"12\tVN\ttỉnh\tLai Châu\n",
		"03418\t106\txã\tBản Giang\n",
		"03598\t111\tthị trấn\tTân Uyên\n",
	} {
		if !strings.Contains(string(text), line) {
			t.Errorf("output lacks %q", line)
		}
	}
	again, _ := generate(data)
	if !bytes.Equal(out, again) {
		t.Error("output differs between runs")
	}
}

func TestGenerateRefuses(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"other date", `{"data": [{"level1_id": "12", "name": "Tỉnh Lai Châu", "type": "Tỉnh"}], "data_date": "01/07/2025"}`, "BuiltinDataDate"},
		{"invalid", `{"data": [{"level1_id": "", "name": "Tỉnh Lai Châu", "type": "Tỉnh"}], "data_date": "01/03/2025"}`, "thiếu mã"},
	}
	for _, tt := range tests {
		if _, err := generate([]byte(tt.src)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if err := run("", "x", ""); err == nil {
		t.Error("run without -in succeeded")
	}
	dir := t.TempDir()
	if err := run(filepath.Join(dir, "missing.json"), filepath.Join(dir, "out"), ""); err == nil {
		t.Error("run with a missing input succeeded")
	}
}

// The July 2025 excerpt is refused (it is not the whole country); the
// whole merges file, when at hand, gives exactly the embedded files.
func TestGenerate2025(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "merges_sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := generate2025(data); err == nil || !strings.Contains(err.Error(), "34 provinces") {
		t.Errorf("excerpt: %v", err)
	}
	src := filepath.Join("..", "..", "..", "..", "shared", "data", "dvhcvn-20250701-merges.json")
	if _, err := os.Stat(src); err != nil {
		t.Skip("merges file not at hand; the embedded data is checked against an excerpt in package units")
	}
	dir := t.TempDir()
	tree, mapping := filepath.Join(dir, "t.gz"), filepath.Join(dir, "m.gz")
	if err := run(src, tree, mapping); err != nil {
		t.Fatal(err)
	}
	for got, want := range map[string]string{tree: "vn2507.tsv.gz", mapping: "vn2507-merges.tsv.gz"} {
		a, _ := os.ReadFile(got)
		b, err := os.ReadFile(filepath.Join("..", "..", want))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs from what the merges file gives (%v)", want, err)
		}
	}
}
