package dataset

import (
	"strings"

	"github.com/chihuy/chihuy/vntext"
)

// Fired is an alert rule that a set of values triggered.
type Fired struct {
	// Rule is the rule that fired; Rule.Level says how far up it goes.
	Rule Rule
	// Value is the reported value that triggered it.
	Value int64
	// Message is the rule's Vietnamese message with {value}, {threshold}
	// and {label} filled in.
	Message string
}

// Alerts evaluates the alert rules against values (element code → value)
// and returns the rules that fire, in rule order. Elements absent from
// values are not evaluated: a rule "oxy < 10" does not fire for a report
// that does not mention oxygen. Alerts is pure.
func (ds *DataSet) Alerts(values map[string]int64) []Fired {
	var fired []Fired
	for _, r := range ds.Rules {
		v, ok := values[r.Element]
		if !ok || !r.Op.Holds(v, r.Threshold) {
			continue
		}
		msg := strings.NewReplacer(
			"{value}", vntext.Number(v),
			"{threshold}", vntext.Number(r.Threshold),
			"{label}", ds.Label(r.Element),
		).Replace(r.Message)
		fired = append(fired, Fired{Rule: r, Value: v, Message: msg})
	}
	return fired
}
