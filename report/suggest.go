package report

import (
	"strings"
	"sync"

	"github.com/chihuy/chihuy/dataset"
)

// Suggestions: the element whose name is closest to unknown words, by an
// edit distance over folded text. Costs are in tenths of an edit; a digit
// replaced by a nearby digit costs less than by a far one, so that "F3" is
// closest to "F2", not to "F0".

const (
	editCost = 10
	// maxSuggestLen bounds the text compared, keeping the cost of a long
	// unknown stretch small; a label is never that long.
	maxSuggestLen = 40
)

// closest returns the element whose name is nearest to the folded words,
// with the distance, among names close enough to be suggested; code is
// empty when none is. The first element in data-set order wins a tie.
func (p *parser) closest(words string) (code string, dist int) {
	if len(words) > maxSuggestLen {
		return "", 0
	}
	limit := suggestLimit(words) + 1
	best := limit
	for _, c := range candidates(p.ds) {
		if d := len(c.text) - len(words); d*editCost >= best || -d*editCost >= best {
			continue
		}
		if d := distance(words, c.text, best); d < best {
			best, code = d, c.code
		}
	}
	if code == "" {
		return "", 0
	}
	return code, best
}

// candidate is an element name prepared for suggestions.
type candidate struct {
	text string // folded words joined by single spaces
	code string
}

// candidateCache holds the prepared names of each data set; data sets are
// immutable, so the names are computed once.
var candidateCache sync.Map // *dataset.DataSet → []candidate

func candidates(ds *dataset.DataSet) []candidate {
	if c, ok := candidateCache.Load(ds); ok {
		return c.([]candidate)
	}
	var list []candidate
	for _, a := range ds.Aliases() {
		if a.Code != "" {
			list = append(list, candidate{text: strings.Join(a.Words, " "), code: a.Code})
		}
	}
	c, _ := candidateCache.LoadOrStore(ds, list)
	return c.([]candidate)
}

// suggestible reports whether the closest name is close enough to be
// offered: one edit, or up to 40% of the text.
func suggestible(words string, dist int) bool {
	return dist <= suggestLimit(words)
}

func suggestLimit(words string) int {
	return max(editCost, len(words)*editCost*4/10)
}

// nearMiss reports whether words are so close to an element name that the
// message was meant as a report: one edit away from a name with a digit
// ("F3", "m5"), or at most a quarter of a longer text ("cach li tap
// chung").
func nearMiss(words string, dist int) bool {
	hasDigit := false
	for i := 0; i < len(words); i++ {
		if '0' <= words[i] && words[i] <= '9' {
			hasDigit = true
			break
		}
	}
	if hasDigit && dist <= editCost {
		return true
	}
	return len(words) >= 5 && dist*4 <= len(words)*editCost
}

// distance is the weighted edit distance between a and b (bytes of folded
// text). It stops early, returning a value ≥ limit, once every path costs
// limit or more; limit < 0 means no limit.
func distance(a, b string, limit int) int {
	var rows [2][maxSuggestLen + 2]int
	if len(a) > maxSuggestLen {
		a = a[:maxSuggestLen]
	}
	if len(b) > maxSuggestLen {
		b = b[:maxSuggestLen]
	}
	prev, cur := &rows[0], &rows[1]
	for j := 0; j <= len(b); j++ {
		prev[j] = j * editCost
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i * editCost
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			c := min(prev[j]+editCost, cur[j-1]+editCost, prev[j-1]+substCost(a[i-1], b[j-1]))
			cur[j] = c
			rowMin = min(rowMin, c)
		}
		if limit >= 0 && rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func substCost(x, y byte) int {
	if x == y {
		return 0
	}
	if '0' <= x && x <= '9' && '0' <= y && y <= '9' {
		d := int(x) - int(y)
		if d < 0 {
			d = -d
		}
		return editCost/2 + min(d, editCost/2)
	}
	return editCost
}
