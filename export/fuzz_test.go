package export

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadCSV: ReadCSV never panics, and whatever it accepts is written
// back by WriteCSV and read again to the same table.
func FuzzReadCSV(f *testing.F) {
	for _, name := range []string{"daily.csv", "aggregate.csv", "written.csv", "bad/value.csv", "bad/period.csv"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		tab, err := ReadCSV(bytes.NewReader(raw))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteCSV(&out, tab); err != nil {
			t.Fatalf("a table ReadCSV accepted is refused by WriteCSV: %v", err)
		}
		back, err := ReadCSV(&out)
		if err != nil {
			t.Fatalf("WriteCSV output unreadable: %v\n%s", err, out.String())
		}
		if len(back.Rows) != len(tab.Rows) || len(back.Columns) != len(tab.Columns) {
			t.Fatalf("round trip changed the shape: %d×%d → %d×%d", len(tab.Rows), len(tab.Columns), len(back.Rows), len(back.Columns))
		}
		for i, r := range tab.Rows {
			b := back.Rows[i]
			if r.Day != b.Day || r.To != b.To || r.Unit != b.Unit || r.Name != b.Name || r.Level != b.Level || !maps.Equal(r.Values, b.Values) {
				t.Fatalf("row %d changed: %+v → %+v", i, r, b)
			}
		}
	})
}
