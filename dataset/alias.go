package dataset

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chihuy/chihuy/vntext"
)

// AliasKind says what a name stands for.
type AliasKind uint8

const (
	KindElement  AliasKind = iota // a name of element Code
	KindHead                      // a group head ("cách ly")
	KindAside                     // an annotation left aside (Concept)
	KindOutside                   // a concept outside the data set (Concept)
	KindNews                      // a marker of another place's figures
	KindAdditive                  // a word that may mean "add"
)

// Alias is one name of an element, of a group head or of a known phrase,
// folded and cut into words: the form the report parser matches message
// text against.
type Alias struct {
	// Kind says what the name stands for.
	Kind AliasKind
	// Concept is the name of the aside or outside concept (KindAside,
	// KindOutside).
	Concept string
	// Words are the folded words of the name: "Cách ly tập trung" gives
	// [cach ly tap trung], "12-17 tuổi" gives [12 17 tuoi].
	Words []string
	// Text is the name as written in the data-set file.
	Text string
	// Code is the element the name stands for; empty unless KindElement.
	Code string
	// Group is the context group the name belongs to, if any. Matching a
	// name of a group activates the group.
	Group string
	// Contextual is true for a member name that stands for Code only while
	// Group is active ("nhà" after "cách ly").
	Contextual bool
}

// Head reports whether the alias names a group head rather than an element.
func (a Alias) Head() bool { return a.Kind == KindHead }

// IsWordRune reports whether r belongs to a word: letters, digits and
// combining marks (Vietnamese typed in decomposed form). Every other rune
// separates words.
func IsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Words folds s (lower case, no diacritics, đ → d) and cuts it into words:
// runs of word runes (see IsWordRune), where a word that starts with a digit
// is made of ASCII digits only, so that "3ca" is [3 ca] and "12h" is
// [12 h] while "F0" and "m1217" stay one word. "F0 (ca mắc mới)" gives
// [f0 ca mac moi]. The report parser cuts message text the same way.
func Words(s string) []string {
	var words []string
	var b strings.Builder
	digits := false // the current word started with a digit
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		if !IsWordRune(r) {
			flush()
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		isDigit := '0' <= r && r <= '9'
		if b.Len() == 0 {
			digits = isDigit
		} else if digits && !isDigit {
			flush()
			digits = false
		}
		b.WriteRune(vntext.FoldRune(r))
	}
	flush()
	return words
}

// aliasIndex finds aliases by their first folded word.
type aliasIndex struct {
	all     []Alias
	byFirst map[string][]Alias // longest first
}

func (x *aliasIndex) add(a Alias) {
	x.all = append(x.all, a)
}

func (x *aliasIndex) build() {
	x.byFirst = make(map[string][]Alias, len(x.all))
	for _, a := range x.all {
		x.byFirst[a.Words[0]] = append(x.byFirst[a.Words[0]], a)
	}
	for _, list := range x.byFirst {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].Words) > len(list[j].Words) })
	}
}

// AliasesFrom returns the aliases whose first folded word is first, longest
// first. The slice is shared: do not modify it.
func (ds *DataSet) AliasesFrom(first string) []Alias {
	return ds.index.byFirst[first]
}

// Aliases returns every alias of the data set: element names (code, label,
// short label, aliases, group head + member names), group heads and
// contextual member names, in data-set order. The slice is shared: do not
// modify it.
func (ds *DataSet) Aliases() []Alias {
	return ds.index.all
}

// IsUnitWord reports whether the folded word is the unit word of some
// element ("ca", "nguoi", "mui"): the parser skips it after a number.
func (ds *DataSet) IsUnitWord(word string) bool {
	return ds.units[word]
}

// IsCountedNoun reports whether the folded word is one of UnitWords
// ("f1"): a name that, right after a value given to another name, is that
// value's unit ("cách ly tại nhà 35 F1").
func (ds *DataSet) IsCountedNoun(word string) bool {
	return ds.nouns[word]
}

// joinWords is the key under which aliases are compared for clashes.
func joinWords(words []string) string { return strings.Join(words, " ") }

// allDigits reports whether every word is made of ASCII digits only.
func allDigits(words []string) bool {
	for _, w := range words {
		for i := 0; i < len(w); i++ {
			if w[i] < '0' || w[i] > '9' {
				return false
			}
		}
	}
	return true
}
