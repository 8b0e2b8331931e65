package report

// Pairing gives each label its value. The message is cut into clauses at
// line breaks and clause punctuation; inside a clause, labels come before
// their values ("F0 3, F1 25") or after them ("3 F0, 25 F1"): the first
// label or number of the clause sets the order, the other order picks up
// what is left ("F0 3 25 F1"). Element names are paired first, unknown
// words only with the numbers no element took. A number left over that
// joins the next one as space-separated thousands ("12 500") is joined,
// and the clause paired again.

func (p *parser) pair() {
	for a := 0; a < len(p.items); {
		b := a
		for b < len(p.items) && p.items[b].kind != iBreak {
			b++
		}
		b = p.pairClause(a, b)
		a = b + 1
	}
}

// pairClause pairs items[a:b] and returns the clause's end, which moves
// when numbers are joined.
func (p *parser) pairClause(a, b int) int {
	if a == b {
		return b
	}
	for {
		for k := a; k < b; k++ {
			p.items[k].partner = -1
			p.items[k].consumed = false
		}
		valueFirst := false
	orient:
		for k := a; k < b; k++ {
			switch p.items[k].kind {
			case iLabel, iAside, iOutside:
				break orient
			case iNum:
				valueFirst = true
				break orient
			}
		}
		for _, known := range [...]bool{true, false} {
			if valueFirst {
				p.valueFirst(a, b, known)
				p.labelFirst(a, b, known)
			} else {
				p.labelFirst(a, b, known)
				p.valueFirst(a, b, known)
			}
		}
		var joined bool
		if b, joined = p.joinLeftovers(a, b); !joined {
			return b
		}
	}
}

// labelLike reports whether the item can take a value in this pass:
// element names, asides and outside concepts when known, unknown words and
// group heads otherwise.
func labelLike(it *item, known bool) bool {
	if known {
		return it.kind == iLabel || it.kind == iAside || it.kind == iOutside
	}
	return it.kind == iUnknown || it.kind == iHead
}

func free(it *item) bool { return it.partner < 0 && !it.consumed && !it.absorbed }

// labelFirst pairs "label [:=-] value".
func (p *parser) labelFirst(a, b int, known bool) {
	for k := a; k < b; k++ {
		it := &p.items[k]
		if !labelLike(it, known) || !free(it) {
			continue
		}
		m := k + 1
		for m < b && p.items[m].kind == iSep {
			m++
		}
		if m >= b {
			continue
		}
		v := &p.items[m]
		if (v.kind != iNum && v.kind != iZero) || !free(v) {
			continue
		}
		it.partner, v.partner = m, k
		if known && it.kind == iLabel {
			// "F0 3 ca mắc mới", "xét nghiệm 120 mẫu": a restated name or a
			// unit word after the value belongs to it.
			for q := m + 1; q < b; q++ {
				t := &p.items[q]
				if t.kind != iLabel || !free(t) || (t.code != it.code && !t.unitLike && !t.noun) || p.valueFollows(q, b) {
					break
				}
				t.consumed = true
			}
		}
		k = m
	}
}

// valueFollows reports whether the item at q is followed by a value, after
// optional separators.
func (p *parser) valueFollows(q, b int) bool {
	m := q + 1
	for m < b && p.items[m].kind == iSep {
		m++
	}
	return m < b && (p.items[m].kind == iNum || p.items[m].kind == iZero) && free(&p.items[m])
}

// valueFirst pairs "value label" ("3 F0", "120 mẫu", "5 mẫu PCR",
// "không có ca mắc mới").
func (p *parser) valueFirst(a, b int, known bool) {
	for k := a; k < b; k++ {
		v := &p.items[k]
		if !(v.kind == iNum || v.kind == iZero && v.zeroFirst) || !free(v) {
			continue
		}
		if k > a+1 && p.items[k-1].kind == iSep && p.items[k-2].kind != iNum && p.items[k-2].kind != iSep {
			continue // "F1: 25" is the label's
		}
		m := k + 1
		if m >= b || !labelLike(&p.items[m], known) || !free(&p.items[m]) {
			continue
		}
		if p.items[m].unitLike && k > a && p.items[k-1].kind == iNum {
			continue // "xn 12 500 mẫu": the unit word ends a number, it names nothing
		}
		if nx := &p.items[min(m+1, b-1)]; known && p.items[m].unitLike && m+1 < b && free(nx) &&
			(nx.kind == iLabel && !nx.unitLike || nx.kind == iAside || nx.kind == iOutside) {
			// "5 mẫu PCR", "98 mẫu chưa có kết quả": the unit, then the name
			p.items[m].consumed = true
			m++
		}
		p.items[m].partner, v.partner = k, m
		k = m
	}
}

// joinLeftovers joins, in one sweep, every pair of neighbouring numbers
// of the clause items[a:b] that reads as space-separated thousands and of
// which one was left over. It returns the clause's new end and whether
// anything was joined.
func (p *parser) joinLeftovers(a, b int) (int, bool) {
	w := a
	joined := false
	for k := a; k < b; k++ {
		if w > a && p.joinable(&p.items[w-1], &p.items[k]) {
			l, r := &p.items[w-1], &p.items[k]
			l.val = l.val*1000 + r.val
			l.end, l.t1 = r.end, r.t1
			l.grouped, l.spaced = true, true
			l.percent = r.percent
			l.tooBig = l.val > 1e15
			if free(r) {
				l.partner = -1 // the joined number is left over too
			}
			joined = true
			continue
		}
		p.items[w] = p.items[k]
		w++
	}
	if !joined {
		return b, false
	}
	p.items = append(p.items[:w], p.items[b:]...)
	return w, true
}

// joinable reports whether numbers l and r, neighbours, read as one number
// written with a space between thousands ("12 500"), and one of them was
// left over by the pairing.
func (p *parser) joinable(l, r *item) bool {
	switch {
	case l.kind != iNum || r.kind != iNum || (!free(l) && !free(r)):
		return false
	case l.neg || r.neg || l.percent || l.notInt || l.badNum || l.tooBig || r.notInt || r.badNum || r.tooBig:
		return false
	case r.grouped || r.ndigits != 3:
		return false // the right part is exactly three digits
	case l.grouped && !l.spaced || !l.grouped && (l.ndigits == 0 || l.ndigits > 3):
		return false // "1.200 500": dots and spaces do not mix
	}
	return r.t0 == l.t1+1 && p.toks[r.t0].space == spOne // one space, nothing else
}
