package demo

import (
	"strings"
	"testing"
	"time"
)

func TestDailyRhythm(t *testing.T) {
	w, ctx := startWorld(t, Options{Tweak: fast, ZaloUnder: "-",
		Clock: StartingAt(time.Date(2021, 11, 8, 9, 0, 0, 0, vnLoc))})
	// Two communes of huyện Tam Đường and one of huyện Tân Uyên report.
	w.Say("03418", "F0: 3 (cộng đồng 1), F1 25")
	w.Say("03394", "F0 2, F1 10, xn 1.200")
	w.Say("03601", "f0 4 f1 7")
	for _, c := range []string{"03418", "03394", "03601"} {
		waitText(t, w, ctx, c, "Đã ghi nhận")
	}
	// 16:00: reminders go to the units that have not reported, only.
	w.Advance(7*time.Hour + time.Minute)
	waitText(t, w, ctx, "03400", "Nhắc báo cáo")
	w.Quiet(ctx, 500*time.Millisecond)
	for _, c := range []string{"03418", "03394", "03601"} {
		for _, s := range w.SaidTo(c) {
			if strings.Contains(s.Text, "Nhắc báo cáo") {
				t.Errorf("%s reported but was reminded", c)
			}
		}
	}
	// 17:00: the district is told exactly who is late: 11 of its 13.
	w.Advance(time.Hour)
	late := waitText(t, w, ctx, "106", "Quá hạn báo cáo")
	if !strings.Contains(late.Text, "11/13") || strings.Contains(late.Text, "Bản Giang") || !strings.Contains(late.Text, "xã Tả Lèng") {
		t.Fatalf("late list: %s", late.Text)
	}
	// 18:00: the digest, once, with the chart; figures equal the reports.
	w.Advance(time.Hour)
	dg := waitText(t, w, ctx, "12", "TỔNG HỢP NGÀY 08/11/2021")
	// Completeness counts the communes of the whole province (3 of 106
	// reported, before the deadline), and names the incomplete districts.
	for _, want := range []string{"F0 (ca mắc mới): 9", "F1: 42", "NHIỀU F0 MỚI NHẤT", "huyện Tam Đường: 5",
		"3/106", "huyện Tam Đường (2/13)", "huyện Mường Tè (0/14)"} {
		if !strings.Contains(dg.Text, want) {
			t.Errorf("province digest lacks %q:\n%s", want, dg.Text)
		}
	}
	chartMsg := waitText(t, w, ctx, "106", "Xu hướng 7 ngày")
	if !strings.HasSuffix(chartMsg.File, ".png") {
		t.Fatalf("chart message has no PNG: %+v", chartMsg)
	}
	w.Advance(40 * time.Minute)
	w.Quiet(ctx, 500*time.Millisecond)
	n := 0
	for _, s := range w.SaidTo("106") {
		if strings.Contains(s.Text, "TỔNG HỢP NGÀY 08/11/2021") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("district got the digest %d times", n)
	}
	// Communes (no children) get no digest.
	for _, s := range w.SaidTo("03418") {
		if strings.Contains(s.Text, "TỔNG HỢP NGÀY") {
			t.Fatal("a commune got a digest")
		}
	}
}

func TestScopeOfSummariesAndExports(t *testing.T) {
	w, ctx := startWorld(t, Options{Tweak: fast, ZaloUnder: "-"})
	w.Say("106", "/tonghop huyện Tân Uyên")
	waitText(t, w, ctx, "106", "ngoài phạm vi")
	w.Say("106", "/xuat 111")
	s := waitText(t, w, ctx, "106", "ngoài phạm vi")
	if s.File != "" {
		t.Fatal("an export outside the subtree was sent")
	}
	w.Say("106", "/xuat")
	x := waitText(t, w, ctx, "106", "Số liệu")
	if !strings.HasSuffix(x.File, ".xlsx") {
		t.Fatalf("/xuat sent %+v", x)
	}
	w.Say("106", "/xuat csv")
	if _, err := w.WaitFor(ctx, "106", func(s Said) bool { return strings.HasSuffix(s.File, ".csv") }); err != nil {
		t.Fatal("/xuat csv sent no CSV file")
	}
}

func TestDemoFastForward(t *testing.T) {
	w, ctx := startWorld(t, Options{Tweak: fast, ZaloUnder: "-",
		Clock: StartingAt(time.Date(2021, 11, 8, 15, 30, 0, 0, vnLoc))})
	w.Say("03418", "F0 1")
	waitText(t, w, ctx, "03418", "Đã ghi nhận")
	w.Say("12", "/tua 18:05")
	waitText(t, w, ctx, "12", "Đang tua đồng hồ tới 18:05")
	waitText(t, w, ctx, "03400", "Nhắc báo cáo")
	waitText(t, w, ctx, "106", "Quá hạn báo cáo")
	waitText(t, w, ctx, "12", "TỔNG HỢP NGÀY 08/11/2021")
	w.Say("12", "/tua 25:00")
	waitText(t, w, ctx, "12", "Cần giờ dạng 18:00")
}
