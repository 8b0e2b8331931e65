// Command gengso derives the compact national trees that package units
// embeds from the public catalogues of administrative units.
//
// The three-tier tree of March 2025 (vn.tsv.gz) comes from the GSO
// catalogue export (the JSON with "data", "level2s", "level3s" and
// "data_date"):
//
//	go run ./units/internal/gengso -in dvhcvn.json -out units/vn.tsv.gz
//
// The two-tier tree of July 2025 (vn2507.tsv.gz) and its mapping from the
// March tree (vn2507-merges.tsv.gz) come from the merges file of
// dvhcvn/20250701 (provinces and communes, each with "merges"):
//
//	go run ./units/internal/gengso -in dvhcvn-20250701-merges.json \
//	    -out units/vn2507.tsv.gz -mapping units/vn2507-merges.tsv.gz
//
// It reads the files with units.ParseGSO and units.ParseMapping, so the
// embedded data is exactly what loading the JSON gives. It refuses March
// data whose date is not units.BuiltinDataDate (update that constant with
// the data), and July data whose counts are not 34 provinces and 3,321
// communes or whose mapping names a unit missing from either tree.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/chihuy/chihuy/units"
)

func main() {
	in := flag.String("in", "", "GSO catalogue export, or the merges file of July 2025 (JSON)")
	out := flag.String("out", "vn.tsv.gz", "compact tree to write")
	mapping := flag.String("mapping", "", "with the merges file: compact mapping to write")
	flag.Parse()
	if err := run(*in, *out, *mapping); err != nil {
		fmt.Fprintln(os.Stderr, "gengso:", err)
		os.Exit(1)
	}
}

func run(in, out, mapping string) error {
	if in == "" {
		return errors.New("-in: name the GSO catalogue export (JSON)")
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read %s: %w", in, err)
	}
	if mapping == "" {
		buf, err := generate(data)
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		return write(out, buf)
	}
	tree, merges, err := generate2025(data)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := write(out, tree); err != nil {
		return err
	}
	return write(mapping, merges)
}

func write(path string, buf []byte) error {
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// generate turns a GSO export into the compact form.
func generate(data []byte) ([]byte, error) {
	tree, err := units.ParseGSO(data, units.BuiltinSource)
	if err != nil {
		return nil, err
	}
	if tree.DataDate() != units.BuiltinDataDate {
		return nil, fmt.Errorf("data date %q, want %q (update units.BuiltinDataDate with the data)",
			tree.DataDate(), units.BuiltinDataDate)
	}
	var buf bytes.Buffer
	if err := tree.WriteCompact(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// July 2025 counts: 34 provinces and cities, 3,321 communes.
const (
	provinces2025 = 34
	communes2025  = 3321
)

// generate2025 turns the merges file into the compact tree and mapping.
func generate2025(data []byte) (tree, mapping []byte, err error) {
	t, err := units.ParseGSO(data, units.July2025Source)
	if err != nil {
		return nil, nil, err
	}
	t = t.WithOrigin(units.July2025Source, units.July2025DataDate)
	m, err := units.ParseMapping(data, units.July2025Source)
	if err != nil {
		return nil, nil, err
	}
	if err := check2025(t, m); err != nil {
		return nil, nil, err
	}
	var tb, mb bytes.Buffer
	if err := t.WriteCompact(&tb); err != nil {
		return nil, nil, err
	}
	if err := m.WriteCompact(&mb); err != nil {
		return nil, nil, err
	}
	return tb.Bytes(), mb.Bytes(), nil
}

// check2025 holds the July data to its known counts and its mapping to
// both trees: every new unit has a mapping, every old unit named exists in
// the March tree, every old commune is accounted for.
func check2025(t *units.Tree, m *units.Mapping) error {
	counts := t.CountByDepth()
	if len(counts) != 3 || counts[1].Count != provinces2025 || counts[2].Count != communes2025 {
		return fmt.Errorf("counts %v, want %d provinces and %d communes", counts, provinces2025, communes2025)
	}
	old, err := units.Builtin()
	if err != nil {
		return err
	}
	for _, code := range m.NewCodes() {
		if _, ok := t.Get(code); !ok {
			return fmt.Errorf("mapping: new unit %s is not in the tree", code)
		}
		for _, x := range m.Into(code) {
			if _, ok := old.Get(x.Old); !ok {
				return fmt.Errorf("mapping: old unit %s (into %s) is not in %s", x.Old, code, units.TreeMarch2025)
			}
		}
	}
	for _, u := range old.Units() {
		if u.Depth != 3 {
			continue
		}
		if _, whole := m.WholeInto(u.Code); !whole && len(m.PartsOf(u.Code)) == 0 {
			return fmt.Errorf("mapping: old commune %s goes nowhere", u.Code)
		}
	}
	return nil
}
