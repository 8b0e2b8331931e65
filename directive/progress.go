package directive

import (
	"fmt"
	"strings"
	"time"

	"github.com/chihuy/chihuy/vntext"
)

// BarWidth is the number of cells of the progress bar.
const BarWidth = 10

// Progress is the state of a broadcast, as the lead's message shows it.
// Counts are of target units.
type Progress struct {
	Total   int // units targeted
	Sent    int // units the message reached
	Failed  int // units it could not reach
	Acked   int // units that acknowledged
	Results int // units that sent their result
	// Started is when delivery began; Now is the time of the text.
	Started, Now time.Time
	// Done is true once every unit was reached or failed: the text then
	// ends with the elapsed time.
	Done bool
}

// Text renders the progress in Vietnamese, for example:
//
//	Đã gửi 120/200 ▓▓▓▓▓▓░░░░ 60%
//	Đã nhận 45/200 (22%) · lỗi 2
//
// and, when done, a last line "Thời gian gửi: 3 phút 12 giây". Percentages
// are rounded, never 0% when some did nor 100% when some did not. Counts
// out of range are clamped.
func (p Progress) Text() string {
	total := max(p.Total, 0)
	if total == 0 {
		return progNoTarget
	}
	clamp := func(n int) int { return min(max(n, 0), total) }
	sent, acked, results, failed := clamp(p.Sent), clamp(p.Acked), clamp(p.Results), clamp(p.Failed)

	var b strings.Builder
	fmt.Fprintf(&b, progSent, sent, total, Bar(sent, total, BarWidth), percent(sent, total))
	b.WriteByte('\n')
	fmt.Fprintf(&b, progAcked, acked, total, percent(acked, total))
	if results > 0 {
		b.WriteString(progSep)
		fmt.Fprintf(&b, progResults, results, total)
	}
	if failed > 0 {
		b.WriteString(progSep)
		fmt.Fprintf(&b, progFailed, failed)
	}
	if p.Done {
		b.WriteByte('\n')
		fmt.Fprintf(&b, progDone, FormatDuration(p.Now.Sub(p.Started)))
	}
	return b.String()
}

// Bar draws n of total as a bar of width cells, rounded down: a full bar
// means all.
func Bar(n, total, width int) string {
	if width <= 0 {
		return ""
	}
	filled := 0
	if total > 0 {
		filled = min(max(n, 0), total) * width / total
	}
	return strings.Repeat(barFull, filled) + strings.Repeat(barEmpty, width-filled)
}

func percent(n, total int) int { return vntext.Percent(n, total) }

// FormatDuration writes d in Vietnamese with its two largest units:
// "3 phút 12 giây", "1 giờ 5 phút", "2 ngày 3 giờ", "45 giây". Durations
// under a second (and negative ones) are "dưới 1 giây".
func FormatDuration(d time.Duration) string {
	if d < time.Second {
		return durUnderSecond
	}
	s := int64(d / time.Second)
	parts := []struct {
		n    int64
		name string
	}{
		{s / 86400, durDay}, {s % 86400 / 3600, durHour}, {s % 3600 / 60, durMinute}, {s % 60, durSecond},
	}
	var out []string
	for i, p := range parts {
		if p.n == 0 {
			if len(out) > 0 {
				break
			}
			continue
		}
		out = append(out, fmt.Sprintf("%d %s", p.n, p.name))
		if len(out) == 2 || i == len(parts)-1 {
			break
		}
	}
	return strings.Join(out, " ")
}
