package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/vntext"
)

func (p *parser) problem(pos, end int, suggest, format string, args ...any) {
	p.problems = append(p.problems, Problem{
		Pos: pos, End: end, Text: p.text[pos:end],
		Message: fmt.Sprintf(format, args...), Suggest: suggest,
	})
}

func (p *parser) result() Result {
	res := Result{Day: p.today}
	lastPair := -1
	var valued []string // codes given a value
	for k := range p.items {
		if it := &p.items[k]; it.kind == iLabel && it.partner >= 0 {
			lastPair = max(lastPair, it.end, p.items[it.partner].end)
			if !slices.Contains(valued, it.code) {
				valued = append(valued, it.code)
			}
		}
	}
	pairs, numbers, nearMiss, named, labels := 0, 0, false, false, false
	asides, outside := 0, 0
	for k := range p.items {
		it := &p.items[k]
		switch it.kind {
		case iLabel:
			labels = true
			switch {
			case it.partner >= 0:
				pairs++
				p.value(it, &p.items[it.partner])
			case !it.consumed && !it.absorbed && !it.contextual && !it.ofWhich && !p.heading(k, lastPair) && !(it.aside && slices.Contains(valued, it.code)) &&
				!p.collectsInto(it.code) && !p.valuedOnLine(it):
				p.problem(it.pos, it.end, it.code, msgNoValue, p.text[it.pos:it.end])
			}
		case iAside:
			labels = labels || it.named
			if it.partner >= 0 {
				asides++
				v := &p.items[it.partner]
				pos, end := min(it.pos, v.pos), max(it.end, v.end)
				p.asides = append(p.asides, Aside{Text: p.text[pos:end], Concept: it.concept})
			}
		case iOutside:
			if it.partner >= 0 {
				outside++
				part := p.text[it.pos:it.end]
				if strings.Join(dataset.Words(part), " ") == strings.Join(dataset.Words(it.concept), " ") {
					p.problem(it.pos, it.end, "", msgOutside, part)
				} else {
					p.problem(it.pos, it.end, "", msgOutsideNamed, part, it.concept)
				}
			}
		case iUnknown, iHead:
			if it.partner < 0 {
				continue
			}
			// a word for zero makes no report by itself: "có phải cách ly
			// không anh?" is a question
			if len(p.problems) < maxProblems && p.unknownProblem(it) && p.items[it.partner].kind != iZero {
				nearMiss = true
			}
			if it.partner > k+1 && p.items[k+1].kind == iSep {
				named = true // "lũy kế: 300"
			}
		case iNum:
			if it.percent {
				continue
			}
			numbers++
			if it.partner < 0 && !it.consumed {
				p.problem(it.pos, it.end, "", msgOrphan, p.text[it.pos:it.end])
			}
		}
	}
	p.collectTotals()
	p.subCounts()
	p.places()
	res.Day, res.DaySet = p.day()
	res.Unit, res.UnitName = p.unit()
	if p.ds.Period != dataset.Weekly {
		for _, pr := range p.periods {
			if pr.vague {
				p.problem(pr.pos, pr.end, "", msgVagueDay, p.text[pr.pos:pr.end])
			} else {
				p.problem(pr.pos, pr.end, "", msgPeriod, p.text[pr.pos:pr.end])
			}
		}
	}
	for _, b := range p.badBytes {
		p.problem(b[0], b[1], "", msgBadBytes, p.around(b[0], b[1]))
	}
	// A report: values were read, or something was meant as a label — a
	// near miss of a name ("F3 10"), a value given with ':' or '=' next to
	// names of elements ("F1 lũy kế: 300"), numbers after "báo cáo", a
	// concept outside the data set given a number ("12 người từ vùng dịch
	// về"), an annotation beside names, bytes that are not text among
	// numbers or names.
	res.IsReport = p.opt.Explicit || pairs > 0 || p.unitRefused && labels || nearMiss || named && labels || p.lead && numbers > 0 ||
		outside > 0 || asides > 0 && (labels || p.lead) || len(p.badBytes) > 0 && (numbers > 0 || labels)
	if len(p.news) > 0 && p.quotesNews() {
		if !p.opt.Explicit {
			return Result{Day: p.today, News: true}
		}
		// "/baocao cả nước …": a report that quotes news is refused
		m := p.news[0]
		pos, end := p.toks[m[0]].pos, p.toks[m[1]].end
		return Result{Day: p.today, News: true, IsReport: true, Problems: []Problem{{
			Pos: pos, End: end, Text: p.text[pos:end], Message: fmt.Sprintf(msgNewsMixed, p.text[pos:end]),
		}}}
	}
	if p.additive[1] > 0 {
		res.Additive = p.text[p.additive[0]:p.additive[1]]
	}
	res.Aside = p.asides
	if res.IsReport && len(p.recorded) == 0 && len(p.problems) == 0 && asides > 0 {
		p.problem(0, len(p.text), "", msgOnlyAside, p.asides[0].Text)
	}
	if len(p.recorded) > 0 {
		res.Values = make(map[string]int64, len(p.recorded))
		for _, r := range p.recorded {
			res.Values[r.code] = r.val
		}
	}
	if p.opt.Explicit && len(res.Values) == 0 && len(p.problems) == 0 {
		example := "f0"
		if len(p.ds.Elements) > 0 {
			example = p.ds.Elements[0].Code
		}
		p.problem(0, len(p.text), "", msgNothing, example)
	}
	if len(p.problems) > 0 {
		sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Pos < p.problems[j].Pos })
		if len(p.problems) > maxProblems {
			p.problems = p.problems[:maxProblems]
		}
		res.Problems = p.problems
	}
	return res
}

// heading reports whether the unpaired label k is a heading: the last
// thing on its line ("Xét nghiệm:"), with values on the lines after it.
func (p *parser) heading(k, lastPair int) bool {
	m := k + 1
	for m < len(p.items) && p.items[m].kind == iSep {
		m++
	}
	if m < len(p.items) && (p.items[m].kind != iBreak || p.toks[p.items[m].t0].kind != tNewline) {
		return false
	}
	return lastPair > p.items[k].end
}

// value checks the value v given for label l and records it.
func (p *parser) value(l, v *item) {
	e, _ := p.ds.Element(l.code)
	pos, end := min(l.pos, v.pos), max(l.end, v.end)
	part := p.text[pos:end]
	num := p.text[v.pos:v.end]
	switch {
	case l.ofWhich:
		return // refused when read
	case l.lost:
		p.problem(pos, end, "", msgLostGroup, part)
		return
	}
	var val int64
	switch {
	case v.kind == iZero:
	case v.neg:
		p.problem(pos, end, "", msgNegative, part)
		return
	case v.badNum:
		p.problem(v.pos, v.end, "", msgBadNumber, num)
		return
	case v.notInt:
		p.problem(v.pos, v.end, "", msgNotInteger, num)
		return
	case v.percent:
		p.problem(pos, end, "", msgPercent, part)
		return
	case v.tooBig:
		if e.Max > 0 {
			p.problem(pos, end, "", msgTooBig, part, num, vntext.Number(e.Max))
		} else {
			p.problem(pos, end, "", msgTooBigNoMax, part)
		}
		return
	default:
		val = v.val
	}
	if e.Max > 0 && val > e.Max {
		p.problem(pos, end, "", msgTooBig, part, vntext.Number(val), vntext.Number(e.Max))
		return
	}
	if val < e.Min {
		p.problem(pos, end, "", msgTooSmall, part, vntext.Number(val), vntext.Number(e.Min))
		return
	}
	if l.into != "" {
		p.collects = append(p.collects, collected{into: l.into, val: val, pos: pos, end: end})
		return
	}
	for _, r := range p.recorded {
		if r.code != l.code {
			continue
		}
		if r.val != val {
			p.problem(pos, end, "", msgDuplicate, part, e.Label, vntext.Number(r.val), vntext.Number(val))
		}
		return
	}
	p.recorded = append(p.recorded, recorded{code: l.code, val: val, pos: pos, end: end})
}

// places refuses lines that start with the name of a place that is no
// unit of the tree: a type of place and its name, then ':' and figures
// ("thôn Nà Sài: F0 2", "xã Nậm Xe: F0 2"). Their figures never fall back
// to the sender's own unit.
func (p *parser) places() {
	if p.opt.Units == nil {
		return
	}
	for i := 0; i < len(p.toks); i++ {
		if i > 0 && p.toks[i-1].kind != tNewline {
			continue
		}
		// the first word of the line, after bullets
		k := i
		for k < len(p.toks) && p.toks[k].kind == tPunct {
			k++
		}
		if k >= len(p.toks) || p.toks[k].kind != tWord || !placeWords[p.toks[k].fold] {
			continue
		}
		line, named := p.toks[k].line, false
		for _, u := range p.units {
			named = named || p.lineOf(u.pos) == line
		}
		for _, pr := range p.problems {
			named = named || pr.Pos == p.toks[k].pos // a unit name refused
		}
		if named {
			continue
		}
		// words, then ':' and an element's name on the same line
		c := k + 1
		for c < len(p.toks) && p.toks[c].kind == tWord && !p.toks[c].digits {
			c++
		}
		if c >= len(p.toks) || p.toks[c].kind != tPunct || p.toks[c].r != ':' || p.labelBefore(p.toks[c].pos) {
			continue
		}
		colon := p.toks[c].pos
		for m := range p.items {
			it := &p.items[m]
			if it.kind == iLabel && it.pos > colon && p.toks[it.t0].line == line {
				pos, end := p.toks[k].pos, p.toks[c-1].end
				p.problem(pos, end, "", msgNoSuchUnit, p.text[pos:end])
				break
			}
		}
	}
}

// labelBefore reports whether an element's name or a number ends before
// byte pos on pos's line: "Khu cách ly tập trung: 30" is a name, not a
// place.
func (p *parser) labelBefore(pos int) bool {
	line := p.lineOf(pos)
	for m := range p.items {
		it := &p.items[m]
		if it.end <= pos && p.toks[it.t0].line == line && (it.kind == iLabel || it.kind == iNum || it.kind == iAside || it.kind == iOutside) {
			return true
		}
	}
	return false
}

// valuedOnLine reports whether another name of the label's element on
// the same line was given a value ("Xét nghiệm trong ngày lấy 230 mẫu"):
// the label restates it.
func (p *parser) valuedOnLine(l *item) bool {
	line := p.toks[l.t0].line
	for k := range p.items {
		it := &p.items[k]
		if it != l && it.kind == iLabel && it.code == l.code && it.partner >= 0 && p.toks[it.t0].line == line {
			return true
		}
	}
	return false
}

// collectsInto reports whether values were collected into the element
// code: its heading needs no value of its own.
func (p *parser) collectsInto(code string) bool {
	for k := range p.items {
		if it := &p.items[k]; it.kind == iLabel && it.into == code && it.partner >= 0 {
			return true
		}
	}
	return false
}

// collectTotals records the sum of the values collected under each
// heading ("Tiêm trẻ 5-11 tuổi: mũi 1: 120, mũi 2: 45" is m511 = 165). A
// total also written for the heading must equal the sum.
func (p *parser) collectTotals() {
	for k, c := range p.collects {
		if slices.ContainsFunc(p.collects[:k], func(o collected) bool { return o.into == c.into }) {
			continue // summed with the first
		}
		sum, pos, end := int64(0), c.pos, c.end
		for _, o := range p.collects[k:] {
			if o.into == c.into {
				sum += o.val
				end = o.end
			}
		}
		e, _ := p.ds.Element(c.into)
		part := p.text[pos:end]
		if e.Max > 0 && sum > e.Max {
			p.problem(pos, end, "", msgTooBig, part, vntext.Number(sum), vntext.Number(e.Max))
			continue
		}
		if i := slices.IndexFunc(p.recorded, func(r recorded) bool { return r.code == c.into }); i >= 0 {
			if p.recorded[i].val != sum {
				p.problem(pos, end, "", msgCollectMismatch, part, e.Label, vntext.Number(sum), vntext.Number(p.recorded[i].val))
			}
			continue
		}
		p.recorded = append(p.recorded, recorded{code: c.into, val: sum, pos: pos, end: end})
	}
}

// subCounts checks that no sub-count exceeds its parent.
func (p *parser) subCounts() {
	for _, sub := range p.recorded {
		e, _ := p.ds.Element(sub.code)
		if e.Parent == "" {
			continue
		}
		for _, parent := range p.recorded {
			if parent.code == e.Parent && sub.val > parent.val {
				p.problem(sub.pos, sub.end, "", msgSubOverParent, p.text[sub.pos:sub.end],
					e.Label, vntext.Number(sub.val), p.ds.Label(parent.code), vntext.Number(parent.val))
			}
		}
	}
}

// unknownProblem names unknown words (or a bare group head) that were
// given a value, with the closest element. It reports whether the words
// are a near miss of an element name ("F3", "cach li tap chung"), which
// makes the message a report.
func (p *parser) unknownProblem(it *item) bool {
	part := p.text[it.pos:it.end]
	if it.kind == iHead {
		for _, g := range p.ds.Groups {
			if g.Name == it.group && len(g.Members) > 0 {
				code := g.Members[0].Element
				p.problem(it.pos, it.end, code, msgUnknownSuggest, part, p.ds.Label(code))
				return true
			}
		}
		p.problem(it.pos, it.end, "", msgUnknown, part)
		return true
	}
	words := p.wordsOf(it.t0, it.t1)
	code, dist := p.closest(words)
	if it.pre < it.t0 {
		// filler words glued before may be part of the typo: "tu vog"
		longer := p.wordsOf(it.pre, it.t1)
		if c, d := p.closest(longer); c != "" && (code == "" || d < dist) {
			code, dist, words = c, d, longer
			it.pos = p.toks[it.pre].pos
			part = p.text[it.pos:it.end]
		}
	}
	if code == "" || !suggestible(words, dist) {
		p.problem(it.pos, it.end, "", msgUnknown, part)
		return false
	}
	p.problem(it.pos, it.end, code, msgUnknownSuggest, part, p.ds.Label(code))
	return nearMiss(words, dist)
}

// wordsOf returns the folded words of tokens t0 to t1 joined by single
// spaces.
func (p *parser) wordsOf(t0, t1 int) string {
	var b strings.Builder
	for k := t0; k <= t1; k++ {
		if p.toks[k].kind != tWord {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.toks[k].fold)
	}
	return b.String()
}
