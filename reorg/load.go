package reorg

import (
	"context"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// MappingBuiltin names the built-in mapping of 1 July 2025.
const MappingBuiltin = "builtin"

// LoadMapping returns the mapping ref names: MappingBuiltin (or "") for
// the built-in one, else a merges file.
func LoadMapping(ref string) (*units.Mapping, error) {
	if ref == "" || ref == MappingBuiltin {
		return units.BuiltinMapping()
	}
	return units.LoadMapping(ref)
}

// Load builds the plan from the tree in use (from, possibly a "root:"
// subtree) to the whole tree to: to is cut to the new unit from's root
// went into whole (the new Lai Châu for the old one), or kept whole when
// both roots are the national root.
func Load(from, to *units.Tree, mappingRef string, effective chihuy.Day) (*Plan, error) {
	m, err := LoadMapping(mappingRef)
	if err != nil {
		return nil, err
	}
	if mappingRef == "" {
		mappingRef = MappingBuiltin
	}
	fr := from.Root().Code
	if _, ok := to.Get(fr); !ok || fr != to.Root().Code {
		n, whole := m.WholeInto(fr)
		if !whole {
			return nil, chihuy.Errorf(chihuy.EINVALID, msgRootSplit, from.Root().String())
		}
		if to, err = to.Subtree(n); err != nil {
			return nil, err
		}
	}
	return New(from, to, m, mappingRef, effective)
}

// Recorded rebuilds the plan a store has applied, for a deployment whose
// tree (to, as configured) is the new one: the old tree is loaded by
// load (a built-in name or a file) and cut to its recorded root. It
// returns nil when the store records no applied reorganisation into to.
func Recorded(ctx context.Context, st *store.Store, to *units.Tree, load func(ref string) (*units.Tree, error)) (*Plan, error) {
	rec, ok, err := Stored(ctx, st)
	if err != nil || !ok || !rec.Applied || rec.To != TreeID(to) {
		return nil, err
	}
	from, err := load(treeRef(rec.From))
	if err != nil {
		return nil, err
	}
	if rec.FromRoot != "" && rec.FromRoot != from.Root().Code {
		if from, err = from.Subtree(rec.FromRoot); err != nil {
			return nil, err
		}
	}
	m, err := LoadMapping(rec.Mapping)
	if err != nil {
		return nil, err
	}
	plan, err := New(from, to, m, rec.Mapping, rec.Effective)
	if err != nil {
		return nil, err
	}
	plan.AppliedAt = rec.At
	return plan, nil
}
