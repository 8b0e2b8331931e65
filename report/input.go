package report

import (
	"fmt"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
)

// Values maps element codes to values.
type Values map[string]int64

// Merge combines w into v, element by element, with each element's
// aggregation across units (Sum and Latest add up, Max takes the
// largest): the aggregate of two units from theirs.
func (v Values) Merge(w Values, aggs dataset.Aggregations) {
	for e, x := range w {
		cur, ok := v[e]
		switch {
		case !ok:
			v[e] = x
		case aggs.Of(e) == dataset.Max:
			v[e] = max(cur, x)
		default:
			v[e] = cur + x
		}
	}
}

// MaxValue bounds every value stored (its absolute value): the store's
// update script computes differences in Lua numbers, which are exact to
// 2^53.
const MaxValue = 1_000_000_000_000_000

// Input is one report as received, to be recorded.
type Input struct {
	Unit   string
	Day    chihuy.Day
	Values Values
	// Agg gives the aggregation of every element of Values.
	Agg  dataset.Aggregations
	By   chihuy.UserRef
	Chat chihuy.ChatRef
	// Raw is the message as sent; it is kept in the history only.
	Raw string
	// At is when the report arrived; zero means the store's clock.
	At time.Time
}

// Recorded is what recording a report changed, for the echo ("F0: 2 → 3").
type Recorded struct {
	// Previous holds the earlier value of each reported element that had
	// one that day; an element missing here is reported for the first time.
	Previous Values
	// Report is the unit's whole own report for the day after the update.
	Report Values
	// First is true when this was the unit's first report of the day.
	First bool
}

// Stored is a unit's own report for one day as stored.
type Stored struct {
	Unit   string
	Day    chihuy.Day
	Values Values
	// By, Chat and At are of the latest report of the day.
	By   chihuy.UserRef
	Chat chihuy.ChatRef
	At   time.Time
	// First is when the unit first reported that day (timeliness).
	First time.Time
}

// HistoryEntry is one report as it was sent.
type HistoryEntry struct {
	Unit   string
	At     time.Time
	By     chihuy.UserRef
	Chat   chihuy.ChatRef
	Values Values
	Raw    string
}

// Validate checks a report before anything is written: some values, a
// day, codes of the unit and the elements that can be parts of keys
// (CheckCode), an aggregation for every element, values within
// ±MaxValue, no tab or line break in the user and chat ids (the history's
// entries are tab-separated lines). A missing value or day and a value out
// of bounds are chihuy.EINVALID; the others are the caller's mistakes
// (plain errors).
func (in Input) Validate() error {
	if len(in.Values) == 0 {
		return chihuy.Errorf(chihuy.EINVALID, msgInputNoValues)
	}
	if in.Day.IsZero() {
		return chihuy.Errorf(chihuy.EINVALID, msgInputNoDay)
	}
	if err := CheckCode("unit", in.Unit); err != nil {
		return err
	}
	for e, v := range in.Values {
		if err := CheckCode("element", e); err != nil {
			return err
		}
		switch in.Agg[e] {
		case dataset.Sum, dataset.Latest, dataset.Max:
		default:
			return fmt.Errorf("report of %s: element %s has no aggregation", in.Unit, e)
		}
		if v > MaxValue || v < -MaxValue {
			return chihuy.Errorf(chihuy.EINVALID, msgInputValueTooBig, e, v, int64(MaxValue))
		}
	}
	for _, r := range in.By.String() + in.Chat.String() {
		if r == '\t' || r == '\n' || r == '\r' {
			return fmt.Errorf("report of %s: user or chat id contains a tab or newline", in.Unit)
		}
	}
	return nil
}

// CheckCode accepts unit, element and rule codes that can be parts of
// store keys and separated fields: 1–64 bytes, no spaces or control
// characters, none of { } , = and not starting with _ (meta fields start
// with it). what names the code in the error.
func CheckCode(what, code string) error {
	if code == "" || len(code) > 64 || code[0] == '_' {
		return fmt.Errorf("%s code %q: want 1–64 bytes, not starting with _", what, code)
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if c <= ' ' || c == 0x7f || c == '{' || c == '}' || c == ',' || c == '=' {
			return fmt.Errorf("%s code %q: contains %q", what, code, c)
		}
	}
	return nil
}
