package units

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseYAML reads a units file of the project's own format (see the
// package documentation). source names the file in errors and in Source.
func ParseYAML(data []byte, source string) (*Tree, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &InvalidError{Source: source, Problems: []Problem{{Message: msgNotYAML(err)}}}
	}
	r := yamlReader{}
	o := origin{source: source}
	top := resolve(&doc)
	if top != nil && top.Kind == yaml.DocumentNode && len(top.Content) > 0 {
		top = resolve(top.Content[0])
	}
	var list *yaml.Node
	switch {
	case top == nil || top.Kind == yaml.DocumentNode || isNull(top):
		// Empty file: build reports it.
	case top.Kind == yaml.SequenceNode:
		list = top
	case top.Kind == yaml.MappingNode:
		r.mapping(top, "", func(key string, k, v *yaml.Node) {
			switch key {
			case "source":
				if s, ok := r.scalar(v); ok && s != "" {
					o.source = source + " — " + cleanName(s)
				}
			case "data_date":
				if s, ok := r.scalar(v); ok {
					o.dataDate = strings.TrimSpace(s)
				}
			case "units":
				if v.Kind != yaml.SequenceNode {
					if !isNull(v) {
						r.problem(v, "", msgNotList)
					}
					return
				}
				list = v
			default:
				r.problem(k, "", msgUnknownKey(key))
			}
		})
	default:
		r.problem(top, "", msgTopLevel)
	}
	var raws []rawUnit
	if list != nil {
		raws = make([]rawUnit, 0, len(list.Content))
		for _, item := range list.Content {
			if u, ok := r.unit(resolve(item)); ok {
				raws = append(raws, u)
			}
		}
	}
	if len(raws) == 0 && len(r.probs) > 0 {
		return nil, &InvalidError{Source: o.source, Problems: r.probs}
	}
	return build(raws, o, r.probs)
}

// yamlReader collects the defects met while reading YAML nodes.
type yamlReader struct{ probs []Problem }

func (r *yamlReader) problem(n *yaml.Node, code, msg string) {
	r.probs = append(r.probs, Problem{Line: n.Line, Code: code, Message: msg})
}

// resolve follows YAML aliases (*anchor) to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// mapping calls fn for every key of a mapping node, reporting repeated keys
// (of the unit code, when it is one).
func (r *yamlReader) mapping(n *yaml.Node, code string, fn func(key string, k, v *yaml.Node)) {
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if seen[k.Value] {
			r.problem(k, code, msgDuplicateKey(k.Value))
			continue
		}
		seen[k.Value] = true
		fn(k.Value, k, v)
	}
}

// scalar returns a scalar's text as written ("03418" stays "03418"); null
// is "". Other nodes are reported.
func (r *yamlReader) scalar(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		r.problem(n, "", msgNotScalar)
		return "", false
	}
	if isNull(n) {
		return "", true
	}
	return n.Value, true
}

// unit reads one list item into a raw unit.
func (r *yamlReader) unit(n *yaml.Node) (rawUnit, bool) {
	if n.Kind != yaml.MappingNode {
		r.problem(n, "", msgNotMapping)
		return rawUnit{}, false
	}
	u := rawUnit{Line: n.Line}
	// The code first, so that later defects can name the unit.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if resolve(n.Content[i]).Value == "code" {
			if v := resolve(n.Content[i+1]); v.Kind == yaml.ScalarNode && !isNull(v) {
				u.Code = strings.TrimSpace(v.Value)
			}
			break
		}
	}
	str := func(v *yaml.Node) string {
		if v.Kind != yaml.ScalarNode {
			r.problem(v, u.Code, msgNotScalar)
			return ""
		}
		if isNull(v) {
			return ""
		}
		return v.Value
	}
	r.mapping(n, u.Code, func(key string, k, v *yaml.Node) {
		switch key {
		case "code":
			str(v)
		case "name":
			u.Name = str(v)
		case "level":
			u.Level = str(v)
		case "parent":
			u.Parent = str(v)
		case "aliases":
			u.Aliases = r.aliases(v, u.Code)
		case "population":
			u.Population = r.population(v, u.Code)
		default:
			r.problem(k, u.Code, msgUnknownKey(key))
		}
	})
	return u, true
}

func (r *yamlReader) aliases(v *yaml.Node, code string) []string {
	switch {
	case isNull(v):
		return nil
	case v.Kind == yaml.ScalarNode:
		if s := cleanName(v.Value); s != "" {
			return []string{s}
		}
		return nil
	case v.Kind != yaml.SequenceNode:
		r.problem(v, code, msgBadAliases)
		return nil
	}
	var out []string
	for _, a := range v.Content {
		a = resolve(a)
		if a.Kind != yaml.ScalarNode {
			r.problem(a, code, msgBadAliases)
			continue
		}
		if s := cleanName(a.Value); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (r *yamlReader) population(v *yaml.Node, code string) Population {
	var p Population
	if isNull(v) {
		return p
	}
	if v.Kind != yaml.MappingNode {
		r.problem(v, code, msgNotMapping)
		return p
	}
	r.mapping(v, code, func(key string, k, n *yaml.Node) {
		var dst *int64
		switch key {
		case "total":
			dst = &p.Total
		case "adults":
			dst = &p.Adults
		case "age_12_17":
			dst = &p.Age12to17
		case "age_5_11":
			dst = &p.Age5to11
		default:
			r.problem(k, code, msgUnknownKey("population."+key))
			return
		}
		if isNull(n) {
			return
		}
		x, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 10, 64)
		if n.Kind != yaml.ScalarNode || err != nil || x < 0 {
			r.problem(n, code, "population."+key+": "+msgBadPopCount)
			return
		}
		*dst = x
	})
	return p
}
