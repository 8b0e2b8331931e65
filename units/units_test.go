package units

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func builtinTree(t testing.TB) *Tree {
	t.Helper()
	tree, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	return tree
}

func loadFixture(t testing.TB, name string) *Tree {
	t.Helper()
	tree, err := LoadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("LoadFile %s: %v", name, err)
	}
	return tree
}

func codes(us []*Unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Code
	}
	return out
}

func TestUnitText(t *testing.T) {
	tree := loadFixture(t, "laichau.yaml")
	u, _ := tree.Get("03418")
	if got := u.Title(); got != "Xã Bản Giang" {
		t.Errorf("Title = %q", got)
	}
	if got := u.String(); got != "xã Bản Giang (03418)" {
		t.Errorf("String = %q", got)
	}
	c, _ := tree.Get("C03418-1")
	if got := c.FullName(); got != "chốt Km 5 Bản Giang" {
		t.Errorf("FullName = %q", got)
	}
}

func TestSubtree(t *testing.T) {
	tree := builtinTree(t)
	sub, err := tree.Subtree("12")
	if err != nil {
		t.Fatal(err)
	}
	root := sub.Root()
	if root.Code != "12" || root.FullName() != "tỉnh Lai Châu" || root.Depth != 0 || root.Parent != nil {
		t.Errorf("root = %v depth %d", root, root.Depth)
	}
	if got := sub.Len(); got != 1+8+106 {
		t.Errorf("Len = %d", got)
	}
	if _, ok := sub.Get("VN"); ok {
		t.Error("VN in the Lai Châu subtree")
	}
	if _, ok := sub.Get("01"); ok {
		t.Error("Hà Nội in the Lai Châu subtree")
	}
	u, ok := sub.Get("03418")
	if !ok || u.Depth != 2 || u.Parent.Code != "106" {
		t.Errorf("03418 = %v", u)
	}
	if got := sub.Shard("03418"); got != "106" {
		t.Errorf("Shard in subtree = %q, want the district", got)
	}
	if got := tree.Shard("03418"); got != "12" {
		t.Errorf("Shard in national tree = %q", got)
	}
	// The national tree is untouched.
	if n, _ := tree.Get("12"); n.Depth != 1 || n.Parent.Code != "VN" {
		t.Errorf("national 12 changed: %+v", n)
	}
	var got []string
	for _, d := range sub.CountByDepth() {
		got = append(got, d.String())
	}
	if want := []string{"tỉnh: 1", "huyện/thành phố: 8", "xã/phường/thị trấn: 106"}; !slices.Equal(got, want) {
		t.Errorf("CountByDepth = %q, want %q", got, want)
	}
	if same, _ := tree.Subtree("VN"); same != tree {
		t.Error("Subtree of the root is not the tree")
	}
	if _, err := tree.Subtree("99"); err == nil || !strings.Contains(err.Error(), `"99"`) {
		t.Errorf("Subtree(99) error = %v", err)
	}
}

func TestStructure(t *testing.T) {
	tree := loadFixture(t, "laichau.yaml")
	if got := codes(tree.Ancestors("C03418-1")); !slices.Equal(got, []string{"03418", "106", "12"}) {
		t.Errorf("Ancestors = %v", got)
	}
	if got := tree.Ancestors("12"); len(got) != 0 {
		t.Errorf("Ancestors(root) = %v", got)
	}
	if got := tree.Ancestors("nope"); got != nil {
		t.Errorf("Ancestors(unknown) = %v", got)
	}
	within := []struct {
		code, anc string
		want      bool
	}{
		{"03418", "03418", true},
		{"03418", "106", true},
		{"03418", "12", true},
		{"C03418-1", "106", true},
		{"03418", "111", false},
		{"106", "03418", false},
		{"03598", "106", false},
		{"12", "12", true},
		{"nope", "12", false},
		{"03418", "nope", false},
	}
	for _, tt := range within {
		if got := tree.Within(tt.code, tt.anc); got != tt.want {
			t.Errorf("Within(%s, %s) = %v", tt.code, tt.anc, got)
		}
	}
	if got := codes(tree.Descendants("106")); !slices.Equal(got, []string{"03418", "C03418-1", "03405"}) {
		t.Errorf("Descendants(106) = %v", got)
	}
	if got := tree.Descendants("03405"); len(got) != 0 {
		t.Errorf("Descendants(leaf) = %v", got)
	}
	var walked []string
	tree.Walk("12", func(u *Unit) bool {
		walked = append(walked, u.Code)
		return u.Code != "106" // skip below Tam Đường
	})
	if want := []string{"12", "106", "111", "03598", "105"}; !slices.Equal(walked, want) {
		t.Errorf("Walk = %v, want %v", walked, want)
	}
	if got := tree.Shard("12"); got != "12" {
		t.Errorf("Shard(root) = %q", got)
	}
	if got := tree.Shard("C03418-1"); got != "106" {
		t.Errorf("Shard = %q", got)
	}
	if got := tree.Shard("nope"); got != "" {
		t.Errorf("Shard(unknown) = %q", got)
	}
}
