package report

import (
	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
)

// parser holds the state of one Parse; parsers are pooled so that their
// buffers are reused.
type parser struct {
	text   string
	ds     *dataset.DataSet
	opt    Options
	today  chihuy.Day
	toks   []token
	buf    []byte
	folded string
	items  []item
	dates  []dateRef
	units  []unitRef
	ranges []int // positions of "đến" between dates
	lines  int   // lines of the message

	badBytes    [][2]int    // runs of bytes that are not UTF-8, start and end
	news        [][2]int    // first and last tokens of news markers ("cả nước")
	additive    [2]int      // the first word that may mean "add", pos and end; end 0 when none
	unitRefused bool        // a unit name was refused: the message is a report attempt
	collect     string      // the element whose heading collects the labels after it, if any
	collects    []collected // values counted into a collecting element
	// lostGroup is where a group starts, +1, that is neither the
	// collecting heading's nor adults ("Phụ nữ có thai" on its own line
	// under "Tiêm trẻ 5-11 tuổi:"): the doses after it are refused. 0
	// when none.
	lostGroup int
	ofWhich   int         // line of the last "trong đó", "bao gồm", +1; 0 when none
	periods   []periodRef // words naming several days ("tuần", "7 ngày qua") or no day ("hôm trước")

	// Scanning state.
	group       string // the context group in force
	paren       int    // index of the open parenthesis item on this line, or -1
	fillerStart int    // first token of the last filler phrase, or -1
	fillerEnd   int    // last token of the last filler phrase, or -1
	lead        bool   // "báo cáo" was written
	lineStart   bool   // nothing but bullets and dates so far on this line
	unitOK      bool   // a unit name may start here

	recorded []recorded
	asides   []Aside
	problems []Problem
}

// collected is one value written under a collecting heading ("Tiêm trẻ
// 5-11 tuổi: mũi 1: 120"): counted into the heading's element.
type collected struct {
	into     string
	val      int64
	pos, end int
}

// periodRef is a part of the message that names a period of several days,
// or a day that cannot be told ("hôm trước").
type periodRef struct {
	pos, end int
	vague    bool
}

// recorded is a value accepted so far, for duplicate and sub-count checks.
type recorded struct {
	code     string
	val      int64
	pos, end int
}

// maxPooledBytes keeps a parser that read a huge message out of the pool.
const maxPooledBytes = 64 << 10

func (p *parser) reset() {
	if cap(p.buf) > maxPooledBytes {
		*p = parser{}
		return
	}
	*p = parser{
		toks:     p.toks[:0],
		buf:      p.buf[:0],
		items:    p.items[:0],
		dates:    p.dates[:0],
		units:    p.units[:0],
		ranges:   p.ranges[:0],
		recorded: p.recorded[:0],
		badBytes: p.badBytes[:0],
		news:     p.news[:0],
		collects: p.collects[:0],
		periods:  p.periods[:0],
	}
}

func (p *parser) parse(text string, ds *dataset.DataSet, opt Options) Result {
	p.text, p.ds, p.opt = text, ds, opt
	p.paren, p.fillerStart, p.fillerEnd = -1, -1, -1
	p.today = chihuy.DayOf(opt.Now)
	p.lex(text)
	p.scan()
	p.pair()
	return p.result()
}
