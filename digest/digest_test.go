package digest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Platform limits.
const (
	telegram = 4096
	zalo     = 2000
)

func load(t testing.TB, name string) Digest {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var d Digest
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// crowded is a district-sized unit gone wrong: 150 children, none
// reported, long names, and long lists everywhere.
func crowded(t testing.TB) Digest {
	d := load(t, "tanuyen.json")
	d.Top, d.Alerts, d.Directives, d.Coverage = nil, nil, nil, nil
	d.Progress = Progress{Expected: 150}
	for i := range 150 {
		// Each list names other units, so that counting a name counts
		// one list.
		name := fmt.Sprintf("Xã Nậm Cần Thượng thuộc cụm biên giới số %03d, huyện Tân Uyên, tỉnh Lai Châu", i+1)
		d.Progress.Missing = append(d.Progress.Missing, name)
		d.Top = append(d.Top, Count{Name: fmt.Sprintf("Xã Khun Há số %03d", i+1), Value: int64(300 - i)})
		if i%3 == 0 {
			d.Alerts = append(d.Alerts, Alert{Unit: fmt.Sprintf("Bản Nà Ít số %03d", i+1), Text: "F0 phát hiện trong cộng đồng, chưa rõ nguồn lây"})
		}
		if i%5 == 0 {
			d.Directives = append(d.Directives, Directive{ID: fmt.Sprint(100 + i),
				Title: "Tổ chức xét nghiệm sàng lọc diện rộng và báo cáo kết quả trước 16:00 thứ Sáu", Total: 150, Acked: i})
		}
		if i%2 == 0 {
			d.Coverage = append(d.Coverage, Coverage{Name: fmt.Sprintf("Xã Pắc Ta số %03d", i+1), Element: "Tiêm mũi 2", Rate: float64(i) / 3, Threshold: 90})
		}
	}
	return d
}

// onlyMissing is crowded without the other lists: the case of the issue.
func onlyMissing(t testing.TB) Digest {
	d := crowded(t)
	d.Top, d.Alerts, d.Directives, d.Coverage = nil, nil, nil, nil
	return d
}

func golden(t *testing.T, name string, parts []string) {
	t.Helper()
	var b strings.Builder
	for i, p := range parts {
		fmt.Fprintf(&b, "----- phần %d/%d: %d ký tự -----\n%s\n", i+1, len(parts), size(p), p)
	}
	got := []byte(b.String())
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

var continuation = regexp.MustCompile(`^📊 .+ — \d\d/\d\d/\d{4} \(tiếp, phần (\d+)/(\d+)\)$`)

// checkParts checks what every rendering must satisfy: parts non-empty,
// within limit in UTF-16 units and in runes, continuation lines numbered
// right, and the parts, read in order without their continuation lines
// and repeated headings, are exactly the lines of one of the given
// renderings: nothing cut mid-line, lost, repeated or reordered.
func checkParts(t *testing.T, parts []string, limit int, renderings [][]section) {
	t.Helper()
	if len(parts) == 0 {
		t.Fatal("no parts")
	}
	var lines []string
	for i, p := range parts {
		if strings.TrimSpace(p) == "" {
			t.Errorf("part %d is empty", i+1)
		}
		if size(p) > limit || utf8.RuneCountInString(p) > limit {
			t.Errorf("part %d: %d UTF-16 units, %d runes; limit %d", i+1, size(p), utf8.RuneCountInString(p), limit)
		}
		if !utf8.ValidString(p) {
			t.Errorf("part %d is not valid UTF-8", i+1)
		}
		pl := strings.Split(p, "\n")
		if i > 0 {
			m := continuation.FindStringSubmatch(pl[0])
			if m == nil || m[1] != fmt.Sprint(i+1) || m[2] != fmt.Sprint(len(parts)) {
				t.Errorf("part %d opens with %q, want a continuation line for %d/%d", i+1, pl[0], i+1, len(parts))
			}
			pl = slices.DeleteFunc(pl[1:], func(l string) bool { return l == "" })
			if len(pl) > 0 && strings.HasSuffix(pl[0], headingMore) {
				pl = pl[1:]
			}
		}
		for _, l := range pl {
			if l != "" {
				lines = append(lines, l)
			}
		}
	}
	for _, secs := range renderings {
		var want []string
		for _, s := range secs {
			if s.heading != "" {
				want = append(want, s.heading)
			}
			want = append(want, s.lines...)
		}
		if slices.Equal(lines, want) {
			return
		}
	}
	t.Errorf("the parts are not the lines of the digest, whole and in order:\n%s", strings.Join(parts, "\n=====\n"))
}

// allCuts is every rendering Render may choose.
func allCuts(d Digest) [][]section {
	var out [][]section
	for _, n := range cuts {
		out = append(out, compose(d, n))
	}
	return out
}

// countNames counts the names found in text.
func countNames(text string, names []string) int {
	n := 0
	for _, name := range names {
		if strings.Contains(text, name) {
			n++
		}
	}
	return n
}

// allSummaryCuts is every rendering RenderSummary may choose.
func allSummaryCuts(d Digest, limit int) [][]section {
	var out [][]section
	for _, n := range summaryCuts {
		out = append(out, summarise(d, limit, n))
	}
	return out
}

func TestRender(t *testing.T) {
	tests := []struct {
		golden string
		digest func(testing.TB) Digest
		limit  int
		cut    bool // lists cut, pointing to /tonghop
	}{
		{"tanuyen_telegram.txt", func(t testing.TB) Digest { return load(t, "tanuyen.json") }, telegram, false},
		{"tanuyen_zalo.txt", func(t testing.TB) Digest { return load(t, "tanuyen.json") }, zalo, false},
		{"empty.txt", func(t testing.TB) Digest { return load(t, "empty.json") }, zalo, false},
		{"complete.txt", func(t testing.TB) Digest { return load(t, "complete.json") }, zalo, false},
		{"missing150_telegram.txt", onlyMissing, telegram, true},
		{"missing150_zalo.txt", onlyMissing, zalo, true},
		{"crowded_telegram.txt", crowded, telegram, true},
		{"crowded_zalo.txt", crowded, zalo, true},
	}
	more := regexp.MustCompile(`(?m)^… và \d+ (đơn vị|cảnh báo|chỉ đạo|địa bàn) khác — xem /tonghop$`)
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			d := tt.digest(t)
			parts := Render(d, tt.limit)
			if len(parts) > MaxParts {
				t.Errorf("%d parts, want at most %d", len(parts), MaxParts)
			}
			checkParts(t, parts, tt.limit, allCuts(d))
			want := fmt.Sprintf(header, d.Day.Short(), strings.ToUpper(title(d)))
			if first, _, _ := strings.Cut(parts[0], "\n"); first != want {
				t.Errorf("first line %q, want %q", first, want)
			}
			all := strings.Join(parts, "\n")
			if got := more.MatchString(all); got != tt.cut {
				t.Errorf("lists cut with a pointer to /tonghop: %v, want %v", got, tt.cut)
			}
			golden(t, tt.golden, parts)
		})
	}
}

func TestRenderSummary(t *testing.T) {
	tests := []struct {
		golden string
		digest func(testing.TB) Digest
		limit  int
	}{
		{"tanuyen_summary.txt", func(t testing.TB) Digest { return load(t, "tanuyen.json") }, telegram},
		{"empty_summary.txt", func(t testing.TB) Digest { return load(t, "empty.json") }, zalo},
		{"missing150_summary_telegram.txt", onlyMissing, telegram},
		{"crowded_summary_zalo.txt", crowded, zalo},
		{"crowded_summary_telegram.txt", crowded, telegram},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			d := tt.digest(t)
			parts := RenderSummary(d, tt.limit)
			checkParts(t, parts, tt.limit, allSummaryCuts(d, tt.limit))
			if len(parts) > MaxSummaryParts {
				t.Errorf("%d parts, want at most %d", len(parts), MaxSummaryParts)
			}
			all := strings.Join(parts, "\n")
			// The summary is where a cut digest points: it names more
			// missing children than the digest does (never fewer), or all.
			inSummary := countNames(all, d.Progress.Missing)
			inDigest := countNames(strings.Join(Render(d, tt.limit), "\n"), d.Progress.Missing)
			if inSummary < len(d.Progress.Missing) && inSummary < inDigest {
				t.Errorf("the summary names %d of %d missing children, the digest %d", inSummary, len(d.Progress.Missing), inDigest)
			}
			if strings.Contains(all, "xem /tonghop") {
				t.Error("the summary points to itself")
			}
			golden(t, tt.golden, parts)
		})
	}
}

// TestRenderBounds renders the crowded digest at many limits: parts stay
// within each limit, whole-lined, and within MaxParts from 1000 up.
func TestRenderBounds(t *testing.T) {
	for _, limit := range []int{1, MinLimit, 700, 1000, 1500, zalo, 3000, telegram, 10000} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			for _, d := range []Digest{crowded(t), onlyMissing(t), load(t, "tanuyen.json")} {
				parts := Render(d, limit)
				effective := max(limit, MinLimit)
				checkParts(t, parts, effective, allCuts(d))
				if limit >= 1000 && len(parts) > MaxParts {
					t.Errorf("%d parts at limit %d", len(parts), limit)
				}
				summary := RenderSummary(d, limit)
				checkParts(t, summary, effective, allSummaryCuts(d, effective))
				if limit >= 1000 && len(summary) > MaxSummaryParts {
					t.Errorf("summary in %d parts at limit %d", len(summary), limit)
				}
			}
		})
	}
}

// TestRenderLongLine: a line longer than a message is shortened, not cut
// across parts, and the unit title is capped.
func TestRenderLongLine(t *testing.T) {
	d := load(t, "tanuyen.json")
	d.Unit = strings.Repeat("Nậm Cần ", 40)
	d.Alerts = []Alert{{Unit: "Xã Nậm Cần", Text: strings.Repeat("rất dài ", 1000)}}
	parts := Render(d, zalo)
	for i, p := range parts {
		if size(p) > zalo {
			t.Errorf("part %d has %d units", i+1, size(p))
		}
	}
	all := strings.Join(parts, "\n")
	i := strings.Index(all, "• Xã Nậm Cần: rất dài")
	if i < 0 {
		t.Fatalf("the long alert is missing:\n%s", all)
	}
	line, _, _ := strings.Cut(all[i:], "\n")
	if !strings.HasSuffix(line, " rất…") || size(line) >= size(d.Alerts[0].Text) {
		t.Errorf("the long alert is not shortened at a word with an ellipsis: %q", line)
	}
	first, _, _ := strings.Cut(parts[0], "\n")
	if size(first) > 40+maxTitle {
		t.Errorf("header of %d units: the title is not capped", size(first))
	}
}

func TestTitle(t *testing.T) {
	tests := []struct{ unit, level, want string }{
		{"Tân Uyên", "huyện", "Huyện Tân Uyên"},
		{"Huyện Tân Uyên", "huyện", "Huyện Tân Uyên"},
		{"huyen Tan Uyen", "Huyện", "huyen Tan Uyen"},
		{"Bản Giang", "xã", "Xã Bản Giang"},
		{"Lai Châu", "", "Lai Châu"},
		{"Xã Đoàn Kết", "xã", "Xã Đoàn Kết"},
		{"Xãa", "xã", "Xã Xãa"},
		{"Đông Hưng", "thị trấn", "Thị trấn Đông Hưng"},
	}
	for _, tt := range tests {
		if got := title(Digest{Unit: tt.unit, Level: tt.level}); got != tt.want {
			t.Errorf("title(%q, %q) = %q, want %q", tt.unit, tt.level, got, tt.want)
		}
	}
}

func TestFormats(t *testing.T) {
	changes := []struct {
		n    int64
		want string
	}{{3, "tăng 3"}, {-1200, "giảm 1.200"}, {0, "không đổi"}, {-9223372036854775808, "giảm 9.223.372.036.854.775.808"}}
	for _, tt := range changes {
		if got := change(tt.n); got != tt.want {
			t.Errorf("change(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	percents := []struct {
		part, whole int
		want        string
	}{{7, 10, "70%"}, {149, 150, "99%"}, {150, 150, "100%"}, {0, 0, "0%"}, {2, 3, "67%"}, {1, 114, "1%"}}
	for _, tt := range percents {
		if got := percent(tt.part, tt.whole); got != tt.want {
			t.Errorf("percent(%d, %d) = %q, want %q", tt.part, tt.whole, got, tt.want)
		}
	}
	rates := []struct {
		p    float64
		want string
	}{{72.46, "72,5%"}, {90, "90%"}, {0.04, "0%"}, {99.96, "100%"}, {55.55, "55,6%"}}
	for _, tt := range rates {
		if got := rate(tt.p); got != tt.want {
			t.Errorf("rate(%v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"Xã Bản Giang", 20, "Xã Bản Giang"},
		{"Xã Bản Giang", 12, "Xã Bản Giang"},
		{"Xã Bản Giang", 8, "Xã Bản…"},
		{"📊📊📊📊", 5, "📊📊…"},
	}
	for _, tt := range tests {
		got := truncate(tt.s, tt.max)
		if got != tt.want || size(got) > tt.max {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	d := crowded(b)
	b.ReportAllocs()
	for b.Loop() {
		if parts := Render(d, zalo); len(parts) == 0 {
			b.Fatal("no parts")
		}
	}
}

// TestFigureNeverZeroForNobody: §8 — a figure nobody reported is said so,
// a partial flow says how many units gave it, a carried stock its date,
// and a change without a like-with-like comparison is not shown.
func TestFigureNeverZeroForNobody(t *testing.T) {
	d8 := chihuy.Day{Year: 2021, Month: 11, Day: 8}
	tests := []struct {
		f                   Figure
		value, change, note string
		// bracket is the change as shown after the value: none when
		// there is no value to compare.
		bracket string
	}{
		{Figure{Value: 3, Change: 1}, "3", "tăng 1", "", " (tăng 1)"},
		{Figure{Value: 0, Expected: 15}, "chưa có báo cáo", "chưa so sánh được với hôm qua", "", ""},
		{Figure{Value: 3, Reported: 12, Expected: 15, Change: -1}, "3", "giảm 1", " — 12/15 đơn vị báo cáo", " (giảm 1)"},
		{Figure{Value: 3, Reported: 15, Expected: 15}, "3", "không đổi", "", " (không đổi)"},
		{Figure{Stock: true, Value: 40, Expected: 15, Carried: 2, Since: d8, NoChange: true}, "40", "chưa so sánh được với hôm qua", " — gồm số cũ của 2 đơn vị, từ 08/11", " (chưa so sánh được với hôm qua)"},
	}
	for _, tt := range tests {
		if got := tt.f.value(); got != tt.value {
			t.Errorf("%+v: value %q, want %q", tt.f, got, tt.value)
		}
		if got := tt.f.note(); got != tt.note {
			t.Errorf("%+v: note %q, want %q", tt.f, got, tt.note)
		}
		if got := tt.f.change(); got != tt.change {
			t.Errorf("%+v: change %q, want %q", tt.f, got, tt.change)
		}
		if got := tt.f.bracket(); got != tt.bracket {
			t.Errorf("%+v: bracket %q, want %q", tt.f, got, tt.bracket)
		}
	}
}
