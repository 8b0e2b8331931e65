package directive

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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

// trailed is a chain of options that ends a clause after body text.
type trailed struct {
	at, end int // where the chain starts and ends
	opts    []option
}

// trailing finds, in the clause [pos, brk) that does not start with
// options, a deadline that ends it after the body text, with or without a
// comma before it: "Tăng cường truy vết F1 hạn 17h hôm nay", "… thời hạn
// trước 16h thứ Sáu 1 cấp". Only a deadline word opens such a chain
// ("hạn", "thời hạn", "hạn chót", "hạn cuối"), and not after a word that
// makes "hạn" a noun of the sentence ("giới hạn 16 người", "quá hạn 2
// ngày"). A deadline word followed by what is not a deadline is a
// problem: better to ask than to send without it.
func (p *parser) trailing(pos, brk int) (trailed, bool) {
	s := p.f.s
	for i := pos + 1; i < brk; i++ {
		if s[i-1] != ' ' {
			continue
		}
		m := trailingDeadlineRe.FindStringIndex(s[i:brk])
		if m == nil || nounBeforeHan(s, i) {
			continue
		}
		opts, end, ok := p.chain(i)
		if ok && skipSpace(s, end, false) >= brk {
			return trailed{at: i, end: end, opts: opts}, true
		}
		if unclearDeadlineRe.MatchString(s[i:brk]) {
			e := brk
			for e > i && s[e-1] == ' ' {
				e--
			}
			p.problem(i, e, fmt.Sprintf(msgDeadlineUnclear, strings.TrimSpace(p.f.original(i, e))))
			return trailed{}, false
		}
		if e := trimEnd(s, brk); brk >= len(s) && !nounAfterHan(s[i:e]) && len(strings.Fields(s[i:e])) <= 4 {
			// "Rà soát F1 hạn gấp": a deadline word near the end of
			// the text, followed by what is not a deadline.
			p.problem(i, e, fmt.Sprintf(msgDeadlineUnclear, strings.TrimSpace(p.f.original(i, e))))
			return trailed{}, false
		}
	}
	return trailed{}, false
}

// nounAfterHan reports whether the deadline word that starts s is the
// start of another noun ("hạn mức", "hạn chế", "hạn ngạch", "hạn hán").
func nounAfterHan(s string) bool {
	f := strings.Fields(s)
	return len(f) >= 2 && f[0] == "han" && slices.Contains([]string{"muc", "che", "ngach", "han", "dinh"}, f[1])
}

// tail finds, in the text from pos (a clause that does not start with
// options), the first word after which everything to the end of the text
// is options, separated by spaces or clause breaks: "Khẩn trương truy vết
// gửi: phường Tân Phong, xã Bản Bo hạn 17h hôm nay", "Rà soát người về từ
// vùng dịch chỉ các phường", "Tăng cường truy vết trong 12 giờ, 1 cấp".
// Officials end a dispatch with its options; a tail that could as well be
// the end of the sentence ("Hỗ trợ vật tư cho các xã", "theo Công văn số
// 12/UBND") is not taken, and a target read that way is asked about
// (ambiguous) unless the text names its target elsewhere.
func (p *parser) tail(pos int) (trailed, bool) {
	s := p.f.s
	for i := pos + 1; i < len(s); i++ {
		if s[i-1] != ' ' || s[i] == ' ' {
			continue
		}
		opts, end, ok := p.tailChain(i)
		if !ok {
			continue
		}
		switch opts[0].kind {
		case OptionDeadline:
			if nounBeforeHan(s, i) {
				continue
			}
		case OptionRef:
			if p.wordBefore(i, refNouns) {
				continue
			}
		case OptionTarget:
			if wholeRe.MatchString(s[i:]) {
				// "Kiểm tra toàn bộ chốt", "Phun khử khuẩn mọi thôn":
				// the object of the sentence, not where it goes.
				continue
			}
			if p.wordBefore(i, prepositions) {
				p.ambiguous = append(p.ambiguous, [2]int{prevWordStart(s, i), trimEnd(s, opts[0].end)})
				continue
			}
		}
		return trailed{at: i, end: end, opts: opts}, true
	}
	return trailed{}, false
}

// tailChain reads options from pos to the end of the text, separated by
// spaces or clause breaks; it returns them and the end of the last one.
// What was read from each offset is kept, so trying every word of a long
// text stays linear.
func (p *parser) tailChain(pos int) ([]option, int, bool) {
	if !p.tailFrom(pos) {
		return nil, 0, false
	}
	var opts []option
	for at := pos; at >= 0; at = p.tails[at].next {
		opts = append(opts, p.tails[at].o)
	}
	return opts, opts[len(opts)-1].end, true
}

// tailLink is what tailFrom read at an offset: the option there and the
// offset of the next one (-1 at the end of the text).
type tailLink struct {
	o    option
	next int
	ok   bool
}

// tailFrom reports whether the text from pos to its end is only options.
func (p *parser) tailFrom(pos int) bool {
	if l, ok := p.tails[pos]; ok {
		return l.ok
	}
	if p.tails == nil {
		p.tails = map[int]tailLink{}
	}
	s := p.f.s
	l := tailLink{next: -1}
	if o, ok := p.option(pos, true); ok {
		l.o = o
		j := o.end
		for j < len(s) {
			if s[j] == ' ' || s[j] == '\n' {
				j++
			} else if n := breakLen(s, j); n > 0 {
				j += n
			} else {
				break
			}
		}
		switch {
		case j >= len(s):
			l.ok = true
		case j > o.end:
			l.next = skipBullet(s, j)
			l.ok = p.tailFrom(l.next)
		}
	}
	p.tails[pos] = l
	return l.ok
}

// prepositions make a level or unit phrase after them part of the
// sentence ("cho các xã", "tại các phường"); refNouns make a number after
// them the citation of another document ("Công văn số 12/UBND"). They are
// compared with diacritics, where the folded forms collide with nouns
// ("chợ" is not "cho"); a word written without any diacritics matches
// their folded form.
var (
	prepositions = []string{"cho", "tại", "ở", "với", "của", "về", "từ", "giữa", "trong", "như", "cùng", "theo", "những", "mọi"}
	refNouns     = []string{"văn", "định", "thị", "báo", "hoạch", "điện", "tư", "quyết", "lệnh", "theo", "lục", "của", "tại"}
)

// wordBefore reports whether the word before folded offset i is one of
// words.
func (p *parser) wordBefore(i int, words []string) bool {
	s := p.f.s
	j := prevNonSpace(s, i)
	if j < 0 {
		return false
	}
	w := strings.ToLower(norm.NFC.String(p.f.original(prevWordStart(s, i), j+1)))
	plain := w == s[prevWordStart(s, i):j+1]
	for _, x := range words {
		if w == x || plain && w == foldText(x).s {
			return true
		}
	}
	return false
}

// prevWordStart is the offset of the word before offset i.
func prevWordStart(s string, i int) int {
	k := prevNonSpace(s, i)
	for k >= 0 && s[k] != ' ' && s[k] != '\n' {
		k--
	}
	return k + 1
}

// trimEnd steps back over spaces before i.
func trimEnd(s string, i int) int {
	for i > 0 && s[i-1] == ' ' {
		i--
	}
	return i
}

// nounBeforeHan reports whether the word before offset i makes the "hạn"
// at i part of a noun ("giới hạn", "quá hạn", "kỳ hạn", "có hạn"…).
func nounBeforeHan(s string, i int) bool {
	j := prevNonSpace(s, i)
	k := j
	for k >= 0 && s[k] != ' ' {
		k--
	}
	if j < 0 {
		return false
	}
	switch s[k+1 : j+1] {
	case "gioi", "qua", "ky", "co", "quyen", "dai", "ngan", "trung", "het", "vo",
		"trong", "dung", "truoc", "sau", "gia", "dao", "thoi":
		return true
	}
	return false
}

// removeClause records that the option clause [start, end) goes, with the
// break that ends it and the spaces after, and brackets around it.
func (p *parser) removeClause(start, end int) int {
	s := p.f.s
	brk := skipSpace(s, end, false)
	stop := brk
	closer := byte(0)
	if n := breakLen(s, brk); n > 0 && s[brk] != '(' && s[brk] != '[' {
		closer = s[brk]
		stop = skipSpace(s, brk+n, false)
	}
	if closer == ')' || closer == ']' {
		open := byte('(')
		if closer == ']' {
			open = '['
		}
		if o := prevNonSpace(s, start); o >= 0 && s[o] == open {
			start = o
		}
	}
	p.removed = append(p.removed, [2]int{start, stop})
	return stop
}

// chain reads a clause made only of options, from pos. It returns the
// options and the end of the last one.
func (p *parser) chain(pos int) ([]option, int, bool) {
	s := p.f.s
	var opts []option
	for {
		o, ok := p.option(pos, true)
		if !ok {
			return nil, 0, false
		}
		opts = append(opts, o)
		q := skipSpace(s, o.end, false)
		if q >= len(s) || breakLen(s, q) > 0 {
			return opts, o.end, true
		}
		if q == o.end {
			return nil, 0, false
		}
		pos = q
	}
}

// option reads one option starting exactly at pos. Unit lists are read
// only when lists is true (not inside another list).
func (p *parser) option(pos int, lists bool) (option, bool) {
	s := p.f.s[pos:]
	o, ok := p.matchOption(s, pos, lists)
	if !ok || !wordEnd(p.f.s, o.end) {
		return option{}, false
	}
	return o, true
}

func (p *parser) matchOption(s string, pos int, lists bool) (option, bool) {
	if m := refRe.FindStringSubmatchIndex(s); m != nil {
		vs, ve := pos+m[2], pos+m[3]
		for ve > vs && strings.IndexByte(".-_", p.f.s[ve-1]) >= 0 {
			ve--
		}
		return option{kind: OptionRef, start: pos, end: ve, ref: p.f.original(vs, ve)}, true
	}
	if m := resultRe.FindStringIndex(s); m != nil {
		return option{kind: OptionResult, start: pos, end: pos + m[1]}, true
	}
	if o, ok := p.matchDeadline(s, pos); ok {
		return o, true
	}
	if m := childrenRe.FindStringIndex(s); m != nil {
		return option{kind: OptionTarget, start: pos, end: pos + m[1], target: Target{Kind: TargetChildren}}, true
	}
	if m := levelRe.FindStringSubmatchIndex(s); m != nil {
		words := levelWordRe.FindAllString(s[m[4]:m[1]], -1)
		// "chỉ các phường": that type, and only it; "các phường, xã":
		// the types named.
		only := m[2] >= 0 || len(words) > 1
		var levels []string
		for _, w := range words {
			w = strings.Join(strings.Fields(w), " ")
			if tier, ok := tierWords[w]; ok && !only {
				// "các xã", "cấp xã": the commune level — xã, phường and
				// thị trấn — as officials mean it; likewise "các huyện".
				w = tier
			}
			levels = appendNew(levels, w)
		}
		return option{kind: OptionTarget, start: pos, end: pos + m[1], target: Target{Kind: TargetLevel, Levels: levels}}, true
	}
	if m := allRe.FindStringIndex(s); m != nil {
		return option{kind: OptionTarget, start: pos, end: pos + m[1], target: Target{Kind: TargetAll}}, true
	}
	if lists {
		return p.matchUnits(s, pos)
	}
	return option{}, false
}

// matchUnits reads "gửi: name, name…" or "gửi 03418, 03421".
func (p *parser) matchUnits(s string, pos int) (option, bool) {
	codesOnly := false
	m := unitsColonRe.FindStringIndex(s)
	if m == nil {
		m = unitsCodesRe.FindStringIndex(s)
		if m == nil || m[1] >= len(s) {
			return option{}, false
		}
		// "gửi 03418, 03421" (codes only) or "gửi xã Mường Khoa" (names
		// that start with their type word).
		lm := levelWordAtRe.FindStringIndex(s[m[1]:])
		switch {
		case isDigit(s[m[1]]):
			codesOnly = true
		case lm == nil || !nameFollows(s, m[1]+lm[1]):
			return option{}, false
		}
	}
	names, end := p.unitList(pos + m[1])
	if codesOnly && !allCodes(names) {
		return option{}, false
	}
	o := option{kind: OptionTarget, start: pos, end: end, target: Target{Kind: TargetUnits, Names: names}}
	if len(names) == 0 {
		o.end = pos + m[1]
		for o.end > pos && (p.f.s[o.end-1] == ' ' || p.f.s[o.end-1] == ':') {
			o.end--
		}
		o.problem = fmt.Sprintf(msgTargetEmptyUnits, strings.TrimSpace(p.f.original(o.start, o.end)))
	}
	return o, true
}

// unitList reads names from pos to the end of the list; it returns them as
// written and the folded offset where the list ends.
func (p *parser) unitList(pos int) ([]string, int) {
	s := p.f.s
	var names []string
	itemStart, end := pos, pos
	flush := func(to int) {
		if n := strings.TrimSpace(p.f.original(itemStart, to)); n != "" {
			for _, name := range splitCodes(n) {
				names = appendNewFold(names, name)
			}
			end = to
			for end > itemStart && s[end-1] == ' ' {
				end--
			}
		}
	}
	i := pos
loop:
	for i < len(s) {
		c := s[i]
		switch {
		case c == ',':
			flush(i)
			i++
			itemStart = i
			continue
		case c == '.':
			if isDigitAt(s, i-1) && isDigitAt(s, i+1) || abbreviationBefore(s, i) {
				i++
				continue
			}
			break loop
		case strings.IndexByte("\n;:()[]!?", c) >= 0:
			break loop
		case i > pos && s[i-1] == ' ' && c != ' ':
			if dashBreak(s, i) > 0 {
				break loop
			}
			if strings.HasPrefix(s[i:], "va ") || s[i:] == "va" {
				flush(i)
				i += 2
				itemStart = i
				continue
			}
			if _, ok := p.option(i, false); ok || unitsColonRe.MatchString(s[i:]) {
				break loop
			}
			if m := levelWordAtRe.FindStringIndex(s[i:]); m != nil {
				// "xã Bản Giang xã Thèn Sin": a type word after a name
				// starts the next one; "thị xã", "xã Xá Lượng" do not.
				if len(strings.Fields(s[itemStart:i])) >= 2 && nameFollows(s, i+m[1]) {
					flush(i)
					itemStart = i
				}
				i += m[1]
				continue
			}
		}
		i++
	}
	flush(i)
	return names, end
}

// nameFollows reports whether a word follows offset i on the same line.
func nameFollows(s string, i int) bool {
	if i >= len(s) || s[i] != ' ' {
		return false
	}
	i = skipSpace(s, i, false)
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r)
}

// splitCodes splits an item made only of codes and spaces ("03418 03421")
// into the codes; any other item comes back whole.
func splitCodes(item string) []string {
	codes := strings.Fields(item)
	if len(codes) > 1 && allCodes(codes) {
		return codes
	}
	return []string{item}
}

// allCodes reports whether every name is a code (digits only).
func allCodes(names []string) bool {
	for _, n := range names {
		if n == "" || strings.TrimFunc(n, unicode.IsDigit) != "" {
			return false
		}
	}
	return true
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

// Lexical helpers on the folded text.

func skipSpace(s string, i int, newlines bool) int {
	for i < len(s) && (s[i] == ' ' || newlines && s[i] == '\n') {
		i++
	}
	return i
}

func prevNonSpace(s string, i int) int {
	for i--; i >= 0 && s[i] == ' '; i-- {
	}
	return i
}

// skipBullet steps over a list item marker at a clause start.
func skipBullet(s string, i int) int {
	for _, b := range []string{"-", "+", "*", "•", "–"} {
		if strings.HasPrefix(s[i:], b+" ") {
			return skipSpace(s, i+len(b), false)
		}
	}
	return i
}

// breakLen returns the length of the clause break at i, or 0.
func breakLen(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	switch c := s[i]; c {
	case '\n', ',', ';', '!', '?', '(', ')', '[', ']':
		return 1
	case '.', ':':
		if isDigitAt(s, i-1) && isDigitAt(s, i+1) {
			return 0 // 1.200, 16:30
		}
		return 1
	}
	return dashBreak(s, i)
}

// dashBreak returns the length of a dash standing between spaces at i.
func dashBreak(s string, i int) int {
	if i == 0 || s[i-1] != ' ' {
		return 0
	}
	for _, d := range []string{"-", "–", "—"} {
		if strings.HasPrefix(s[i:], d) && (i+len(d) == len(s) || s[i+len(d)] == ' ') {
			return len(d)
		}
	}
	return 0
}

// nextBreak returns the offset of the next clause break at or after i, or
// len(s).
func nextBreak(s string, i int) int {
	for ; i < len(s); i++ {
		if breakLen(s, i) > 0 {
			return i
		}
	}
	return len(s)
}

// abbreviationBefore reports whether the dot at i ends a word of one or
// two letters that abbreviates a type word ("TP.", "Q.", "TX."), which
// does not end a unit name; "xã Bản Bo." ends it.
func abbreviationBefore(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && 'a' <= s[j] && s[j] <= 'z'; j-- {
		n++
	}
	start := i - n
	return n >= 1 && n <= 2 && (start == 0 || s[start-1] == ' ' || s[start-1] == ',') && abbreviations[s[start:i]]
}

// abbreviations are the type words officials shorten in unit names:
// thành phố, thị xã, thị trấn, quận, phường, huyện, xã.
var abbreviations = map[string]bool{"tp": true, "tx": true, "tt": true, "q": true, "p": true, "h": true, "x": true}

// wordEnd reports whether offset i does not split a word.
func wordEnd(s string, i int) bool {
	if i <= 0 || i >= len(s) {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i:])
	return !(isWordRune(prev) && isWordRune(next))
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigitAt(s string, i int) bool { return i >= 0 && i < len(s) && isDigit(s[i]) }

// appendNew appends v unless present.
func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// appendNewFold appends a name unless the same name (folded) is present.
func appendNewFold(list []string, v string) []string {
	fv := foldText(v).s
	for _, x := range list {
		if foldText(x).s == fv {
			return list
		}
	}
	return append(list, v)
}

// tierWords are the level words that, unless "chỉ" restricts them to the
// type, name a whole tier: "các xã" is every commune-level unit (xã,
// phường, thị trấn, đặc khu), "các huyện" every district-level one.
var tierWords = map[string]string{"xa": TierCommune, "huyen": TierDistrict, "tinh": TierProvince}

// The grammar, on folded text (lower case ASCII for Vietnamese, single
// spaces for any run of horizontal space).
const (
	targetVerb = `(?:(?:gui|chuyen)(?: +(?:den|toi|cho))?|den|toi) *:? *`
	levelWord  = `(?:thi +tran|thi +xa|thanh +pho|dac +khu|xa|phuong|huyen|quan|tinh|chot|thon|ap)\b`
)

var (
	refRe    = regexp.MustCompile(`^so(?: +hieu)? *[:.]? *(\d[0-9a-z]*(?:/[0-9a-z][0-9a-z.\-_]*)+)`)
	resultRe = regexp.MustCompile(`^(?:(?:yeu +cau|de +nghi|can|co|phai|bat +buoc) +)?(?:gui +)?(?:bao +cao|bc) *(?:ket +qua|kq)\b`)

	childrenRe = regexp.MustCompile(`^(?:` + targetVerb + `)?(?:(?:1|mot) +cap(?: +duoi)?(?: +truc +tiep)?|cap +duoi +truc +tiep|(?:cac +)?don +vi +truc +thuoc)\b`)
	allRe      = regexp.MustCompile(`^(?:` + targetVerb + `)?(?:(?:tat +ca|toan +bo)(?: +cac)? +(?:don +vi|cap +duoi)|toan +bo|tat +ca|toan +he +thong)\b`)
	levelRe    = regexp.MustCompile(`^(?:` + targetVerb + `)?(?:(chi) +(?:cac +)?|(?:cac|tat +ca(?: +cac)?|toan +bo(?: +cac)?|moi|cap) +)(` + levelWord + `(?: *(?:,|/|\bva\b) *` + levelWord + `)*)`)
	// levelWordRe finds the level words in a matched level phrase.
	levelWordRe   = regexp.MustCompile(`\b` + levelWord)
	levelWordAtRe = regexp.MustCompile(`^` + levelWord)
	unitsColonRe  = regexp.MustCompile(`^(?:gui(?: +(?:den|toi|cho))?|den|toi|noi +nhan|don +vi +nhan) *: *`)
	unitsCodesRe  = regexp.MustCompile(`^(?:gui(?: +(?:den|toi|cho))?|den|toi) +`)

	// unclearTargetRe is what looks like a target but is not one the
	// parser reads (group 1: the word after "gửi").
	unclearTargetRe = regexp.MustCompile(`^(?:gui(?: +(?:den|toi|cho))? +([a-z0-9])|(?:[02-9]|\d\d+|hai|ba|bon) +cap(?: +duoi)?(?: +truc +tiep)? *$|(?:cac|chi +cac|cap|tat +ca +cac|toan +bo +cac) +` + levelWord + `(?: +[a-z0-9]+)*? +(?:tru|ngoai +tru|thuoc|khong +ke|o +huyen|o +tinh)\b)`)

	// wholeRe opens a target phrase that, ending a sentence, is its
	// object ("toàn bộ chốt", "tất cả các thôn", "mọi xã").
	wholeRe = regexp.MustCompile(`^(?:tat +ca|toan +bo|toan +he +thong|moi)\b`)

	// trailingDeadlineRe opens a deadline that ends a clause of body text.
	trailingDeadlineRe = regexp.MustCompile(`^(?:thoi +han|han +chot|han +cuoi|han)\b`)

	unclearDeadlineRe = regexp.MustCompile(`^(?:thoi +han|han +chot|han +cuoi|han)\b(?: *:| +(?:\d|thu\b|ngay\b|hom\b|trong\b|truoc\b|luc\b))`)
)
