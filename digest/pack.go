package digest

import (
	"fmt"
	"strings"
)

// maxTitle caps the unit title in headings, so that a pathological name
// cannot eat a message.
const maxTitle = 100

// pack lays the sections out in messages of at most limit UTF-16 units:
// sections are separated by a blank line and kept whole when they fit in
// one message; a longer one is split between lines and its heading
// repeated. Parts after the first open with the continuation line.
func pack(d Digest, secs []section, limit int) []string {
	unit := title(d)
	day := d.Day.Short()
	// The continuation line and the blank line after it; part numbers are
	// counted with three digits, more than any rendering makes.
	contLen := size(fmt.Sprintf(continued, unit, day, 999, 999)) + 2
	later := limit - contLen
	maxHead := later / 4
	maxLine := later - maxHead - size(headingMore) - 1

	p := packer{first: limit, later: later}
	for _, s := range secs {
		head := truncate(s.heading, maxHead)
		lines := make([]string, len(s.lines))
		for j, l := range s.lines {
			lines[j] = truncate(l, maxLine)
		}
		p.section(head, lines)
	}

	out := make([]string, len(p.parts))
	for i, lines := range p.parts {
		text := strings.Join(lines, "\n")
		if i > 0 {
			text = fmt.Sprintf(continued, unit, day, i+1, len(p.parts)) + "\n\n" + text
		}
		out[i] = text
	}
	return out
}

// packer fills parts line by line.
type packer struct {
	first, later int // budget of the first part and of the others
	parts        [][]string
	used         int // size of the current part
}

func (p *packer) budget() int {
	if len(p.parts) <= 1 {
		return p.first
	}
	return p.later
}

// fits reports whether lines, joined by newlines, fit after what the
// current part holds (sep newlines in between).
func (p *packer) fits(sep int, lines ...string) bool {
	return len(p.parts) > 0 && p.used+sep+joined(lines) <= p.budget()
}

func (p *packer) newPart() {
	p.parts = append(p.parts, nil)
	p.used = 0
}

// add appends lines to the current part, after a blank line when blank.
func (p *packer) add(blank bool, lines ...string) {
	cur := &p.parts[len(p.parts)-1]
	if len(*cur) > 0 {
		if blank {
			*cur = append(*cur, "")
			p.used++
		}
		p.used++
	}
	*cur = append(*cur, lines...)
	p.used += joined(lines)
}

// sepBefore is the newlines a block costs before it in a non-empty part.
func (p *packer) sepBefore(blank bool) int {
	if len(p.parts) == 0 || len(p.parts[len(p.parts)-1]) == 0 {
		return 0
	}
	if blank {
		return 2
	}
	return 1
}

func (p *packer) section(head string, lines []string) {
	block := lines
	if head != "" {
		block = append([]string{head}, lines...)
	}
	if len(block) == 0 {
		return
	}
	// Whole, here or at the top of a new part.
	if p.fits(p.sepBefore(true), block...) {
		p.add(true, block...)
		return
	}
	if joined(block) <= p.later {
		p.newPart()
		p.add(true, block...)
		return
	}
	// Line by line, the heading repeated where the section goes on.
	first := block[:min(len(block), 2)]
	if !p.fits(p.sepBefore(true), first...) {
		p.newPart()
	}
	p.add(true, first...)
	for _, l := range block[len(first):] {
		if p.fits(1, l) {
			p.add(false, l)
			continue
		}
		p.newPart()
		if head != "" {
			p.add(false, head+headingMore)
		}
		p.add(false, l)
	}
}

// joined is the size of lines joined by newlines.
func joined(lines []string) int {
	n := 0
	for i, l := range lines {
		if i > 0 {
			n++
		}
		n += size(l)
	}
	return n
}

// size is the length of s in UTF-16 code units, as Telegram counts it.
func size(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// truncate shortens s to at most max UTF-16 units, ending it with "…".
func truncate(s string, max int) string {
	if size(s) <= max {
		return s
	}
	keep := max - size(ellipsis)
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > keep {
			// End on a whole word when one ends near the cut.
			if sp := strings.LastIndexByte(s[:i], ' '); sp > 0 && i-sp <= 30 {
				i = sp
			}
			return strings.TrimRight(s[:i], " ") + ellipsis
		}
		n += w
	}
	return s
}
