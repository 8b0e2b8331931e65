package report

import (
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
	iAside                       // an annotation left aside ("lũy kế", "âm tính")
	iOutside                     // a concept outside the data set ("người từ vùng dịch về")
)

// item is one recognised stretch. Dates, units, filler words, bullets and
// times are not items: they are recorded aside and do not stand between a
// label and its value.
type item struct {
	kind     itemKind
	unitLike bool // a label that is also a unit word ("mẫu" after a number)
	noun     bool // a label also written as the thing counted ("35 F1")
	neg      bool // written with a minus sign
	notInt   bool // a decimal number ("1,5")
	badNum   bool // digits and separators that make no number
	tooBig   bool // more digits than any count has
	percent  bool // followed by '%'
	grouped  bool // written with thousands separators
	spaced   bool // grouped by spaces ("12 500")
	consumed bool // a label repeated or a unit word after its value
	ofWhich  bool // a children's age group given as part of the doses before it: refused
	lost     bool // a dose after a group that is neither the heading's nor adults: refused
	absorbed bool // a name that is part of the next one ("mũi 1 trẻ 5-11 tuổi")
	named    bool // an aside or outside item that took in an element's name ("F0 lũy kế")
	aside    bool // a lone name in parentheses after a value
	// contextual is a name valid only in its group ("nhà" after "cách
	// ly"); without a value it is read as the word it also is ("nha", the
	// particle), not as a name missing its value.
	contextual bool
	zeroFirst  bool // a zero that may come before its name ("không có F0")
	ndigits    int  // digits of a plain number
	val        int64
	pos, end   int    // bytes in the text
	t0, t1     int    // first and last token
	pre        int    // unknown words: first token, counting filler words glued before
	partner    int    // index of the paired item, -1 when none
	code       string // element code (labels)
	group      string // group name (heads)
	concept    string // the concept of an aside or outside item
	into       string // a label under a collecting heading: the element its value counts into
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
		p.lineStart, p.unitOK = true, true
		return i + 1
	case tPunct:
		return p.punct(i)
	}
	if p.letterForZero(i) {
		// "F0: O": a number typed with a letter ("ổ" folds to "o" too)
		p.emit(item{kind: iNum, badNum: true, pos: t.pos, end: t.end, t0: i, t1: i})
		p.lineStart, p.unitOK = false, false
		return i + 1
	}
	if j, ok := p.adultAge(i); ok {
		// "người từ 18 tuổi trở lên", "trên 18 tuổi": adults, whose doses
		// no children's heading collects
		p.adults()
		p.fillerStart, p.fillerEnd = i, j-1
		return j
	}
	m := p.longest(i)
	if m.alias == nil && (m.ph == nil || m.ph.kind != vDateKw && m.ph.kind != vRelDay && m.ph.kind != vLead) && p.unitOK && p.opt.Units != nil {
		// a unit name may begin with a word that is also a phrase ("Ca
		// Thành", "Thu Lũm", "Nậm Nhùn"), never with an element name
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
	case lookAlike(p.text[t.pos:t.end]):
		// "l5", "O5": a number typed with letters
		p.emit(item{kind: iNum, badNum: true, pos: t.pos, end: t.end, t0: i, t1: i})
		p.lineStart, p.unitOK = false, false
		return i + 1
	}
	return p.unknown(i)
}

func (p *parser) emit(it item) {
	it.partner = -1
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
		if t.r == ',' || t.r == ';' || t.r == '&' {
			p.unitOK = true // "xã Bản Giang, xã Bản Hon": a second unit may follow
		}
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
