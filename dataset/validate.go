package dataset

import (
	"fmt"
	"regexp"
	"strings"
)

// Validation turns the file layout into a DataSet, collecting every
// problem with the line it is on, so that an operator fixes a file in one
// pass.

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// validator builds a DataSet from the file layout, collecting problems.
type validator struct {
	lines lines
	errs  []string
	// names maps a folded name to its owner, for clash detection.
	names map[string]string
	// context maps group name → folded member name → element code.
	context map[string]map[string]string
}

func (v *validator) fail(line int, format string, args ...any) {
	if len(v.errs) >= maxErrors {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		msg = fmt.Sprintf(msgAt, line, msg)
	}
	v.errs = append(v.errs, msg)
}

func (v *validator) elementError(i int, code string, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if code != "" {
		msg = fmt.Sprintf(msgElement, code, msg)
	} else {
		msg = fmt.Sprintf(msgElementN, i+1, msg)
	}
	v.fail(lineOf(v.lines.elements, i), "%s", msg)
}

func (v *validator) build(f *fileDataSet) *DataSet {
	ds := &DataSet{
		Name:   strings.TrimSpace(f.Name),
		Title:  strings.TrimSpace(f.Title),
		Period: Period(strings.TrimSpace(f.Period)),
		byCode: make(map[string]int, len(f.Elements)),
		units:  make(map[string]bool),
	}
	if ds.Name == "" {
		v.fail(0, msgNoName)
	}
	if ds.Title == "" {
		ds.Title = ds.Name
	}
	switch ds.Period {
	case "":
		ds.Period = Daily
	case Daily, Weekly:
	default:
		v.fail(0, msgBadPeriod, f.Period)
	}
	if len(f.Elements) == 0 {
		v.fail(0, msgNoElements)
	}
	for i, fe := range f.Elements {
		v.element(ds, i, fe)
	}
	v.parents(ds)
	v.groups(ds, f.Groups)
	v.aliases(ds, f)
	v.collects(ds)
	v.phrases(ds, f)
	v.rules(ds, f.Alerts)
	ds.index.build()
	return ds
}

func (v *validator) element(ds *DataSet, i int, fe fileElement) {
	e := Element{
		Code:        strings.TrimSpace(fe.Code),
		Label:       strings.TrimSpace(fe.Label),
		Short:       strings.TrimSpace(fe.Short),
		Aliases:     fe.Aliases,
		Aggregation: Aggregation(strings.TrimSpace(fe.Aggregation)),
		Unit:        strings.TrimSpace(fe.Unit),
		Denominator: Denominator(strings.TrimSpace(fe.Denominator)),
		Parent:      strings.TrimSpace(fe.Parent),
	}
	for _, c := range fe.Collects {
		e.Collects = append(e.Collects, strings.TrimSpace(c))
	}
	if !codeRE.MatchString(e.Code) {
		v.elementError(i, e.Code, msgBadCode)
	} else if j, dup := ds.byCode[e.Code]; dup {
		v.elementError(i, e.Code, msgDupCode, lineOf(v.lines.elements, j))
		return
	}
	if e.Label == "" {
		v.elementError(i, e.Code, msgNoLabel)
	}
	if e.Short == "" {
		e.Short = e.Label
	}
	switch e.Aggregation {
	case Sum, Latest, Max:
	case "":
		v.elementError(i, e.Code, msgNoAggregation)
	default:
		v.elementError(i, e.Code, msgBadAggregation, fe.Aggregation)
	}
	if e.Unit != "" {
		if w := Words(e.Unit); len(w) != 1 {
			v.elementError(i, e.Code, msgBadUnit, e.Unit)
		} else {
			ds.units[w[0]] = true
		}
	}
	if fe.Min != nil {
		e.Min = *fe.Min
		if e.Min < 0 {
			v.elementError(i, e.Code, msgBadMin)
		}
	}
	if fe.Max != nil {
		e.Max = *fe.Max
		if e.Max <= 0 || e.Max < e.Min {
			v.elementError(i, e.Code, msgBadMax, e.Max, e.Min)
		}
	}
	switch e.Denominator {
	case "", DenomTotal, DenomAdults, DenomAge12to17, DenomAge5to11:
	default:
		v.elementError(i, e.Code, msgBadDenominator, fe.Denominator)
	}
	if e.Code != "" {
		ds.byCode[e.Code] = len(ds.Elements)
	}
	ds.Elements = append(ds.Elements, e)
}

// parents checks that every sub-count names a known parent and that
// parents do not loop.
func (v *validator) parents(ds *DataSet) {
	for i, e := range ds.Elements {
		if e.Parent == "" {
			continue
		}
		if e.Parent == e.Code {
			v.elementError(i, e.Code, msgSelfParent)
			continue
		}
		if !ds.Has(e.Parent) {
			v.elementError(i, e.Code, msgUnknownParent, e.Parent)
			continue
		}
		chain := []string{e.Code}
		for p := e.Parent; p != ""; {
			chain = append(chain, p)
			if p == e.Code {
				v.elementError(i, e.Code, msgParentCycle, strings.Join(chain, " → "))
				break
			}
			if len(chain) > len(ds.Elements)+1 {
				break // a loop further up, reported for its own members
			}
			pe, _ := ds.Element(p)
			p = pe.Parent
		}
	}
}

func (v *validator) groups(ds *DataSet, groups []fileGroup) {
	seen := map[string]bool{}
	for gi, fg := range groups {
		line := lineOf(v.lines.groups, gi)
		name := strings.TrimSpace(fg.Name)
		gerr := func(format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			if name != "" {
				msg = fmt.Sprintf(msgGroup, name, msg)
			} else {
				msg = fmt.Sprintf(msgGroupN, gi+1, msg)
			}
			v.fail(line, "%s", msg)
		}
		switch {
		case name == "":
			gerr(msgNoGroupName)
			continue
		case seen[name]:
			gerr(msgDupGroup)
			continue
		}
		seen[name] = true
		if len(fg.Heads) == 0 {
			gerr(msgNoHeads)
		}
		g := Group{Name: name, Heads: fg.Heads}
		for _, m := range fg.Members {
			code := strings.TrimSpace(m.Element)
			i, ok := ds.byCode[code]
			if !ok {
				gerr(msgUnknownMember, code)
				continue
			}
			if prev := ds.Elements[i].Group; prev != "" {
				gerr(msgMemberTwice, code, prev)
				continue
			}
			ds.Elements[i].Group = name
			g.Members = append(g.Members, Member{Element: code, Aliases: m.Aliases})
		}
		ds.Groups = append(ds.Groups, g)
	}
}

// aliases indexes every name and reports names that clash after folding.
func (v *validator) aliases(ds *DataSet, f *fileDataSet) {
	v.names = map[string]string{}
	v.context = map[string]map[string]string{}
	groupOf := map[string]Group{}
	for _, g := range ds.Groups {
		groupOf[g.Name] = g
	}
	for i, e := range ds.Elements {
		if e.Code == "" {
			continue
		}
		names := append([]string{e.Code, e.Short, e.Label}, e.Aliases...)
		for _, n := range names {
			v.addName(ds, i, e, n, nil)
		}
		g, ok := groupOf[e.Group]
		if !ok {
			continue
		}
		for _, m := range g.Members {
			if m.Element != e.Code {
				continue
			}
			for _, h := range g.Heads {
				hw := Words(h)
				if len(hw) == 0 {
					continue // reported with the heads
				}
				for _, a := range m.Aliases {
					v.addName(ds, i, e, a, hw)
				}
			}
		}
	}
	for gi, g := range ds.Groups {
		owner := fmt.Sprintf(msgOwnerHead, g.Name)
		for _, h := range g.Heads {
			w := Words(h)
			if !v.checkWords(lineOf(v.lines.groups, gi), g.Name, h, w) {
				continue
			}
			key := joinWords(w)
			if prev, clash := v.names[key]; clash {
				if prev != owner {
					v.fail(lineOf(v.lines.groups, gi), msgGroup, g.Name, fmt.Sprintf(msgAliasClash, h, prev))
				}
				continue
			}
			v.names[key] = owner
			ds.index.add(Alias{Kind: KindHead, Words: w, Text: h, Group: g.Name})
		}
	}
	for gi, g := range ds.Groups {
		ctx := map[string]string{}
		v.context[g.Name] = ctx
		for _, m := range g.Members {
			for _, a := range m.Aliases {
				w := Words(a)
				if !v.checkWords(lineOf(v.lines.groups, gi), g.Name, a, w) {
					continue
				}
				key := joinWords(w)
				if prev, ok := ctx[key]; ok {
					if prev != m.Element {
						v.fail(lineOf(v.lines.groups, gi), msgGroup, g.Name,
							fmt.Sprintf(msgAliasClash, a, fmt.Sprintf(msgOwnerElement, prev)))
					}
					continue
				}
				if prev, ok := v.names[key]; ok {
					if prev != fmt.Sprintf(msgOwnerElement, m.Element) {
						v.fail(lineOf(v.lines.groups, gi), msgGroup, g.Name, fmt.Sprintf(msgAliasClash, a, prev))
					}
					continue // already a name of the element everywhere
				}
				ctx[key] = m.Element
				ds.index.add(Alias{Words: w, Text: a, Code: m.Element, Group: g.Name, Contextual: true})
			}
		}
	}
}

// addName indexes one name of element e, prefixed by the head words when
// it is a group head + member composition.
func (v *validator) addName(ds *DataSet, i int, e Element, name string, head []string) {
	w := Words(name)
	text := name
	if head != nil {
		if len(w) == 0 {
			return // reported with the contextual names
		}
		w = append(append([]string{}, head...), w...)
		text = joinWords(head) + " " + name
	}
	line := lineOf(v.lines.elements, i)
	if len(w) == 0 {
		v.elementError(i, e.Code, msgEmptyAlias, name)
		return
	}
	if allDigits(w) {
		v.elementError(i, e.Code, msgDigitAlias, name)
		return
	}
	key := joinWords(w)
	owner := fmt.Sprintf(msgOwnerElement, e.Code)
	if prev, clash := v.names[key]; clash {
		if prev != owner {
			v.fail(line, msgElement, e.Code, fmt.Sprintf(msgAliasClash, text, prev))
		}
		return
	}
	v.names[key] = owner
	ds.index.add(Alias{Words: w, Text: text, Code: e.Code, Group: e.Group})
}

// collects checks that every collected element exists, is not the
// collecting element itself and is collected by one element at most.
func (v *validator) collects(ds *DataSet) {
	by := map[string]string{}
	for i, e := range ds.Elements {
		for _, c := range e.Collects {
			switch {
			case c == e.Code:
				v.elementError(i, e.Code, msgCollectsSelf)
			case !ds.Has(c):
				v.elementError(i, e.Code, msgCollectsUnknown, c)
			case by[c] != "" && by[c] != e.Code:
				// two age groups may both collect the doses: allowed
			default:
				by[c] = e.Code
			}
		}
	}
}

// phrases indexes the unit words, the annotations left aside, the
// concepts outside the data set, the news markers and the additive words,
// refusing a phrase that is also an element's name: the same words cannot
// both record a value and be left aside.
func (v *validator) phrases(ds *DataSet, f *fileDataSet) {
	for _, u := range f.UnitWords {
		w := Words(u)
		owner, ok := v.names[joinWords(w)]
		if len(w) != 1 || !ok || !strings.HasPrefix(owner, "chỉ tiêu") {
			v.fail(0, msgBadUnitWord, u)
			continue
		}
		ds.UnitWords = append(ds.UnitWords, u)
		if ds.nouns == nil {
			ds.nouns = map[string]bool{}
		}
		ds.nouns[w[0]] = true
	}
	add := func(kind AliasKind, concept, owner, phrase string) {
		w := Words(phrase)
		switch {
		case len(w) == 0:
			v.fail(0, msgPhraseEmpty, phrase, owner)
			return
		case allDigits(w):
			v.fail(0, msgPhraseDigits, phrase, owner)
			return
		}
		key := joinWords(w)
		if prev, clash := v.names[key]; clash {
			if prev != owner {
				v.fail(0, msgPhraseClash, phrase, owner, prev)
			}
			return
		}
		v.names[key] = owner
		ds.index.add(Alias{Kind: kind, Words: w, Text: phrase, Concept: concept})
	}
	concepts := func(kind AliasKind, list []fileConcept, ownerFmt, section string) []Concept {
		var out []Concept
		for _, fc := range list {
			name := strings.TrimSpace(fc.Name)
			if name == "" {
				v.fail(0, msgNoConceptName, section)
				continue
			}
			c := Concept{Name: name, Phrases: fc.Phrases}
			owner := fmt.Sprintf(ownerFmt, name)
			for _, ph := range append([]string{name}, fc.Phrases...) {
				add(kind, name, owner, ph)
			}
			out = append(out, c)
		}
		return out
	}
	ds.Asides = concepts(KindAside, f.Aside, msgOwnerAside, "aside")
	ds.Outside = concepts(KindOutside, f.Outside, msgOwnerOutside, "outside")
	for _, n := range f.News {
		add(KindNews, "", msgOwnerNews, n)
		ds.News = append(ds.News, n)
	}
	for _, n := range f.Additive {
		add(KindAdditive, "", msgOwnerAdditive, n)
		ds.Additive = append(ds.Additive, n)
	}
}

// checkWords reports a group name without words or made of digits only.
func (v *validator) checkWords(line int, group, name string, w []string) bool {
	switch {
	case len(w) == 0:
		v.fail(line, msgGroup, group, fmt.Sprintf(msgEmptyAlias, name))
		return false
	case allDigits(w):
		v.fail(line, msgGroup, group, fmt.Sprintf(msgDigitAlias, name))
		return false
	}
	return true
}

func (v *validator) rules(ds *DataSet, rules []fileRule) {
	for i, fr := range rules {
		line := lineOf(v.lines.alerts, i)
		r := Rule{
			Element:   strings.TrimSpace(fr.Element),
			Op:        Operator(strings.TrimSpace(fr.Op)),
			Threshold: fr.Threshold,
			Level:     fr.Level,
			Message:   strings.TrimSpace(fr.Message),
		}
		rerr := func(format string, args ...any) {
			v.fail(line, msgAlert, i+1, r.Element, fmt.Sprintf(format, args...))
		}
		ok := true
		if !ds.Has(r.Element) {
			rerr(msgUnknownAlertElem, r.Element)
			ok = false
		}
		switch r.Op {
		case OpGT, OpGE, OpLT, OpLE:
		default:
			rerr(msgBadOperator, fr.Op)
			ok = false
		}
		if r.Level == 0 {
			r.Level = 1
		}
		if r.Level < 0 {
			rerr(msgBadLevel)
			ok = false
		}
		if r.Message == "" {
			rerr(msgNoMessage)
			ok = false
		}
		if ok {
			ds.Rules = append(ds.Rules, r)
		}
	}
}
