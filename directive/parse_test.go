package directive

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the fixed clock is in Asia/Ho_Chi_Minh on any machine
)

// vietnam is the zone of every test clock.
func vietnam(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// defaultNow is a Wednesday morning: 24/11/2021 10:00.
const defaultNow = "2021-11-24T10:00:00+07:00"

type optionsCase struct {
	Name   string `json:"name"`
	Now    string `json:"now"`
	Text   string `json:"text"`
	Body   string `json:"body"`
	Target struct {
		Kind   string   `json:"kind"`
		Names  []string `json:"names"`
		Levels []string `json:"levels"`
	} `json:"target"`
	Deadline string   `json:"deadline"`
	Ref      string   `json:"ref"`
	Result   bool     `json:"result"`
	Options  []string `json:"options"` // "kind:text as written", when checked
	Problems []struct {
		Span     string `json:"span"`
		Contains string `json:"contains"`
	} `json:"problems"`
}

var kindNames = map[string]TargetKind{"": TargetAll, "all": TargetAll, "children": TargetChildren, "units": TargetUnits, "level": TargetLevel}

func loadOptionsCases(t testing.TB) []optionsCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/options.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []optionsCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("testdata/options.json: %v", err)
	}
	return cases
}

func TestParseOptions(t *testing.T) {
	loc := vietnam(t)
	for _, tc := range loadOptionsCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			nowText := tc.Now
			if nowText == "" {
				nowText = defaultNow
			}
			now, err := time.Parse(time.RFC3339, nowText)
			if err != nil {
				t.Fatal(err)
			}
			now = now.In(loc)
			d, problems := ParseOptions(tc.Text, now)

			if d.Body != tc.Body {
				t.Errorf("body = %q, want %q", d.Body, tc.Body)
			}
			kind, ok := kindNames[tc.Target.Kind]
			if !ok {
				t.Fatalf("fixture: unknown target kind %q", tc.Target.Kind)
			}
			want := Target{Kind: kind, Names: tc.Target.Names, Levels: tc.Target.Levels}
			if !reflect.DeepEqual(d.Target, want) {
				t.Errorf("target = %#v, want %#v", d.Target, want)
			}
			switch {
			case tc.Deadline == "" && !d.Deadline.IsZero():
				t.Errorf("deadline = %v, want none", d.Deadline)
			case tc.Deadline != "":
				wantDL, err := time.Parse(time.RFC3339, tc.Deadline)
				if err != nil {
					t.Fatal(err)
				}
				if !d.Deadline.Equal(wantDL) {
					t.Errorf("deadline = %v, want %v", d.Deadline, wantDL)
				}
				if d.Deadline.Location() != loc {
					t.Errorf("deadline zone = %v, want %v", d.Deadline.Location(), loc)
				}
			}
			if d.Ref != tc.Ref {
				t.Errorf("ref = %q, want %q", d.Ref, tc.Ref)
			}
			if d.ResultRequired != tc.Result {
				t.Errorf("result required = %v, want %v", d.ResultRequired, tc.Result)
			}
			if tc.Options != nil {
				var got []string
				for _, o := range d.Options {
					got = append(got, o.Kind.String()+":"+tc.Text[o.Start:o.End])
				}
				if !reflect.DeepEqual(got, tc.Options) {
					t.Errorf("options = %q, want %q", got, tc.Options)
				}
			}
			if len(problems) != len(tc.Problems) {
				t.Fatalf("problems = %v, want %d", problems, len(tc.Problems))
			}
			for i, p := range problems {
				w := tc.Problems[i]
				if span := tc.Text[p.Start:p.End]; span != w.Span {
					t.Errorf("problem %d spans %q, want %q", i, span, w.Span)
				}
				if !strings.Contains(p.Message, w.Contains) {
					t.Errorf("problem %d = %q, want it to contain %q", i, p.Message, w.Contains)
				}
			}
		})
	}
}

// checkInvariants holds for any input: spans are valid and in order, the
// body is a trimmed piece of the input's text, nothing panics.
func checkInvariants(t *testing.T, text string, d Draft, problems []Problem) {
	t.Helper()
	valid := func(what string, start, end int) {
		if start < 0 || start > end || end > len(text) {
			t.Fatalf("%s [%d,%d) out of range (len %d) for %q", what, start, end, len(text), text)
		}
		for _, i := range []int{start, end} {
			if i < len(text) && !isRuneStart(text[i]) {
				t.Fatalf("%s [%d,%d) splits a rune in %q", what, start, end, text)
			}
		}
	}
	last := 0
	for _, o := range d.Options {
		valid("option "+o.Kind.String(), o.Start, o.End)
		if o.Start < last {
			t.Fatalf("options out of order: %v in %q", d.Options, text)
		}
		last = o.End
	}
	for _, p := range problems {
		valid("problem", p.Start, p.End)
		if p.Message == "" {
			t.Fatalf("problem without a message in %q", text)
		}
	}
	if d.Body != strings.TrimSpace(d.Body) {
		t.Fatalf("body %q not trimmed", d.Body)
	}
	if len(d.Options) == 0 && d.Body != strings.TrimSpace(text) {
		t.Fatalf("no option found but body %q differs from %q", d.Body, text)
	}
	if d.Body == "" && len(problems) == 0 {
		t.Fatalf("empty body without a problem for %q", text)
	}
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func TestParseOptionsInvariants(t *testing.T) {
	now := time.Date(2021, 11, 24, 10, 0, 0, 0, vietnam(t))
	for _, tc := range loadOptionsCases(t) {
		d, problems := ParseOptions(tc.Text, now)
		checkInvariants(t, tc.Text, d, problems)
	}
}

func FuzzParseOptions(f *testing.F) {
	for _, tc := range loadOptionsCases(f) {
		f.Add(tc.Text)
	}
	now := time.Date(2021, 11, 24, 10, 0, 0, 0, vietnam(f))
	f.Fuzz(func(t *testing.T, text string) {
		d, problems := ParseOptions(text, now)
		checkInvariants(t, text, d, problems)
		if !d.Deadline.IsZero() && !d.Deadline.After(now) {
			t.Fatalf("deadline %v not after now for %q", d.Deadline, text)
		}
	})
}
