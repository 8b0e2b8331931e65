package report

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/chihuy/chihuy/dataset"
)

func (p *parser) label(i int, m match) int {
	a := m.alias
	it := item{pos: p.toks[i].pos, end: p.toks[m.end].end, t0: i, t1: m.end}
	switch a.Kind {
	case dataset.KindAside, dataset.KindOutside:
		return p.concept(i, m)
	case dataset.KindNews:
		p.news = append(p.news, [2]int{i, m.end})
		p.lineStart, p.unitOK = false, false
		return m.end + 1
	case dataset.KindAdditive:
		if p.additive[1] == 0 {
			p.additive = [2]int{it.pos, it.end}
		}
		p.fillerStart, p.fillerEnd = i, m.end
		return m.end + 1
	}
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
		it.noun = len(a.Words) == 1 && p.ds.IsCountedNoun(a.Words[0])
		it.contextual = a.Contextual
		p.collecting(&it)
	}
	p.group = a.Group
	p.emit(it)
	p.lineStart, p.unitOK = false, false
	return m.end + 1
}

// sameName returns the last item when it is a name of the element code
// that the name at token i restates: right before it ("mẫu chờ kết quả
// quá 12 giờ"), or before a comma, slash, colon or dash ("lăng quăng, bọ
// gậy", "giường: còn trống"). The punctuation between is dropped.
func (p *parser) sameName(i int, code string) *item {
	n := len(p.items)
	if n > 0 && p.items[n-1].kind == iLabel && p.items[n-1].code == code && p.items[n-1].t1 == i-1 {
		return &p.items[n-1]
	}
	if n > 1 && p.items[n-2].kind == iLabel && p.items[n-2].code == code && p.items[n-1].t0 == i-1 && p.items[n-2].t1 == i-2 {
		switch p.toks[i-1].r {
		case ',', '/', ':', '-', '–':
			p.items = p.items[:n-1]
			return &p.items[n-2]
		}
	}
	return nil
}

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

// collecting handles headings that collect ("Tiêm trẻ 5-11 tuổi:" then
// "mũi 1: 90"): a label of an element the heading collects counts into
// it; a heading starts collecting; any other label ends it.
func (p *parser) collecting(it *item) {
	e, _ := p.ds.Element(it.code)
	if len(e.Collects) > 0 {
		if p.partOfDoses(it, e.Collects) {
			it.ofWhich = true
			p.problem(it.pos, it.end, "", msgOfWhich, p.text[it.pos:it.end])
			p.collect, p.lostGroup = "", 0
			return
		}
		p.collect, p.lostGroup = it.code, 0
		// "mũi 1 trẻ 5-11 tuổi: 90": the dose named just before the age
		// group is part of its name
		if n := len(p.items); n > 0 {
			last := &p.items[n-1]
			if last.kind == iLabel && last.t1 == it.t0-1 && slices.Contains(e.Collects, last.code) {
				last.absorbed = true
			}
		}
		return
	}
	if p.collect == "" {
		switch {
		case p.lostGroup == 0:
		case p.collected(it.code):
			it.lost = true
		default:
			p.lostGroup = 0
		}
		return
	}
	if it.code == p.collect {
		return
	}
	if c, _ := p.ds.Element(p.collect); slices.Contains(c.Collects, it.code) {
		it.into = p.collect
		return
	}
	p.collect = ""
}

// concept emits an aside or an outside concept. Two in a row are one
// ("lũy kế | từ đầu đợt dịch"); an element name right before it is part
// of it ("F0 lũy kế: 96", "F1 từ vùng dịch về: 3"), not a name missing its
// value.
func (p *parser) concept(i int, m match) int {
	a := m.alias
	kind := iAside
	if a.Kind == dataset.KindOutside {
		kind = iOutside
	}
	it := item{kind: kind, pos: p.toks[i].pos, end: p.toks[m.end].end, t0: i, t1: m.end, concept: a.Concept}
	prevEnd := i - 1
	if p.fillerEnd == i-1 && p.fillerStart >= 0 {
		prevEnd = p.fillerStart - 1
	}
	if n := len(p.items); n > 0 && p.items[n-1].t1 == prevEnd {
		last := &p.items[n-1]
		switch {
		case last.kind == kind || last.kind == iAside && kind == iOutside:
			last.kind, last.end, last.t1 = kind, it.end, it.t1
			if kind == iOutside {
				last.concept = it.concept
			}
			p.lineStart, p.unitOK = false, false
			return m.end + 1
		case last.kind == iOutside:
			last.end, last.t1 = it.end, it.t1
			return m.end + 1
		case last.kind == iLabel:
			it.pos, it.t0, it.named = last.pos, last.t0, true
			*last = it
			last.partner = -1
			p.fillerStart, p.fillerEnd = -1, -1
			p.lineStart, p.unitOK = false, false
			return m.end + 1
		}
	}
	p.fillerStart, p.fillerEnd = -1, -1
	p.emit(it)
	p.lineStart, p.unitOK = false, false
	return m.end + 1
}

func (p *parser) phrase(i int, m match) int {
	ph := m.ph
	next := m.end + 1
	pos, end := p.toks[i].pos, p.toks[m.end].end
	p.fillerStart, p.fillerEnd = -1, -1
	switch ph.kind {
	case vFiller, vUnit:
		p.fillerStart, p.fillerEnd = i, m.end
		if len(ph.words) == 1 && ph.words[0] == "va" {
			p.unitOK = true // "Bản Giang và Phúc Khoa": a second unit may follow
		}
	case vLead:
		p.lead, p.unitOK = true, true
	case vDateKw:
		if j, ok := p.dateAfterKeyword(next); ok {
			return j
		}
	case vRelDay:
		p.dates = append(p.dates, dateRef{pos: pos, end: end, day: p.today.AddDays(ph.val)})
	case vZero:
		p.emit(item{kind: iZero, pos: pos, end: end, t0: i, t1: m.end, zeroFirst: ph.val == 1})
		p.lineStart, p.unitOK = false, false
	case vRangeTo:
		p.ranges = append(p.ranges, pos)
	case vAdult:
		p.adults()
		p.fillerStart, p.fillerEnd = i, m.end
	case vOfWhich:
		p.ofWhich = i + 1
		p.fillerStart, p.fillerEnd = i, m.end
	case vPeriod:
		// "7 ngày qua": the number before is part of it; "tuần 45": the
		// number after is
		if n := len(p.items); ph.words[0] == "ngay" && n > 0 && p.items[n-1].kind == iNum && p.items[n-1].t1 == i-1 {
			pos = p.items[n-1].pos
			p.items = p.items[:n-1]
		}
		if next < len(p.toks) && p.toks[next].kind == tWord && p.toks[next].digits {
			end = p.toks[next].end
			next++
		}
		p.periods = append(p.periods, periodRef{pos: pos, end: end, vague: ph.val == 1})
		return next
	case vMonthKw:
		// "tháng 11: F0 30" outside a date: the month's figures
		if next < len(p.toks) && p.toks[next].kind == tWord && p.toks[next].digits {
			p.periods = append(p.periods, periodRef{pos: pos, end: p.toks[next].end})
			return next + 1
		}
	case vCounter, vYearKw:
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
	if p.collect != "" && p.clauseStart() {
		// a group that is not the heading's on a new line or clause
		// ("Phụ nữ có thai"): the heading's scope ends, and the doses
		// after it belong to no known group
		p.collect, p.lostGroup = "", t.pos+1
	}
	it := item{kind: iUnknown, pos: t.pos, end: t.end, t0: i, t1: i, pre: i}
	if p.fillerEnd == i-1 && p.fillerStart >= 0 {
		it.pre = p.fillerStart // "tu vog": "tu" read as "từ" may be part of the typo
	}
	p.emit(it)
	p.lineStart, p.unitOK = false, false
	return i + 1
}

// letterForZero reports whether token i is a letter O, l or I alone in a
// value's place ("F0: O", "F1 O,"): a number typed with a letter.
func (p *parser) letterForZero(i int) bool {
	switch p.text[p.toks[i].pos:p.toks[i].end] {
	case "O", "o", "l", "I":
	default:
		return false
	}
	if !p.valuePlace() {
		return false
	}
	return i+1 >= len(p.toks) || p.toks[i+1].kind != tWord
}

// adultAge matches an adults' age group at token i: ["người"] ("từ" |
// "trên") N "tuổi" ["trở lên"], or ["người"] N "tuổi trở lên", with N
// at least 18. It returns the token after it.
func (p *parser) adultAge(i int) (int, bool) {
	toks := p.toks
	word := func(k int, w string) bool { return k < len(toks) && toks[k].kind == tWord && toks[k].fold == w }
	k := i
	if word(k, "nguoi") {
		k++
	}
	from := word(k, "tu") || word(k, "tren")
	if from {
		k++
	}
	if k >= len(toks) || !toks[k].digits || len(toks[k].fold) > 3 || p.numberContinues(k) {
		return 0, false
	}
	n := 0
	for _, c := range toks[k].fold {
		n = n*10 + int(c-'0')
	}
	if n < 18 || !word(k+1, "tuoi") {
		return 0, false
	}
	k += 2
	up := word(k, "tro") && word(k+1, "len")
	if up {
		k += 2
	}
	return k, from || up
}

// adults ends a children's heading: the doses after an adults' group are
// adult doses.
func (p *parser) adults() {
	p.collect, p.lostGroup = "", 0
}

// collects reports whether a children's heading collects the element code
// (a dose: "mũi 1").
func (p *parser) collected(code string) bool {
	for k := range p.ds.Elements {
		if slices.Contains(p.ds.Elements[k].Collects, code) {
			return true
		}
	}
	return false
}

// clauseStart reports whether the next item starts a line or a clause
// after ';' or '.'.
func (p *parser) clauseStart() bool {
	n := len(p.items)
	if n == 0 {
		return true
	}
	last := &p.items[n-1]
	if last.kind != iBreak {
		return false
	}
	t := &p.toks[last.t0]
	return t.kind == tNewline || t.r == ';' || t.r == '.'
}

// partOfDoses reports whether the children's heading it is written as
// part of doses named before it on its line: after "trong đó" or "bao
// gồm", or in parentheses ("mũi 1: 20 (trong đó trẻ 12-17 tuổi: 5)").
func (p *parser) partOfDoses(it *item, collects []string) bool {
	line := p.toks[it.t0].line
	for k := len(p.items) - 1; k >= 0; k-- {
		d := &p.items[k]
		if p.toks[d.t0].line != line {
			return false
		}
		if d.kind != iLabel || d.absorbed || !slices.Contains(collects, d.code) {
			continue
		}
		return p.ofWhich > d.t1+1 && p.ofWhich-1 < it.t0 || p.paren > k
	}
	return false
}

// maxUnitText bounds the text given to Units.FindPrefix.
const maxUnitText = 256

// unitAt asks Units whether a unit name starts at token i.
func (p *parser) unitAt(i int) (int, bool) {
	t := &p.toks[i]
	if t.digits && (i+1 >= len(p.toks) || p.toks[i+1].kind != tPunct || p.toks[i+1].r != ':') &&
		!(p.opt.Explicit && i == 0 && i+1 < len(p.toks) && p.toks[i+1].kind == tWord && p.toks[i+1].space != spNone) {
		// a bare number is a value; a unit code needs "03418:", or comes
		// first in /baocao ("/baocao 03418 f0=2")
		return 0, false
	}
	// the rest of the line, at most maxUnitText bytes: no unit name is
	// longer, and a long line must not be scanned again at every word
	lineEnd := min(len(p.text), t.pos+maxUnitText)
	for lineEnd < len(p.text) && !utf8.RuneStart(p.text[lineEnd]) {
		lineEnd--
	}
	if k := strings.IndexAny(p.text[t.pos:lineEnd], "\r\n"); k >= 0 {
		lineEnd = t.pos + k
	}
	um, ok := p.opt.Units.FindPrefix(p.text[t.pos:lineEnd])
	if !ok || um.N <= 0 || um.N > lineEnd-t.pos {
		return 0, false
	}
	end := t.pos + um.N
	j := i
	for j < len(p.toks) && p.toks[j].pos < end {
		if p.toks[j].end > end {
			return 0, false // the name stops inside a word
		}
		j++
	}
	if um.Refuse != "" {
		p.problem(t.pos, end, "", "%s", um.Refuse)
		p.unitRefused = true
	} else {
		p.units = append(p.units, unitRef{code: um.Code, name: um.Name, pos: t.pos, end: end})
	}
	p.lineStart, p.unitOK = false, false
	return j, true
}
