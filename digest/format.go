package digest

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/chihuy/chihuy/vntext"
)

// change writes a day-on-day change in words: "tăng 3", "giảm 5".
func change(n int64) string {
	switch {
	case n > 0:
		return fmt.Sprintf(changeUp, vntext.Number(n))
	case n < 0:
		return fmt.Sprintf(changeDown, strings.TrimPrefix(vntext.Number(n), "-"))
	}
	return changeNone
}

// percent writes part/whole as a whole percentage (vntext.Percent:
// rounded, never 0% when some did nor 100% when some did not).
func percent(part, whole int) string {
	return strconv.Itoa(vntext.Percent(part, whole)) + "%"
}

// rate writes a percentage with at most one decimal, with a decimal
// comma: 72.5 → "72,5%", 90 → "90%".
func rate(p float64) string {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Round(p*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1) + "%"
}
