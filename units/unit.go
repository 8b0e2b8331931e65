package units

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unit is one node of the tree: a command center at some tier. Fields are
// read-only; the tree owns them.
type Unit struct {
	// Code is the GSO administrative code where one exists (2 digits for a
	// province, 3 for a district, 5 for a commune), else the code the units
	// file gives. It is unique in the tree.
	Code string
	// Name is the proper name without the type word: "Bản Giang". In the
	// built-in trees and GSO files every word of it starts with a capital
	// letter or a digit ("Pa Ủ", "Phường 1"); a YAML units file's names
	// are kept as written.
	Name string
	// Level is the type word in lower case: "xã", "phường", "thị trấn",
	// "huyện", "quận", "thị xã", "thành phố", "tỉnh", "chốt", "quốc gia" …
	Level string
	// Aliases are further names the unit answers to in lookups.
	Aliases []string
	// Parent is nil for the root.
	Parent *Unit
	// Children are in file order (code order for GSO data).
	Children []*Unit
	// Depth is 0 for the root, 1 for its children, and so on.
	Depth int
	// Population holds the figures the units file gives; zero fields are
	// unknown. See EffectivePopulation for figures summed from children.
	Population Population

	pre, end  int    // preorder position; descendants are order[pre+1:end]
	levelKey  string // folded level, for type-word matching
	effective Population
}

// Population figures of a unit, used as denominators of coverage rates.
// A zero field means the figure is unknown.
type Population struct {
	Total     int64 // everyone
	Adults    int64 // aged 18 and over
	Age12to17 int64
	Age5to11  int64
}

// IsZero reports whether no figure is known.
func (p Population) IsZero() bool { return p == Population{} }

// EffectivePopulation returns, per figure, the unit's own value where the
// units file gives one, else the sum over its children when every child
// has that figure (directly or through its own children), else zero.
func (u *Unit) EffectivePopulation() Population { return u.effective }

// IsLeaf reports whether the unit has no children.
func (u *Unit) IsLeaf() bool { return len(u.Children) == 0 }

// FullName is the name with its type word, as written mid-sentence:
// "xã Bản Giang", "thành phố Lai Châu". The type word is left out when the
// name already contains it ("Ban Chỉ đạo Quốc gia") or the level is empty.
func (u *Unit) FullName() string {
	if u.Level == "" || u.levelKey == "" || containsWords(normalize(u.Name), u.levelKey) {
		return u.Name
	}
	return u.Level + " " + u.Name
}

// Title is FullName with its first letter in upper case, as written at the
// start of a line: "Xã Bản Giang".
func (u *Unit) Title() string {
	s := u.FullName()
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// String is "xã Bản Giang (03418)": the form used when the user must pick
// among units of the same name.
func (u *Unit) String() string { return u.FullName() + " (" + u.Code + ")" }

// containsWords reports whether the space-separated words of sub appear
// consecutively in the space-separated words of s.
func containsWords(s, sub string) bool {
	return strings.Contains(" "+s+" ", " "+sub+" ")
}

// Tree is a validated, immutable tree of units with its indexes.
type Tree struct {
	root   *Unit
	order  []*Unit // preorder
	byCode map[string]*Unit
	names  nameIndex
	origin origin
	// space is the store key space of the tree's data: "" for the
	// default built-in tree and units files, a short name for a built-in
	// tree whose codes reuse the default tree's for other places.
	space string
	name  string // built-in name, "" for a units file
}

// KeySpace is the name that sets the tree's stored data apart from that
// of other trees whose codes mean other places: "" for the default
// built-in tree (gso-2025-03) and for units files, "g2507" for the
// two-tier tree of July 2025 (its "00004" is not the default tree's).
func (t *Tree) KeySpace() string { return t.space }

// ShardSeparator joins a tree's key space and a unit code in a shard name
// ("g2507@01"); it is in no unit code.
const ShardSeparator = "@"

// Root returns the root unit.
func (t *Tree) Root() *Unit { return t.root }

// Len returns the number of units, the root included.
func (t *Tree) Len() int { return len(t.order) }

// Source says where the tree came from, for "chihuy check" and logs: the
// GSO catalogue for the built-in tree, else the file path, followed by the
// file's own "source:" text when it has one.
func (t *Tree) Source() string { return t.origin.source }

// DataDate is the date of the data as its source writes it ("01/03/2025"
// for the built-in tree), or "" when the source gives none.
func (t *Tree) DataDate() string { return t.origin.dataDate }

// Get returns the unit with the code.
func (t *Tree) Get(code string) (*Unit, bool) {
	u, ok := t.byCode[code]
	return u, ok
}

// Units returns every unit in preorder (a unit before its children,
// children in order), starting with the root.
func (t *Tree) Units() []*Unit { return slices.Clone(t.order) }

// Ancestors returns the unit's parent, its parent's parent, and so on up
// to the root. It is empty for the root and for an unknown code.
func (t *Tree) Ancestors(code string) []*Unit {
	u, ok := t.byCode[code]
	if !ok {
		return nil
	}
	out := make([]*Unit, 0, u.Depth)
	for p := u.Parent; p != nil; p = p.Parent {
		out = append(out, p)
	}
	return out
}

// Within reports whether the unit code is ancestorCode or lies below it.
// It is false when either code is unknown. This is the authorization
// primitive: a user acting for ancestorCode may act on code.
func (t *Tree) Within(code, ancestorCode string) bool {
	u, ok := t.byCode[code]
	if !ok {
		return false
	}
	a, ok := t.byCode[ancestorCode]
	if !ok {
		return false
	}
	return within(u, a)
}

func within(u, a *Unit) bool { return a.pre <= u.pre && u.pre < a.end }

// Descendants returns every unit strictly below code, in preorder. It is
// empty for a leaf or an unknown code.
func (t *Tree) Descendants(code string) []*Unit {
	u, ok := t.byCode[code]
	if !ok {
		return nil
	}
	return slices.Clone(t.order[u.pre+1 : u.end])
}

// Walk calls fn for the unit code and each unit below it, in preorder.
// When fn returns false the units below the one just visited are skipped.
// Walk does nothing for an unknown code.
func (t *Tree) Walk(code string, fn func(u *Unit) bool) {
	u, ok := t.byCode[code]
	if !ok {
		return
	}
	for i := u.pre; i < u.end; {
		v := t.order[i]
		if fn(v) {
			i++
		} else {
			i = v.end
		}
	}
}

// Shard returns the code of the unit's ancestor that is a child of the
// root (the unit itself when it is one): a province in the national tree.
// The root's shard is the root's own code. It is "" for an unknown code.
// Reports and aggregates of one shard share a storage slot. For a tree
// with a key space the code is prefixed with it ("g2507@01"), so that
// the data of two trees that reuse codes never share keys.
func (t *Tree) Shard(code string) string {
	u, ok := t.byCode[code]
	if !ok {
		return ""
	}
	for u.Depth > 1 {
		u = u.Parent
	}
	return t.ShardName(u.Code)
}

// ShardName is the shard name of code, a child of the root or the root
// itself: the code, prefixed with the tree's key space when it has one.
func (t *Tree) ShardName(code string) string {
	if t.space == "" {
		return code
	}
	return t.space + ShardSeparator + code
}

// Subtree returns a new tree holding the unit code and everything below
// it, with that unit as root (depth 0). Source and data date are kept.
// It returns t itself for t's root.
func (t *Tree) Subtree(code string) (*Tree, error) {
	top, ok := t.byCode[code]
	if !ok {
		return nil, errUnknownRoot(code)
	}
	if top == t.root {
		return t, nil
	}
	raws := make([]rawUnit, 0, top.end-top.pre)
	for _, u := range t.order[top.pre:top.end] {
		r := rawUnit{Code: u.Code, Name: u.Name, Level: u.Level, Aliases: u.Aliases, Population: u.Population}
		if u != top {
			r.Parent = u.Parent.Code
		}
		raws = append(raws, r)
	}
	sub, err := build(raws, t.origin, nil)
	if err != nil {
		return nil, err
	}
	sub.space, sub.name = t.space, t.name
	return sub, nil
}

// DepthCount is how many units a tree has at one depth, and the level
// names found there.
type DepthCount struct {
	Depth  int
	Count  int
	Levels []string // known levels in the usual order, then others as met
}

// String is "tỉnh/thành phố: 63", or "cấp 3: 12" when no level is named.
func (d DepthCount) String() string {
	name := strings.Join(d.Levels, "/")
	if name == "" {
		name = msgDepth(d.Depth)
	}
	return name + ": " + strconv.Itoa(d.Count)
}

// levelOrder is the usual order of Vietnamese level names within a tier.
var levelOrder = []string{"quốc gia", "tỉnh", "huyện", "quận", "thị xã", "thành phố", "xã", "phường", "thị trấn", "đặc khu", "thôn", "bản", "tổ", "chốt"}

// CountByDepth counts units per depth, root (depth 0) first.
func (t *Tree) CountByDepth() []DepthCount {
	var out []DepthCount
	for _, u := range t.order {
		for len(out) <= u.Depth {
			out = append(out, DepthCount{Depth: len(out)})
		}
		d := &out[u.Depth]
		d.Count++
		if u.Level != "" && !slices.Contains(d.Levels, u.Level) {
			d.Levels = append(d.Levels, u.Level)
		}
	}
	for i := range out {
		slices.SortStableFunc(out[i].Levels, func(a, b string) int {
			return levelRank(a) - levelRank(b)
		})
	}
	return out
}

func levelRank(level string) int {
	if i := slices.Index(levelOrder, level); i >= 0 {
		return i
	}
	return len(levelOrder)
}
