package report

import (
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
)

// itemKind is what a stretch of the message is, once recognised.
type itemKind uint8

const (
	iLabel   itemKind = iota + 1 // an element name
	iHead                        // a group head without a member ("cách ly")
	iUnknown                     // words that are no name and no known phrase
	iNum                         // a number
	iZero                        // "không", "ko": zero in a value's place
	iSep                         // ':', '=', '-' between a label and its value
	iBreak                       // a line break or punctuation ending a clause
)

// item is one recognised stretch. Dates, units, filler words, bullets and
// times are not items: they are recorded aside and do not stand between a
// label and its value.
type item struct {
	kind     itemKind
	unitLike bool // a label that is also a unit word ("mẫu" after a number)
	neg      bool // written with a minus sign
	notInt   bool // a decimal number ("1,5")
	badNum   bool // digits and separators that make no number
	tooBig   bool // more digits than any count has
	percent  bool // followed by '%'
	grouped  bool // written with thousands separators
	spaced   bool // grouped by spaces ("12 500")
	consumed bool // a label repeated or a unit word after its value
	aside    bool // a lone name in parentheses after a value
	ndigits  int  // digits of a plain number
	val      int64
	pos, end int // bytes in the text
	t0, t1   int // first and last token
	pre      int // unknown words: first token, counting filler words glued before
	line     int
	partner  int    // index of the paired item, -1 when none
	code     string // element code (labels)
	group    string // group name (heads)
}

// dateRef is a date written in the message.
type dateRef struct {
	pos, end int
	day      chihuy.Day
	bad      bool // not a calendar date ("32/11")
}

// unitRef is a unit named in the message.
type unitRef struct {
	code, name string
	pos, end   int
}

// match is the longest name or phrase found at a token.
type match struct {
	end   int // last token of the match
	alias *dataset.Alias
	ph    *phrase
}

// maxNumberDigits is more than any count has; longer digit runs are refused
// rather than overflowing.
const maxNumberDigits = 15

func (p *parser) scan() {
	p.lineStart, p.unitOK = true, true
	for i := 0; i < len(p.toks); {
		i = p.scanAt(i)
	}
}

// scanAt recognises what starts at token i and returns the next token.
func (p *parser) scanAt(i int) int {
	t := &p.toks[i]
	switch t.kind {
	case tNewline:
		p.emit(item{kind: iBreak, pos: t.pos, end: t.end, t0: i, t1: i})
		p.paren = -1
		p.line++
		p.lineStart, p.unitOK = true, true
		return i + 1
	case tPunct:
		return p.punct(i)
	}
	m := p.longest(i)
	if m.alias == nil && m.ph == nil && p.unitOK && p.opt.Units != nil {
		if j, ok := p.unitAt(i); ok {
			return j
		}
	}
	switch {
	case m.alias != nil:
		return p.label(i, m)
	case m.ph != nil:
		return p.phrase(i, m)
	case t.digits:
		return p.number(i)
	}
	return p.unknown(i)
}

func (p *parser) emit(it item) {
	it.partner = -1
	it.line = p.line
	p.items = append(p.items, it)
}

// longest finds the longest element name or fixed phrase starting at
// token i; an element name wins a tie.
func (p *parser) longest(i int) match {
	best := match{end: -1}
	first := p.toks[i].fold
	cands := p.ds.AliasesFrom(first)
	for k := range cands {
		a := &cands[k]
		if a.Contextual && a.Group != p.group {
			continue
		}
		if end, ok := p.matchWords(i, a.Words); ok {
			best = match{end: end, alias: a}
			break
		}
	}
	phs := vocab[first]
	for k := range phs {
		ph := &phs[k]
		if end, ok := p.matchWords(i, ph.words); ok {
			if end > best.end {
				best = match{end: end, ph: ph}
			}
			break
		}
	}
	return best
}

// matchWords reports whether the words follow each other from token i,
// separated by spaces or soft punctuation only ("cl-tt", "12-17",
// "chờ KQ >12h"), and returns the last token.
func (p *parser) matchWords(i int, words []string) (int, bool) {
	j := i
	for w := 1; w < len(words); w++ {
		k := j + 1
		for k < len(p.toks) && p.toks[k].kind == tPunct && p.soft(k) {
			k++
		}
		if k >= len(p.toks) || p.toks[k].kind != tWord || p.toks[k].fold != words[w] {
			return 0, false
		}
		j = k
	}
	if p.toks[j].digits && p.numberContinues(j) {
		return 0, false // "mũi 1.200" is not "mũi 1" then ".200"
	}
	return j, true
}

// soft reports whether punctuation token k may sit between two words of a
// name.
func (p *parser) soft(k int) bool {
	switch p.toks[k].r {
	case '-', '–', '_', '>', '/':
		return true
	case '.':
		return k+1 < len(p.toks) && p.toks[k+1].space == spNone
	}
	return false
}

// numberContinues reports whether the digit word at j is followed by more
// digits of the same number ("1.200", "8/11").
func (p *parser) numberContinues(j int) bool {
	if j+2 >= len(p.toks) {
		return false
	}
	s, d := p.toks[j+1], p.toks[j+2]
	return s.kind == tPunct && s.space == spNone && isNumSep(s.r) && d.kind == tWord && d.digits && d.space == spNone
}

func isNumSep(r rune) bool { return r == '.' || r == ',' || r == '/' || r == '-' }

// isUnitWord reports whether a folded word is a unit after a number.
func (p *parser) isUnitWord(w string) bool {
	if p.ds.IsUnitWord(w) {
		return true
	}
	for _, ph := range vocab[w] {
		if ph.kind == vUnit && len(ph.words) == 1 {
			return true
		}
	}
	return false
}

func (p *parser) label(i int, m match) int {
	a := m.alias
	it := item{pos: p.toks[i].pos, end: p.toks[m.end].end, t0: i, t1: m.end}
	if a.Head() {
		it.kind, it.group = iHead, a.Group
	} else if last := p.sameName(i, a.Code); last != nil {
		// two names of one element in a row: "Mẫu chờ kết quả | quá 12 giờ",
		// "lăng quăng, bọ gậy"
		last.end, last.t1 = it.end, it.t1
		last.unitLike = false
		p.group = a.Group
		p.lineStart, p.unitOK = false, false
		return m.end + 1
	} else {
		it.kind, it.code = iLabel, a.Code
		it.unitLike = len(a.Words) == 1 && p.isUnitWord(a.Words[0])
	}
	p.group = a.Group
	p.emit(it)
	p.lineStart, p.unitOK = false, false
	return m.end + 1
}

// sameName returns the last item when it is a name of the element code
// that the name at token i restates: right before it, or before a comma
// or slash. Items after it are dropped.
func (p *parser) sameName(i int, code string) *item {
	n := len(p.items)
	if n > 0 && p.items[n-1].kind == iLabel && p.items[n-1].code == code && p.items[n-1].t1 == i-1 {
		return &p.items[n-1]
	}
	if n > 1 && p.items[n-2].kind == iLabel && p.items[n-2].code == code && p.items[n-1].kind == iBreak &&
		p.items[n-1].t0 == i-1 && p.items[n-2].t1 == i-2 {
		if r := p.toks[i-1].r; r == ',' || r == '/' {
			p.items = p.items[:n-1]
			return &p.items[n-2]
		}
	}
	return nil
}

func (p *parser) phrase(i int, m match) int {
	ph := m.ph
	next := m.end + 1
	pos, end := p.toks[i].pos, p.toks[m.end].end
	p.fillerStart, p.fillerEnd = -1, -1
	switch ph.kind {
	case vFiller, vUnit:
		p.fillerStart, p.fillerEnd = i, m.end
	case vLead:
		p.lead, p.unitOK = true, true
	case vDateKw:
		if j, ok := p.dateAfterKeyword(next); ok {
			return j
		}
	case vRelDay:
		p.dates = append(p.dates, dateRef{pos: pos, end: end, day: p.today.AddDays(ph.val)})
	case vZero:
		p.emit(item{kind: iZero, pos: pos, end: end, t0: i, t1: m.end})
		p.lineStart, p.unitOK = false, false
	case vRangeTo:
		p.ranges = append(p.ranges, pos)
	case vCounter, vMonthKw, vYearKw:
		// "tuần 45", "lần 2", "tháng 11", "năm 2021", "thứ 2", "thứ hai":
		// the word after is part of the phrase, not a value.
		if next < len(p.toks) && p.toks[next].kind == tWord &&
			(p.toks[next].digits || weekdayWords[p.toks[next].fold] && p.toks[i].fold == "thu") {
			return next + 1
		}
	}
	return next
}

func (p *parser) unknown(i int) int {
	t := &p.toks[i]
	if n := len(p.items); n > 0 && p.items[n-1].kind == iUnknown && p.items[n-1].t1 == i-1 {
		last := &p.items[n-1]
		last.end, last.t1 = t.end, i
		return i + 1
	}
	it := item{kind: iUnknown, pos: t.pos, end: t.end, t0: i, t1: i, pre: i}
	if p.fillerEnd == i-1 && p.fillerStart >= 0 {
		it.pre = p.fillerStart // "tu vog": "tu" read as "từ" may be part of the typo
	}
	p.emit(it)
	p.lineStart, p.unitOK = false, false
	return i + 1
}

func (p *parser) punct(i int) int {
	t := &p.toks[i]
	switch t.r {
	case ':', '=', '：', '＝':
		p.emit(item{kind: iSep, pos: t.pos, end: t.end, t0: i, t1: i})
	case '(', '[':
		p.paren = len(p.items)
		p.emit(item{kind: iBreak, pos: t.pos, end: t.end, t0: i, t1: i})
	case ')', ']':
		if !p.closeParen(i) {
			p.emit(item{kind: iBreak, pos: t.pos, end: t.end, t0: i, t1: i})
		}
	case '-', '–', '—', '−', '‐', '‑':
		switch {
		case p.isMinus(i):
			// the number after takes it
		case p.lineStart:
			// a bullet
		default:
			p.emit(item{kind: iSep, pos: t.pos, end: t.end, t0: i, t1: i})
		}
	case '"', '\'', '“', '”', '‘', '’', '`', '«', '»', '*', '_', '~':
		// quotes and chat formatting carry nothing
	default:
		p.emit(item{kind: iBreak, pos: t.pos, end: t.end, t0: i, t1: i})
	}
	return i + 1
}

// closeParen handles parentheses around a single item at the closing one,
// token i. A name restated in parentheses merges with the name before it
// ("Ca mắc mới (F0): 3"); a value in parentheses after its name loses them
// ("F0 (3)"); a lone name in parentheses after a value is an aside
// ("XN: 350 mẫu (PCR)"). It reports whether the closing parenthesis was
// absorbed.
func (p *parser) closeParen(i int) bool {
	o := p.paren
	p.paren = -1
	if o < 1 || o != len(p.items)-2 {
		return false
	}
	before, in := &p.items[o-1], &p.items[o+1]
	switch in.kind {
	case iLabel:
		if before.kind == iLabel && before.code == in.code {
			before.end, before.t1 = p.toks[i].end, i
			p.items = p.items[:o]
			return true
		}
		in.aside = true
	case iNum:
		if before.kind == iLabel || before.kind == iSep {
			p.items[o] = *in
			p.items = p.items[:o+1]
			return false
		}
	}
	return false
}

// isMinus reports whether punctuation token i is a minus sign: a hyphen
// glued to the digits after it and not to what comes before ("F0: -3",
// "F0 -3"), unlike a date's "8-11" or a separator's "F0-3".
func (p *parser) isMinus(i int) bool {
	t := &p.toks[i]
	if t.kind != tPunct || (t.r != '-' && t.r != '−') || i+1 >= len(p.toks) {
		return false
	}
	if n := &p.toks[i+1]; n.kind != tWord || !n.digits || n.space != spNone {
		return false
	}
	if i == 0 || t.space != spNone {
		return true
	}
	prev := &p.toks[i-1]
	return prev.kind == tNewline || prev.kind == tPunct && (prev.r == ':' || prev.r == '=' || prev.r == '(' || prev.r == '：')
}

// unitAt asks Units whether a unit name starts at token i.
func (p *parser) unitAt(i int) (int, bool) {
	t := &p.toks[i]
	if t.digits && (i+1 >= len(p.toks) || p.toks[i+1].kind != tPunct || p.toks[i+1].r != ':') {
		return 0, false // a bare number is a value; a unit code needs "03418:"
	}
	lineEnd := len(p.text)
	if k := strings.IndexAny(p.text[t.pos:], "\r\n"); k >= 0 {
		lineEnd = t.pos + k
	}
	code, name, n, ok := p.opt.Units.FindPrefix(p.text[t.pos:lineEnd])
	if !ok || n <= 0 || n > lineEnd-t.pos {
		return 0, false
	}
	end := t.pos + n
	j := i
	for j < len(p.toks) && p.toks[j].pos < end {
		if p.toks[j].end > end {
			return 0, false // the name stops inside a word
		}
		j++
	}
	p.units = append(p.units, unitRef{code: code, name: name, pos: t.pos, end: end})
	p.lineStart, p.unitOK = false, false
	return j, true
}

// number reads the number, date, time or list marker at digit token i.
func (p *parser) number(i int) int {
	toks := p.toks
	t := &toks[i]
	neg := i > 0 && p.isMinus(i-1)
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
	if j+1 < len(toks) && toks[j+1].kind == tPunct && toks[j+1].r == '%' && toks[j+1].space != spMore {
		it.percent = true
		j++
		it.end, it.t1 = toks[j].end, j
	}
	p.emit(it)
	p.lineStart, p.unitOK = false, false
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
	case len(u) >= 2 && len(u) <= 3 && (u[0] == 'h' || u[0] == 'g') && allDigits(u[1:]):
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

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
