package units

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// The built-in national tree, derived from the GSO catalogue export by
// internal/gengso; GSO_JSON names that export (dvhcvn.json).
//
//go:generate go run ./internal/gengso -in $GSO_JSON -out vn.tsv.gz
//go:embed vn.tsv.gz
var builtinData []byte

// Where the built-in tree comes from; the embedded file's header says the
// same, and a test holds them together.
const (
	BuiltinSource   = "Danh mục đơn vị hành chính Việt Nam, Tổng cục Thống kê (GSO)"
	BuiltinDataDate = "01/03/2025"
)

// builtinAliases are the further names people use for some units of the
// built-in tree.
var builtinAliases = map[string][]string{
	"79": {"HCM", "TPHCM", "Sài Gòn"},
}

var builtin = sync.OnceValues(loadBuiltin)

// Builtin returns the national tree embedded in the binary: root VN above
// 63 provinces, 696 districts and 10,047 communes (GSO, 01/03/2025). The
// tree is built once and shared: never modify its units.
func Builtin() (*Tree, error) { return builtin() }

func loadBuiltin() (*Tree, error) {
	zr, err := gzip.NewReader(bytes.NewReader(builtinData))
	if err != nil {
		return nil, fmt.Errorf("built-in units: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("built-in units: %w", err)
	}
	raws, o, probs := parseCompact(data, "built-in units")
	if len(probs) == 0 {
		for i := range raws {
			if a, ok := builtinAliases[raws[i].Code]; ok {
				raws[i].Aliases = a
			}
		}
	}
	t, err := build(raws, o, probs)
	if err != nil {
		return nil, err
	}
	t.name = TreeMarch2025
	return t, nil
}

// The compact form is gzip-compressed UTF-8 text: three header lines, then
// one line per unit in preorder (root first), tab-separated:
//
//	# chihuy units 1
//	# source: Danh mục đơn vị hành chính Việt Nam, Tổng cục Thống kê (GSO)
//	# data_date: 01/03/2025
//	code  parent  level  name  [aliases|…  [total  adults  age_12_17  age_5_11]]
//
// The root's parent is empty; trailing empty columns are left out.
const compactMagic = "# chihuy units 1"

// WriteCompact writes t in the compact form the built-in tree is embedded
// in. The output depends only on the tree (no time stamp), so that
// regenerating it from the same data gives the same bytes.
func (t *Tree) WriteCompact(w io.Writer) error {
	return writeGzip(w, "write units", func(bw *bufio.Writer) error {
		return t.writeCompact(bw)
	})
}

// writeGzip writes what fill writes, gzip-compressed at the best level
// and without time stamp; errors are prefixed with what.
func writeGzip(w io.Writer, what string, fill func(*bufio.Writer) error) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	bw := bufio.NewWriter(zw)
	if err := fill(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func (t *Tree) writeCompact(bw *bufio.Writer) error {
	fmt.Fprintf(bw, "%s\n# source: %s\n# data_date: %s\n", compactMagic, t.origin.source, t.origin.dataDate)
	for _, u := range t.order {
		for _, a := range u.Aliases {
			if strings.ContainsAny(a, "|\t\n") {
				return fmt.Errorf("write units: unit %s: alias %q holds a separator", u.Code, a)
			}
		}
		parent := ""
		if u.Parent != nil {
			parent = u.Parent.Code
		}
		cols := []string{u.Code, parent, u.Level, u.Name, strings.Join(u.Aliases, "|")}
		if !u.Population.IsZero() {
			p := u.Population
			cols = append(cols, num(p.Total), num(p.Adults), num(p.Age12to17), num(p.Age5to11))
		}
		for len(cols) > 4 && cols[len(cols)-1] == "" {
			cols = cols[:len(cols)-1]
		}
		bw.WriteString(strings.Join(cols, "\t"))
		bw.WriteByte('\n')
	}
	return nil
}

func num(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// parseCompact reads the uncompressed compact form.
func parseCompact(data []byte, source string) ([]rawUnit, origin, []Problem) {
	o := origin{source: source}
	var probs []Problem
	text := string(data)
	first, rest, _ := strings.Cut(text, "\n")
	if strings.TrimSpace(first) != compactMagic {
		return nil, o, []Problem{{Line: 1, Message: msgNotCompact}}
	}
	raws := make([]rawUnit, 0, strings.Count(rest, "\n")+1)
	line := 1
	for rest != "" {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		line++
		if l == "" {
			continue
		}
		if after, ok := strings.CutPrefix(l, "# "); ok {
			k, v, _ := strings.Cut(after, ": ")
			switch k {
			case "source":
				o.source = v
			case "data_date":
				o.dataDate = v
			}
			continue
		}
		cols := strings.Split(l, "\t")
		if len(cols) < 4 {
			probs = append(probs, Problem{Line: line, Message: msgBadColumns})
			continue
		}
		r := rawUnit{Code: cols[0], Parent: cols[1], Level: cols[2], Name: cols[3], Line: line}
		if r.Parent != "" {
			// The embedded trees come from the GSO data; the root's name
			// is the project's own ("Ban Chỉ đạo Quốc gia").
			r.Name = properName(r.Name)
		}
		if len(cols) > 4 && cols[4] != "" {
			r.Aliases = strings.Split(cols[4], "|")
		}
		if len(cols) > 5 {
			pop := [...]*int64{&r.Population.Total, &r.Population.Adults, &r.Population.Age12to17, &r.Population.Age5to11}
			for i, c := range cols[5:] {
				if i >= len(pop) || c == "" {
					continue
				}
				n, err := strconv.ParseInt(c, 10, 64)
				if err != nil || n < 0 {
					probs = append(probs, Problem{Line: line, Code: r.Code, Message: msgBadPopCount})
					continue
				}
				*pop[i] = n
			}
		}
		raws = append(raws, r)
	}
	return raws, o, probs
}
