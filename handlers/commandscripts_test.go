package handlers

import "testing"

// Roles, enrolment and reports step by step: what /capquyen, /mamoi,
// /dangky, /huydangky, /toi, /baocao, /sua, /xacnhan and /xuat store and answer. The cases
// are in testdata/scripts/commands/ (see script_test.go for the format).
func TestCommandScripts(t *testing.T) {
	for _, tc := range []struct{ name, file string }{
		{"roles", "commands/capquyen.txt"},
		{"enrolment", "commands/dangky.txt"},
		{"who am I", "commands/toi.txt"},
		{"reports", "commands/baocao.txt"},
		{"export", "commands/xuat.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) { runScripts(t, tc.file) })
	}
}
