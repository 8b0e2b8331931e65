package units

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"sync"
)

// Names of the built-in national trees, as the configuration's "units:"
// and "reorganise: {to: …}" write them.
const (
	// TreeMarch2025 is the three-tier tree of the GSO catalogue dated
	// 01/03/2025 (63 provinces, 696 districts, 10,047 communes): the
	// default.
	TreeMarch2025 = "gso-2025-03"
	// TreeJuly2025 is the two-tier tree in force since 1 July 2025
	// (34 provinces and cities, 3,321 communes, wards and special zones).
	TreeJuly2025 = "gso-2025-07"
)

// BuiltinNames lists the names of the built-in trees, the default first.
func BuiltinNames() []string { return []string{TreeMarch2025, TreeJuly2025} }

// IsBuiltinName reports whether name names a built-in tree.
func IsBuiltinName(name string) bool { return slices.Contains(BuiltinNames(), name) }

// The two-tier tree of July 2025 and its mapping from the March tree,
// derived by internal/gengso from the merges file of dvhcvn/20250701;
// GSO_2025_JSON names that file (dvhcvn-20250701-merges.json).
//
//go:generate go run ./internal/gengso -in $GSO_2025_JSON -out vn2507.tsv.gz -mapping vn2507-merges.tsv.gz
//go:embed vn2507.tsv.gz
var july2025Data []byte

//go:embed vn2507-merges.tsv.gz
var july2025Merges []byte

// Where the July 2025 tree comes from; the embedded file's header says the
// same, and a test holds them together.
const (
	July2025Source = "Danh mục đơn vị hành chính từ 01/07/2025, Cục Thống kê " +
		"(công văn 915/CTK-CSCL, 1027/CTK-CSCL); sáp nhập theo các nghị quyết 1654–1687/NQ-UBTVQH15 (dvhcvn/20250701, MIT)"
	July2025DataDate = "01/07/2025"
	// July2025KeySpace sets the July tree's stored data apart from the
	// March tree's, whose codes it reuses for other places.
	July2025KeySpace = "g2507"
)

var july2025 = sync.OnceValues(loadJuly2025)

// July2025 returns the two-tier national tree in force since 1 July 2025:
// root VN above 34 provinces and cities and 3,321 communes, wards and
// special zones. It is built once and shared: never modify its units.
func July2025() (*Tree, error) { return july2025() }

func loadJuly2025() (*Tree, error) {
	t, err := loadCompact(july2025Data, TreeJuly2025)
	if err != nil {
		return nil, err
	}
	t.space = July2025KeySpace
	return t, nil
}

// BuiltinNamed returns the built-in tree of that name (see BuiltinNames).
func BuiltinNamed(name string) (*Tree, error) {
	switch name {
	case TreeMarch2025:
		return Builtin()
	case TreeJuly2025:
		return July2025()
	}
	return nil, errUnknownTree(name)
}

// Name is the built-in name of the tree ("gso-2025-07"), or "" for a tree
// read from a units file.
func (t *Tree) Name() string { return t.name }

// loadCompact builds a tree from an embedded compact file.
func loadCompact(gz []byte, name string) (*Tree, error) {
	data, err := gunzip(gz)
	if err != nil {
		return nil, fmt.Errorf("built-in units %s: %w", name, err)
	}
	raws, o, probs := parseCompact(data, "built-in units "+name)
	t, err := build(raws, o, probs)
	if err != nil {
		return nil, err
	}
	t.name = name
	return t, nil
}

func gunzip(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// WithOrigin returns the tree with another source and data date (the
// generator of a built-in tree states them when its input has none). The
// units are shared with t.
func (t *Tree) WithOrigin(source, dataDate string) *Tree {
	c := *t
	c.origin = origin{source: source, dataDate: dataDate}
	return &c
}
