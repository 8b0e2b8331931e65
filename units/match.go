package units

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/chihuy/chihuy/vntext"
)

// token is one word of a text: its folded form and its byte span.
type token struct {
	key        string
	start, end int
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', 'ʻ', '`', '´':
		return true
	}
	return false
}

// tokenize splits text into folded words: runs of letters and digits
// (combining marks are dropped, as vntext.Fold does). An apostrophe joins
// the words around it when nothing separates it from the next word
// ("M'gar" → "mgar") or when the word before it has at most two letters,
// as in the names of the Central Highlands ("K' Dang" → "kdang"). Any other
// character separates words. At most limit tokens are returned; limit <= 0
// means all.
func tokenize(text string, limit int) []token { return split(text, limit, true) }

// split is tokenize; without fold, words keep their diacritics (lower
// case, combining marks kept) for exactForm.
func split(text string, limit int, fold bool) []token {
	var (
		toks    []token
		key     []byte
		start   = -1 // start of the word being read; -1 between words
		end     int
		letters int  // runes in the word being read
		lastLen int  // runes in the last finished word
		apos    bool // an apostrophe followed the last finished word
		spaced  bool // whitespace came after that apostrophe
	)
	finish := func() bool {
		if start >= 0 {
			toks = append(toks, token{key: string(key), start: start, end: end})
			lastLen, start = letters, -1
		}
		return limit > 0 && len(toks) >= limit
	}
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				if apos && len(toks) > 0 && (!spaced || lastLen <= 2) {
					last := toks[len(toks)-1]
					toks = toks[:len(toks)-1]
					key = append(key[:0], last.key...)
					start, letters = last.start, lastLen
				} else {
					key, start, letters = key[:0], i, 0
				}
				apos, spaced = false, false
			}
			if fold {
				key = utf8.AppendRune(key, vntext.FoldRune(r))
			} else {
				key = utf8.AppendRune(key, unicode.ToLower(r))
			}
			letters++
			end = i + w
		case unicode.Is(unicode.Mn, r):
			if start >= 0 {
				end = i + w
				if !fold {
					key = utf8.AppendRune(key, r)
				}
			}
		case isApostrophe(r):
			// The word may go on after the apostrophe: no limit check here.
			wasInWord := start >= 0
			finish()
			apos, spaced = wasInWord, false
		case unicode.IsSpace(r):
			if finish() {
				return toks
			}
			spaced = true
		default:
			if finish() {
				return toks
			}
			apos = false
		}
		i += w
	}
	finish()
	return toks
}

// normalize is the matching form of a name: its folded words joined by
// single spaces.
func normalize(s string) string { return joinKeys(tokenize(s, 0)) }

// toneStyle writes tone marks on the main vowel ("hòa", "thủy"), so that
// names written in the older style ("hoà", "thuỷ") compare equal.
var toneStyle = strings.NewReplacer(
	"oà", "òa", "oá", "óa", "oả", "ỏa", "oã", "õa", "oạ", "ọa",
	"oè", "òe", "oé", "óe", "oẻ", "ỏe", "oẽ", "õe", "oẹ", "ọe",
	"uỳ", "ùy", "uý", "úy", "uỷ", "ủy", "uỹ", "ũy", "uỵ", "ụy",
)

// exactForm is the matching form that keeps diacritics: lower case, NFC,
// one tone style, words joined by single spaces.
func exactForm(s string) string {
	return toneStyle.Replace(norm.NFC.String(joinKeys(split(s, 0, false))))
}

// preferExact narrows candidates found on the folded form of span to those
// whose name (or alias) matches span with its diacritics, when span was
// typed with diacritics and any candidate matches so: "Tân Thành" then
// leaves out "Tân Thạnh" and "Tân Thanh"; "tan thanh" keeps them all.
func preferExact(cands []*Unit, span, folded string) []*Unit {
	if len(cands) < 2 {
		return cands
	}
	want := exactForm(span)
	if want == folded {
		return cands
	}
	var out []*Unit
	for _, u := range cands {
		if exactForm(u.Name) == want {
			out = append(out, u)
			continue
		}
		for _, a := range u.Aliases {
			if exactForm(a) == want {
				out = append(out, u)
				break
			}
		}
	}
	if len(out) == 0 {
		return cands
	}
	return out
}

func joinKeys(toks []token) string {
	if len(toks) == 0 {
		return ""
	}
	if len(toks) == 1 {
		return toks[0].key
	}
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.key)
	}
	return b.String()
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// typeWords maps the usual written and abbreviated type words to the level
// they name (both in matching form). Level names present in a tree are
// added to its index.
var typeWords = map[string]string{
	"xa": "xa", "x": "xa",
	"phuong": "phuong", "p": "phuong",
	"thi tran": "thi tran", "tt": "thi tran", "t t": "thi tran",
	"huyen": "huyen", "h": "huyen",
	"quan": "quan", "q": "quan",
	"thi xa": "thi xa", "tx": "thi xa", "t x": "thi xa",
	"thanh pho": "thanh pho", "tp": "thanh pho", "t p": "thanh pho",
	"tinh":    "tinh",
	"dac khu": "dac khu", "dk": "dac khu",
}

// nameIndex finds units by the matching form of their names and aliases.
type nameIndex struct {
	byKey    map[string][]*Unit // in preorder
	types    map[string]string  // type phrase → level key
	maxName  int                // most words in a key
	maxTypes int                // most words in a type phrase
}

func buildNameIndex(order []*Unit) nameIndex {
	ix := nameIndex{byKey: make(map[string][]*Unit, len(order)), types: make(map[string]string, len(typeWords)+8)}
	for k, v := range typeWords {
		ix.addType(k, v)
	}
	var seen [8]string
	for _, u := range order {
		if u.levelKey != "" {
			ix.addType(u.levelKey, u.levelKey)
		}
		keys := seen[:0]
		for _, name := range append([]string{u.Name}, u.Aliases...) {
			k := normalize(name)
			if k == "" || containsString(keys, k) {
				continue
			}
			keys = append(keys, k)
			ix.byKey[k] = append(ix.byKey[k], u)
			if w := strings.Count(k, " ") + 1; w > ix.maxName {
				ix.maxName = w
			}
		}
	}
	return ix
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (ix *nameIndex) addType(phrase, level string) {
	if _, ok := ix.types[phrase]; ok {
		return
	}
	ix.types[phrase] = level
	if w := strings.Count(phrase, " ") + 1; w > ix.maxTypes {
		ix.maxTypes = w
	}
}

// Ranks of the readings of a text, best first, for equally long matches.
const (
	rankCode  = iota // a unit code
	rankTyped        // type word and name of a unit of that level
	rankBare         // name alone
	rankLoose        // type word and name of a unit of another level
)

// found is the best reading so far: the units, where the name ends in the
// text (bytes) and how it was read.
type found struct {
	units []*Unit
	end   int
	rank  int
	// strict drops readings of a type word with a unit of another level
	// ("huyện Tam Đường" is not the town Tam Đường).
	strict bool
}

func (f *found) offer(units []*Unit, end, rank int) {
	if len(units) == 0 || f.strict && rank == rankLoose {
		return
	}
	if f.units == nil || end > f.end || (end == f.end && rank < f.rank) {
		*f = found{units: units, end: end, rank: rank}
	}
}

// candidates returns the units under key that keep accepts and, when level
// is not "", have that level (or, with other, any other level).
func (ix *nameIndex) candidates(key, level string, other bool, keep func(*Unit) bool) []*Unit {
	var out []*Unit
	for _, u := range ix.byKey[key] {
		if level != "" && (u.levelKey == level) == other {
			continue
		}
		if keep == nil || keep(u) {
			out = append(out, u)
		}
	}
	return out
}

// read finds units named by toks, the words of text. With whole, every
// token must belong to the name; otherwise the longest name the tokens
// start with wins, and fits says whether a bare one-word name may end at a
// token.
func (ix *nameIndex) read(text string, toks []token, whole bool, keep func(*Unit) bool, fits func(end int) bool, f *found) {
	if len(toks) == 0 {
		return
	}
	lengths := func(from int) (hi, lo int) {
		if whole {
			return len(toks) - from, len(toks) - from
		}
		return min(ix.maxName, len(toks)-from), 1
	}
	// Type word first.
	for t := 1; t <= ix.maxTypes && t < len(toks); t++ {
		level, ok := ix.types[joinKeys(toks[:t])]
		if !ok {
			continue
		}
		hi, lo := lengths(t)
		typed, loose := false, false
		for k := hi; k >= lo && !(typed && loose); k-- {
			key := joinKeys(toks[t : t+k])
			end := toks[t+k-1].end
			span := text[toks[t].start:end]
			if !typed {
				if c := ix.candidates(key, level, false, keep); len(c) > 0 {
					f.offer(preferExact(c, span, key), end, rankTyped)
					typed = true
				}
			}
			if !loose {
				if c := ix.candidates(key, level, true, keep); len(c) > 0 {
					f.offer(preferExact(c, span, key), end, rankLoose)
					loose = true
				}
			}
		}
	}
	// Name alone. Numbers ("Phường 1" is named "1") need their type word.
	hi, lo := lengths(0)
	for k := hi; k >= lo; k-- {
		key := joinKeys(toks[:k])
		if isDigits(key) || (k == 1 && fits != nil && !fits(toks[0].end)) {
			continue
		}
		if c := ix.candidates(key, "", false, keep); len(c) > 0 {
			end := toks[k-1].end
			f.offer(preferExact(c, text[toks[0].start:end], key), end, rankBare)
			break
		}
	}
}

// splitTypeNumber reads "Q1", "P12" as the type word and the number.
func (ix *nameIndex) splitTypeNumber(toks []token) []token {
	if len(toks) == 0 {
		return nil
	}
	k := toks[0].key
	i := strings.IndexFunc(k, func(r rune) bool { return '0' <= r && r <= '9' })
	if i <= 0 || !isDigits(k[i:]) {
		return nil
	}
	if _, ok := ix.types[k[:i]]; !ok {
		return nil
	}
	// Digits are one byte in the text as in the key, so the split point in
	// the text is len(digits) from the end of the token.
	cut := toks[0].end - (len(k) - i)
	out := make([]token, 0, len(toks)+1)
	out = append(out, token{key: k[:i], start: toks[0].start, end: cut}, token{key: k[i:], start: cut, end: toks[0].end})
	return append(out, toks[1:]...)
}

// code returns the unit whose code is s, as written or in upper case.
func (t *Tree) code(s string) *Unit {
	if u, ok := t.byCode[s]; ok {
		return u
	}
	if u, ok := t.byCode[strings.ToUpper(s)]; ok {
		return u
	}
	return nil
}

// Lookup finds the units a user means by name: a code ("03418"), a name
// with or without diacritics and type word ("xã Bản Giang", "ban giang",
// "H. Tân Uyên"), or the form String gives ("xã Bản Giang (03418)").
// A type word narrows the candidates to its level; when no unit of that
// level has the name, units of other levels with the name are returned.
// Several units may come back; none when nothing matches. A query of
// digits alone is read as a code only.
func (t *Tree) Lookup(name string) []*Unit { return t.lookup(name, nil) }

// LookupWithin is Lookup restricted to the unit scope and the units below
// it. It finds nothing when scope is unknown.
func (t *Tree) LookupWithin(scope, name string) []*Unit {
	s, ok := t.byCode[scope]
	if !ok {
		return nil
	}
	return t.lookup(name, func(u *Unit) bool { return within(u, s) })
}

func (t *Tree) lookup(q string, keep func(*Unit) bool) []*Unit {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	if u := t.code(q); u != nil {
		if keep == nil || keep(u) {
			return []*Unit{u}
		}
		return nil
	}
	if open := strings.LastIndexByte(q, '('); open >= 0 && strings.HasSuffix(q, ")") {
		if u := t.code(strings.TrimSpace(q[open+1 : len(q)-1])); u != nil {
			if keep == nil || keep(u) {
				return []*Unit{u}
			}
			return nil
		}
	}
	toks := tokenize(q, 0)
	var f found
	t.names.read(q, toks, true, keep, nil, &f)
	if split := t.names.splitTypeNumber(toks); split != nil {
		t.names.read(q, split, true, keep, nil, &f)
	}
	return f.units
}

// FindPrefix recognises a unit named at the start of text, as in
// "xã Bản Giang: F0 2", "Bản Giang F0 2" or "03418 f0 2". It returns the
// candidates for the longest name text starts with, and the byte offset in
// text where that name ends (text[n:] is what follows it); nil and 0 when
// text starts with no unit. A name of one word without type word, and a
// code of fewer than five digits, count only when followed by ':', ',',
// '-' or the end of text, and a numbered name only with its type word
// ("phường 5"), so that ordinary words and counts are not taken for units
// ("Tư F0 2", "15 F1").
func (t *Tree) FindPrefix(text string) ([]*Unit, int) { return t.findPrefix(text, nil) }

// FindPrefixWithin is FindPrefix among the unit scope and the units below
// it. It finds nothing when scope is unknown.
func (t *Tree) FindPrefixWithin(scope, text string) ([]*Unit, int) {
	s, ok := t.byCode[scope]
	if !ok {
		return nil, 0
	}
	return t.findPrefix(text, func(u *Unit) bool { return within(u, s) })
}

// FindPrefixStrict is FindPrefixWithin (FindPrefix when scope is "") for
// reports: a type word must name the unit's own level, so that "huyện Tam
// Đường" never reads as the town of the same name.
func (t *Tree) FindPrefixStrict(scope, text string) ([]*Unit, int) {
	var keep func(*Unit) bool
	if scope != "" {
		s, ok := t.byCode[scope]
		if !ok {
			return nil, 0
		}
		keep = func(u *Unit) bool { return within(u, s) }
	}
	return t.findPrefixIn(text, keep, found{strict: true})
}

// TypeWordAt returns how many bytes of text a type word takes at its
// start ("xã ", "thị trấn "), or 0.
func (t *Tree) TypeWordAt(text string) int {
	toks := tokenize(text, t.names.maxTypes+1)
	for k := min(t.names.maxTypes, len(toks)-1); k >= 1; k-- {
		if _, ok := t.names.types[joinKeys(toks[:k])]; ok {
			return toks[k-1].end
		}
	}
	return 0
}

func (t *Tree) findPrefix(text string, keep func(*Unit) bool) ([]*Unit, int) {
	return t.findPrefixIn(text, keep, found{})
}

func (t *Tree) findPrefixIn(text string, keep func(*Unit) bool, f found) ([]*Unit, int) {
	fits := func(end int) bool {
		rest := strings.TrimLeftFunc(text[end:], unicode.IsSpace)
		if rest == "" {
			return true
		}
		r, _ := utf8.DecodeRuneInString(rest)
		return r == ':' || r == ',' || r == '-' || r == '–'
	}
	// A code: the first run of characters up to a space or separator.
	// Short numbers (province and district codes) read as counts too, so
	// they need a separator after them.
	lead := strings.TrimLeftFunc(text, unicode.IsSpace)
	off := len(text) - len(lead)
	if i := strings.IndexFunc(lead, func(r rune) bool { return unicode.IsSpace(r) || r == ':' || r == ',' }); i != 0 {
		word := lead
		if i > 0 {
			word = lead[:i]
		}
		end := off + len(word)
		if u := t.code(word); u != nil && (keep == nil || keep(u)) && (len(word) >= 5 || !isDigits(word) || fits(end)) {
			f.offer([]*Unit{u}, end, rankCode)
		}
	}
	toks := tokenize(text, t.names.maxTypes+t.names.maxName)
	t.names.read(text, toks, false, keep, fits, &f)
	if split := t.names.splitTypeNumber(toks); split != nil {
		t.names.read(text, split, false, keep, fits, &f)
	}
	return f.units, f.end
}
