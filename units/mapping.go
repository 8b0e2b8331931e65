package units

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
)

// Merge is one old unit a new unit was formed from.
type Merge struct {
	Old string // the old unit's code, in the old tree
	// Whole is true when the whole old unit went into the new one
	// ("full"), false when only part of it did ("partial": the old unit
	// was split across several new ones).
	Whole bool
}

// Mapping says, for each unit of a new tree, the units of the old tree it
// was formed from: the reorganisation of 1 July 2025 for the built-in one
// (BuiltinMapping), or a mapping file of the same shape. It is immutable
// once built.
type Mapping struct {
	source string
	order  []string           // new codes, in file order
	into   map[string][]Merge // new code → its old units, in file order
	whole  map[string]string  // old code → the new unit it went into whole
	parts  map[string][]string
}

// Source says where the mapping comes from.
func (m *Mapping) Source() string { return m.source }

// NewCodes returns the codes of the new units the mapping describes, in
// file order (provinces before their communes).
func (m *Mapping) NewCodes() []string { return append([]string(nil), m.order...) }

// Into returns the old units new was formed from: those that went into it
// whole first, then those split, each in file order.
func (m *Mapping) Into(new string) []Merge { return append([]Merge(nil), m.into[new]...) }

// WholeInto returns the new unit the old unit went into whole.
func (m *Mapping) WholeInto(old string) (string, bool) {
	n, ok := m.whole[old]
	return n, ok
}

// PartsOf returns the new units that each received part of the old unit
// (it was split), in file order; nil when it was not split.
func (m *Mapping) PartsOf(old string) []string { return append([]string(nil), m.parts[old]...) }

// Len is how many old-into-new entries the mapping has.
func (m *Mapping) Len() int {
	n := 0
	for _, ms := range m.into {
		n += len(ms)
	}
	return n
}

// mergesFile is the shape of dvhcvn/20250701's mapping/merges.json.
type mergesFile struct {
	Data []struct {
		ID      string      `json:"level1_id"`
		Merges  []mergeJSON `json:"merges"`
		Level2s []struct {
			ID     string      `json:"level2_id"`
			Merges []mergeJSON `json:"merges"`
		} `json:"level2s"`
	} `json:"data"`
}

type mergeJSON struct {
	Old  string `json:"old_id"`
	Type string `json:"type"`
}

// ParseMapping reads a merges file of the shape of dvhcvn/20250701's
// mapping/merges.json: provinces ("level1_id") and their communes
// ("level2s", "level2_id"), each with "merges": the old units ("old_id")
// it was formed from, "type" full or partial. An old unit may go whole
// into one new unit only, and not be both whole and split; every defect is
// reported at once and nothing is loaded.
func ParseMapping(data []byte, source string) (*Mapping, error) {
	var f mergesFile
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\ufeff")), &f); err != nil {
		return nil, &InvalidError{Source: source, Problems: []Problem{{Message: msgNotMapping2025 + ": " + err.Error()}}}
	}
	if f.Data == nil {
		return nil, &InvalidError{Source: source, Problems: []Problem{{Message: msgNoGSOData}}}
	}
	b := newMappingBuilder(source)
	for _, p := range f.Data {
		b.add(p.ID, p.Merges)
		for _, c := range p.Level2s {
			b.add(c.ID, c.Merges)
		}
	}
	return b.done()
}

type mappingBuilder struct {
	m     *Mapping
	probs []Problem
}

func newMappingBuilder(source string) *mappingBuilder {
	return &mappingBuilder{m: &Mapping{source: source, into: map[string][]Merge{},
		whole: map[string]string{}, parts: map[string][]string{}}}
}

func (b *mappingBuilder) add(new string, merges []mergeJSON) {
	new = strings.TrimSpace(new)
	if new == "" {
		b.probs = append(b.probs, Problem{Message: msgMergeNoNew})
		return
	}
	if _, dup := b.m.into[new]; dup {
		b.probs = append(b.probs, Problem{Code: new, Message: msgDuplicate(0)})
		return
	}
	b.m.order = append(b.m.order, new)
	list := make([]Merge, 0, len(merges))
	for _, x := range merges {
		old := strings.TrimSpace(x.Old)
		if old == "" {
			b.probs = append(b.probs, Problem{Code: new, Message: msgMergeNoOld})
			continue
		}
		var whole bool
		switch x.Type {
		case "full":
			whole = true
		case "partial":
		default:
			b.probs = append(b.probs, Problem{Code: new, Message: msgMergeType})
			continue
		}
		list = append(list, Merge{Old: old, Whole: whole})
	}
	// Whole ones first, as the compact form keeps them.
	slices.SortStableFunc(list, func(a, b Merge) int {
		switch {
		case a.Whole == b.Whole:
			return 0
		case a.Whole:
			return -1
		}
		return 1
	})
	b.m.into[new] = list
}

func (b *mappingBuilder) done() (*Mapping, error) {
	m := b.m
	for _, new := range m.order {
		for _, x := range m.into[new] {
			if x.Whole {
				if _, twice := m.whole[x.Old]; twice {
					b.probs = append(b.probs, Problem{Code: x.Old, Message: msgMergeTwiceFull})
					continue
				}
				m.whole[x.Old] = new
			} else {
				m.parts[x.Old] = append(m.parts[x.Old], new)
			}
		}
	}
	for old := range m.parts {
		if _, ok := m.whole[old]; ok {
			b.probs = append(b.probs, Problem{Code: old, Message: msgMergeTwiceFull})
		}
	}
	if len(b.probs) > 0 {
		return nil, &InvalidError{Source: m.source, Problems: b.probs}
	}
	return m, nil
}

// LoadMapping reads a merges file (see ParseMapping).
func LoadMapping(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load mapping %s: %w", path, err)
	}
	return ParseMapping(data, path)
}

var july2025Mapping = sync.OnceValues(func() (*Mapping, error) {
	data, err := gunzip(july2025Merges)
	if err != nil {
		return nil, fmt.Errorf("built-in mapping: %w", err)
	}
	return parseCompactMapping(data, "built-in mapping "+TreeMarch2025+" → "+TreeJuly2025)
})

// BuiltinMapping returns the reorganisation of 1 July 2025: for each unit
// of the July tree (July2025), the units of the March tree (Builtin) it
// was formed from. It is built once and shared.
func BuiltinMapping() (*Mapping, error) { return july2025Mapping() }

// The compact form of a mapping is gzip-compressed UTF-8 text: a header
// line, then one line per new unit, in file order, tab-separated: the new
// code, the old codes that went into it whole, the old codes of which
// part went into it (each list space-separated):
//
//	# chihuy merges 1
//	00004	00004 00013	00016 00019 00022 …
const mergesMagic = "# chihuy merges 1"

// WriteCompact writes the mapping in the compact form it is embedded in;
// the output depends only on the mapping.
func (m *Mapping) WriteCompact(w io.Writer) error {
	return writeGzip(w, "write mapping", func(bw *bufio.Writer) error {
		bw.WriteString(mergesMagic + "\n")
		for _, new := range m.order {
			var whole, part []string
			for _, x := range m.into[new] {
				if x.Whole {
					whole = append(whole, x.Old)
				} else {
					part = append(part, x.Old)
				}
			}
			fmt.Fprintf(bw, "%s\t%s\t%s\n", new, strings.Join(whole, " "), strings.Join(part, " "))
		}
		return nil
	})
}

// parseCompactMapping reads the uncompressed compact form.
func parseCompactMapping(data []byte, source string) (*Mapping, error) {
	first, rest, _ := strings.Cut(string(data), "\n")
	if strings.TrimSpace(first) != mergesMagic {
		return nil, &InvalidError{Source: source, Problems: []Problem{{Line: 1, Message: msgNotMergesFile}}}
	}
	b := newMappingBuilder(source)
	line := 1
	for rest != "" {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		line++
		if l == "" {
			continue
		}
		cols := strings.Split(l, "\t")
		if len(cols) != 3 {
			b.probs = append(b.probs, Problem{Line: line, Message: msgBadColumns})
			continue
		}
		var ms []mergeJSON
		for _, o := range strings.Fields(cols[1]) {
			ms = append(ms, mergeJSON{Old: o, Type: "full"})
		}
		for _, o := range strings.Fields(cols[2]) {
			ms = append(ms, mergeJSON{Old: o, Type: "partial"})
		}
		b.add(cols[0], ms)
	}
	return b.done()
}
