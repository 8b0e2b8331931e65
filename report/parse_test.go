package report

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
)

// A fixture file holds messages, each followed by what Parse must make of
// it:
//
//	# comment
//	@now 2021-11-09 10:00          (applies to the blocks after it)
//	@window 7                      (days)
//	@dataset ../dataset/testdata/dengue.yaml
//	=== title
//	F0: 3 (cộng đồng 1), F1 25
//	=> f0=3 f0cd=1 f1=25 day=2021-11-08 unit=03418
//
// Expectation lines start with "=>":
//
//	=> code=value … day=YYYY-MM-DD unit=CODE   the exact values, day and unit
//	=> chatter                                 not a report
//	=> explicit                                parse as /baocao
//	=> ! part                                  a problem naming exactly this part
//	=> msg text                                a problem with exactly this message
//	=> suggest code                            a problem suggesting this element
//	=> aside text                              a part left aside, exactly (in text order)
//	=> news                                    quotes another place's news: not a report
//	=> additive word                           the word that may mean "add"
//
// A block with "!" lines must yield exactly those problems, in text order;
// any other block must yield none. A block without day= must not set the
// day; without unit= must name no unit.
type fixture struct {
	file, title string
	line        int
	text        string
	now         time.Time
	window      time.Duration
	ds          *dataset.DataSet
	explicit    bool
	chatter     bool
	values      map[string]int64
	day         string
	unit        string
	problems    []string
	messages    []string
	suggests    []string
	asides      []string
	news        bool
	additive    string
}

var hcm = mustLocation("Asia/Ho_Chi_Minh")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var defaultNow = time.Date(2021, 11, 9, 10, 0, 0, 0, hcm)

func loadFixtures(t testing.TB, path string) []fixture {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out    []fixture
		cur    *fixture
		body   []string
		now    = defaultNow
		window = 7 * 24 * time.Hour
		ds     = dataset.Builtin()
	)
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && (line == "" || strings.HasPrefix(line, "#")):
		case strings.HasPrefix(line, "@") && (cur == nil || cur.text != ""):
			flush()
			key, val, _ := strings.Cut(line[1:], " ")
			switch key {
			case "now":
				now, err = time.ParseInLocation("2006-01-02 15:04", val, hcm)
			case "window":
				var days int
				days, err = strconv.Atoi(val)
				window = time.Duration(days) * 24 * time.Hour
			case "dataset":
				ds, err = dataset.Load(filepath.Join(filepath.Dir(path), val))
			default:
				err = fmt.Errorf("unknown directive %q", key)
			}
			if err != nil {
				t.Fatalf("%s:%d: %v", path, n, err)
			}
		case strings.HasPrefix(line, "==="):
			flush()
			cur = &fixture{file: filepath.Base(path), title: strings.TrimSpace(line[3:]), line: n, now: now, window: window, ds: ds}
			body = body[:0]
		case cur == nil:
			t.Fatalf("%s:%d: text outside a block: %q", path, n, line)
		case strings.HasPrefix(line, "=>"):
			if cur.text == "" && len(body) > 0 {
				cur.text = strings.Join(body, "\n")
				body = body[:0]
			}
			parseExpect(t, path, n, cur, strings.TrimSpace(line[2:]))
		case cur.text != "" && (line == "" || strings.HasPrefix(line, "#")):
		case cur.text != "":
			t.Fatalf("%s:%d: message text after expectations: %q", path, n, line)
		default:
			body = append(body, line)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, f := range out {
		if f.text == "" {
			t.Fatalf("%s:%d: block without message or expectations", f.file, f.line)
		}
	}
	return out
}

func parseExpect(t testing.TB, path string, n int, f *fixture, e string) {
	switch {
	case e == "chatter":
		f.chatter = true
	case e == "explicit":
		f.explicit = true
	case e == "news":
		f.news, f.chatter = true, true
	case strings.HasPrefix(e, "aside "):
		f.asides = append(f.asides, e[6:])
	case strings.HasPrefix(e, "additive "):
		f.additive = e[9:]
	case strings.HasPrefix(e, "! "):
		f.problems = append(f.problems, e[2:])
	case strings.HasPrefix(e, "msg "):
		f.messages = append(f.messages, e[4:])
	case strings.HasPrefix(e, "suggest "):
		f.suggests = append(f.suggests, e[8:])
	default:
		if f.values == nil {
			f.values = map[string]int64{}
		}
		for _, kv := range strings.Fields(e) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				t.Fatalf("%s:%d: bad expectation %q", path, n, kv)
			}
			switch k {
			case "day":
				f.day = v
			case "unit":
				f.unit = v
			default:
				x, err := strconv.ParseInt(v, 10, 64)
				if err != nil || !f.ds.Has(k) {
					t.Fatalf("%s:%d: bad expectation %q", path, n, kv)
				}
				f.values[k] = x
			}
		}
	}
}

func (f fixture) name() string {
	if f.title != "" {
		return fmt.Sprintf("%s:%d %s", f.file, f.line, f.title)
	}
	return fmt.Sprintf("%s:%d", f.file, f.line)
}

func (f fixture) check(t *testing.T, r Result) {
	t.Helper()
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	defer func() {
		if len(errs) == 0 {
			return
		}
		var b strings.Builder
		b.WriteString(strings.Join(errs, "\n"))
		fmt.Fprintf(&b, "\nmessage:\n%s\ngot: values=%v day=%v set=%v unit=%q report=%v", f.text, r.Values, r.Day, r.DaySet, r.Unit, r.IsReport)
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "\n  ! %q %s [%s]", p.Text, p.Message, p.Suggest)
		}
		t.Error(b.String())
	}()
	if f.chatter {
		if r.IsReport || len(r.Values) > 0 {
			fail("want chatter")
		}
		if r.News != f.news {
			fail("news %v, want %v", r.News, f.news)
		}
		return
	}
	if r.News {
		fail("read as news")
	}
	if !r.IsReport {
		fail("want a report")
	}
	var texts []string
	for _, p := range r.Problems {
		texts = append(texts, p.Text)
	}
	if !slices.Equal(texts, f.problems) {
		fail("problems %q, want %q", texts, f.problems)
	}
	for _, m := range f.messages {
		if !slices.ContainsFunc(r.Problems, func(p Problem) bool { return p.Message == m }) {
			fail("no problem with message %q", m)
		}
	}
	for _, s := range f.suggests {
		if !slices.ContainsFunc(r.Problems, func(p Problem) bool { return p.Suggest == s }) {
			fail("no problem suggesting %q", s)
		}
	}
	if len(f.problems) > 0 {
		if r.OK() {
			fail("OK() true for a refused report")
		}
		return
	}
	var asides []string
	for _, a := range r.Aside {
		asides = append(asides, a.Text)
	}
	if !slices.Equal(asides, f.asides) {
		fail("left aside %q, want %q", asides, f.asides)
	}
	if r.Additive != f.additive {
		fail("additive %q, want %q", r.Additive, f.additive)
	}
	if !maps.Equal(r.Values, f.values) {
		fail("values %v, want %v", r.Values, f.values)
	}
	wantDay := chihuy.DayOf(f.now)
	if f.day != "" {
		d, err := chihuy.ParseDay(f.day)
		if err != nil {
			t.Fatalf("bad day %q", f.day)
		}
		wantDay = d
	}
	if r.Day != wantDay || r.DaySet != (f.day != "") {
		fail("day %v (set %v), want %v (set %v)", r.Day, r.DaySet, wantDay, f.day != "")
	}
	if r.Unit != f.unit {
		fail("unit %q, want %q", r.Unit, f.unit)
	}
	if !r.OK() {
		fail("OK() false for an accepted report")
	}
}

func runFixtures(t *testing.T, file string) int {
	fixtures := loadFixtures(t, filepath.Join("testdata", file))
	units := newFakeUnits()
	for _, f := range fixtures {
		t.Run(f.name(), func(t *testing.T) {
			opt := Options{Now: f.now, Window: f.window, Units: units, Explicit: f.explicit}
			r := Parse(f.text, f.ds, opt)
			f.check(t, r)
			for _, p := range r.Problems {
				if p.Pos < 0 || p.End < p.Pos || p.End > len(f.text) || f.text[p.Pos:p.End] != p.Text {
					t.Errorf("problem %+v: offsets do not match the text", p)
				}
				if p.Message == "" {
					t.Errorf("problem %+v without message", p)
				}
			}
		})
	}
	return len(fixtures)
}

func countFixtures(t *testing.T, file string, pred func(fixture) bool) int {
	n := 0
	for _, f := range loadFixtures(t, filepath.Join("testdata", file)) {
		if pred(f) {
			n++
		}
	}
	return n
}

func TestAccepted(t *testing.T) {
	runFixtures(t, "accept.txt")
	if n := countFixtures(t, "accept.txt", func(f fixture) bool { return len(f.problems) == 0 && !f.chatter }); n < 150 {
		t.Errorf("accept.txt has %d accepted messages, want at least 150", n)
	}
}

func TestRefused(t *testing.T) {
	runFixtures(t, "refuse.txt")
	if n := countFixtures(t, "refuse.txt", func(f fixture) bool { return len(f.problems) > 0 }); n < 40 {
		t.Errorf("refuse.txt has %d refused messages, want at least 40", n)
	}
}

func TestChatter(t *testing.T) {
	runFixtures(t, "chatter.txt")
	if n := countFixtures(t, "chatter.txt", func(f fixture) bool { return f.chatter }); n < 20 {
		t.Errorf("chatter.txt has %d chatter messages, want at least 20", n)
	}
}

// TestDengue parses reports of another disease's data set, loaded from its
// file: a new data set needs no new code.
func TestDengue(t *testing.T) {
	if n := runFixtures(t, "dengue.txt"); n < 10 {
		t.Errorf("dengue.txt has %d messages, want at least 10", n)
	}
}

// TestOfficials runs the corpus of messages phrased as officials write
// them, kind by kind.
func TestOfficials(t *testing.T) {
	runFixtures(t, "officials.txt")
}

// TestScopes runs the messages where a figure could fall under the wrong
// element, day or unit without a word: each is stored exactly or refused
// naming the part.
func TestScopes(t *testing.T) {
	runFixtures(t, "scopes.txt")
}
