package directive

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chihuy/chihuy/vntext"
)

// folded is a text folded for matching (vntext.FoldRune: lower case, no
// diacritics, đ → d) together with the way back: off[i] is the byte offset
// in the original of the rune that produced byte i of s, and off[len(s)] is
// len(original). A match s[i:j] is original[off[i]:off[j]]; combining marks
// and invisible format characters, which fold to nothing, stay attached to
// the letter before them.
type folded struct {
	orig string
	s    string
	off  []int
}

func foldText(orig string) folded {
	var b strings.Builder
	b.Grow(len(orig))
	off := make([]int, 0, len(orig)+1)
	for i, r := range orig {
		if r == utf8.RuneError {
			// Invalid UTF-8 (or U+FFFD itself): keep it visible to the
			// matcher as a non-letter so nothing spans across it.
			b.WriteByte(0)
			off = append(off, i)
			continue
		}
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		switch {
		case r == '\n':
		case unicode.IsSpace(r):
			r = ' '
		default:
			r = vntext.FoldRune(r)
		}
		n := b.Len()
		b.WriteRune(r)
		for range b.Len() - n {
			off = append(off, i)
		}
	}
	off = append(off, len(orig))
	return folded{orig: orig, s: b.String(), off: off}
}

// original returns the original text of folded bytes [i, j).
func (f folded) original(i, j int) string { return f.orig[f.off[i]:f.off[j]] }
