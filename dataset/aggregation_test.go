package dataset

import (
	"strings"
	"testing"
)

func TestParseAggregation(t *testing.T) {
	tests := []struct {
		in   string
		want Aggregation
		ok   bool
	}{
		{"sum", Sum, true}, {" Latest ", Latest, true}, {"MAX", Max, true},
		{"avg", "", false}, {"", "", false},
	}
	for _, tc := range tests {
		got, err := ParseAggregation(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseAggregation(%q) = %v, %v", tc.in, got, err)
		}
		if tc.ok && string(got) != strings.ToLower(strings.TrimSpace(tc.in)) {
			t.Errorf("string(%v) = %q", got, string(got))
		}
	}
	if got := (Aggregations{"oxy": Max}).Of("unknown"); got != Sum {
		t.Errorf("unknown element aggregates as %v, want sum", got)
	}
}
