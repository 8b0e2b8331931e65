package demo

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// One group floods the bot with reports (SPEC §11): its queue keeps only
// the newest echo of the unit and day, the last echo shows the last
// report, and a directive to the group is not stuck behind the echoes.
func TestFloodingGroupKeepsOneEchoAndGetsItsDirective(t *testing.T) {
	w, ctx := startWorld(t, Options{ZaloUnder: "-", Clock: StartingAt(time.Date(2021, 11, 8, 9, 0, 0, 0, vnLoc))})
	const n = 40
	for i := 1; i <= n; i++ {
		w.Say("03418", fmt.Sprintf("F0 %d", i))
	}
	waitText(t, w, ctx, "03418", fmt.Sprintf("F0 (ca mắc mới): %d", n))
	w.Say("106", "/chidao Rà soát F1 tại xã Bản Giang, hạn 17h hôm nay")
	waitText(t, w, ctx, "03418", "CHỈ ĐẠO")
	echoes := 0
	for _, s := range w.SaidTo("03418") {
		if strings.Contains(s.Text, "Đã ghi nhận") {
			echoes++
		}
	}
	if echoes >= n/2 {
		t.Errorf("%d echoes for %d reports of one unit and day: the superseded ones were sent", echoes, n)
	}
}
