package directive

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultDeadlineHour is the time of a deadline given as a day only
// ("hạn thứ Sáu"): 17:00, the close of office hours.
const DefaultDeadlineHour = 17

// maxDeadline bounds how far ahead a deadline may be.
const maxDeadline = 366 * 24 * time.Hour

// when is a deadline as written, before it is resolved against now.
type when struct {
	hour, min int
	hasTime   bool
	period    string // sang, trua, chieu, toi, dem

	weekday    time.Weekday
	hasWeekday bool
	week       string // "", "nay" (this week), "sau" (next week)

	day, month, year int // year 0: not written
	hasDate          bool

	daysAhead int // hôm nay 0, ngày mai 1, ngày kia 2
	hasRel    bool
}

// matchDeadline reads a deadline option at the start of s (folded text at
// offset pos).
func (p *parser) matchDeadline(s string, pos int) (option, bool) {
	if m := relativeRe.FindStringSubmatchIndex(s); m != nil {
		o := option{kind: OptionDeadline, start: pos, end: pos + m[1]}
		n, _ := strconv.Atoi(s[m[2]:m[3]])
		var at time.Time
		switch s[m[4]:m[5]] {
		case "phut":
			at = p.now.Add(time.Duration(n) * time.Minute)
		case "gio", "h", "tieng":
			at = p.now.Add(time.Duration(n) * time.Hour)
		case "ngay":
			at = p.now.AddDate(0, 0, n)
		case "tuan":
			at = p.now.AddDate(0, 0, 7*n)
		}
		p.check(&o, at)
		return o, true
	}
	m := keywordRe.FindStringIndex(s)
	if m == nil {
		return option{}, false
	}
	var w when
	end, found := m[1], 0
	for c := end; ; {
		n := w.component(s[c:])
		if n == 0 {
			break
		}
		found++
		end = c + n
		c = end
		c += len(s[c:]) - len(strings.TrimLeft(s[c:], " "))
		if strings.HasPrefix(s[c:], ",") {
			c = skipSpace(s, c+1, false)
		}
	}
	if found == 0 {
		return option{}, false
	}
	o := option{kind: OptionDeadline, start: pos, end: pos + end}
	at, problem := w.resolve(p.now)
	if problem != "" {
		o.problem = problem
		return o, true
	}
	p.check(&o, at)
	return o, true
}

// check sets the deadline of o, or the problem with it.
func (p *parser) check(o *option, at time.Time) {
	written := strings.TrimSpace(p.f.original(o.start, o.end))
	switch {
	case !at.After(p.now):
		o.problem = fmt.Sprintf(msgDeadlinePast, written, FormatDeadline(at))
	case at.Sub(p.now) > maxDeadline:
		o.problem = fmt.Sprintf(msgDeadlineTooLong, written)
	default:
		o.deadline = at
	}
}

// component reads one part of a deadline (a time, a weekday, a date or a
// day named relative to today) not read yet; it returns the length read,
// or 0.
func (w *when) component(s string) int {
	if !w.hasTime {
		if m := timeRe.FindStringSubmatchIndex(s); m != nil {
			end := m[1]
			w.hour, _ = strconv.Atoi(s[m[2]:m[3]])
			if m[4] >= 0 {
				if isDateSep(s, m[5]) { // "16h 20/11": the 20 is a day
					end = m[3] + unitLen(s[m[3]:])
				} else {
					w.min, _ = strconv.Atoi(s[m[4]:m[5]])
					if m[6] >= 0 {
						w.period = s[m[6]:m[7]]
					}
				}
			} else if m[6] >= 0 {
				w.period = s[m[6]:m[7]]
			}
			w.hasTime = true
			return end
		}
		if m := clockRe.FindStringSubmatchIndex(s); m != nil {
			w.hour, _ = strconv.Atoi(s[m[2]:m[3]])
			w.min, _ = strconv.Atoi(s[m[4]:m[5]])
			if m[6] >= 0 {
				w.period = s[m[6]:m[7]]
			}
			w.hasTime = true
			return m[1]
		}
	}
	if !w.hasWeekday {
		if m := weekdayRe.FindStringSubmatchIndex(s); m != nil {
			var name string
			for g := 2; g <= 6; g += 2 {
				if m[g] >= 0 {
					name = s[m[g]:m[g+1]]
				}
			}
			w.weekday, w.hasWeekday = weekdays[strings.Join(strings.Fields(name), " ")], true
			if m[8] >= 0 {
				w.week = "sau"
				if strings.HasSuffix(s[m[8]:m[9]], "nay") {
					w.week = "nay"
				}
			}
			return m[1]
		}
	}
	if !w.hasDate && !w.hasRel {
		if m := relDayRe.FindStringSubmatchIndex(s); m != nil {
			switch {
			case m[2] >= 0:
				w.daysAhead = 0
			case m[4] >= 0:
				w.daysAhead = 1
			default:
				w.daysAhead = 2
			}
			w.hasRel = true
			return m[1]
		}
		for _, re := range []*regexp.Regexp{dateRe, dateWordsRe} {
			if m := re.FindStringSubmatchIndex(s); m != nil {
				w.day, _ = strconv.Atoi(s[m[2]:m[3]])
				w.month, _ = strconv.Atoi(s[m[4]:m[5]])
				if m[6] >= 0 {
					w.year, _ = strconv.Atoi(s[m[6]:m[7]])
					if w.year < 100 {
						w.year += 2000
					}
				}
				w.hasDate = true
				return m[1]
			}
		}
	}
	return 0
}

// unitLen is the length of the hour unit at the start of s ("h", "g",
// "gio", with the spaces before it).
func unitLen(s string) int {
	t := strings.TrimLeft(s, " ")
	for _, u := range []string{"gio", "h", "g"} {
		if strings.HasPrefix(t, u) {
			return len(s) - len(t) + len(u)
		}
	}
	return 0
}

// isDateSep reports whether s[i:] continues a number as a date ("/11").
func isDateSep(s string, i int) bool {
	t := strings.TrimLeft(s[i:], " ")
	if t == "" || (t[0] != '/' && t[0] != '-') {
		return false
	}
	t = strings.TrimLeft(t[1:], " ")
	return t != "" && isDigit(t[0])
}

// resolve turns a written deadline into a time, by these rules:
//
//   - A time without a day is its next occurrence: today if still ahead,
//     else tomorrow.
//   - A day without a time is at DefaultDeadlineHour.
//   - A weekday alone ("thứ Sáu") is its next occurrence at that time:
//     from a Wednesday, that week's Friday; from a Friday, today if the
//     time is still ahead, else the Friday after. "tuần này" / "tuần sau"
//     pick the weekday of this or next week (weeks start on Monday).
//   - A date without a year is the occurrence of that date nearest to now
//     (so "5/1" written in late December is next January's).
//   - A weekday written with a date must agree with it.
//
// A deadline that is not after now is a problem for the caller (check).
func (w when) resolve(now time.Time) (time.Time, string) {
	loc := now.Location()
	hour, min := DefaultDeadlineHour, 0
	if w.hasTime {
		hour, min = w.hour, w.min
		switch w.period {
		case "chieu", "toi", "dem":
			if hour < 12 {
				hour += 12
			}
		case "trua":
			if hour < 6 {
				hour += 12
			}
		case "sang":
			if hour == 12 {
				hour = 0
			}
		}
		if hour > 23 || min > 59 {
			return time.Time{}, fmt.Sprintf(msgDeadlineBadTime, w.timeText())
		}
	}
	y, mo, d := now.Date()
	at := func(y int, mo time.Month, d int) time.Time { return time.Date(y, mo, d, hour, min, 0, 0, loc) }
	switch {
	case w.hasDate:
		written := fmt.Sprintf("%d/%d", w.day, w.month)
		if w.year != 0 {
			written += fmt.Sprintf("/%d", w.year)
		}
		if w.month < 1 || w.month > 12 || w.day < 1 || w.day > 31 {
			return time.Time{}, fmt.Sprintf(msgDeadlineBadDate, written)
		}
		var t time.Time
		if w.year != 0 {
			t = at(w.year, time.Month(w.month), w.day)
		} else {
			for _, yy := range []int{y - 1, y, y + 1} {
				c := at(yy, time.Month(w.month), w.day)
				if c.Day() == w.day && (t.IsZero() || absDur(c.Sub(now)) < absDur(t.Sub(now))) {
					t = c
				}
			}
		}
		if t.IsZero() || t.Day() != w.day || int(t.Month()) != w.month {
			return time.Time{}, fmt.Sprintf(msgDeadlineBadDate, written)
		}
		if w.hasWeekday && t.Weekday() != w.weekday {
			return time.Time{}, fmt.Sprintf(msgDeadlineWeekday, t.Format("02/01/2006"), weekdayNames[t.Weekday()], weekdayNames[w.weekday])
		}
		return t, ""
	case w.hasRel:
		t := at(y, mo, d+w.daysAhead)
		if w.hasWeekday && t.Weekday() != w.weekday {
			return time.Time{}, fmt.Sprintf(msgDeadlineWeekday, t.Format("02/01/2006"), weekdayNames[t.Weekday()], weekdayNames[w.weekday])
		}
		return t, ""
	case w.hasWeekday && w.week != "":
		monday := d - (int(now.Weekday())+6)%7
		if w.week == "sau" {
			monday += 7
		}
		return at(y, mo, monday+(int(w.weekday)+6)%7), ""
	case w.hasWeekday:
		for k := 0; ; k++ {
			t := at(y, mo, d+k)
			if t.Weekday() == w.weekday && t.After(now) {
				return t, ""
			}
		}
	}
	t := at(y, mo, d)
	if !t.After(now) {
		t = at(y, mo, d+1)
	}
	return t, ""
}

func (w when) timeText() string {
	return fmt.Sprintf("%d:%02d", w.hour, w.min)
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// FormatDeadline writes a deadline as officials do: "16:00 thứ Sáu
// 26/11/2021".
func FormatDeadline(t time.Time) string {
	return fmt.Sprintf(deadlineLayout, t.Hour(), t.Minute(), weekdayNames[t.Weekday()], t.Day(), int(t.Month()), t.Year())
}

var weekdays = map[string]time.Weekday{
	"hai": time.Monday, "2": time.Monday,
	"ba": time.Tuesday, "3": time.Tuesday,
	"tu": time.Wednesday, "4": time.Wednesday,
	"nam": time.Thursday, "5": time.Thursday,
	"sau": time.Friday, "6": time.Friday,
	"bay": time.Saturday, "7": time.Saturday,
	"chu nhat": time.Sunday, "cn": time.Sunday,
}

// Deadline grammar, on folded text.
var (
	keywordRe  = regexp.MustCompile(`^(?:(?:thoi +han|han +chot|han +cuoi|han)\b *(?:: *)?(?:(?:truoc|luc|vao +luc|vao|den|toi)\b *)?|truoc\b *)`)
	relativeRe = regexp.MustCompile(`^(?:(?:thoi +han|han)\b *(?:: *)?)?trong(?: +vong)? +(\d{1,4}) *(gio|h|tieng|ngay|phut|tuan)\b(?: +(?:toi|nua)\b)?`)
	timeRe     = regexp.MustCompile(`^(?:luc +)?(\d{1,2}) *(?:gio|h|g)(?: *(\d{1,2})(?: *(?:phut|p)\b)?)?(?: +(sang|trua|chieu|toi|dem))?\b`)
	clockRe    = regexp.MustCompile(`^(?:luc +)?(\d{1,2}):(\d{2})(?: +(sang|trua|chieu|toi|dem))?\b`)
	weekdayRe  = regexp.MustCompile(`^(?:vao +)?(?:thu +(hai|ba|tu|nam|sau|bay|[2-7])|t([2-7])|(chu +nhat|cn))\b(?: +(tuan +(?:nay|sau|toi)))?\b`)
	relDayRe   = regexp.MustCompile(`^(?:(hom +nay|nay)|(ngay +mai|mai)|(ngay +kia))\b`)
	dateRe     = regexp.MustCompile(`^(?:ngay +)?(\d{1,2}) *[/-] *(\d{1,2})(?: *[/-] *(\d{4}|\d{2}))?\b`)
	// dateWordsRe reads "ngày 20 tháng 11 (năm 2021)".
	dateWordsRe = regexp.MustCompile(`^(?:ngay +)?(\d{1,2}) +thang +(\d{1,2})(?: +nam +(\d{4}))?\b`)
)
