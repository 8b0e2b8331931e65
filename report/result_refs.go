package report

import (
	"sort"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
)

// day returns the report day: the date written, or today.
func (p *parser) day() (chihuy.Day, bool) {
	var chosen *dateRef
	for k := range p.dates {
		d := &p.dates[k]
		if d.bad {
			p.problem(d.pos, d.end, "", msgBadDate, p.text[d.pos:d.end])
			continue
		}
		switch {
		case chosen == nil:
			chosen = d
		case d.day == chosen.day:
		case p.rangeBetween(chosen.end, d.pos):
			// "từ 16h ngày 7/11 đến 16h ngày 8/11": the day it ends; a
			// range of several days is several days' figures
			if d.day.Sub(chosen.day) > 1 && p.ds.Period != dataset.Weekly {
				from := p.rangeStart(chosen.pos)
				p.problem(from, d.end, "", msgPeriod, p.text[from:d.end])
			}
			chosen = d
		default:
			p.problem(d.pos, d.end, "", msgTwoDates, p.text[d.pos:d.end], chosen.day.Short(), d.day.Short())
		}
	}
	if chosen == nil {
		return p.today, false
	}
	window := p.opt.Window
	if window <= 0 {
		window = DefaultWindow
	}
	days := int(window / (24 * time.Hour))
	switch {
	case chosen.day.After(p.today):
		p.problem(chosen.pos, chosen.end, "", msgFutureDate, p.text[chosen.pos:chosen.end], chosen.day.Short())
	case p.today.Sub(chosen.day) > days:
		p.problem(chosen.pos, chosen.end, "", msgOldDate, p.text[chosen.pos:chosen.end], chosen.day.Short(), days)
	}
	return chosen.day, true
}

// rangeStart returns where a range of dates starting with the date at
// byte pos begins: at "từ" ("từ ngày 23/11 đến 29/11") when written.
func (p *parser) rangeStart(pos int) int {
	k := sort.Search(len(p.toks), func(k int) bool { return p.toks[k].pos >= pos })
	for k--; k >= 0 && p.toks[k].kind == tWord; k-- {
		switch p.toks[k].fold {
		case "ngay", "ng":
			continue
		case "tu":
			return p.toks[k].pos
		}
		break
	}
	return pos
}

func (p *parser) rangeBetween(from, to int) bool {
	for _, r := range p.ranges {
		if r >= from && r < to {
			return true
		}
	}
	return false
}

// unit returns the unit named, refusing a message that names two.
func (p *parser) unit() (code, name string) {
	for k, u := range p.units {
		if k == 0 {
			code, name = u.code, u.name
			continue
		}
		if u.code != code {
			p.problem(u.pos, u.end, "", msgTwoUnits, p.text[u.pos:u.end], name, u.name)
		}
	}
	return code, name
}
