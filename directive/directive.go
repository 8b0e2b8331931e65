// Package directive owns the pure side of directives (/chidao): reading the
// options a lead writes naturally in the message — target, deadline,
// reference number, whether a result report is required — and taking them
// out of the text that is broadcast; the directive id format; and the
// Vietnamese progress text of a broadcast. It does no I/O: the store keeps
// directives, the handlers resolve targets against the unit tree.
package directive

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Draft is what a lead wrote after /chidao, read.
type Draft struct {
	// Body is the text to broadcast: the message with the options taken
	// out, diacritics and line breaks kept.
	Body string
	// Target is who gets it; the zero Target is the whole subtree.
	Target Target
	// Deadline is zero when none was given. It is in the location of the
	// now passed to ParseOptions.
	Deadline time.Time
	// Ref is the dispatch number ("2468/UBND-VX"), as written.
	Ref string
	// ResultRequired is true when units must send a result (/ketqua).
	ResultRequired bool
	// Options lists where each option was found, in text order.
	Options []Span
}

// OptionKind names a kind of option.
type OptionKind int

const (
	OptionTarget OptionKind = iota + 1
	OptionDeadline
	OptionRef
	OptionResult
)

func (k OptionKind) String() string {
	switch k {
	case OptionTarget:
		return "target"
	case OptionDeadline:
		return "deadline"
	case OptionRef:
		return "ref"
	case OptionResult:
		return "result"
	}
	return "option(" + strconv.Itoa(int(k)) + ")"
}

// Span is where an option stands in the original text: byte offsets,
// always on rune boundaries, Start ≤ End ≤ len(text).
type Span struct {
	Kind       OptionKind
	Start, End int
}

// Problem is a part of the message that cannot be accepted. Start and End
// are byte offsets into the original text (on rune boundaries); Message is
// Vietnamese, for the lead.
type Problem struct {
	Start, End int
	Message    string
}

func (p Problem) String() string { return p.Message }

// TargetKind says how the units of a directive are chosen.
type TargetKind int

const (
	// TargetAll is every unit of the issuer's subtree (the default).
	TargetAll TargetKind = iota
	// TargetChildren is the issuer's direct children ("1 cấp").
	TargetChildren
	// TargetUnits is the units named in Target.Names.
	TargetUnits
	// TargetLevel is the units of the subtree whose level is one of
	// Target.Levels ("các xã").
	TargetLevel
)

// Target is the target spec of a draft. The handlers resolve it against
// the unit tree within the issuer's subtree.
type Target struct {
	Kind TargetKind
	// Names are unit names or codes as written ("xã Bản Giang", "03421"),
	// for TargetUnits. They are matched like every unit name: without
	// diacritics, case or the type word.
	Names []string
	// Levels are folded level words ("phuong", "thi tran") or tiers
	// (TierCommune, TierDistrict, TierProvince), for TargetLevel.
	Levels []string
}

// Tiers of the administrative tree, as Target.Levels names them: every
// unit of that tier, whatever its type.
const (
	TierCommune  = "cap xa"    // xã, phường, thị trấn, đặc khu
	TierDistrict = "cap huyen" // huyện, quận, thị xã, thành phố thuộc tỉnh
	TierProvince = "cap tinh"  // tỉnh, thành phố trực thuộc trung ương
)

// String describes the target in Vietnamese for the lead's confirmation:
// "toàn bộ cấp dưới", "cấp dưới trực tiếp", "các xã, phường", or the names.
func (t Target) String() string {
	switch t.Kind {
	case TargetChildren:
		return descChildren
	case TargetUnits:
		return strings.Join(t.Names, ", ")
	case TargetLevel:
		words := make([]string, len(t.Levels))
		for i, l := range t.Levels {
			words[i] = LevelName(l)
		}
		return fmt.Sprintf(descLevels, strings.Join(words, ", "))
	}
	return descAll
}

// LevelName returns the display form of a folded level word ("thi tran" →
// "thị trấn"), or the word itself when it is not a known level.
func LevelName(folded string) string {
	if n, ok := levelNames[folded]; ok {
		return n
	}
	return folded
}

// IDPrefix starts every directive id.
const IDPrefix = "CD"

// FormatID returns the id of the seq-th directive of an issuing unit:
// "CD-12-0042" (at least four digits). Characters of the unit code that
// could not appear in a command argument or a key's hash tag become "_";
// letters are upper-cased, so ids compare equal however they are typed.
func FormatID(unit string, seq int64) string {
	code := strings.Map(func(r rune) rune {
		switch {
		case '0' <= r && r <= '9', 'A' <= r && r <= 'Z', r == '.', r == '_':
			return r
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		}
		return '_'
	}, unit)
	if code == "" {
		code = "_"
	}
	return fmt.Sprintf("%s-%s-%04d", IDPrefix, code, seq)
}

var idRe = regexp.MustCompile(`^(?i)cd[-_ ]?([0-9a-z][0-9a-z._]*)[-_ ]0*([0-9]{1,18})$`)

// ParseID reads a directive id as a user may type it ("CD-12-0042",
// "cd-12-42", "cd 12 42") and returns it in the canonical form of
// FormatID. ok is false when s is not an id.
func ParseID(s string) (id string, ok bool) {
	m := idRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	seq, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return "", false
	}
	return FormatID(m[1], seq), true
}
