package handlers

import (
	"testing"

	"github.com/chihuy/chihuy/units"
)

// The two built-in trees reuse codes for other places (00004 is phường
// Trúc Bạch in March 2025, phường Ba Đình since July 2025; 52 is Bình Định,
// then the new Gia Lai). Reports under one tree never show in the other's
// figures, in the same store.
func TestTreesKeepTheirData(t *testing.T) {
	march := newEnv(t)
	vn, err := units.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	march.tree, march.h.Tree = vn, vn
	july := newEnv(t)
	july.st = march.st
	jt, err := units.July2025()
	if err != nil {
		t.Fatal(err)
	}
	july.tree = jt
	july.h = New(configured(Deps{Store: march.st, Tree: jt, Clock: march.clock, Loc: vnLoc, Log: march.h.Log, Admins: march.h.Admins, Platforms: march.h.Platforms}))
	july.clock = march.clock

	march.bind("telegram:-1004", "00004")
	// a unit with children names no figures of its own: the province's
	// come from its first commune
	leaf, _ := march.tree.Get("52")
	for !leaf.IsLeaf() {
		leaf = leaf.Children[0]
	}
	march.bind("telegram:-1052", leaf.Code)
	march.send(msg{chat: "telegram:-1004", from: "5", text: "F0 2"})
	march.send(msg{chat: "telegram:-1052", from: "5", text: "F0 7"})
	july.bind("telegram:-2004", "00004")
	july.send(msg{chat: "telegram:-2004", from: "6", text: "F0 5"})

	day := march.today()
	tests := []struct {
		e    *env
		code string
		want int64
	}{
		{march, "00004", 2}, {march, "01", 2}, {march, "52", 7}, {march, "VN", 9},
		{july, "00004", 5}, {july, "01", 5}, {july, "52", 0}, {july, "VN", 5},
	}
	for _, tt := range tests {
		u, _ := tt.e.tree.Get(tt.code)
		d, err := tt.e.h.Summarize(tt.e.ctx, u, day)
		if err != nil {
			t.Fatal(err)
		}
		var got int64
		for _, f := range d.Figures {
			if f.Label == tt.e.h.DataSet.Label("f0") {
				got = f.Value
			}
		}
		if got != tt.want {
			t.Errorf("%s %s: F0 %d, want %d", tt.e.tree.Name(), tt.code, got, tt.want)
		}
	}
}
