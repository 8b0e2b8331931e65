package handlers

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
)

// The lead's list of results stays within the lead chat's text limit
// (4096 runes on Telegram, 2000 on Zalo): an edit over the limit would
// keep only its end, losing the heading and the newest results. The list
// keeps its heading and the newest results and counts the others.
func TestResultsListFitsTheChat(t *testing.T) {
	for _, tc := range []struct {
		name, lead string
		limit      int
	}{
		{"telegram", "telegram:-100106", 4096},
		{"zalo", "zalo:zl106", 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.bind(tc.lead, "106")
			lead, _ := chihuy.ParseChatRef(tc.lead)
			if err := e.st.Grant(e.ctx, chihuy.UserRef{Platform: lead.Platform, ID: "2002"}, "106", chihuy.RoleLead); err != nil {
				t.Fatal(err)
			}
			district, _ := e.tree.Get("106")
			communes := district.Children
			for _, u := range communes {
				e.bind("telegram:-9"+u.Code, u.Code)
			}
			e.send(msg{chat: tc.lead, from: "2002", text: "/chidao Rà soát F1. Yêu cầu báo cáo kết quả."})
			var last chihuy.Message
			for i, u := range communes {
				e.clock.Add(time.Minute)
				// 300 runes and more: the list cuts each result to 300
				result := fmt.Sprintf("Kết quả số %02d: ", i+1) + strings.Repeat("đã truy vết xong F1 ", 20)
				out := e.send(msg{chat: "telegram:-9" + u.Code, from: "3" + u.Code, text: "/ketqua CD-106-0001 " + result})
				for _, m := range out {
					if m.Chat != lead || !strings.HasPrefix(m.Key, "cdr:") {
						continue
					}
					last = m
					if n := utf8.RuneCountInString(m.Text); n > tc.limit {
						t.Fatalf("after %d results the list has %d runes, over %d:\n%s", i+1, n, tc.limit, m.Text)
					}
					if !strings.HasPrefix(m.Text, fmt.Sprintf("📝 Kết quả chỉ đạo CD-106-0001: %d/%d đơn vị đã báo cáo", i+1, len(communes))) {
						t.Errorf("after %d results the list does not start with its heading:\n%s", i+1, m.Text)
					}
					if !strings.Contains(m.Text, fmt.Sprintf("Kết quả số %02d:", i+1)) {
						t.Errorf("after %d results the newest is not shown:\n%s", i+1, m.Text)
					}
				}
			}
			if last.Key == "" {
				t.Fatal("no list of results was sent")
			}
			// the newest first, as many as fit, then how many more
			shown := strings.Count(last.Text, "Kết quả số")
			if shown == len(communes) || shown == 0 {
				t.Fatalf("%d of %d results shown: the test does not fill the chat", shown, len(communes))
			}
			for k := len(communes); k > len(communes)-shown; k-- {
				if !strings.Contains(last.Text, fmt.Sprintf("Kết quả số %02d:", k)) {
					t.Errorf("result %d, among the %d newest, is not shown:\n%s", k, shown, last.Text)
				}
			}
			if more := fmt.Sprintf(msgMoreResults, len(communes)-shown); !strings.HasSuffix(last.Text, more) {
				t.Errorf("the list does not end with %q:\n%s", more, last.Text)
			}
			st, err := e.st.DirectiveStatus(e.ctx, "CD-106-0001")
			if err != nil {
				t.Fatal(err)
			}
			if st.Counts.Results != len(communes) {
				t.Errorf("%d results stored, want %d", st.Counts.Results, len(communes))
			}
		})
	}
}
