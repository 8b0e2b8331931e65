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
