package digest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// number writes n the Vietnamese way, dots between thousands: 1.200.
func number(n int64) string {
	s := strconv.FormatInt(n, 10)
	digits := strings.TrimPrefix(s, "-")
	var b strings.Builder
	if len(digits) < len(s) {
		b.WriteByte('-')
	}
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

// change writes a day-on-day change in words: "tăng 3", "giảm 5".
func change(n int64) string {
	switch {
	case n > 0:
		return fmt.Sprintf(changeUp, number(n))
	case n < 0:
		return fmt.Sprintf(changeDown, strings.TrimPrefix(number(n), "-"))
	}
	return changeNone
}

// percent writes part/whole as a whole percentage, rounded down so that
// 149/150 never shows as 100%; "0%" when whole is zero.
func percent(part, whole int) string {
	if whole <= 0 {
		return "0%"
	}
	return strconv.Itoa(part*100/whole) + "%"
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
