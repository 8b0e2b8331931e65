package handlers

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
)

// /lenh is written out whole (messages.go); it and the command table must
// name the same commands.
func TestLenhNamesTheTable(t *testing.T) {
	idx := commandIndex(commandTable(), false)
	for _, m := range regexp.MustCompile(`/([a-z]+)`).FindAllStringSubmatch(helpFull, -1) {
		if idx[m[1]] == nil {
			t.Errorf("/lenh names /%s, which is not in the command table", m[1])
		}
	}
	for _, c := range commandTable() {
		if c.demo || c.name == "lenh" {
			continue
		}
		if !strings.Contains(helpFull, "/"+c.name+" ") {
			t.Errorf("/lenh does not name /%s", c.name)
		}
	}
}

// Every row is complete, and no name is used twice.
func TestCommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commandTable() {
		if c.run == nil {
			t.Errorf("/%s runs nothing", c.name)
		}
		for _, n := range append([]string{c.name}, c.aliases...) {
			if seen[n] || n != strings.ToLower(n) {
				t.Errorf("name /%s is used twice or not in lower case", n)
			}
			seen[n] = true
		}
		if n := len([]rune(c.menu)); n > 256 {
			t.Errorf("/%s: menu line of %d characters, Telegram takes 256", c.name, n)
		}
	}
	if demo := commandIndex(commandTable(), false); demo["tua"] != nil {
		t.Error("/tua runs outside the demo")
	}
}

// The menus and /help follow the role: a member sees no lead command.
func TestMenuAndHelpByRole(t *testing.T) {
	names := func(role chihuy.Role) []string {
		var out []string
		for _, c := range Menu(role) {
			out = append(out, c.Name)
		}
		return out
	}
	member := []string{"baocao", "sua", "tonghop", "danhan", "ketqua", "xuat", "toi", "help", "lenh"}
	if got := names(chihuy.RoleMember); !slices.Equal(got, member) {
		t.Errorf("members' menu = %v, want %v", got, member)
	}
	lead := append(slices.Clone(member), "chidao", "trangthai", "mamoi", "capquyen")
	if got := names(chihuy.RoleLead); !slices.Equal(got, lead) {
		t.Errorf("leads' menu = %v, want %v", got, lead)
	}
	for _, tc := range []struct {
		role     chihuy.Role
		platform string
		want     []string
	}{
		{chihuy.RoleMember, chihuy.Telegram, []string{helpHead, helpMember, helpAckTelegram, helpTail}},
		{chihuy.RoleMember, chihuy.Zalo, []string{helpHead, helpMember, helpAckZalo, helpTail}},
		{chihuy.RoleLead, chihuy.Telegram, []string{helpHead, helpMember, helpAckTelegram, helpLead, helpTail}},
		{chihuy.RoleAdmin, chihuy.Zalo, []string{helpHead, helpMember, helpAckZalo, helpLead, helpAdmin, helpTail}},
	} {
		if got, want := helpFor(tc.role, tc.platform), strings.Join(tc.want, "\n"); got != want {
			t.Errorf("help of %s on %s =\n%s\nwant\n%s", tc.role, tc.platform, got, want)
		}
	}
}
