package dataset

import (
	"strings"

	"github.com/chihuy/chihuy"
)

// Aggregations gives each element code its aggregation.
type Aggregations map[string]Aggregation

// Of returns the aggregation of element e; Sum for an element the map does
// not know (data kept from an older data set).
func (as Aggregations) Of(e string) Aggregation {
	if a, ok := as[e]; ok && a != "" {
		return a
	}
	return Sum
}

// Aggregations returns the aggregation of every element of the data set.
// Load accepts only Sum, Latest and Max, so every entry of a loaded data
// set is one of them; there is nothing to parse and no error.
func (ds *DataSet) Aggregations() Aggregations {
	out := make(Aggregations, len(ds.Elements))
	for _, e := range ds.Elements {
		out[e.Code] = e.Aggregation
	}
	return out
}

// ParseAggregation reads "sum", "latest" or "max" in any case, spaces
// around ignored. Any other word is a chihuy.EINVALID error.
func ParseAggregation(s string) (Aggregation, error) {
	for _, a := range []Aggregation{Sum, Latest, Max} {
		if strings.EqualFold(strings.TrimSpace(s), string(a)) {
			return a, nil
		}
	}
	return "", chihuy.Errorf(chihuy.EINVALID, msgUnknownAggregation, s)
}
