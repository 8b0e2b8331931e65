// Package reorg carries a deployment from one tree of units to another
// (SPEC §1): Vietnam's reorganisation of 1 July 2025, from the three-tier
// tree of March 2025 to the two-tier tree, or any mapping of the same
// shape.
//
// A Plan joins the two trees through the mapping: each old unit went
// whole into one new unit, was split across several ("partial"), or is
// gone (the districts). Apply moves the chat bindings, roles and invites
// of old units that went whole into a new one, unbinds the chats of split
// and gone units and tells them (in Vietnamese) to enrol again with an
// invite of their new unit, and lists the roles held there for the
// operator. It writes a journal first, so that an interrupted run resumes,
// a second run is a no-op and Undo restores everything. Stored reports are
// never touched: figures of a new unit over days before the effective
// date are read from the old units that went into it whole (Sources).
package reorg

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/units"
)

// Plan is a reorganisation from one tree to another from a date.
type Plan struct {
	From, To *units.Tree
	Mapping  *units.Mapping
	// MappingRef is "builtin" or the mapping file, as the configuration
	// names it.
	MappingRef string
	// Effective is the first day the new tree is in force.
	Effective chihuy.Day
	// AppliedAt is when the store's bindings moved to the new tree (zero
	// when unknown or not yet): directives issued before it name old
	// units. Apply and Recorded set it.
	AppliedAt time.Time

	whole   map[string]*units.Unit   // old code → the new unit it went into whole
	parts   map[string][]*units.Unit // old code → the new units that each got part of it
	sources map[string][]*units.Unit // new code → old units that went into it whole
	leftOut map[string][]*units.Unit // new code → old units split, part of which went into it
}

// TreeID names a tree in the store's records: its built-in name, else
// "file:" and the units file it was read from.
func TreeID(t *units.Tree) string {
	if n := t.Name(); n != "" {
		return n
	}
	path, _, _ := strings.Cut(t.Source(), " — ")
	return filePrefix + path
}

const filePrefix = "file:"

// treeRef is the reference the configuration would write for the tree a
// TreeID names: the built-in name, or the file.
func treeRef(id string) string { return strings.TrimPrefix(id, filePrefix) }

// New joins from and to through m. Units of the mapping absent from
// either tree (outside a "root:" subtree) are left out. The roots
// correspond when the mapping does not name them and their codes agree
// (VN, the national root of both built-in trees).
func New(from, to *units.Tree, m *units.Mapping, mappingRef string, effective chihuy.Day) (*Plan, error) {
	if TreeID(from) == TreeID(to) {
		return nil, chihuy.Errorf(chihuy.EINVALID, msgSameTree, TreeID(to))
	}
	if effective.IsZero() {
		return nil, chihuy.Errorf(chihuy.EINVALID, msgNoEffective)
	}
	p := &Plan{From: from, To: to, Mapping: m, MappingRef: mappingRef, Effective: effective,
		whole: map[string]*units.Unit{}, parts: map[string][]*units.Unit{},
		sources: map[string][]*units.Unit{}, leftOut: map[string][]*units.Unit{}}
	for _, code := range m.NewCodes() {
		nu, ok := to.Get(code)
		if !ok {
			continue
		}
		for _, x := range m.Into(code) {
			ou, ok := from.Get(x.Old)
			if !ok {
				continue
			}
			if x.Whole {
				p.whole[ou.Code] = nu
				p.sources[nu.Code] = append(p.sources[nu.Code], ou)
			} else {
				p.parts[ou.Code] = append(p.parts[ou.Code], nu)
				p.leftOut[nu.Code] = append(p.leftOut[nu.Code], ou)
			}
		}
	}
	fr, tr := from.Root(), to.Root()
	if _, named := p.whole[fr.Code]; !named && len(p.sources[tr.Code]) == 0 && fr.Code == tr.Code {
		p.whole[fr.Code] = tr
		p.sources[tr.Code] = []*units.Unit{fr}
	}
	if len(p.sources[tr.Code]) == 0 {
		return nil, chihuy.Errorf(chihuy.EINVALID, msgRootsApart, fr.String(), tr.String())
	}
	return p, nil
}

// Fate is what became of an old unit.
type Fate struct {
	Old *units.Unit
	// Into is the new unit it went into whole; nil when it was split or
	// is gone.
	Into *units.Unit
	// Parts are the new units that each got part of it (split).
	Parts []*units.Unit
}

// Gone reports whether the unit has no successor at all (a district of
// the three-tier tree).
func (f Fate) Gone() bool { return f.Into == nil && len(f.Parts) == 0 }

// Fate returns what became of the old unit code; false when code is not a
// unit of the old tree.
func (p *Plan) Fate(code string) (Fate, bool) {
	u, ok := p.From.Get(code)
	if !ok {
		return Fate{}, false
	}
	return Fate{Old: u, Into: p.whole[code], Parts: slices.Clone(p.parts[code])}, true
}

// Sources returns, for the new unit code, the old units that went into it
// whole (its figures before the effective date are theirs) and the old
// units split, part of which went into it (left out of those figures).
func (p *Plan) Sources(code string) (whole, leftOut []*units.Unit) {
	return p.sources[code], p.leftOut[code]
}

// Before reports whether day is before the effective date: the old tree's
// figures hold it.
func (p *Plan) Before(day chihuy.Day) bool { return day.Before(p.Effective) }

// String is "gso-2025-03 → gso-2025-07 từ 01/07/2025".
func (p *Plan) String() string {
	return fmt.Sprintf("%s → %s, %s", TreeID(p.From), TreeID(p.To), fmt.Sprintf(msgFrom, p.Effective.Short()))
}
