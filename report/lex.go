package report

import (
	"unicode"
	"unicode/utf8"

	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/vntext"
)

// tokKind tells words from punctuation and line breaks.
type tokKind uint8

const (
	tWord    tokKind = iota // a run of word runes, folded (see dataset.Words)
	tPunct                  // one punctuation or symbol rune
	tNewline                // a line break
)

// Whitespace before a token.
const (
	spNone uint8 = iota // the token touches the previous one
	spOne               // exactly one space (plain, no-break or thin)
	spMore              // more spaces, or a tab
)

// token is one lexical unit of the message. Offsets are bytes into the
// original text; fold is the folded word (words only).
type token struct {
	kind   tokKind
	space  uint8 // whitespace before the token
	digits bool  // a word of ASCII digits only
	r      rune  // the rune of a tPunct token
	line   int   // line number, from 0
	pos    int
	end    int
	fold   string
	fs, fe int // fold offsets into the parser's fold buffer, until fold is set
}

// isOneSpace reports whether r is a space that may sit inside a number
// written with space-separated thousands ("12 500").
func isOneSpace(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
}

// isLineBreak reports whether r ends a line.
func isLineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085'
}

// isIgnorable reports runes that neither belong to a word nor separate
// anything: format characters (zero-width joiners and spaces, byte order
// marks) and stray combining marks such as emoji variation selectors.
func isIgnorable(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me)
}

// lex cuts text into tokens, appending to p.toks and folding words into
// p.buf. Words follow dataset.Words: a word that starts with a digit is
// made of ASCII digits only.
func (p *parser) lex(text string) {
	space := spNone
	sawSpace := false
	line := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// a byte that is no UTF-8: it is kept as a token so that the
			// report is refused, never read around
			if n := len(p.badBytes); n > 0 && p.badBytes[n-1][1] == i {
				p.badBytes[n-1][1] = i + 1
			} else if n < maxProblems {
				p.badBytes = append(p.badBytes, [2]int{i, i + 1})
			}
			p.toks = append(p.toks, token{kind: tPunct, space: space, r: r, line: line, pos: i, end: i + 1})
			space, sawSpace = spNone, false
		case r < utf8.RuneSelf && ('0' <= r && r <= '9'):
			j := i + 1
			for j < len(text) && '0' <= text[j] && text[j] <= '9' {
				j++
			}
			fs := len(p.buf)
			p.buf = append(p.buf, text[i:j]...)
			p.toks = append(p.toks, token{kind: tWord, space: space, digits: true, line: line, pos: i, end: j, fs: fs, fe: len(p.buf)})
			i = j
			space, sawSpace = spNone, false
			continue
		case dataset.IsWordRune(r) && !unicode.Is(unicode.Mn, r):
			fs := len(p.buf)
			j := i
			for j < len(text) {
				c, n := utf8.DecodeRuneInString(text[j:])
				if c < utf8.RuneSelf {
					if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
						break
					}
					if 'A' <= c && c <= 'Z' {
						c += 'a' - 'A'
					}
					p.buf = append(p.buf, byte(c))
					j += n
					continue
				}
				if unicode.In(c, unicode.Mn, unicode.Cf) {
					j += n // marks of decomposed text, zero-width joiners
					continue
				}
				if !dataset.IsWordRune(c) {
					break
				}
				p.buf = utf8.AppendRune(p.buf, vntext.FoldRune(c))
				j += n
			}
			p.toks = append(p.toks, token{kind: tWord, space: space, line: line, pos: i, end: j, fs: fs, fe: len(p.buf)})
			i = j
			space, sawSpace = spNone, false
			continue
		case isLineBreak(r):
			if r == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				size = 2
			}
			p.toks = append(p.toks, token{kind: tNewline, space: space, line: line, pos: i, end: i + size})
			line++
			space, sawSpace = spNone, false
		case unicode.IsSpace(r):
			if !sawSpace && isOneSpace(r) {
				space = spOne
			} else {
				space = spMore
			}
			sawSpace = true
		case isIgnorable(r):
		default:
			p.toks = append(p.toks, token{kind: tPunct, space: space, r: r, line: line, pos: i, end: i + size})
			space, sawSpace = spNone, false
		}
		i += size
	}
	p.lines = line + 1
	p.folded = string(p.buf)
	for k := range p.toks {
		t := &p.toks[k]
		if t.kind == tWord {
			t.fold = p.folded[t.fs:t.fe]
		}
	}
}

// lookAlike reports whether s, as written, is made of digits and the
// letters that look like digits (O for 0, l and I for 1) and holds both:
// "1O", "l5", "O5" are numbers mistyped, never a name or a value.
func lookAlike(s string) bool {
	digits, letters := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits = true
		case c == 'O' || c == 'o' || c == 'l' || c == 'I':
			letters = true
		default:
			return false
		}
	}
	return digits && letters
}
