package chart

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot/vg"

	"github.com/chihuy/chihuy"
)

// outDir, when set, receives every chart the tests draw, for a person to
// look at: go test ./chart -run Trend -args -chart.out=/some/dir
var outDir = flag.String("chart.out", "", "write the rendered charts to this directory")

func week(from chihuy.Day, n int) []chihuy.Day {
	days := make([]chihuy.Day, n)
	for i := range days {
		days[i] = from.AddDays(i)
	}
	return days
}

func repeat(v int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// decode decodes a PNG into RGBA pixels, so that scans are direct.
func decode(t *testing.T, data []byte) *image.RGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("output is not a PNG: %v", err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba
}

// hasColor reports whether some pixel of img within r is exactly c.
func hasColor(img *image.RGBA, r image.Rectangle, c color.RGBA) bool {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			if row[i] == c.R && row[i+1] == c.G && row[i+2] == c.B && row[i+3] == c.A {
				return true
			}
		}
	}
	return false
}

func distinctColors(img *image.RGBA) int {
	seen := map[[4]uint8]bool{}
	for i := 0; i < len(img.Pix); i += 4 {
		seen[[4]uint8(img.Pix[i:i+4])] = true
	}
	return len(seen)
}

func TestTrend(t *testing.T) {
	nov2 := chihuy.Day{Year: 2021, Month: 11, Day: 2}
	tests := []struct {
		name   string
		days   []chihuy.Day
		series Series
		// which bar colours must (true) or must not (false) appear
		community, other bool
	}{
		{
			name: "typical week",
			days: week(nov2, 7),
			series: Series{
				F0:          []int64{3, 5, 12, 8, 1250, 9, 4},
				F0Community: []int64{1, 2, 6, 3, 400, 0, 4},
				F1:          []int64{25, 40, 120, 90, 3400, 60, 30},
			},
			community: true, other: true,
		},
		{
			name:   "all zero",
			days:   week(nov2, 7),
			series: Series{F0: repeat(0, 7), F0Community: repeat(0, 7), F1: repeat(0, 7)},
		},
		{
			name:      "only community cases",
			days:      week(nov2, 7),
			series:    Series{F0: repeat(4, 7), F0Community: repeat(4, 7), F1: repeat(10, 7)},
			community: true,
		},
		{
			name:   "F0 below its community part, negatives",
			days:   week(nov2, 3),
			series: Series{F0: []int64{2, -1, 0}, F0Community: []int64{9, 3, -2}, F1: []int64{-5, 0, 1}},
			// 9 and 3 community cases are drawn; nothing is "other"
			community: true,
		},
		{
			name:   "one day across a month end",
			days:   week(chihuy.Day{Year: 2021, Month: 10, Day: 31}, 1),
			series: Series{F0: []int64{7}, F0Community: []int64{0}, F1: []int64{70}},
			other:  true,
		},
		{
			name:      "longest series",
			days:      week(nov2, MaxDays),
			series:    Series{F0: repeat(123456, MaxDays), F0Community: repeat(23456, MaxDays), F1: repeat(999999, MaxDays)},
			community: true, other: true,
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title := fmt.Sprintf(TrendTitle, len(tt.days), "Huyện Tân Uyên")
			data, err := Trend(title, tt.days, tt.series)
			if err != nil {
				t.Fatalf("Trend: %v", err)
			}
			if *outDir != "" {
				name := filepath.Join(*outDir, fmt.Sprintf("trend-%d.png", i))
				if err := os.WriteFile(name, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			img := decode(t, data)
			if got := img.Bounds().Size(); got != (image.Point{X: Width, Y: Height}) {
				t.Errorf("size = %v, want %dx%d", got, Width, Height)
			}
			// Anti-aliased text, grid, axes and the F1 line give many
			// colours; a blank or failed drawing gives one or two.
			if n := distinctColors(img); n < 50 {
				t.Errorf("only %d distinct colours: the chart looks empty", n)
			}
			if !hasColor(img, img.Bounds(), colorF1) {
				t.Error("the F1 line colour is missing")
			}
			// The legend swatches always show both bar colours, so look
			// for bar pixels below the header: the panel area only.
			panel := image.Rect(0, 100, Width, Height)
			if got := hasColor(img, panel, colorCommunity); got != tt.community {
				t.Errorf("community bars drawn = %v, want %v", got, tt.community)
			}
			if got := hasColor(img, panel, colorOther); got != tt.other {
				t.Errorf("other-F0 bars drawn = %v, want %v", got, tt.other)
			}
		})
	}
}

func TestTrendRejects(t *testing.T) {
	nov2 := chihuy.Day{Year: 2021, Month: 11, Day: 2}
	ok := Series{F0: repeat(1, 7), F0Community: repeat(0, 7), F1: repeat(2, 7)}
	tests := []struct {
		name   string
		days   []chihuy.Day
		series Series
		want   string // part of the message
	}{
		{"no days", nil, Series{}, "ít nhất một ngày"},
		{"too many days", week(nov2, MaxDays+1), Series{}, "tối đa"},
		{"short F0", week(nov2, 7), Series{F0: repeat(1, 6), F0Community: ok.F0Community, F1: ok.F1}, "Chuỗi F0 có 6 giá trị, cần 7"},
		{"missing community", week(nov2, 7), Series{F0: ok.F0, F1: ok.F1}, "Chuỗi F0 cộng đồng có 0 giá trị"},
		{"long F1", week(nov2, 7), Series{F0: ok.F0, F0Community: ok.F0Community, F1: repeat(1, 8)}, "Chuỗi F1 có 8 giá trị"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Trend("x", tt.days, tt.series)
			if err == nil {
				t.Fatalf("Trend accepted the input and drew %d bytes", len(data))
			}
			if chihuy.ErrorCode(err) != chihuy.EINVALID {
				t.Errorf("code = %q, want %q (%v)", chihuy.ErrorCode(err), chihuy.EINVALID, err)
			}
			if msg := chihuy.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not contain %q", msg, tt.want)
			}
		})
	}
}

// missingGlyphs returns the runes of text that face has no glyph for.
func missingGlyphs(face xfont.Face, text string) []rune {
	var missing []rune
	for _, r := range text {
		if unicode.IsSpace(r) || r == '%' {
			continue
		}
		if _, ok := face.GlyphAdvance(r); !ok {
			missing = append(missing, r)
		}
	}
	return missing
}

func readLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestFontHasVietnameseGlyphs(t *testing.T) {
	texts := append(readLines(t, filepath.Join("testdata", "titles.txt")), labels...)
	for _, bold := range []bool{false, true} {
		f := style(12, bold).Handler.Cache().Lookup(style(12, bold).Font, 12)
		if f.Face == nil {
			t.Fatalf("font %v not found", style(12, bold).Font)
		}
		face := f.FontFace(dpi)
		for _, text := range texts {
			if m := missingGlyphs(face, text); len(m) > 0 {
				t.Errorf("bold=%v: no glyph for %q in %q", bold, string(m), text)
			}
		}
		face.Close()
	}

	// The check itself must be able to fail: Go's own font lacks the
	// Vietnamese letters with a dot below.
	goFont, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	goFace, err := opentype.NewFace(goFont, &opentype.FaceOptions{Size: 12, DPI: dpi})
	if err != nil {
		t.Fatal(err)
	}
	defer goFace.Close()
	if m := missingGlyphs(goFace, "ạ ế ộ ữ Đ"); len(m) == 0 {
		t.Error("the glyph check finds nothing missing in a font known to lack ạ and ộ")
	}
}

func TestTrendConcurrent(t *testing.T) {
	days := week(chihuy.Day{Year: 2021, Month: 11, Day: 2}, 7)
	s := Series{F0: []int64{1, 2, 3, 4, 5, 6, 7}, F0Community: repeat(1, 7), F1: repeat(20, 7)}
	want, err := Trend("Xu hướng 7 ngày — Xã Bản Giang", days, s)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			got, err := Trend("Xu hướng 7 ngày — Xã Bản Giang", days, s)
			if err != nil {
				errs <- err
			} else if !bytes.Equal(got, want) {
				errs <- fmt.Errorf("concurrent drawing differs from a sequential one")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestScale(t *testing.T) {
	tests := []struct {
		peak, step, top float64
	}{
		{0, 1, 5},
		{3, 1, 5},
		{4, 1, 5},
		{5, 2, 6},
		{12, 5, 15},
		{1250, 500, 1500},
		{3400, 1000, 5000},
		{999999, 500000, 1500000},
	}
	for _, tt := range tests {
		step, top := scale(tt.peak)
		if step != tt.step || top != tt.top {
			t.Errorf("scale(%v) = %v, %v; want %v, %v", tt.peak, step, top, tt.step, tt.top)
		}
		if top < tt.peak {
			t.Errorf("scale(%v): top %v below the peak", tt.peak, top)
		}
	}
}

func TestCountTicks(t *testing.T) {
	ticks := countTicks{step: 500}.Ticks(0, 1500)
	var got []string
	for _, tk := range ticks {
		got = append(got, tk.Label)
	}
	if want := "0 500 1.000 1.500"; strings.Join(got, " ") != want {
		t.Errorf("labels = %q, want %q", strings.Join(got, " "), want)
	}
}

// BenchmarkTrend measures one 7-day chart, the digest's usual picture.
func BenchmarkTrend(b *testing.B) {
	days := week(chihuy.Day{Year: 2021, Month: 11, Day: 2}, 7)
	s := Series{
		F0:          []int64{3, 5, 12, 8, 1250, 9, 4},
		F0Community: []int64{1, 2, 6, 3, 400, 0, 4},
		F1:          []int64{25, 40, 120, 90, 3400, 60, 30},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Trend("Xu hướng 7 ngày — Huyện Tân Uyên", days, s); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFit(t *testing.T) {
	sty := style(17, true)
	tests := []struct {
		text  string
		width vg.Length
		want  string
	}{
		{"Xu hướng 7 ngày — Xã Bản Giang", 1000, "Xu hướng 7 ngày — Xã Bản Giang"},
		{"Xu hướng 7 ngày — Xã Bản Giang", sty.Width("Xu hướng 7 ngày…"), "Xu hướng 7 ngày…"},
		{"Đ", 1, "…"},
	}
	for _, tt := range tests {
		if got := fit(sty, tt.text, tt.width); got != tt.want {
			t.Errorf("fit(%q, %v) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

func TestThin(t *testing.T) {
	texts := []string{"a", "b", "c", "d", "e", "f", "g"}
	tests := []struct {
		k    int
		want string
	}{
		{1, "a b c d e f g"},
		{2, "a  c  e  g"},
		{3, "a   d   g"},
		{10, "      g"},
	}
	for _, tt := range tests {
		if got := strings.Join(thin(texts, tt.k), " "); got != tt.want {
			t.Errorf("thin(k=%d) = %q, want %q", tt.k, got, tt.want)
		}
	}
}

// TestTrendOddTitles: whatever a unit is called, the chart is drawn.
func TestTrendOddTitles(t *testing.T) {
	days := week(chihuy.Day{Year: 2021, Month: 11, Day: 2}, 7)
	s := Series{F0: repeat(1, 7), F0Community: repeat(1, 7), F1: repeat(2, 7)}
	for _, title := range []string{
		"",
		"\xff\xfe không phải UTF-8",
		"📊 Biểu tượng không có trong phông chữ",
		strings.Repeat("Huyện Tân Uyên ", 40),
		"Xã Bản Giang\nxuống dòng",
	} {
		data, err := Trend(title, days, s)
		if err != nil {
			t.Errorf("Trend(%q): %v", title, err)
			continue
		}
		if got := decode(t, data).Bounds().Size(); got != (image.Point{X: Width, Y: Height}) {
			t.Errorf("Trend(%q): size %v", title, got)
		}
	}
}
