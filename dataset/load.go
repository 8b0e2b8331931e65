package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/chihuy/chihuy"
)

// fileDataSet is the YAML layout of a data-set file.
type fileDataSet struct {
	Name     string        `yaml:"name"`
	Title    string        `yaml:"title"`
	Period   string        `yaml:"period"`
	Elements []fileElement `yaml:"elements"`
	Groups   []fileGroup   `yaml:"groups"`
	Alerts   []fileRule    `yaml:"alerts"`
	// UnitWords, Aside, Outside, News, Additive: see DataSet.
	UnitWords []string      `yaml:"unit_words"`
	Aside     []fileConcept `yaml:"aside"`
	Outside   []fileConcept `yaml:"outside"`
	News      []string      `yaml:"news"`
	Additive  []string      `yaml:"additive"`
}

type fileConcept struct {
	Name    string   `yaml:"name"`
	Phrases []string `yaml:"phrases"`
}

type fileElement struct {
	Code        string   `yaml:"code"`
	Label       string   `yaml:"label"`
	Short       string   `yaml:"short"`
	Aliases     []string `yaml:"aliases"`
	Aggregation string   `yaml:"aggregation"`
	Unit        string   `yaml:"unit"`
	Min         *int64   `yaml:"min"`
	Max         *int64   `yaml:"max"`
	Denominator string   `yaml:"denominator"`
	Parent      string   `yaml:"parent"`
	Collects    []string `yaml:"collects"`
}

type fileGroup struct {
	Name    string       `yaml:"name"`
	Heads   []string     `yaml:"heads"`
	Members []fileMember `yaml:"members"`
}

type fileMember struct {
	Element string   `yaml:"element"`
	Aliases []string `yaml:"aliases"`
}

type fileRule struct {
	Element   string `yaml:"element"`
	Op        string `yaml:"op"`
	Threshold int64  `yaml:"threshold"`
	Level     int    `yaml:"level"`
	Message   string `yaml:"message"`
}

// maxErrors bounds how many problems one validation reports.
const maxErrors = 20

// Load reads and validates the data-set file at path.
func Load(path string) (*DataSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load data set %s: %w", path, err)
	}
	ds, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load data set %s: %w", path, err)
	}
	return ds, nil
}

// Parse decodes and validates a data-set file. Unknown keys, duplicate
// codes, names that clash between elements after folding, unknown
// aggregations, unknown sub-count parents and malformed alert rules are
// refused; the *chihuy.Error (code EINVALID) lists every problem found, each
// naming the element and its line.
func Parse(data []byte) (*DataSet, error) {
	var f fileDataSet
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, chihuy.Errorf(chihuy.EINVALID, msgEmpty)
		}
		return nil, chihuy.Errorf(chihuy.EINVALID, msgYAML, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, chihuy.Errorf(chihuy.EINVALID, msgYAML, err)
	}
	v := validator{lines: lineTable(&root)}
	ds := v.build(&f)
	if len(v.errs) > 0 {
		return nil, chihuy.Errorf(chihuy.EINVALID, "%s", strings.Join(v.errs, "\n"))
	}
	return ds, nil
}

// lines holds the line of each element, group and alert in the file, for
// error messages.
type lines struct {
	elements, groups, alerts []int
}

func lineTable(root *yaml.Node) lines {
	var l lines
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return l
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return l
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		var dst *[]int
		switch m.Content[i].Value {
		case "elements":
			dst = &l.elements
		case "groups":
			dst = &l.groups
		case "alerts":
			dst = &l.alerts
		default:
			continue
		}
		for _, n := range m.Content[i+1].Content {
			*dst = append(*dst, n.Line)
		}
	}
	return l
}

func lineOf(lines []int, i int) int {
	if i < len(lines) {
		return lines[i]
	}
	return 0
}
