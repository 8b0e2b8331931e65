package report

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// quotesNews decides what a message with news markers ("cả nước", "Bộ Y
// tế") is. The figures on a marker's line are another place's; a marker
// line without figures of its own heads the lines after it too. When
// every figure and every problem is another place's, the message quotes
// news and quotesNews reports true; when the message also has figures of
// its own, each news line is refused by name (its own problems replaced)
// so that nothing of another place is ever booked to the unit.
func (p *parser) quotesNews() bool {
	news := make([]int, p.lines) // the news marker over each line, +1; 0 for none
	valued := make([]bool, p.lines)
	for k := range p.items {
		if it := &p.items[k]; (it.kind == iNum || it.kind == iZero) && it.partner >= 0 {
			valued[p.toks[it.t0].line] = true
		}
	}
	for n, m := range p.news {
		l := p.toks[m[0]].line
		news[l] = n + 1
		if !valued[l] {
			for k := l + 1; k < p.lines; k++ {
				news[k] = n + 1
			}
		}
	}
	// a marker on a line with figures covers its sentence only: "cả nước
	// F0 15.000; xã ta F0 1" has figures of its own after the ';'
	sentence := make([][2]int, len(p.news))
	for n, m := range p.news {
		sentence[n] = p.sentenceAround(m[0])
	}
	newsAt := func(pos int) int {
		n := news[p.lineOf(pos)]
		if n == 0 || !valued[p.toks[p.news[n-1][0]].line] {
			return n
		}
		for k := range p.news {
			if sentence[k][0] <= pos && pos < sentence[k][1] {
				return k + 1
			}
		}
		return 0
	}
	own, other := false, false
	touched := make([]bool, len(p.news))
	for _, r := range p.recorded {
		if n := newsAt(r.pos); n > 0 {
			other, touched[n-1] = true, true
		} else {
			own = true
		}
	}
	kept := p.problems[:0]
	for _, pr := range p.problems {
		if n := newsAt(pr.Pos); n > 0 {
			other, touched[n-1] = true, true
			continue
		}
		own = true
		kept = append(kept, pr)
	}
	if !own {
		p.problems = p.problems[:0]
		return other
	}
	p.problems = kept
	for n, m := range p.news {
		if touched[n] {
			pos, end := p.toks[m[0]].pos, p.toks[m[1]].end
			p.problem(pos, end, "", msgNewsMixed, p.text[pos:end])
		}
	}
	return false
}

// sentenceAround returns the bytes of the sentence around token k: from
// the line break, ';' or sentence-ending '.' before it to the one after.
func (p *parser) sentenceAround(k int) [2]int {
	ends := func(j int) bool {
		t := &p.toks[j]
		return t.kind == tNewline || t.kind == tPunct && (t.r == ';' || t.r == '.' && (j+1 >= len(p.toks) || p.toks[j+1].space != spNone))
	}
	from, to := 0, len(p.text)
	for j := k - 1; j >= 0; j-- {
		if ends(j) {
			from = p.toks[j].end
			break
		}
	}
	for j := k + 1; j < len(p.toks); j++ {
		if ends(j) {
			to = p.toks[j].pos
			break
		}
	}
	return [2]int{from, to}
}

// around returns the text around bytes pos to end, with bytes that are not UTF-8
// shown as U+FFFD, for a reply that names where the damage is.
func (p *parser) around(pos, end int) string {
	from, to := max(0, pos-12), min(len(p.text), end+12)
	for from > 0 && from < len(p.text) && !utf8.RuneStart(p.text[from]) {
		from--
	}
	for to < len(p.text) && !utf8.RuneStart(p.text[to]) {
		to++
	}
	return strings.TrimSpace(strings.ToValidUTF8(p.text[from:to], "\uFFFD"))
}

// lineOf returns the line of byte offset pos.
func (p *parser) lineOf(pos int) int {
	k := sort.Search(len(p.toks), func(k int) bool { return p.toks[k].end > pos })
	if k == len(p.toks) {
		return p.lines - 1
	}
	return p.toks[k].line
}
