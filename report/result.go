package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
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
	for k := range p.items {
		it := &p.items[k]
		switch it.kind {
		case iLabel:
			labels = true
			switch {
			case it.partner >= 0:
				pairs++
				p.value(it, &p.items[it.partner])
			case !it.consumed && !it.contextual && !p.heading(k, lastPair) && !(it.aside && slices.Contains(valued, it.code)):
				p.problem(it.pos, it.end, it.code, msgNoValue, p.text[it.pos:it.end])
			}
		case iUnknown, iHead:
			if it.partner < 0 {
				continue
			}
			if len(p.problems) < maxProblems && p.unknownProblem(it) {
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
	p.subCounts()
	res.Day, res.DaySet = p.day()
	res.Unit, res.UnitName = p.unit()
	// A report: values were read, or something was meant as a label — a
	// near miss of a name ("F3 10"), a value given with ':' or '=' next to
	// names of elements ("F1 lũy kế: 300"), numbers after "báo cáo".
	res.IsReport = p.opt.Explicit || pairs > 0 || nearMiss || named && labels || p.lead && numbers > 0
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

// day returns the report day: the date written, or today.
func (p *parser) day() (chihuy.Day, bool) {
	var chosen *dateRef
	for k := range p.dates {
		d := &p.dates[k]
		if d.bad {
			p.problem(d.pos, d.end, "", msgBadDate, p.text[d.pos:d.end])
			continue
		}
		switch {
		case chosen == nil:
			chosen = d
		case d.day == chosen.day:
		case p.rangeBetween(chosen.end, d.pos):
			chosen = d // "từ 16h ngày 7/11 đến 16h ngày 8/11": the day it ends
		default:
			p.problem(d.pos, d.end, "", msgTwoDates, p.text[d.pos:d.end], chosen.day.Short(), d.day.Short())
		}
	}
	if chosen == nil {
		return p.today, false
	}
	window := p.opt.Window
	if window <= 0 {
		window = DefaultWindow
	}
	days := int(window / (24 * time.Hour))
	switch {
	case chosen.day.After(p.today):
		p.problem(chosen.pos, chosen.end, "", msgFutureDate, p.text[chosen.pos:chosen.end], chosen.day.Short())
	case p.today.Sub(chosen.day) > days:
		p.problem(chosen.pos, chosen.end, "", msgOldDate, p.text[chosen.pos:chosen.end], chosen.day.Short(), days)
	}
	return chosen.day, true
}

func (p *parser) rangeBetween(from, to int) bool {
	for _, r := range p.ranges {
		if r >= from && r < to {
			return true
		}
	}
	return false
}

// unit returns the unit named, refusing a message that names two.
func (p *parser) unit() (code, name string) {
	for k, u := range p.units {
		if k == 0 {
			code, name = u.code, u.name
			continue
		}
		if u.code != code {
			p.problem(u.pos, u.end, "", msgTwoUnits, p.text[u.pos:u.end], name, u.name)
		}
	}
	return code, name
}
