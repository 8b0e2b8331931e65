package report

import (
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/vntext"
)

// Numbers, dates and times. A run of digits glued by one kind of
// separator is read whole: "1.200" and "1,200" are thousands, "8/11",
// "8-11" and "08.11.2021" dates, "1,5" a decimal (refused), "8:00" and
// "17h30" times of day (skipped), "2468/UBND-VX" a document number
// (skipped). A number alone at the start of a line followed by "." or ")"
// numbers a list.

// number reads the number, date, time or list marker at digit token i.
func (p *parser) number(i int) int {
	toks := p.toks
	t := &toks[i]
	neg := i > 0 && p.isMinus(i-1)
	if !neg && p.lineStart && len(t.fold) <= 2 && keycap(p.text[t.end:]) {
		return i + 1 // "1️⃣ F0: 1": a keycap numbers a list
	}
	if !neg && p.lineStart && len(t.fold) <= 2 && i+1 < len(toks) {
		// a numbered list: "1. F0: 3", "2) F1: 25"
		nx := &toks[i+1]
		if nx.kind == tPunct && (nx.r == '.' || nx.r == ')') && nx.space == spNone &&
			(i+2 >= len(toks) || toks[i+2].space != spNone || toks[i+2].kind == tNewline) {
			return i + 2
		}
	}
	if j, ok := p.timeAt(i); ok {
		return j
	}
	if j, ok := p.measureAt(i); ok {
		return j
	}
	if j, ok := p.docNumber(i); ok {
		return j
	}
	parts, np, sep, mixed, j := p.groups(i)
	it := item{kind: iNum, pos: t.pos, end: toks[j].end, t0: i, t1: j, neg: neg}
	if neg {
		it.pos = toks[i-1].pos
	}
	switch {
	case np == 1:
		it.val, it.tooBig = atoi(t.fold)
		it.ndigits = len(t.fold)
	case mixed || np > len(parts):
		it.badNum = true
	case (sep == '.' || sep == ',') && p.thousands(parts[:np]):
		it.grouped = true
		for _, k := range parts[:np] {
			v, big := atoi(toks[k].fold)
			it.val = it.val*1000 + v
			if big || it.val > 1e15 {
				it.tooBig = true
				break
			}
		}
	case (sep == '/' || sep == '-') && p.valuePlace():
		// "F1: 3-5", "F0: 8/11": where a value is due, digits with slashes
		// or hyphens are a bad value, not the report's date.
		it.badNum = true
	case sep == '/' && np <= 3,
		sep == '-' && np <= 3 && p.dateShape(parts[:np]),
		sep == '.' && np == 3 && p.dateShape(parts[:np]):
		p.addDate(t.pos, toks[j].end, parts[:np])
		return j + 1
	case sep == '.' || sep == ',':
		it.notInt = true
	default:
		it.badNum = true
	}
	if nx := j + 1; nx < len(toks) && toks[nx].kind == tWord && toks[nx].space == spNone && !toks[nx].digits &&
		lookAlike(p.text[t.pos:toks[nx].end]) {
		// "1O", "10l": a letter glued to the digits makes no number
		it.badNum = true
		j = nx
		it.end, it.t1 = toks[j].end, j
	}
	if j+1 < len(toks) && toks[j+1].kind == tPunct && toks[j+1].r == '%' && toks[j+1].space != spMore {
		it.percent = true
		j++
		it.end, it.t1 = toks[j].end, j
	}
	p.emit(it)
	// "Bản Giang F1 4 Bản Hon F1 6": another unit may follow a value
	p.lineStart, p.unitOK = false, true
	return j + 1
}

// valuePlace reports whether the next item would be the value of a name:
// the last item is a name, or a separator after one.
func (p *parser) valuePlace() bool {
	n := len(p.items)
	if n > 0 && p.items[n-1].kind == iSep {
		n--
	}
	return n > 0 && p.items[n-1].kind == iLabel
}

// maxParts bounds the digit groups remembered for one number.
const maxParts = 4

// groups gathers the digit groups glued by one kind of separator from
// token i: "1.200.000", "08/11/2021". np counts every group, even past
// maxParts; j is the last token.
func (p *parser) groups(i int) (parts [maxParts]int, np int, sep rune, mixed bool, j int) {
	parts[0], np, j = i, 1, i
	for p.numberContinues(j) {
		s := p.toks[j+1].r
		if sep == 0 {
			sep = s
		} else if s != sep {
			mixed = true
		}
		if np < maxParts {
			parts[np] = j + 2
		}
		np++
		j += 2
	}
	return parts, np, sep, mixed, j
}

// thousands reports whether the groups are a number with thousands
// separators: 1–3 digits not starting with 0, then groups of exactly 3.
func (p *parser) thousands(parts []int) bool {
	first := p.toks[parts[0]].fold
	if len(first) > 3 || first[0] == '0' {
		return false
	}
	for _, k := range parts[1:] {
		if len(p.toks[k].fold) != 3 {
			return false
		}
	}
	return true
}

// dateShape reports whether the groups look like D/M or D/M/Y.
func (p *parser) dateShape(parts []int) bool {
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	d, m := p.toks[parts[0]].fold, p.toks[parts[1]].fold
	if len(d) > 2 || len(m) > 2 {
		return false
	}
	if len(parts) == 3 {
		y := p.toks[parts[2]].fold
		return len(y) == 2 || len(y) == 4
	}
	dv, _ := atoi(d)
	mv, _ := atoi(m)
	return dv >= 1 && dv <= 31 && mv >= 1 && mv <= 12
}

// addDate records the date of the groups D, M and optional Y.
func (p *parser) addDate(pos, end int, parts []int) {
	ref := dateRef{pos: pos, end: end, bad: true}
	df, mf := p.toks[parts[0]].fold, p.toks[parts[1]].fold
	y := -1
	if len(parts) == 3 {
		yf := p.toks[parts[2]].fold
		if len(yf) != 2 && len(yf) != 4 {
			p.dates = append(p.dates, ref)
			return
		}
		yv, _ := atoi(yf)
		y = int(yv)
	}
	if len(df) <= 2 && len(mf) <= 2 {
		d, _ := atoi(df)
		m, _ := atoi(mf)
		day, ok := p.resolve(int(d), int(m), y)
		ref.day, ref.bad = day, !ok
	}
	p.dates = append(p.dates, ref)
}

// dateAfterKeyword reads the date after "ngày" at token j: "8/11",
// "8.11", "8-11", "08/11/2021", "8 tháng 11 năm 2021". It returns the
// token after the date, or false when no date follows.
func (p *parser) dateAfterKeyword(j int) (int, bool) {
	toks := p.toks
	if j < len(toks) && toks[j].kind == tPunct && toks[j].r == ':' {
		j++
	}
	if j >= len(toks) || toks[j].kind != tWord || !toks[j].digits {
		return 0, false
	}
	parts, np, sep, mixed, last := p.groups(j)
	if np >= 2 {
		if mixed || np > 3 || sep == ',' {
			return 0, false
		}
		if sep == '.' && np == 3 && p.thousands(parts[:np]) && !p.dateShape(parts[:np]) {
			return 0, false // "ngày 1.200": not a date
		}
		p.addDate(toks[j].pos, toks[last].end, parts[:np])
		return last + 1, true
	}
	// ngày 8 tháng 11 [năm 2021]
	k := j + 1
	if k+1 < len(toks) && toks[k].kind == tWord && toks[k].fold == "thang" && toks[k+1].kind == tWord && toks[k+1].digits {
		parts := []int{j, k + 1}
		last := k + 1
		if k+3 < len(toks) && toks[k+2].kind == tWord && toks[k+2].fold == "nam" && toks[k+3].kind == tWord && toks[k+3].digits {
			parts = append(parts, k+3)
			last = k + 3
		}
		p.addDate(toks[j].pos, toks[last].end, parts)
		return last + 1, true
	}
	return 0, false
}

// resolve turns day, month and year (-1 when not written) into a date.
// Without a year, the year that puts the date nearest to today is taken,
// so "31/12" written on 2 January is last year's.
func (p *parser) resolve(d, m, y int) (chihuy.Day, bool) {
	if y >= 0 && y < 100 {
		y += 2000
	}
	if y >= 0 {
		day, ok := civil(y, m, d)
		return day, ok
	}
	var best chihuy.Day
	found := false
	bestDist := 0
	for _, yy := range [...]int{p.today.Year - 1, p.today.Year, p.today.Year + 1} {
		day, ok := civil(yy, m, d)
		if !ok {
			continue
		}
		dist := day.Sub(p.today)
		if dist < 0 {
			dist = -dist
		}
		if !found || dist < bestDist {
			best, bestDist, found = day, dist, true
		}
	}
	return best, found
}

// civil returns the date if it exists in the calendar.
func civil(y, m, d int) (chihuy.Day, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1 || y > 9999 {
		return chihuy.Day{}, false
	}
	day := chihuy.Day{Year: y, Month: time.Month(m), Day: d}
	if day.AddDays(0) != day {
		return chihuy.Day{}, false // 31/11 rolls over to 1/12
	}
	return day, true
}

// timeAt reads a time of day at digit token i ("8:00", "17h", "17h30",
// "17 giờ 30 phút", "24 tiếng"): it is no value and is skipped.
func (p *parser) timeAt(i int) (int, bool) {
	toks := p.toks
	v, _ := atoi(toks[i].fold)
	if i+2 < len(toks) && toks[i+1].kind == tPunct && toks[i+1].r == ':' && toks[i+1].space == spNone &&
		toks[i+2].kind == tWord && toks[i+2].digits && toks[i+2].space == spNone && len(toks[i+2].fold) == 2 {
		mm, _ := atoi(toks[i+2].fold)
		if v <= 24 && mm < 60 && len(toks[i].fold) <= 2 {
			return i + 3, true
		}
		return 0, false
	}
	if i+1 >= len(toks) || toks[i+1].kind != tWord || toks[i+1].space == spMore || v > 72 {
		return 0, false
	}
	u := toks[i+1].fold
	switch {
	case u == "h" || u == "g" || u == "gio":
	case u == "phut" || u == "p" || u == "tieng":
		return i + 2, true
	case len(u) >= 2 && len(u) <= 3 && (u[0] == 'h' || u[0] == 'g') && vntext.Digits(u[1:]):
		return i + 2, true // 17h30
	default:
		return 0, false
	}
	j := i + 2 // minutes after "17 giờ"
	if j < len(toks) && toks[j].kind == tWord && toks[j].digits && len(toks[j].fold) <= 2 && toks[j].space != spMore {
		if mm, _ := atoi(toks[j].fold); mm < 60 {
			j++
			if j < len(toks) && toks[j].kind == tWord && (toks[j].fold == "phut" || toks[j].fold == "p") {
				j++
			}
		}
	}
	return j, true
}

// measureAt skips a quantity with a measure ("bình oxy 40 lít", "5 kg"):
// it describes a thing, it is no count.
func (p *parser) measureAt(i int) (int, bool) {
	toks := p.toks
	if i+1 >= len(toks) || toks[i+1].kind != tWord || toks[i+1].space == spMore {
		return 0, false
	}
	for _, ph := range vocab[toks[i+1].fold] {
		if ph.kind == vMeasure && len(ph.words) == 1 {
			return i + 2, true
		}
	}
	return 0, false
}

// docNumber skips a document number such as "2468/UBND-VX".
func (p *parser) docNumber(i int) (int, bool) {
	toks := p.toks
	if i+2 >= len(toks) || toks[i+1].kind != tPunct || toks[i+1].r != '/' || toks[i+1].space != spNone ||
		toks[i+2].kind != tWord || toks[i+2].digits || toks[i+2].space != spNone {
		return 0, false
	}
	j := i + 3
	for j < len(toks) && toks[j].space == spNone && toks[j].kind != tNewline {
		if toks[j].kind == tPunct && !(toks[j].r == '-' || toks[j].r == '/' || toks[j].r == '.') {
			break
		}
		j++
	}
	return j, true
}

// atoi parses ASCII digits; tooBig when there are more than
// maxNumberDigits.
func atoi(s string) (v int64, tooBig bool) {
	if len(s) > maxNumberDigits {
		return 0, true
	}
	for i := 0; i < len(s); i++ {
		v = v*10 + int64(s[i]-'0')
	}
	return v, false
}

// keycap reports whether text starts with the combining keycap (U+20E3),
// optionally after the emoji presentation selector: "1️⃣".
func keycap(text string) bool {
	text = strings.TrimPrefix(text, "\uFE0F")
	return strings.HasPrefix(text, "\u20E3")
}
