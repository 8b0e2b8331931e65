// Package dataset owns the definition of what units report: the data set
// (§3). A data set is a YAML file naming its elements (code, Vietnamese
// label, the aliases officials write, how values aggregate up the tree,
// bounds, sub-counts, denominators for coverage rates) and its alert rules.
// The default COVID-19 set is itself such a file, embedded in the binary;
// another disease is another file, not new code.
//
// A loaded DataSet is immutable and safe for concurrent use. Besides the
// definitions it holds the folded alias index the report parser matches
// against, evaluates alert rules on a set of values, and renders values
// with their canonical Vietnamese labels for echoes.
package dataset

// Aggregation says how an element's values combine across units and days.
type Aggregation string

const (
	// Sum adds values: flows such as new cases or doses given.
	Sum Aggregation = "sum"
	// Latest keeps the most recent value: stocks such as people in
	// quarantine now.
	Latest Aggregation = "latest"
	// Max keeps the largest value: peaks.
	Max Aggregation = "max"
)

// Period is how often a data set is reported.
type Period string

const (
	Daily  Period = "daily"
	Weekly Period = "weekly"
)

// Denominator names the population group a coverage rate is computed
// against (the unit's population figures, §1).
type Denominator string

const (
	DenomTotal     Denominator = "total"     // whole population
	DenomAdults    Denominator = "adults"    // 18 and over
	DenomAge12to17 Denominator = "age12to17" // 12–17 year olds
	DenomAge5to11  Denominator = "age5to11"  // 5–11 year olds
)

// Element is one reported quantity.
type Element struct {
	// Code is the stable identifier used by /baocao code=value, the store
	// and the CSV export: lower-case ASCII letters, digits and '_'.
	Code string
	// Label is the canonical Vietnamese name used in echoes and digests,
	// with full diacritics ("F0 (ca mắc mới)", "cách ly tập trung").
	Label string
	// Short is a compact label for tables and charts ("F0", "CLTT").
	Short string
	// Aliases are the other names officials write, as given in the file;
	// the code, label and short label are names too.
	Aliases []string
	// Aggregation combines values across units and days.
	Aggregation Aggregation
	// Unit is the unit word officials put after the number ("ca",
	// "người", "mũi", "mẫu", "bình", "giường").
	Unit string
	// Min is the smallest value accepted (0 unless set).
	Min int64
	// Max is the largest value accepted; 0 means no upper bound.
	Max int64
	// Denominator, when set, makes the element a numerator of a coverage
	// rate against that population group.
	Denominator Denominator
	// Parent, when set, is the code of the element this one is a sub-count
	// of ("F0: 3 (cộng đồng 1)"): a report must not give more than the
	// parent's value.
	Parent string
	// Group is the name of the context group the element belongs to, if
	// any (see Group).
	Group string
	// Collects lists the elements whose values, written under a heading
	// of this element, are counted into it instead: "Tiêm trẻ 5-11 tuổi:
	// mũi 1: 120, mũi 2: 45" is m511 = 165, and the adult doses m1, m2
	// receive nothing.
	Collects []string
}

// Concept is a phrase family the data set knows without it being an
// element: an annotation the parser leaves aside ("lũy kế", "âm tính"),
// or a concept outside the data set that is refused by name ("người từ
// vùng dịch về").
type Concept struct {
	// Name is the Vietnamese name shown to users.
	Name string
	// Phrases are the ways it is written; the name is one too.
	Phrases []string
}

// Group is a context shared by several elements: a head word officials
// write once ("cách ly") followed by short member names that only make
// sense after it ("tập trung 15, tại nhà 30"). Head followed by a member
// alias is an alias of that member anywhere; a bare member alias names its
// element only while the group is active, i.e. after the head or another
// member of the group was written.
type Group struct {
	Name    string
	Heads   []string
	Members []Member
}

// Member lists the context-only aliases of one element of a group.
type Member struct {
	Element string
	Aliases []string
}

// Operator compares a value against an alert threshold.
type Operator string

const (
	OpGT Operator = ">"
	OpGE Operator = ">="
	OpLT Operator = "<"
	OpLE Operator = "<="
)

// Holds reports whether v op threshold is true.
func (op Operator) Holds(v, threshold int64) bool {
	switch op {
	case OpGT:
		return v > threshold
	case OpGE:
		return v >= threshold
	case OpLT:
		return v < threshold
	case OpLE:
		return v <= threshold
	}
	return false
}

// Rule is an alert rule: when a reported value of Element satisfies
// Op Threshold, an alert goes to the unit's parent and on up to Level tiers
// above the unit.
type Rule struct {
	Element   string
	Op        Operator
	Threshold int64
	// Level is how many tiers above the reporting unit the alert reaches:
	// 1 is the parent, 2 the grandparent (a province, from a commune).
	Level int
	// Message is the Vietnamese alert text. It may contain {value},
	// {threshold} and {label}, replaced when the rule fires.
	Message string
}

// DataSet is a loaded, validated data set. Build one with Parse, Load or
// Builtin; the zero value is not usable.
type DataSet struct {
	// Name identifies the data set in configuration and storage ("covid19").
	Name string
	// Title is the Vietnamese title shown to users ("COVID-19").
	Title string
	// Period is how often units report it.
	Period Period
	// Elements in data-set order: the order of echoes, digests and CSV
	// columns.
	Elements []Element
	// Rules are the alert rules, in file order.
	Rules []Rule
	// Groups are the context groups.
	Groups []Group
	// UnitWords are names of elements that officials also write after a
	// number as the thing counted ("Đang cách ly tại nhà 35 F1"): after a
	// value given to another name they are its unit, not a new element.
	UnitWords []string
	// Asides are annotations understood and not recorded (§3): running
	// totals, day-on-day changes, negative results, the rest of a
	// breakdown. The number they take is listed in the echo as left aside.
	Asides []Concept
	// Outside are known concepts outside the data set (§3): a value given
	// to one refuses the message, naming the concept.
	Outside []Concept
	// News are phrases that mark figures of another place ("cả nước",
	// "toàn quốc"): a message whose figures are all under such a phrase
	// quotes news and is not a report.
	News []string
	// Additive are words that may mean "add to what was reported" ("bổ
	// sung", "thêm"): when the element already has a value for the day the
	// sender is asked, never guessed.
	Additive []string

	byCode map[string]int
	index  aliasIndex
	units  map[string]bool
	nouns  map[string]bool
}

// Element returns the element with the code, and whether it exists.
func (ds *DataSet) Element(code string) (Element, bool) {
	i, ok := ds.byCode[code]
	if !ok {
		return Element{}, false
	}
	return ds.Elements[i], true
}

// Has reports whether the data set has an element with the code.
func (ds *DataSet) Has(code string) bool {
	_, ok := ds.byCode[code]
	return ok
}

// Codes returns the element codes in data-set order.
func (ds *DataSet) Codes() []string {
	codes := make([]string, len(ds.Elements))
	for i, e := range ds.Elements {
		codes[i] = e.Code
	}
	return codes
}

// Position returns the index of the element in data-set order, or -1.
func (ds *DataSet) Position(code string) int {
	if i, ok := ds.byCode[code]; ok {
		return i
	}
	return -1
}
