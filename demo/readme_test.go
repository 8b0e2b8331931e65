package demo

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy/units"
)

// readmeBlocks returns the code blocks of the README's quick start that
// quote the demo: the lines typed at its prompt ("[xã Bản Giang] > …").
func readmeBlocks(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "## Quick start")
	end := strings.Index(text[start+1:], "\n## ")
	if start < 0 || end < 0 {
		t.Fatal("README has no quick start section")
	}
	var blocks [][]string
	parts := strings.Split(text[start:start+1+end], "```")
	for i := 1; i < len(parts); i += 2 {
		body := strings.TrimPrefix(parts[i], "sh")
		if strings.Contains(body, "] > ") {
			blocks = append(blocks, strings.Split(strings.Trim(body, "\n"), "\n"))
		}
	}
	if len(blocks) != 2 {
		t.Fatalf("README quick start: %d blocks quote the demo, want 2", len(blocks))
	}
	return blocks
}

// readmeNote is the explanation the README writes after a typed line:
// two or more spaces, then a bracketed note to the end of the line.
var readmeNote = regexp.MustCompile(`\s{2,}\(.*\)$`)

// The README's quick start is the demo's promise: every line of its
// walk-through, typed as a script, is echoed by the demo at the prompt it
// shows (the unit the line is typed as), the button is pressed, the
// two-line report is one report, the export and the fast-forward answer.
func TestReadmeWalkThrough(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	lines := readmeBlocks(t)[0]
	var script, want []string
	for _, l := range lines {
		l = readmeNote.ReplaceAllString(l, "")
		want = append(want, l)
		if _, typed, ok := strings.Cut(l, "] > "); ok {
			script = append(script, typed)
		} else {
			script = append(script, strings.TrimSpace(l)) // a continued line
		}
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	err := Run(ctx, RunOptions{In: strings.NewReader(strings.Join(script, "\n") + "\n"), Out: &out,
		Dir: t.TempDir(), LogLevel: zerolog.WarnLevel, NoIntro: true})
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, w := range want {
		if !strings.Contains(got, w+"\n") {
			t.Errorf("the demo does not echo the README's line %q:\n%s", w, got)
		}
	}
	for _, w := range []string{
		"(bấm nút [✅ Đã nhận]",
		"• F1: 10 (thay cho 25)", // the first line of the two-line report…
		"• cách ly tại nhà: 30",  // …and its continuation
		"Đã xuất 1 dòng số liệu của huyện Tam Đường",
		"⏩ (bản demo) Đang tua đồng hồ tới 18:00",
		"Lệnh của bản demo",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("the demo's output lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "đã qua") {
		t.Errorf("a deadline of the walk-through has passed:\n%s", got)
	}
}

// The README quotes the opening of the demo on the tree of July 2025: its
// banner, the lines of its scene and the province's completeness line
// are what the demo prints.
func TestReadmeJuly2025Scene(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	err := Run(ctx, RunOptions{In: strings.NewReader(""), Out: &out, Dir: t.TempDir(),
		LogLevel: zerolog.WarnLevel, Units: units.TreeJuly2025})
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, l := range readmeBlocks(t)[1] {
		// "…" in the README stands for a part of the line left out.
		pos := 0
		for _, piece := range strings.Split(l, " … ") {
			i := strings.Index(got[pos:], piece)
			if i < 0 {
				t.Errorf("the demo does not print the README's %q:\n%s", piece, got)
				break
			}
			pos += i + len(piece)
		}
	}
}

// Without a start time the demo's day begins at 09:00 in Vietnam, so that
// the deadlines of the scene lie ahead at any hour.
func TestMorning(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Skip(err)
	}
	for _, now := range []time.Time{
		time.Date(2021, 11, 8, 20, 30, 0, 0, loc),
		time.Date(2021, 11, 8, 1, 0, 0, 0, loc),
		time.Date(2021, 11, 7, 18, 0, 0, 0, time.UTC), // 01:00 on the 8th in Vietnam
	} {
		got := morning(now)
		if want := time.Date(2021, 11, 8, 9, 0, 0, 0, loc); !got.Equal(want) {
			t.Errorf("morning(%v) = %v, want %v", now, got, want)
		}
	}
}
