package config

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/chihuy/chihuy/units"
	"github.com/chihuy/chihuy/vntext"
)

// fileReader reads values from YAML nodes and reports bad ones with their
// file, line and key.
type fileReader struct {
	file, dir string
	probs     *problems
}

func (r *fileReader) bad(n *yaml.Node, key, msg string) {
	if key == "" {
		r.probs.add("%s:%d: %s", r.file, n.Line, msg)
		return
	}
	r.probs.add("%s:%d: %s: %s", r.file, n.Line, key, msg)
}

// unknown reports a key the file may not have, suggesting the closest of
// the keys it may ("schedul" → "schedule").
func (r *fileReader) unknown(k *yaml.Node, key string, known ...string) {
	r.bad(k, key, msgUnknownKey+suggest(k.Value, known))
}

// path resolves a path of the file against the file's directory.
func (r *fileReader) path(s string) string {
	if filepath.IsAbs(s) {
		return s
	}
	return filepath.Join(r.dir, s)
}

// unitsRef is a built-in tree's name as written, else a path.
func (r *fileReader) unitsRef(s string) string {
	if units.IsBuiltinName(s) {
		return s
	}
	return r.path(s)
}

// mapping calls fn for every key of a mapping node; null is an empty
// mapping. Repeated keys are reported.
func (r *fileReader) mapping(n *yaml.Node, key string, fn func(sub string, k, v *yaml.Node)) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		r.bad(n, key, msgWantMapping)
		return
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if seen[k.Value] {
			r.bad(k, join(key, k.Value), msgDuplicateKey)
			continue
		}
		seen[k.Value] = true
		fn(k.Value, k, v)
	}
}

// list calls fn for every item of a sequence; a single scalar is a list
// of one, null an empty list.
func (r *fileReader) list(n *yaml.Node, key string, fn func(key string, item *yaml.Node)) {
	n = resolve(n)
	switch {
	case isNull(n):
	case n.Kind == yaml.ScalarNode:
		fn(key, n)
	case n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			fn(fmt.Sprintf("%s[%d]", key, i), resolve(item))
		}
	default:
		r.bad(n, key, msgWantList)
	}
}

// str returns a scalar's text as written; null is reported as absent.
func (r *fileReader) str(n *yaml.Node, key string) (string, bool) {
	if isNull(n) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		r.bad(n, key, msgWantScalar)
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

func (r *fileReader) integer(n *yaml.Node, key string, min int) (int, bool) {
	s, ok := r.str(n, key)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil || v < min {
		r.bad(n, key, msgWantInt(s, min))
		return 0, false
	}
	return v, true
}

func (r *fileReader) positive(n *yaml.Node, key string) (float64, bool) {
	s, ok := r.str(n, key)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0) || v > 1e6 {
		r.bad(n, key, msgWantPositive(s))
		return 0, false
	}
	return v, true
}

func (r *fileReader) duration(n *yaml.Node, key string) (time.Duration, bool) {
	s, ok := r.str(n, key)
	if !ok {
		return 0, false
	}
	d, err := ParseDuration(s)
	if err != nil || d <= 0 {
		r.bad(n, key, msgBadDurationValue(s))
		return 0, false
	}
	return d, true
}

// fields reads a mapping of scalars with the given keys, all required.
func (r *fileReader) fields(n *yaml.Node, key string, names ...string) (map[string]*yaml.Node, bool) {
	if n.Kind != yaml.MappingNode {
		r.bad(n, key, msgWantMapping)
		return nil, false
	}
	got := make(map[string]*yaml.Node, len(names))
	ok := true
	r.mapping(n, key, func(sub string, k, v *yaml.Node) {
		for _, name := range names {
			if sub == name {
				got[sub] = v
				return
			}
		}
		r.unknown(k, key+"."+sub, names...)
		ok = false
	})
	for _, name := range names {
		if v, present := got[name]; !present || isNull(v) {
			r.bad(n, key+"."+name, msgMissing)
			ok = false
		}
	}
	return got, ok
}

// suggest is " (có phải schedule?)" for a near miss, "" otherwise.
func suggest(got string, known []string) string {
	if c := vntext.Closest(got, known); c != "" {
		return msgDidYouMean(c)
	}
	return ""
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func join(key, sub string) string {
	if key == "" {
		return sub
	}
	return key + "." + sub
}
