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

// Violation is a sub-count larger than its parent ("f0cd ≤ f0", "duongtinh
// ≤ xn"): a day's report that breaks a rule of the data set.
type Violation struct {
	Sub, Parent           string
	SubValue, ParentValue int64
}

// Violations checks the rules of the data set on one day's values: every
// sub-count no larger than its parent, where both are given. Violations
// is pure.
func (ds *DataSet) Violations(values map[string]int64) []Violation {
	var out []Violation
	for _, e := range ds.Elements {
		if e.Parent == "" {
			continue
		}
		sub, ok1 := values[e.Code]
		parent, ok2 := values[e.Parent]
		if ok1 && ok2 && sub > parent {
			out = append(out, Violation{Sub: e.Code, Parent: e.Parent, SubValue: sub, ParentValue: parent})
		}
	}
	return out
}
