package dataset

import (
	"sort"
	"strings"

	"github.com/chihuy/chihuy/vntext"
)

// Label returns the canonical Vietnamese label of the element ("F0 (ca mắc
// mới)", "cách ly tập trung"), or the code itself for a code the data set
// does not have.
func (ds *DataSet) Label(code string) string {
	if e, ok := ds.Element(code); ok {
		return e.Label
	}
	return code
}

// Entry is one value with its element, for rendering.
type Entry struct {
	Code  string
	Label string
	Value int64
}

// Entries returns values (element code → value) in data-set order, each
// with its canonical label. Codes the data set does not have come last,
// sorted, labelled by their code.
func (ds *DataSet) Entries(values map[string]int64) []Entry {
	entries := make([]Entry, 0, len(values))
	for _, e := range ds.Elements {
		if v, ok := values[e.Code]; ok {
			entries = append(entries, Entry{Code: e.Code, Label: e.Label, Value: v})
		}
	}
	if len(entries) < len(values) {
		var extra []string
		for code := range values {
			if !ds.Has(code) {
				extra = append(extra, code)
			}
		}
		sort.Strings(extra)
		for _, code := range extra {
			entries = append(entries, Entry{Code: code, Label: code, Value: values[code]})
		}
	}
	return entries
}

// Format renders values in data-set order with canonical labels, the way
// the bot echoes a recorded report: "F0 (ca mắc mới): 3; F1: 25; cách ly
// tập trung: 15". Numbers carry Vietnamese thousands dots ("1.200").
// An empty map renders as "".
func (ds *DataSet) Format(values map[string]int64) string {
	var b strings.Builder
	for i, e := range ds.Entries(values) {
		if i > 0 {
			b.WriteString(entrySep)
		}
		b.WriteString(e.Label)
		b.WriteString(": ")
		b.WriteString(vntext.Number(e.Value))
	}
	return b.String()
}
