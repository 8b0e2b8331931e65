package handlers

import "testing"

// Directives (SPEC §6) step by step: what a lead's /chidao, a unit's
// button press, /danhan, /ketqua and /chuyentiep, the lead's /trangthai,
// /huycd, /xacnhan and /huy, the outbox's reports and the scheduler's job
// store and queue. The cases are in testdata/scripts/directives/ (see
// script_test.go for the format).
func TestDirectiveScripts(t *testing.T) {
	for _, tc := range []struct{ name, file string }{
		{"issuing", "directives/chidao.txt"},
		{"acknowledging", "directives/danhan.txt"},
		{"confirming", "directives/xacnhan.txt"},
		{"delivery", "directives/delivery.txt"},
		{"results", "directives/ketqua.txt"},
		{"relaying", "directives/chuyentiep.txt"},
		{"cancelling", "directives/huycd.txt"},
		{"status", "directives/trangthai.txt"},
		{"scheduled", "directives/jobs.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) { runScripts(t, tc.file) })
	}
}
