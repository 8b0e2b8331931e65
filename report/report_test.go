package report

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
)

// Behaviour the text fixtures cannot express: line endings, options,
// limits.

func TestLineEndings(t *testing.T) {
	ds := dataset.Builtin()
	want := map[string]int64{"f0": 2, "f1": 7, "f2": 9}
	for _, text := range []string{
		"F0: 2\r\nF1: 7\r\nF2: 9\r\n",
		"F0: 2\rF1: 7\rF2: 9",
		"F0: 2\u2028F1: 7\u2029F2: 9",
		"F0: 2\n\n\nF1: 7\n- \nF2: 9",
	} {
		r := Parse(text, ds, Options{Now: defaultNow})
		if !r.OK() || !maps.Equal(r.Values, want) {
			t.Errorf("%q: values %v problems %v", text, r.Values, r.Problems)
		}
	}
}

func TestWindow(t *testing.T) {
	ds := dataset.Builtin()
	tests := []struct {
		window time.Duration
		text   string
		ok     bool
	}{
		{0, "ngày 2/11 F0 1", true}, // DefaultWindow: 7 days
		{0, "ngày 1/11 F0 1", false},
		{-time.Hour, "ngày 2/11 F0 1", true},
		{24 * time.Hour, "hôm qua F0 1", true},
		{24 * time.Hour, "hôm kia F0 1", false},
		{36 * time.Hour, "hôm kia F0 1", false}, // whole days count
		{30 * 24 * time.Hour, "ngày 20/10 F0 1", true},
		{30 * 24 * time.Hour, "ngày 10/11 F0 1", false}, // future whatever the window
	}
	for _, tt := range tests {
		r := Parse(tt.text, ds, Options{Now: defaultNow, Window: tt.window})
		if r.OK() != tt.ok {
			t.Errorf("window %v, %q: OK() = %v, problems %v", tt.window, tt.text, r.OK(), r.Problems)
		}
	}
}

func TestDateNearToday(t *testing.T) {
	ds := dataset.Builtin()
	tests := []struct {
		now  time.Time
		text string
		want chihuy.Day
	}{
		{time.Date(2022, 1, 2, 8, 0, 0, 0, hcm), "ngày 31/12 F0 1", chihuy.Day{Year: 2021, Month: 12, Day: 31}},
		{time.Date(2021, 12, 31, 23, 0, 0, 0, hcm), "hôm nay F0 1", chihuy.Day{Year: 2021, Month: 12, Day: 31}},
		{time.Date(2024, 3, 1, 8, 0, 0, 0, hcm), "ngày 29/2 F0 1", chihuy.Day{Year: 2024, Month: 2, Day: 29}},
		{time.Date(2024, 3, 1, 8, 0, 0, 0, hcm), "hôm qua F0 1", chihuy.Day{Year: 2024, Month: 2, Day: 29}},
	}
	for _, tt := range tests {
		r := Parse(tt.text, ds, Options{Now: tt.now})
		if !r.OK() || !r.DaySet || r.Day != tt.want {
			t.Errorf("%v %q: day %v set %v problems %v, want %v", tt.now, tt.text, r.Day, r.DaySet, r.Problems, tt.want)
		}
	}
}

func TestParseStructured(t *testing.T) {
	ds := dataset.Builtin()
	r := ParseStructured("f0=3 f1=25", ds, Options{Now: defaultNow})
	if !r.OK() || r.Values["f0"] != 3 || r.Values["f1"] != 25 {
		t.Errorf("values %v problems %v", r.Values, r.Problems)
	}
	r = ParseStructured("", ds, Options{Now: defaultNow})
	if !r.IsReport || len(r.Problems) != 1 || r.Problems[0].Pos != 0 || r.Problems[0].End != 0 {
		t.Errorf("empty explicit report: report %v problems %+v", r.IsReport, r.Problems)
	}
	if r := Parse("", ds, Options{Now: defaultNow}); r.IsReport || len(r.Problems) > 0 {
		t.Errorf("empty message: report %v problems %v", r.IsReport, r.Problems)
	}
}

func TestNoUnits(t *testing.T) {
	r := Parse("xã Bản Giang: F0 2", dataset.Builtin(), Options{Now: defaultNow})
	if !r.OK() || r.Unit != "" || r.Values["f0"] != 2 {
		t.Errorf("unit %q values %v problems %v", r.Unit, r.Values, r.Problems)
	}
}

func TestProblemsAreCapped(t *testing.T) {
	text := strings.Repeat("F3 1, ", 3*maxProblems)
	r := Parse(text, dataset.Builtin(), Options{Now: defaultNow})
	if len(r.Problems) != maxProblems || !r.IsReport {
		t.Fatalf("%d problems, report %v; want %d", len(r.Problems), r.IsReport, maxProblems)
	}
	for i := 1; i < len(r.Problems); i++ {
		if r.Problems[i].Pos < r.Problems[i-1].Pos {
			t.Fatal("problems not in text order")
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	// bytes that are not text are named, never read around
	text := "F0: 3 \xff\xfe F3 2 \xe1\xbb"
	r := Parse(text, dataset.Builtin(), Options{Now: defaultNow})
	var parts []string
	for _, p := range r.Problems {
		parts = append(parts, p.Text)
	}
	if r.OK() || !slices.Equal(parts, []string{"\xff\xfe", "F3", "\xe1\xbb"}) {
		t.Errorf("values %v problems %+v", r.Values, r.Problems)
	}
	// a value cut by a bad byte is refused, not read as its first digits
	r = Parse("F1: 2\xff5", dataset.Builtin(), Options{Now: defaultNow})
	if r.OK() || !r.IsReport || len(r.Problems) == 0 {
		t.Errorf("F1: 2\\xff5: values %v problems %+v", r.Values, r.Problems)
	}
}

// TestPooledParsersForget checks that a parser taken from the pool keeps
// nothing of the message it read before.
func TestPooledParsersForget(t *testing.T) {
	ds := dataset.Builtin()
	opt := Options{Now: defaultNow, Units: newFakeUnits()}
	for range 3 {
		Parse("Xã Bản Giang ngày 8/11: báo cáo F0 3 (cộng đồng 5), F3 2, cách ly", ds, opt)
		r := Parse("ok anh", ds, opt)
		if r.IsReport || r.Unit != "" || r.DaySet || len(r.Values) > 0 || len(r.Problems) > 0 {
			t.Fatalf("second parse remembers the first: %+v", r)
		}
		r = Parse("nhà 30, F1 2", ds, opt) // "nhà" means nothing outside "cách ly"
		if r.Unit != "" || r.DaySet || len(r.Problems) != 1 || r.Problems[0].Text != "nhà" {
			t.Fatalf("third parse remembers the first: %+v", r)
		}
	}
}
