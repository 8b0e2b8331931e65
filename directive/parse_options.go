package directive

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
