// Package digest owns the text of the daily digest (§8) and of its
// compact form answered to /tonghop: what a command-center lead reads on
// a phone at 18:00. It renders a Digest, pure data that the caller
// computes from the store, into messages that each fit the platform's
// limit (4096 on Telegram, 2000 on Zalo).
//
// A digest is split between sections, or between lines of a section too
// long for one message, never inside a line; a section continued in a
// later part repeats its heading, and every later part opens with a line
// naming the unit, the day and the part number. When the full digest
// would take more than MaxParts messages, long lists are cut to their
// first entries, followed by "… và 130 đơn vị khác — xem /tonghop".
//
// Lengths are counted in UTF-16 code units, as Telegram counts them; that
// is never less than the count of runes, so a part within the limit fits
// either way.
package digest

import (
	"fmt"
	"strings"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/vntext"
)

// Digest is everything a digest shows, for one unit and one day.
type Digest struct {
	// Unit is the unit's name ("Huyện Tân Uyên" or "Tân Uyên"), Level its
	// level name ("huyện"); the level is put before a name that does not
	// already start with it.
	Unit, Level string
	Day         chihuy.Day
	// Figures are the data set's elements, in the order to show them.
	Figures []Figure
	// Top are the children with the most new F0, most first.
	Top []Count
	// Progress is the completeness of the day's reporting.
	Progress Progress
	// Alerts are the alerts raised in the subtree during the day.
	Alerts []Alert
	// Directives are the directives still open, with their
	// acknowledgements.
	Directives []Directive
	// Coverage lists the localities below a vaccination coverage
	// threshold.
	Coverage []Coverage
	// Notes say how figures were computed where it is not the plain way
	// (days before a reorganisation of units), shown last as written.
	Notes []string
}

// Figure is one element's numbers for the day.
type Figure struct {
	Label string
	// Stock is true for a "latest" element (people in quarantine now):
	// Value is the current value and only its change is shown.
	Stock bool
	// Value is the day's value (flows) or the current value (stocks);
	// Change is Value minus yesterday's.
	Value, Change int64
	// Week is the total of the last 7 days, today included; Total the
	// cumulative total. Both are for flows only.
	Week, Total int64
	// Reported and Expected count the reporting units that gave the
	// element this day and those expected to (§8: no figure is shown as 0
	// when nobody reported it). Expected 0 means not counted; Reported 0
	// of Expected shows "chưa có báo cáo" instead of a value, fewer shows
	// the count beside the value.
	Reported, Expected int
	// Carried counts the units whose stock is their last report before the
	// day, the oldest of them from Since: stocks carry the last value
	// reported, with its date.
	Carried int
	Since   chihuy.Day
	// NoChange says no unit gave the element both this day and the day
	// before: the change is not shown (like is compared with like).
	NoChange bool
}

// value renders the figure's value: "3", or "chưa có báo cáo" when no
// unit gave it.
func (f Figure) value() string {
	if f.Expected > 0 && f.Reported == 0 && f.Carried == 0 {
		return notReported
	}
	return vntext.Number(f.Value)
}

// note says, at the end of the figure's line, what its value is made of
// when not every unit gave it that day: " — 12/15 đơn vị báo cáo", " — gồm
// số cũ của 2 đơn vị, từ 05/11"; else "". It is written after the line
// rather than beside the value, so that the change in brackets is the
// only bracket after the number.
func (f Figure) note() string {
	if f.Expected > 0 && f.Reported == 0 && f.Carried == 0 {
		return ""
	}
	switch {
	case f.Carried > 0:
		return fmt.Sprintf(carriedFrom, f.Carried, f.Since.Short()[:5])
	case f.Expected > 0 && f.Reported < f.Expected:
		return fmt.Sprintf(reportedOf, f.Reported, f.Expected)
	}
	return ""
}

// bracket renders the change in brackets after the value, " (tăng 3)";
// "" when no unit gave the element, since there is no figure to compare.
func (f Figure) bracket() string {
	if f.Expected > 0 && f.Reported == 0 && f.Carried == 0 {
		return ""
	}
	return fmt.Sprintf(changeBracket, f.change())
}

// change renders the change against the day before, or why there is none.
func (f Figure) change() string {
	if f.NoChange || f.Expected > 0 && f.Reported == 0 {
		return changeUnknown
	}
	return change(f.Change)
}

// Count is a child unit and a number.
type Count struct {
	Name  string
	Value int64
}

// Progress is the completeness and timeliness of the children's reports.
type Progress struct {
	// Expected is how many children should have reported; zero leaves the
	// section out (a unit with no reporting children).
	Expected, Reported, OnTime int
	// Missing names the children that have not reported.
	Missing []string
}

// Alert is one alert of the day.
type Alert struct {
	Unit, Text string
}

// Directive is an open directive and how many target units have
// acknowledged it.
type Directive struct {
	ID, Title    string
	Acked, Total int
}

// Coverage is a locality below a coverage threshold, both rates in
// percent (72.5 means 72,5%).
type Coverage struct {
	Name, Element   string
	Rate, Threshold float64
}

// MaxParts is the most messages Render makes of a digest: past it, lists
// are cut. Only the figures are never cut, so a data set whose figures
// alone fill more than MaxParts messages (over about 40 elements at
// Zalo's 2000) would still take more.
const MaxParts = 3

// MinLimit is the smallest limit honoured; a smaller one is raised to it.
const MinLimit = 500

// MaxSummaryParts is the most messages RenderSummary makes for limits of
// 1000 and more: /tonghop shows far more than a digest, but not a flood.
const MaxSummaryParts = 6

// cuts are the list lengths tried in turn until the digest fits in
// MaxParts; -1 means the whole list. summaryCuts are the same for the
// compact form.
var (
	cuts        = []int{-1, 50, 20, 10, 5, 3, 1, 0}
	summaryCuts = []int{-1, 100, 50, 20, 10, 5, 0}
)

// Render returns the digest as messages of at most limit UTF-16 code
// units each (limit is 4096 on Telegram, 2000 on Zalo), at most MaxParts
// of them: the lists are cut as much as it takes, to 50 entries first,
// down to none, each cut list saying how many it left out.
func Render(d Digest, limit int) []string {
	parts, _ := render(d, max(limit, MinLimit))
	return parts
}

// render returns the digest's parts and the list length it cut to.
func render(d Digest, limit int) ([]string, int) {
	var parts []string
	for _, n := range cuts {
		parts = pack(d, compose(d, n), limit)
		if len(parts) <= MaxParts {
			return parts, n
		}
	}
	return parts, cuts[len(cuts)-1]
}

// RenderSummary returns the compact form answered to /tonghop: the same
// data in fewer lines, lists as running text. Lists are whole (this is
// where a cut digest points to) unless that takes more than
// MaxSummaryParts messages of at most limit UTF-16 code units; then they
// are cut, to 100 entries first, but never shorter than the digest at the
// same limit has them.
func RenderSummary(d Digest, limit int) []string {
	limit = max(limit, MinLimit)
	_, floor := render(d, limit)
	var parts []string
	for _, n := range summaryCuts {
		if floor < 0 || (n >= 0 && n < floor) {
			n = floor
		}
		parts = pack(d, summarise(d, limit, n), limit)
		if len(parts) <= MaxSummaryParts || n == floor {
			break
		}
	}
	return parts
}

// title is the unit as people name it, "Huyện Tân Uyên", cut to
// maxTitle.
func title(d Digest) string {
	name := strings.TrimSpace(d.Unit)
	level := strings.TrimSpace(d.Level)
	if level != "" && !strings.HasPrefix(vntext.Fold(name)+" ", vntext.Fold(level)+" ") {
		r := []rune(level)
		name = strings.ToUpper(string(r[:1])) + string(r[1:]) + " " + name
	}
	return truncate(name, maxTitle)
}

// section is a heading and its lines; a section is kept in one part when
// it fits in one.
type section struct {
	heading string
	lines   []string
}

// compose builds the sections of the full digest, lists cut to n entries
// (n < 0: whole lists).
func compose(d Digest, n int) []section {
	secs := []section{{heading: fmt.Sprintf(header, d.Day.Short(), strings.ToUpper(title(d)))}}

	figs := section{heading: headFigures}
	for _, f := range d.Figures {
		if f.Stock {
			figs.lines = append(figs.lines, fmt.Sprintf(figureStock, f.Label, f.value(), f.bracket(), f.note()))
		} else {
			figs.lines = append(figs.lines, fmt.Sprintf(figureFlow, f.Label, f.value(),
				f.bracket(), vntext.Number(f.Week), vntext.Number(f.Total), f.note()))
		}
	}
	if len(figs.lines) == 0 {
		figs.lines = []string{noFigures}
	}
	secs = append(secs, figs)

	if len(d.Top) > 0 {
		top := section{heading: headTop}
		for i, c := range d.Top {
			top.lines = append(top.lines, fmt.Sprintf(topLine, i+1, c.Name, vntext.Number(c.Value)))
		}
		top.lines = cut(top.lines, n, moreUnits)
		secs = append(secs, top)
	}

	if p := d.Progress; p.Expected > 0 {
		line := progressAll
		if p.Reported < p.Expected || len(p.Missing) > 0 {
			line = fmt.Sprintf(progressLine, p.Reported, p.Expected, percent(p.Reported, p.Expected), p.OnTime, p.Expected)
		}
		secs = append(secs, section{heading: headProgress, lines: []string{line}})
		if len(p.Missing) > 0 {
			miss := section{heading: fmt.Sprintf(headMissing, len(p.Missing))}
			for _, name := range p.Missing {
				miss.lines = append(miss.lines, fmt.Sprintf(bullet, name))
			}
			miss.lines = cut(miss.lines, n, moreUnits)
			secs = append(secs, miss)
		}
	}

	if len(d.Alerts) > 0 {
		al := section{heading: fmt.Sprintf(headAlerts, len(d.Alerts))}
		for _, a := range d.Alerts {
			if a.Unit == "" {
				al.lines = append(al.lines, fmt.Sprintf(bullet, a.Text))
			} else {
				al.lines = append(al.lines, fmt.Sprintf(alertLine, a.Unit, a.Text))
			}
		}
		al.lines = cut(al.lines, n, moreAlerts)
		secs = append(secs, al)
	}

	if len(d.Directives) > 0 {
		dir := section{heading: fmt.Sprintf(headDirectives, len(d.Directives))}
		for _, x := range d.Directives {
			dir.lines = append(dir.lines, fmt.Sprintf(directiveLine, x.ID, x.Title, x.Acked, x.Total, percent(x.Acked, x.Total)))
		}
		dir.lines = cut(dir.lines, n, moreDirectives)
		secs = append(secs, dir)
	}

	if len(d.Coverage) > 0 {
		cov := section{heading: fmt.Sprintf(headCoverage, len(d.Coverage))}
		for _, c := range d.Coverage {
			cov.lines = append(cov.lines, fmt.Sprintf(coverageLine, c.Name, c.Element, rate(c.Rate), rate(c.Threshold)))
		}
		cov.lines = cut(cov.lines, n, moreLocalities)
		secs = append(secs, cov)
	}
	if len(d.Notes) > 0 {
		secs = append(secs, section{lines: d.Notes})
	}
	return secs
}

// cut keeps the first n lines and a line saying how many were left out;
// n < 0 keeps all.
func cut(lines []string, n int, more string) []string {
	if n < 0 || len(lines) <= n {
		return lines
	}
	return append(lines[:n:n], fmt.Sprintf(more, len(lines)-n))
}

// cutItems keeps the first n items and an item saying how many were
// left out; n < 0 keeps all.
func cutItems(items []string, n int, more string) []string {
	if n < 0 || len(items) <= n {
		return items
	}
	return append(items[:n:n], fmt.Sprintf(more, len(items)-n))
}

// summarise builds the compact sections: one line per figure, lists as
// running text wrapped between entries, cut to n entries (n < 0: whole).
func summarise(d Digest, limit, n int) []section {
	width := wrapWidth(limit)
	secs := []section{{heading: fmt.Sprintf(summaryHeader, title(d), d.Day.Short())}}

	var figs section
	for _, f := range d.Figures {
		if f.Stock {
			figs.lines = append(figs.lines, fmt.Sprintf(summaryStock, f.Label, f.value(), f.bracket(), f.note()))
		} else {
			figs.lines = append(figs.lines, fmt.Sprintf(summaryFlow, f.Label, f.value(),
				f.bracket(), vntext.Number(f.Week), vntext.Number(f.Total), f.note()))
		}
	}
	if len(figs.lines) == 0 {
		figs.lines = []string{noFigures}
	}
	secs = append(secs, figs)

	// Each list is a paragraph of its own.
	if p := d.Progress; p.Expected > 0 {
		progress := section{lines: []string{progressAll}}
		if p.Reported < p.Expected || len(p.Missing) > 0 {
			progress.lines[0] = fmt.Sprintf(summaryProgress, p.Reported, p.Expected,
				percent(p.Reported, p.Expected), p.OnTime, p.Expected)
		}
		if len(p.Missing) > 0 {
			items := cutItems(p.Missing, n, summaryMoreUnits)
			progress.lines = append(progress.lines, wrap(fmt.Sprintf(summaryMissing, len(p.Missing)), items, width)...)
		}
		secs = append(secs, progress)
	}
	if len(d.Top) > 0 {
		items := make([]string, len(d.Top))
		for i, c := range d.Top {
			items[i] = fmt.Sprintf(summaryTopItem, c.Name, vntext.Number(c.Value))
		}
		items = cutItems(items, n, summaryMoreUnits)
		secs = append(secs, section{lines: wrap(summaryTop, items, width)})
	}
	if len(d.Alerts) > 0 {
		items := make([]string, len(d.Alerts))
		for i, a := range d.Alerts {
			items[i] = a.Text
			if a.Unit != "" {
				items[i] = fmt.Sprintf(summaryAlertItem, a.Unit, a.Text)
			}
		}
		secs = append(secs, section{lines: wrap(fmt.Sprintf(summaryAlerts, len(items)), cutItems(items, n, summaryMoreAlerts), width)})
	}
	if len(d.Directives) > 0 {
		items := make([]string, len(d.Directives))
		for i, x := range d.Directives {
			items[i] = fmt.Sprintf(summaryDirItem, x.ID, x.Title, x.Acked, x.Total)
		}
		secs = append(secs, section{lines: wrap(fmt.Sprintf(summaryDirectives, len(items)), cutItems(items, n, summaryMoreDirectives), width)})
	}
	if len(d.Coverage) > 0 {
		items := make([]string, len(d.Coverage))
		for i, c := range d.Coverage {
			items[i] = fmt.Sprintf(summaryCovItem, c.Name, c.Element, rate(c.Rate), rate(c.Threshold))
		}
		secs = append(secs, section{lines: wrap(fmt.Sprintf(summaryCoverage, len(items)), cutItems(items, n, summaryMoreLocalities), width)})
	}
	if len(d.Notes) > 0 {
		secs = append(secs, section{lines: d.Notes})
	}
	return secs
}

// wrapWidth is the longest line of a wrapped list: short enough that a
// part holds several, long enough that a list is a few paragraphs.
func wrapWidth(limit int) int { return min(limit/2, 600) }

// wrap writes lead and items as running text, "a; b; c.", breaking the
// line between items so that no line is longer than width (an item
// longer than width stands alone on its line).
func wrap(lead string, items []string, width int) []string {
	var lines []string
	line := lead
	fresh := true // line holds no item yet
	for i, it := range items {
		sep := listSep
		if fresh {
			sep = ""
		}
		end := ""
		if i == len(items)-1 {
			end = listEnd
		}
		if !fresh && size(line)+size(sep)+size(it)+size(end) > width {
			lines = append(lines, line+strings.TrimRight(listSep, " "))
			line, sep = "", ""
		}
		line += sep + it + end
		fresh = false
	}
	return append(lines, line)
}
