package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chihuy/chihuy/dataset"
)

// typical are messages as officials send them every day.
var typical = []string{
	"F0: 3 (cộng đồng 1), F1 25, F2 40; cách ly tập trung 15, tại nhà 30",
	"bao cao ngay 8/11: f0 3 f1 25 cl nha 30",
	"f0=3 f1=25",
	"Xã Bản Giang: F0 2",
	"- F0: 2\n- F1: 16\n- F2: 40",
	"✅ F0: 2\n✅ F1: 14\n✅ Cách ly tập trung: 30",
	"Mũi 1: 1.200; mũi 2: 950; trẻ 12-17 tuổi: 300",
	"Xét nghiệm: 120 mẫu, dương tính 3 mẫu, chờ KQ > 12h: 0",
	"ok anh",
	"Tử vong: không; oxy 45 bình; giường trống 30",
}

func BenchmarkParse(b *testing.B) {
	ds := dataset.Builtin()
	opt := Options{Now: defaultNow, Units: newFakeUnits()}
	for _, m := range typical {
		if r := Parse(m, ds, opt); len(r.Problems) > 0 {
			b.Fatalf("%q: %v", m, r.Problems)
		}
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		Parse(typical[n%len(typical)], ds, opt)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}

// longReport is a valid report of about 4096 runes: a full daily report
// followed by its vaccination and logistics parts, lines repeated with the
// same values.
func longReport() string {
	block := `BÁO CÁO TÌNH HÌNH DỊCH COVID-19 NGÀY 08/11/2021
1. Ca mắc mới (F0): 3 ca
   - Tại cộng đồng: 1
   - Không rõ nguồn lây: 0
2. F1: 27 người; F2: 64 người
3. Cách ly tập trung: 18 người; cách ly tại nhà: 95 người
4. Xét nghiệm: 1.250 mẫu, dương tính 3 mẫu, chờ KQ quá 12h: 0
5. Tiêm chủng: mũi 1: 1.200 mũi, mũi 2: 950 mũi, trẻ 12-17 tuổi: 300 mũi
6. Vật tư: bình oxy 25 bình, giường trống 40 giường
7. Tử vong: 0
`
	var b strings.Builder
	for utf8.RuneCountInString(b.String())+utf8.RuneCountInString(block) <= 4096 {
		b.WriteString(block)
	}
	for utf8.RuneCountInString(b.String()) < 4096 {
		b.WriteString("✅")
	}
	return b.String()
}

func BenchmarkParseLong(b *testing.B) {
	ds := dataset.Builtin()
	text := longReport()
	opt := Options{Now: defaultNow, Units: newFakeUnits()}
	if r := Parse(text, ds, opt); len(r.Problems) > 0 || len(r.Values) != 16 {
		b.Fatalf("long report: values %v, problems %v", r.Values, r.Problems)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Parse(text, ds, opt)
	}
}

// BenchmarkParseLongRefused measures the slowest path: a 4096-rune message
// full of unknown words with numbers, each looked up for a suggestion.
func BenchmarkParseLongRefused(b *testing.B) {
	ds := dataset.Builtin()
	var sb strings.Builder
	for utf8.RuneCountInString(sb.String()) < 4096-40 {
		sb.WriteString("thôn Nà Sài lũy kế 12, F3 4, cach li tap chung 7; ")
	}
	text := sb.String()
	opt := Options{Now: defaultNow}
	if r := Parse(text, ds, opt); len(r.Problems) == 0 {
		b.Fatal("no problems")
	}
	b.ReportAllocs()
	for b.Loop() {
		Parse(text, ds, opt)
	}
}
