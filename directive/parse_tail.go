package directive

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

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
