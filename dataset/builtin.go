package dataset

import (
	_ "embed"
	"fmt"
	"sync"
)

//go:embed covid19.yaml
var covid19YAML []byte

var (
	builtinOnce sync.Once
	builtin     *DataSet
)

// Builtin returns the default COVID-19 data set (§3), parsed from the
// embedded covid19.yaml. The element codes and their order are those of
// the specification: f0 f0cd f0kr f1 f2 cltt clnha hetcl xn duongtinh
// cho12h nang tuvong khoi m1 m2 m3 m4 m1217 m511 oxy giuong dttn dangdt
// chuyenvien thooxy maytho. The returned
// data set is shared and must not be modified.
func Builtin() *DataSet {
	builtinOnce.Do(func() {
		ds, err := Parse(covid19YAML)
		if err != nil {
			// The embedded file is part of the binary and covered by tests;
			// a broken one is a build defect, not an input error.
			panic(fmt.Sprintf("dataset: embedded covid19.yaml: %v", err))
		}
		builtin = ds
	})
	return builtin
}

// BuiltinYAML returns the embedded COVID-19 data-set file, a starting point
// for operators who write their own.
func BuiltinYAML() []byte {
	return append([]byte(nil), covid19YAML...)
}
