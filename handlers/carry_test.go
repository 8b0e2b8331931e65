package handlers

import (
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/digest"
)

// §8 in /tonghop and digests: a flow nobody reported is not 0, a flow
// some units reported says how many; stocks carry each unit's last value
// with its date; the change against the day before compares the units
// that gave both days.
func TestSummaryCarriesStocks(t *testing.T) {
	e := newEnv(t)
	const a, b, district = "telegram:-103418", "telegram:-103394", "telegram:-100106"
	e.bind(a, "03418")
	e.bind(b, "03394")
	e.bind(district, "106")
	e.clock.Set(time.Date(2021, 11, 8, 9, 0, 0, 0, vnLoc))
	e.send(msg{chat: a, from: "5", text: "F0 2, cách ly tại nhà 30"})
	e.send(msg{chat: b, from: "7", text: "F0 1, cách ly tại nhà 10"})
	// 9 November: only Bản Giang reports, and no quarantine figure
	e.clock.Set(time.Date(2021, 11, 9, 9, 0, 0, 0, vnLoc))
	e.send(msg{chat: a, from: "5", text: "F0 1"})
	u, _ := e.tree.Get("106")
	d9, err := e.h.Summarize(e.ctx, u, chihuy.Day{Year: 2021, Month: 11, Day: 9})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(digest.RenderSummary(d9, 4096), "\n")
	wantAll(t, "the summary of 9/11", text,
		"F0 (ca mắc mới): 1 (giảm 1), 7 ngày 4, cộng dồn 4 — 1/13 đơn vị báo cáo",
		"cách ly tại nhà: 40 (chưa so sánh được với hôm qua) — gồm số cũ của 2 đơn vị, từ 08/11")
	// 10 November: nobody reports
	d10, err := e.h.Summarize(e.ctx, u, chihuy.Day{Year: 2021, Month: 11, Day: 10})
	if err != nil {
		t.Fatal(err)
	}
	text = strings.Join(digest.RenderSummary(d10, 4096), "\n")
	wantAll(t, "the summary of 10/11", text,
		"F0 (ca mắc mới): chưa có báo cáo",
		"cách ly tại nhà: 40 (chưa so sánh được với hôm qua) — gồm số cũ của 2 đơn vị, từ 08/11")
	for _, bad := range []string{"F0 (ca mắc mới): 0", "cách ly tại nhà: 0", "giảm 40", "giảm 30"} {
		if strings.Contains(text, bad) {
			t.Errorf("the summary of 10/11 shows %q:\n%s", bad, text)
		}
	}
}

// The cumulative total of a past day counts the days up to it, not the
// reports of the days after it.
func TestSummaryCumulativeUpToTheDay(t *testing.T) {
	e := newEnv(t)
	const a = "telegram:-103418"
	e.bind(a, "03418")
	e.clock.Set(time.Date(2021, 11, 7, 9, 0, 0, 0, vnLoc))
	e.send(msg{chat: a, from: "5", text: "F0 4"})
	e.clock.Set(time.Date(2021, 11, 8, 9, 0, 0, 0, vnLoc))
	e.send(msg{chat: a, from: "5", text: "F0 2"})
	e.clock.Set(time.Date(2021, 11, 9, 9, 0, 0, 0, vnLoc))
	e.send(msg{chat: a, from: "5", text: "F0 1"})
	for _, code := range []string{"106", "03418"} {
		u, _ := e.tree.Get(code)
		for day, want := range map[int]string{7: "cộng dồn 4", 8: "cộng dồn 6", 9: "cộng dồn 7"} {
			d, err := e.h.Summarize(e.ctx, u, chihuy.Day{Year: 2021, Month: 11, Day: day})
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(digest.RenderSummary(d, 4096), "\n")
			if !strings.Contains(text, want) {
				t.Errorf("%s on %d/11: want %q in\n%s", code, day, want, text)
			}
		}
	}
}
