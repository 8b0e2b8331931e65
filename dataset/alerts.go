package dataset

import (
	"strconv"
	"strings"
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
			"{value}", FormatNumber(v),
			"{threshold}", FormatNumber(r.Threshold),
			"{label}", ds.Label(r.Element),
		).Replace(r.Message)
		fired = append(fired, Fired{Rule: r, Value: v, Message: msg})
	}
	return fired
}

// FormatNumber writes n the Vietnamese way, with dots between thousands:
// 1200 → "1.200".
func FormatNumber(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(s) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(s[:head])
	for i := head; i < len(s); i += 3 {
		b.WriteByte('.')
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
