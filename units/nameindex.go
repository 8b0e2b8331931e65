package units

import (
	"strings"

	"github.com/chihuy/chihuy/vntext"
)

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
		if vntext.Digits(key) || (k == 1 && fits != nil && !fits(toks[0].end)) {
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
	if i <= 0 || !vntext.Digits(k[i:]) {
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
