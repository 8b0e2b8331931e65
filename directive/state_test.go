package directive

import (
	"testing"

	"github.com/chihuy/chihuy"
)

func TestDirectiveValidate(t *testing.T) {
	ok := Directive{ID: "CD-12-0042", Issuer: "12"}
	tests := []struct {
		name string
		edit func(*Directive)
		code string
	}{
		{"valid, state empty", func(*Directive) {}, ""},
		{"pending", func(d *Directive) { d.State = Pending }, ""},
		{"forward", func(d *Directive) { d.Parent = "CD-01-0001" }, ""},
		{"id not canonical", func(d *Directive) { d.ID = "cd-12-42" }, chihuy.EINVALID},
		{"no issuer", func(d *Directive) { d.Issuer = "" }, chihuy.EINVALID},
		{"closed", func(d *Directive) { d.State = Closed }, chihuy.EINVALID},
		{"bad parent", func(d *Directive) { d.Parent = "x" }, chihuy.EINVALID},
	}
	for _, tc := range tests {
		d := ok
		tc.edit(&d)
		err := d.Validate()
		if got := chihuy.ErrorCode(err); (err == nil) != (tc.code == "") || (err != nil && got != tc.code) {
			t.Errorf("%s: Validate() = %v (code %q), want code %q", tc.name, err, got, tc.code)
		}
	}
}

func TestUniqueTargets(t *testing.T) {
	got, err := UniqueTargets("CD-12-0042", []TargetUnit{{Unit: "a", Chats: 1}, {Unit: ""}, {Unit: "b"}, {Unit: "a", Chats: 2}})
	if err != nil || len(got) != 2 || got[0] != (TargetUnit{Unit: "a", Chats: 1}) || got[1].Unit != "b" {
		t.Errorf("UniqueTargets = %v, %v", got, err)
	}
	if _, err := UniqueTargets("CD-12-0042", []TargetUnit{{Unit: ""}}); chihuy.ErrorCode(err) != chihuy.EINVALID {
		t.Errorf("no target: %v, want EINVALID", err)
	}
}
