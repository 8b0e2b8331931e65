package units

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// rawUnit is one unit as a file states it, before validation.
type rawUnit struct {
	Code, Name, Level, Parent string
	Aliases                   []string
	Population                Population
	Line                      int // 1-based line in the file, 0 when unknown
}

// Problem is one defect of a units file.
type Problem struct {
	Line    int    // 1-based line in the file; 0 when the format gives none
	Code    string // the unit concerned, when known
	Message string // in Vietnamese
}

// InvalidError reports every defect found in a units file. Nothing of a
// file with defects is loaded.
type InvalidError struct {
	Source   string
	Problems []Problem
}

// maxListed bounds how many problems Error spells out.
const maxListed = 50

func (e *InvalidError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Source, msgProblemCount(len(e.Problems)))
	for i, p := range e.Problems {
		if i == maxListed {
			b.WriteString("\n" + msgMoreProblems(len(e.Problems)-maxListed))
			break
		}
		b.WriteString("\n")
		b.WriteString(e.Source)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
		if p.Code != "" {
			b.WriteString(msgUnitPrefix(p.Code))
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// cleanName puts a name in NFC with single spaces and no outer spaces.
func cleanName(s string) string {
	if norm.NFC.IsNormalString(s) && !messySpace(s) {
		return s
	}
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// messySpace reports whether s has outer, repeated or non-plain spaces.
func messySpace(s string) bool {
	prev := ' ' // a leading space counts as repeated
	for _, r := range s {
		if unicode.IsSpace(r) && (r != ' ' || prev == ' ') {
			return true
		}
		prev = r
	}
	return prev == ' '
}

// properName writes every word of a place name from the GSO data with a
// capital first letter: the catalogue has a few syllables that begin with
// a lower-case accented vowel ("Pa ủ", "Mường é", "Đồng ý") where its
// capitalisation missed a precomposed letter. Words that begin with a
// digit or a sign ("Phường 1", "Văn Miếu - Quốc Tử Giám") are kept, and a
// letter after an apostrophe is no syllable start ("Cư M'gar").
func properName(s string) string {
	words := strings.Split(s, " ")
	changed := false
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) {
			words[i] = string(unicode.ToUpper(r)) + w[n:]
			changed = true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(words, " ")
}

// cleanLevel is cleanName in lower case.
func cleanLevel(s string) string { return strings.ToLower(cleanName(s)) }

// validCode reports whether a code is safe everywhere it travels: storage
// keys (no ':' or braces), commands and file names.
func validCode(c string) bool {
	if len(c) == 0 || len(c) > 64 {
		return false
	}
	for i := 0; i < len(c); i++ {
		switch b := c[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '-', b == '_', b == '.':
		default:
			return false
		}
	}
	return true
}

// origin says where a tree comes from.
type origin struct {
	source   string // path or description
	dataDate string // date of the data, as the source writes it
}

// build validates raw units and links them into a tree. extra holds the
// defects the file reader found. It returns an *InvalidError naming every
// defect, and no tree, when there is any.
func build(raws []rawUnit, o origin, extra []Problem) (*Tree, error) {
	probs := extra
	add := func(r *rawUnit, msg string) {
		probs = append(probs, Problem{Line: r.Line, Code: r.Code, Message: msg})
	}
	if len(raws) == 0 {
		probs = append(probs, Problem{Message: msgEmptyFile})
		return nil, &InvalidError{Source: o.source, Problems: probs}
	}

	index := make(map[string]int, len(raws))
	for i := range raws {
		r := &raws[i]
		r.Code = strings.TrimSpace(r.Code)
		r.Parent = strings.TrimSpace(r.Parent)
		r.Name = cleanName(r.Name)
		r.Level = cleanLevel(r.Level)
		switch {
		case r.Code == "":
			add(r, msgEmptyCode)
		case !validCode(r.Code):
			add(r, msgBadCode)
		}
		if r.Name == "" {
			add(r, msgEmptyName)
		}
		if r.Code == "" {
			continue
		}
		if j, dup := index[r.Code]; dup {
			add(r, msgDuplicate(raws[j].Line))
			continue
		}
		index[r.Code] = i
	}

	// Parents: known, not self. Units with a bad parent take no further part.
	linked := make([]bool, len(raws))
	var roots []int
	for i := range raws {
		r := &raws[i]
		if r.Code == "" || index[r.Code] != i {
			continue
		}
		switch _, known := index[r.Parent]; {
		case r.Parent == "":
			roots = append(roots, i)
		case r.Parent == r.Code:
			add(r, msgSelfParent)
		case !known:
			add(r, msgUnknownParent(r.Parent))
		default:
			linked[i] = true
		}
	}
	for _, i := range roots[min(1, len(roots)):] {
		add(&raws[i], msgSecondRoot(raws[roots[0]].Code, raws[roots[0]].Line))
	}

	// Cycles: follow parents from every linked unit; a walk that comes back
	// onto itself is a cycle, reported once at its first unit in the file.
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]uint8, len(raws))
	for i := range raws {
		if !linked[i] || state[i] != unseen {
			continue
		}
		var path []int
		j := i
		for linked[j] && state[j] == unseen {
			state[j] = onPath
			path = append(path, j)
			j = index[raws[j].Parent]
		}
		if state[j] == onPath {
			start := 0
			for path[start] != j {
				start++
			}
			cycle := path[start:]
			first := cycle[0]
			for _, k := range cycle {
				if raws[k].Line < raws[first].Line {
					first = k
				}
			}
			codes := make([]string, 0, len(cycle)+1)
			for _, k := range cycle {
				codes = append(codes, raws[k].Code)
			}
			codes = append(codes, raws[cycle[0]].Code)
			add(&raws[first], msgCycle(codes))
		}
		for _, k := range path {
			state[k] = done
		}
	}
	if len(roots) == 0 && len(probs) == 0 {
		probs = append(probs, Problem{Message: msgNoRoot})
	}

	if len(probs) > 0 {
		sort.SliceStable(probs, func(a, b int) bool { return probs[a].Line < probs[b].Line })
		return nil, &InvalidError{Source: o.source, Problems: probs}
	}
	return link(raws, index, roots[0], o), nil
}

// link builds the tree from validated raw units.
func link(raws []rawUnit, index map[string]int, root int, o origin) *Tree {
	n := len(raws)
	all := make([]Unit, n)
	nchild := make([]int, n)
	levelKeys := make(map[string]string)
	for i := range raws {
		r := &raws[i]
		lk, ok := levelKeys[r.Level]
		if !ok {
			lk = normalize(r.Level)
			levelKeys[r.Level] = lk
		}
		all[i] = Unit{Code: r.Code, Name: r.Name, Level: r.Level, Aliases: r.Aliases,
			Population: r.Population, levelKey: lk}
		if r.Parent != "" {
			nchild[index[r.Parent]]++
		}
	}
	// One backing array for every Children slice.
	buf := make([]*Unit, 0, n)
	for i := range all {
		if nchild[i] > 0 {
			all[i].Children = buf[len(buf) : len(buf) : len(buf)+nchild[i]]
			buf = buf[:len(buf)+nchild[i]]
		}
	}
	for i := range raws {
		if p := raws[i].Parent; p != "" {
			pu := &all[index[p]]
			all[i].Parent = pu
			pu.Children = append(pu.Children, &all[i])
		}
	}

	t := &Tree{root: &all[root], order: make([]*Unit, 0, n), byCode: make(map[string]*Unit, n), origin: o}
	// Iterative preorder: a unit's end is set when its last descendant is
	// placed, by closing units on the stack as the walk climbs back.
	type frame struct {
		u    *Unit
		next int
	}
	stack := []frame{{u: t.root}}
	t.root.pre = 0
	t.order = append(t.order, t.root)
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.next == len(f.u.Children) {
			f.u.end = len(t.order)
			stack = stack[:len(stack)-1]
			continue
		}
		c := f.u.Children[f.next]
		f.next++
		c.Depth = f.u.Depth + 1
		c.pre = len(t.order)
		t.order = append(t.order, c)
		stack = append(stack, frame{u: c})
	}
	for _, u := range t.order {
		t.byCode[u.Code] = u
	}
	// Population roll-up, children before parents.
	for i := len(t.order) - 1; i >= 0; i-- {
		u := t.order[i]
		u.effective = u.Population
		if len(u.Children) == 0 {
			continue
		}
		roll := func(own *int64, child func(c *Unit) int64) {
			if *own != 0 {
				return
			}
			var sum int64
			for _, c := range u.Children {
				v := child(c)
				if v == 0 {
					return
				}
				sum += v
			}
			*own = sum
		}
		roll(&u.effective.Total, func(c *Unit) int64 { return c.effective.Total })
		roll(&u.effective.Adults, func(c *Unit) int64 { return c.effective.Adults })
		roll(&u.effective.Age12to17, func(c *Unit) int64 { return c.effective.Age12to17 })
		roll(&u.effective.Age5to11, func(c *Unit) int64 { return c.effective.Age5to11 })
	}
	t.names = buildNameIndex(t.order)
	return t
}
