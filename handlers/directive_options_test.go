package handlers

import (
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
)

// §6: options written the way officials write them reach the units they
// name, and only those; a name that matches nothing, or a unit outside
// the issuer's subtree, refuses the directive naming it — never "all".
func TestDirectiveOptionsAsOfficialsWrite(t *testing.T) {
	const lead = "2002"
	for _, tc := range []struct {
		name, unit, text string
		want             []string // in the lead's answer
		refused          bool     // nothing is sent to any unit
	}{
		{"units after gửi: mid-text, deadline without comma", "12",
			"/chidao Khẩn trương truy vết gửi: phường Tân Phong, xã Bản Bo hạn 17h hôm nay",
			[]string{"Gửi tới 2 đơn vị: 1 xã, 1 phường", "Hạn: 17:00"}, false},
		{"names separated by spaces before type words", "106",
			"/chidao Rà soát F1 gửi: xã Bản Giang xã Thèn Sin",
			[]string{"Gửi tới 2 đơn vị", "2 xã"}, false},
		{"codes, reference and deadline after the text", "12",
			"/chidao Tăng cường truy vết F1 Gửi: 03598, 03408. Số 125/BCĐ, hạn 17h hôm nay",
			[]string{"Gửi tới 2 đơn vị", "Số: 125/BCĐ", "Hạn: 17:00"}, false},
		{"a commune outside the subtree refuses", "106",
			"/chidao Rà soát F1 gửi xã Mường Khoa",
			[]string{"ngoài phạm vi"}, true},
		{"a name that matches nothing refuses", "106",
			"/chidao Rà soát F1 gửi: xã Bản Giang, xã Không Có Thật",
			[]string{"Không tìm thấy đơn vị", "Không Có Thật"}, true},
		{"level at the end without comma", "12",
			"/chidao Rà soát người về từ vùng dịch chỉ các thị trấn",
			[]string{"thị trấn"}, false},
		{"các huyện then deadline", "12",
			"/chidao Tăng cường truy vết các huyện hạn 17h hôm nay",
			[]string{"Gửi tới 8 đơn vị", "Hạn: 17:00"}, false},
		{"relative deadline then 1 cấp", "12",
			"/chidao Tiêm vét trong 12 giờ 1 cấp",
			[]string{"Gửi tới 8 đơn vị", "Hạn: 21:00"}, false},
		{"a name without its type word after gửi is asked about", "106",
			"/chidao Rà soát F1 gửi Thèn Sin",
			[]string{"Chưa gửi chỉ đạo", "Không hiểu nơi nhận «gửi Thèn Sin»"}, true},
		{"a commune has nobody to direct", "03418",
			"/chidao Rà soát F1",
			[]string{"không có đơn vị cấp dưới"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.h.ConfirmAbove = 1000
			chat := "telegram:-100" + tc.unit
			e.bind(chat, tc.unit)
			e.grant(lead, tc.unit, chihuy.RoleLead)
			got := e.send(msg{chat: chat, from: lead, text: tc.text})
			answer := texts(got, chat)
			wantAll(t, tc.text, answer, tc.want...)
			for _, m := range got {
				if m.Chat.String() != chat && tc.refused {
					t.Errorf("refused directive still sent to %s: %q", m.Chat, m.Text)
				}
			}
			if strings.Contains(answer, "toàn bộ cấp dưới") {
				t.Errorf("fell back to the whole subtree: %s", answer)
			}
		})
	}
}

// A commune relaying a directive is told plainly it has no unit below it.
func TestChuyentiepFromACommune(t *testing.T) {
	e := newEnv(t)
	const district, commune = "telegram:-100106", "telegram:-103418"
	e.bind(district, "106")
	e.bind(commune, "03418")
	e.grant("2002", "106", chihuy.RoleLead)
	e.grant("3003", "03418", chihuy.RoleLead)
	e.send(msg{chat: district, from: "2002", text: "/chidao Rà soát F1, hạn 17h hôm nay"})
	got := texts(e.send(msg{chat: commune, from: "3003", text: "/chuyentiep CD-106-0001 Các thôn báo cáo trước 15h"}), commune)
	wantAll(t, "/chuyentiep from a commune", got, "Xã Bản Giang không có đơn vị cấp dưới", "/danhan CD-106-0001")
	if strings.Contains(got, "Không có đơn vị nào nhận chỉ đạo") {
		t.Errorf("answer does not say why: %s", got)
	}
}
