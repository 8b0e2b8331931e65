// Package vntext owns the handling of Vietnamese text that several packages
// share: folding for matching (no diacritics, lower case, đ → d) and
// splitting long messages into platform-sized parts by runes, at line or
// word boundaries, never inside a character; and writing numbers the
// Vietnamese way (1.200).
package vntext

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var (
	foldOnce  sync.Once
	foldTable map[rune]rune
)

// buildFold maps every precomposed Latin letter in the Vietnamese ranges to
// its lower-case base letter.
func buildFold() {
	foldTable = make(map[rune]rune, 512)
	add := func(lo, hi rune) {
		for r := lo; r <= hi; r++ {
			d := norm.NFD.String(string(r))
			base, _ := utf8.DecodeRuneInString(d)
			foldTable[r] = unicode.ToLower(base)
		}
	}
	add(0x00C0, 0x024F) // Latin-1 supplement, Latin extended A/B
	add(0x1E00, 0x1EFF) // Latin extended additional (ạ ả ấ … ỹ)
	foldTable['đ'] = 'd'
	foldTable['Đ'] = 'd'
	foldTable['\u0110'] = 'd'
	// Letters that look like Vietnamese ones and are typed for them: Ð
	// (U+00D0, Icelandic eth) and Ɖ (U+0189, African D) for Đ, and the
	// Cyrillic letters that share the shape of Latin ones.
	for _, p := range [...][2]rune{
		{'\u00D0', 'd'}, {'\u00F0', 'd'}, {'\u0189', 'd'}, {'\u0256', 'd'},
		{'а', 'a'}, {'А', 'a'}, {'в', 'b'}, {'В', 'b'}, {'е', 'e'}, {'Е', 'e'}, {'к', 'k'}, {'К', 'k'},
		{'м', 'm'}, {'М', 'm'}, {'н', 'h'}, {'Н', 'h'}, {'о', 'o'}, {'О', 'o'}, {'р', 'p'}, {'Р', 'p'},
		{'с', 'c'}, {'С', 'c'}, {'т', 't'}, {'Т', 't'}, {'у', 'y'}, {'У', 'y'}, {'х', 'x'}, {'Х', 'x'},
		{'і', 'i'}, {'І', 'i'},
	} {
		foldTable[p[0]] = p[1]
	}
}

// FoldRune folds one rune: lower case, diacritics removed, đ → d.
func FoldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	foldOnce.Do(buildFold)
	if f, ok := foldTable[r]; ok {
		return f
	}
	return unicode.ToLower(r)
}

// Fold returns s lower-cased with Vietnamese diacritics removed and đ
// replaced by d; combining marks (text typed in decomposed form) are
// dropped. "Xã Bản Giang" and "xa ban giang" fold to the same string.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(FoldRune(r))
	}
	return b.String()
}

// Split cuts text into parts of at most limit runes each. It cuts at the
// last line break that fits, else at the last space, else between runes;
// it never cuts inside a UTF-8 sequence. Whitespace at a cut is dropped.
// A text within the limit comes back as one part; an empty text as none.
func Split(text string, limit int) []string {
	if limit <= 0 {
		limit = 1
	}
	text = strings.TrimSpace(text)
	var parts []string
	for text != "" {
		if utf8.RuneCountInString(text) <= limit {
			parts = append(parts, text)
			break
		}
		// Byte offset just past the limit-th rune.
		end, n := 0, 0
		for i := range text {
			if n == limit {
				end = i
				break
			}
			n++
		}
		window := text[:end]
		cut := strings.LastIndexByte(window, '\n')
		if cut <= 0 || cut < len(window)/3 {
			if sp := strings.LastIndexAny(window, " \t"); sp > 0 && sp >= len(window)/3 {
				cut = sp
			} else if cut <= 0 {
				cut = end
			}
		}
		part := strings.TrimRightFunc(text[:cut], unicode.IsSpace)
		if part == "" { // only whitespace before the cut: hard split
			part, cut = window, end
		}
		parts = append(parts, part)
		text = strings.TrimLeftFunc(text[cut:], unicode.IsSpace)
	}
	return parts
}

// Number writes n the Vietnamese way, with dots between thousands:
// 1200 → "1.200", -12500 → "-12.500".
func Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(s) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(s[:head])
	for i := head; i < len(s); i += 3 {
		b.WriteByte('.')
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// Percent is part of whole as a whole percentage, rounded to the nearest,
// except that it never shows 0 when part is above zero nor 100 when part
// is below whole: "1/114" is 1, not 0; "149/150" is 99, not 100. It is 0
// when whole is not positive.
func Percent(part, whole int) int {
	if whole <= 0 || part <= 0 {
		return 0
	}
	if part >= whole {
		return 100
	}
	p := (part*200 + whole) / (2 * whole)
	return min(max(p, 1), 99)
}

// Digits reports whether s is one or more ASCII digits (0-9) and nothing
// else: a unit code, a count written plainly.
func Digits(s string) bool {
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
