package report

import (
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy/dataset"
)

// FuzzParse checks that Parse never panics, never hangs on any text, and
// that every problem points at a part of the text. Seeds are every fixture
// message plus the corpus in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, file := range []string{"accept.txt", "refuse.txt", "chatter.txt"} {
		for _, fx := range loadFixtures(f, filepath.Join("testdata", file)) {
			f.Add(fx.text, fx.explicit)
		}
	}
	ds := dataset.Builtin()
	units := newFakeUnits()
	f.Fuzz(func(t *testing.T, text string, explicit bool) {
		start := time.Now()
		r := Parse(text, ds, Options{Now: defaultNow, Units: units, Explicit: explicit})
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Parse took %v on %d bytes", d, len(text))
		}
		if len(r.Problems) > maxProblems {
			t.Fatalf("%d problems, more than %d", len(r.Problems), maxProblems)
		}
		for _, p := range r.Problems {
			if p.Pos < 0 || p.End < p.Pos || p.End > len(text) {
				t.Fatalf("problem %+v: offsets outside the text (%d bytes)", p, len(text))
			}
			if text[p.Pos:p.End] != p.Text {
				t.Fatalf("problem %+v: Text is not text[Pos:End] = %q", p, text[p.Pos:p.End])
			}
			if utf8.ValidString(text) && !utf8.ValidString(p.Text) {
				t.Fatalf("problem %+v: cuts a character", p)
			}
			if p.Message == "" {
				t.Fatalf("problem %+v without message", p)
			}
			if p.Suggest != "" && !ds.Has(p.Suggest) {
				t.Fatalf("problem %+v suggests an unknown element", p)
			}
		}
		for code, v := range r.Values {
			e, ok := ds.Element(code)
			if !ok {
				t.Fatalf("value for unknown element %q", code)
			}
			if v < e.Min || e.Max > 0 && v > e.Max {
				t.Fatalf("value %s=%d outside [%d, %d]", code, v, e.Min, e.Max)
			}
		}
		if len(r.Values) > 0 && !r.IsReport {
			t.Fatalf("values %v in a message that is not a report", r.Values)
		}
		if explicit && !r.IsReport {
			t.Fatal("explicit message is not a report")
		}
	})
}
