package directive

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

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
