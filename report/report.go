// Package report reads the reports officials type into a chat (§4): free
// Vietnamese text with or without diacritics, in any case, with labels
// before or after values, units, thousands dots, bullets, parenthesised
// sub-counts, abbreviations, a date, a unit named at the start of a line,
// or the structured form "f0=3 f1=25" of /baocao. It turns a message into
// element values of a data set, the day they are for and the unit named,
// and names every part it did not understand, with the closest element.
//
// Chatter ("ok anh", "họp lúc 8h nhé") is told apart from reports, so that
// the bot stays silent in groups. When any part of a report is not
// understood, the result names it and nothing may be recorded. The echo of
// a recorded report is rendered by dataset.DataSet.Format.
//
// The package is pure: no store, no network, no clock (the caller passes
// the current time). Parse never panics, whatever the text.
package report

import (
	"sync"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
)

// DefaultWindow is how old a report date may be when Options.Window is not
// set: a week.
const DefaultWindow = 7 * 24 * time.Hour

// maxProblems bounds the problems one message yields; a reply naming more
// would not help the person who wrote it.
const maxProblems = 20

// Units recognises a unit named at the start of a message or of a line
// ("xã Bản Giang: F0 2", "03418: F0 2"). FindPrefix is given the text from
// a position where a unit name may start to the end of that line; it
// returns the unit named there, or ok false when no unit name starts the
// text.
type Units interface {
	FindPrefix(text string) (m UnitMatch, ok bool)
}

// UnitMatch is a unit name read at the start of a text.
type UnitMatch struct {
	// Code and Name are the unit's code and full name.
	Code, Name string
	// N is how many bytes of the text the name took.
	N int
	// Refuse, when not empty, says why the name cannot be reported for —
	// it matches no unit, a unit outside the sender's subtree, several
	// units — naming the candidates, in Vietnamese. The message is then
	// refused: its figures never fall back to the sender's own unit.
	Refuse string
}

// Options tell Parse what it cannot know by itself.
type Options struct {
	// Now is the current time in the reporting time zone
	// (Asia/Ho_Chi_Minh); it gives today, the default report day, and
	// anchors "hôm qua" and dates written without a year.
	Now time.Time
	// Window is how far back a report date may be (whole days count);
	// DefaultWindow when zero or negative.
	Window time.Duration
	// Units recognises unit names; nil when naming units is not possible.
	Units Units
	// Explicit says the text was given with the /baocao command: it is a
	// report whatever it looks like, and a text with no values is a
	// problem, not chatter.
	Explicit bool
}

// Result is what a message says.
type Result struct {
	// Values maps element codes to the values the message gives. When
	// Problems is not empty the caller must record nothing.
	Values map[string]int64
	// Day is the day the report is for: the date written in the message
	// when DaySet, else today.
	Day    chihuy.Day
	DaySet bool
	// Unit and UnitName name the unit the message reports for, when it
	// names one; empty otherwise (the chat's unit).
	Unit     string
	UnitName string
	// IsReport says whether the message looks like a report at all.
	// Chatter ("ok anh", "đã nhận", "họp lúc 8h nhé") is not: the bot stays
	// silent in groups.
	IsReport bool
	// Problems are the parts not understood or not acceptable, in text
	// order.
	Problems []Problem
	// Aside are the annotations understood and not recorded (running
	// totals, changes against yesterday, negative results, the rest of a
	// breakdown), for the echo to list.
	Aside []Aside
	// Additive is the word that may mean "add to what was reported" ("bổ
	// sung", "thêm"), empty when none was written: when an element of
	// Values already has a different value for the day, the sender must be
	// asked whether to add or to replace.
	Additive string
	// News is true when the message only quotes figures of another place
	// ("cả nước ghi nhận thêm 30.000 ca"): not a report, nothing recorded.
	News bool
}

// Aside is one annotation left aside: the part of the message and the
// concept it was understood as.
type Aside struct {
	Text    string
	Concept string
}

// OK reports whether the message is a report that can be recorded: a
// report, with values, and no problem.
func (r Result) OK() bool { return r.IsReport && len(r.Problems) == 0 && len(r.Values) > 0 }

// Problem is one part of a message that was not understood or not
// accepted.
type Problem struct {
	// Pos and End are byte offsets of the part in the message text.
	Pos, End int
	// Text is the part itself, text[Pos:End].
	Text string
	// Message says what is wrong, in Vietnamese, ready for the reply.
	Message string
	// Suggest is the code of the element the part is about or most likely
	// meant: the closest element of an unknown label ("F3" → f2), the
	// element of a label missing its value; empty otherwise.
	Suggest string
}

var parsers = sync.Pool{New: func() any { return new(parser) }}

// Parse reads one chat message as a report of data set ds.
func Parse(text string, ds *dataset.DataSet, opt Options) Result {
	p := parsers.Get().(*parser)
	defer func() {
		p.reset()
		parsers.Put(p)
	}()
	return p.parse(text, ds, opt)
}

// ParseStructured reads the argument of the /baocao command ("f0=3
// f1=25", or any free form): Parse with Options.Explicit set.
func ParseStructured(text string, ds *dataset.DataSet, opt Options) Result {
	opt.Explicit = true
	return Parse(text, ds, opt)
}
