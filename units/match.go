package units

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chihuy/chihuy/vntext"
)

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
		if u := t.code(word); u != nil && (keep == nil || keep(u)) && (len(word) >= 5 || !vntext.Digits(word) || fits(end)) {
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
