package vntext

import "github.com/agnivade/levenshtein"

// Closest returns the candidate nearest to s by edit distance over folded
// text ("schedul" → "schedule", "baocaoo" → "baocao"), or "" when none is
// near enough to be a slip of the keyboard: one edit for words of up to
// four letters, two up to eight, three beyond. The first candidate wins a
// tie. It is for "did you mean" pointers, never for acting on a guess.
func Closest(s string, candidates []string) string {
	f := Fold(s)
	n := len([]rune(f))
	if n == 0 {
		return ""
	}
	limit := 3
	switch {
	case n <= 4:
		limit = 1
	case n <= 8:
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := levenshtein.ComputeDistance(f, Fold(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}
