package directive

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ParseOptions reads the text a lead wrote after /chidao: it finds the
// options, takes them out, and returns the rest as the body to broadcast.
// Matching ignores diacritics and case ("han 16h thu sau" = "Hạn 16h thứ
// Sáu"); the body keeps the text as written. Deadlines are computed from
// now, in now's location (pass a time in Asia/Ho_Chi_Minh). Problems are
// what cannot be accepted; a caller sends nothing while there are any.
//
// # Where options are read
//
// An option is read only where it stands as a clause of its own: from the
// start of the text or after a clause break, up to the end of the text or
// the next clause break. Several options may share a clause, separated by
// spaces ("1 cấp hạn 16h thứ Sáu bc kq: …"). A clause break is a line
// break, one of . , ; : ! ? ( ) [ ], or a dash between spaces; a list item
// marker (- + * •) may start a clause. A clause that is not made only of
// options is body text and is kept whole, so "Yêu cầu các xã báo cáo kết
// quả trong 12 giờ" stays a sentence of the body, while "Các xã, hạn 16h
// thứ Sáu: …" or "… tiêm chủng. Số 2468/UBND-VX. Yêu cầu báo cáo kết quả."
// carry options.
//
// # Options
//
//   - Target (default: the whole subtree): "1 cấp", "cấp dưới trực tiếp",
//     "đơn vị trực thuộc" → direct children; "các xã", "tất cả xã",
//     "các xã, phường, thị trấn", "cấp huyện" → the units of those levels;
//     "gửi: xã A, xã B" or "đến: 03418, 03421" (or "gửi 03418, 03421",
//     codes only) → the units named; a list runs to the end of its clause
//     (commas and "và" separate names; "TP." and other one- or two-letter
//     abbreviations do not end it), or to the next option.
//   - Deadline: "hạn", "thời hạn", "hạn chót" or "trước", then a time and/or
//     a day in either order — "16h", "16h30", "16 giờ 30", "16:30", "4 giờ
//     chiều"; "thứ Sáu", "thứ 6", "T6", "Chủ nhật" (with "tuần này" or
//     "tuần sau" if wanted), "hôm nay", "ngày mai", "ngày kia", "20/11",
//     "20/11/2021", "ngày 20 tháng 11". Relative: "trong 12 giờ", "trong 2
//     ngày", "trong vòng 30 phút", "trong 1 tuần". A day without a time is
//     17:00 of that day (close of office hours). The rules are in
//     resolveDeadline.
//   - Reference number: "Số 2468/UBND-VX", "số: 123/BCĐ" (a number, then
//     at least one /part).
//   - Result required: "yêu cầu báo cáo kết quả", "báo cáo kết quả",
//     "bc kq".
//
// A text with only options (or nothing) has an empty body, which is a
// problem: /chidao without text is for listing directives, and the caller
// checks for it before parsing.
func ParseOptions(text string, now time.Time) (Draft, []Problem) {
	p := &parser{f: foldText(text), now: now}
	p.run()
	if p.targetAt == nil {
		for _, a := range p.ambiguous[:min(len(p.ambiguous), 1)] {
			p.problem(a[0], a[1], fmt.Sprintf(msgTargetAmbiguous, strings.TrimSpace(p.f.original(a[0], a[1]))))
		}
	}
	p.draft.Body = p.body()
	if p.draft.Body == "" {
		p.problem(0, len(p.f.s), msgEmptyBody)
	}
	return p.draft, p.problems
}

type parser struct {
	f        folded
	now      time.Time
	draft    Draft
	problems []Problem
	removed  [][2]int // folded offsets of the option clauses taken out

	// ambiguous are target phrases that end the text after a preposition
	// (folded offsets): asked about unless a target is given elsewhere.
	ambiguous [][2]int
	// tails memoises tailFrom, by folded offset.
	tails map[int]tailLink

	// The first option of each kind, for "given twice" problems.
	targetAt, deadlineAt, refAt *option
}

// option is one option found at folded offsets [start, end).
type option struct {
	kind       OptionKind
	start, end int
	target     Target
	deadline   time.Time
	problem    string // why the option's value cannot be accepted
	ref        string
}

func (p *parser) run() {
	s := p.f.s
	pos := 0
	for pos < len(s) {
		pos = skipSpace(s, pos, true)
		if pos >= len(s) {
			break
		}
		start := pos
		q := skipBullet(s, pos)
		if opts, end, ok := p.chain(q); ok {
			stop := p.removeClause(start, end)
			for i := range opts {
				p.apply(&opts[i])
			}
			pos = stop
			continue
		}
		b := nextBreak(s, pos)
		if t, ok := p.tail(q); ok {
			// "Rà soát F1 gửi: xã Bản Giang xã Thèn Sin", "Tiêm vét
			// trong 12 giờ 1 cấp": options from here to the end of the
			// text, with or without punctuation between them.
			p.removed = append(p.removed, [2]int{prevNonSpace(s, t.at) + 1, len(s)})
			for i := range t.opts {
				p.apply(&t.opts[i])
			}
			pos = len(s)
			continue
		}
		if t, ok := p.trailing(q, b); ok {
			// "Tăng cường truy vết F1 hạn 17h hôm nay": the clause's
			// text stays, the deadline (and what follows it) goes.
			// The break after it stays with the body's sentence.
			p.removed = append(p.removed, [2]int{prevNonSpace(s, t.at) + 1, t.end})
			for i := range t.opts {
				p.apply(&t.opts[i])
			}
			pos = t.end
			continue
		}
		p.checkUnclear(q)
		if strings.Trim(s[b:], " \n.!?;,") == "" {
			p.checkUnclearTarget(q, b)
		}
		if b >= len(s) {
			break
		}
		pos = b + max(breakLen(s, b), 1)
	}
}

// apply folds one option into the draft.
func (p *parser) apply(o *option) {
	p.draft.Options = append(p.draft.Options, Span{Kind: o.kind, Start: p.f.off[o.start], End: p.f.off[o.end]})
	if o.problem != "" {
		p.problem(o.start, o.end, o.problem)
		return
	}
	switch o.kind {
	case OptionResult:
		p.draft.ResultRequired = true
	case OptionRef:
		if p.refAt != nil && !strings.EqualFold(p.draft.Ref, o.ref) {
			p.problem(o.start, o.end, fmt.Sprintf(msgRefTwice, p.draft.Ref, o.ref))
			return
		}
		if p.refAt == nil {
			p.refAt, p.draft.Ref = o, o.ref
		}
	case OptionDeadline:
		if p.deadlineAt != nil && !p.draft.Deadline.Equal(o.deadline) {
			p.problem(o.start, o.end, fmt.Sprintf(msgDeadlineTwice, p.text(p.deadlineAt), p.text(o)))
			return
		}
		if p.deadlineAt == nil {
			p.deadlineAt, p.draft.Deadline = o, o.deadline
		}
	case OptionTarget:
		p.applyTarget(o)
	}
}

func (p *parser) applyTarget(o *option) {
	t := &p.draft.Target
	if p.targetAt == nil {
		p.targetAt, *t = o, o.target
		return
	}
	switch {
	case t.Kind != o.target.Kind:
		p.problem(o.start, o.end, fmt.Sprintf(msgTargetTwice, p.text(p.targetAt), p.text(o)))
	case t.Kind == TargetUnits:
		for _, n := range o.target.Names {
			t.Names = appendNewFold(t.Names, n)
		}
	case t.Kind == TargetLevel:
		for _, l := range o.target.Levels {
			t.Levels = appendNew(t.Levels, l)
		}
	}
}

// checkUnclear reports a clause that starts like a deadline ("hạn 16h…",
// "hạn: …") but is not one: better to ask than to send without it.
func (p *parser) checkUnclear(pos int) {
	s := p.f.s
	if m := unclearDeadlineRe.FindStringIndex(s[pos:]); m != nil {
		end := nextBreak(s, pos)
		if end < len(s) && s[end] == ':' && end < pos+m[1] { // the colon of "hạn:"
			end = nextBreak(s, end+1)
		}
		for end > pos && s[end-1] == ' ' {
			end--
		}
		p.problem(pos, end, fmt.Sprintf(msgDeadlineUnclear, strings.TrimSpace(p.f.original(pos, end))))
	}
}

// checkUnclearTarget reports, in the last clause of the text (from pos,
// not read as options), what looks like a target but cannot be read as
// one: "gửi Bản Giang" (a name without its type word), "2 cấp", "các xã
// thuộc huyện Tân Uyên", "các xã trừ xã Bản Bo". Sent as it is, the
// directive would go to the whole subtree.
func (p *parser) checkUnclearTarget(pos, end int) {
	s := p.f.s[:end]
	for i := pos; i < len(s); i++ {
		if i > pos && s[i-1] != ' ' || s[i] == ' ' {
			continue
		}
		m := unclearTargetRe.FindStringSubmatchIndex(s[i:])
		if m == nil {
			continue
		}
		if m[2] >= 0 {
			// "gửi" then a word: a target only when the word is a
			// capitalised name ("gửi Bản Giang", not "gửi danh sách").
			r, _ := utf8.DecodeRuneInString(p.f.orig[p.f.off[i+m[2]]:])
			if !unicode.IsUpper(r) {
				continue
			}
		}
		e := trimEnd(s, end)
		p.problem(i, e, fmt.Sprintf(msgTargetUnclear, strings.TrimSpace(p.f.original(i, e))))
		return
	}
}

// problem records a problem about folded offsets [start, end).
func (p *parser) problem(start, end int, msg string) {
	p.problems = append(p.problems, Problem{Start: p.f.off[start], End: p.f.off[end], Message: msg})
}

// text is the option as written.
func (p *parser) text(o *option) string { return strings.TrimSpace(p.f.original(o.start, o.end)) }

// body is the original text without the option clauses, tidied where
// they were cut out.
func (p *parser) body() string {
	if len(p.removed) == 0 {
		return strings.TrimSpace(p.f.orig)
	}
	var b strings.Builder
	last := 0
	for _, r := range p.removed {
		from, to := p.f.off[r[0]], p.f.off[r[1]]
		if from > last {
			b.WriteString(p.f.orig[last:from])
		}
		last = max(last, to)
	}
	b.WriteString(p.f.orig[last:])
	body := b.String()
	for strings.Contains(body, "\n\n\n") {
		body = strings.ReplaceAll(body, "\n\n\n", "\n\n")
	}
	body = strings.TrimLeft(body, " \t\r\n,;:.")
	body = strings.TrimRightFunc(body, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—", r)
	})
	return body
}
