package texts

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// Every package's user-facing texts (its messages.go) match the golden
// file beside it, testdata/messages.golden: wording changes are reviewed
// in diffs, and the texts are read as a whole.
func TestMessagesGolden(t *testing.T) {
	root := filepath.Join("..", "..")
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// Fake platforms (…test packages) hold the messages they were sent,
		// not texts of the bot.
		if d.IsDir() && (d.Name() == "testdata" || strings.HasSuffix(d.Name(), "test") ||
			(d.Name() != ".." && len(d.Name()) > 1 && d.Name()[0] == '.')) {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == "messages.go" {
			n++
			Check(t, filepath.Dir(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("found %d messages.go files, expected every package's", n)
	}
}

func TestDump(t *testing.T) {
	got, err := Dump(filepath.Join("testdata", "sample.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := "msgA: Xin chào\\n%s\nmsgB: một\nmsgB: hai\nmsgC(): Ngày %s\n"
	if got != want {
		t.Errorf("Dump = %q, want %q", got, want)
	}
}
