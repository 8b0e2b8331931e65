package config

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/units"
)

func TestCheckNational(t *testing.T) {
	c := mustLoad(t, nil)
	tree, err := c.LoadUnits()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Check(c, tree, &out); err != nil {
		t.Fatalf("Check: %v", err)
	}
	text := out.String()
	for _, want := range []string{
		"Tệp cấu hình: không có",
		"Cây đơn vị: dựng sẵn — Danh mục đơn vị hành chính Việt Nam, Tổng cục Thống kê (GSO), dữ liệu ngày 01/03/2025",
		"Gốc: Ban Chỉ đạo Quốc gia (VN)",
		"Số đơn vị: 10807 — quốc gia: 1, tỉnh/thành phố: 63, huyện/quận/thị xã/thành phố: 696, xã/phường/thị trấn: 10047",
		"Bộ dữ liệu: dựng sẵn (COVID-19)",
		"Quản trị: không có",
		"telegram: tắt (CHIHUY_TELEGRAM_TOKEN trống)",
		"Lưu trữ: bộ nhớ trong tiến trình",
		"Múi giờ: Asia/Ho_Chi_Minh; mức log: info",
		"hạn báo cáo ngày 17:00; gửi tổng hợp 18:00; hạn báo cáo tuần thứ Năm 17:00; tỉnh tổng hợp tuần thứ Sáu 16:00",
		"telegram: 30 tin/giây, 1 tin/giây mỗi cuộc trò chuyện, 20 tin/phút mỗi nhóm",
		"zalo: 10 tin/giây",
		"Mã mời hết hạn sau 7 ngày; nhận báo cáo cho tối đa 7 ngày trước; giữ dữ liệu 400 ngày",
		"nhắc đơn vị chưa nhận mỗi 2h, tối đa 3 lần; hỏi xác nhận khi gửi cho hơn 50 đơn vị",
		"m3 50%",
		"báo khi còn dưới 10 bình",
		"chưa bật nền tảng nào",
		"mọi dữ liệu mất khi bot dừng",
		"Cấu hình hợp lệ.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestCheckFull(t *testing.T) {
	c := mustLoad(t, map[string]string{
		"CHIHUY_CONFIG":         filepath.Join("testdata", "full.yaml"),
		"CHIHUY_REDIS_URL":      "redis://:hunter2@redis:6379/0",
		"CHIHUY_TELEGRAM_TOKEN": "123:tok-SECRET",
		"CHIHUY_ZALO_TOKEN":     "zalo-SECRET",
		"CHIHUY_ZALO_MODE":      "webhook",
		"CHIHUY_WEBHOOK_SECRET": "wh-SECRET",
		"CHIHUY_PUBLIC_URL":     "https://bot.example.vn",
	})
	tree, err := c.LoadUnits()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Check(c, tree, &out); err != nil {
		t.Fatalf("Check: %v", err)
	}
	text := out.String()
	for _, want := range []string{
		"Tệp cấu hình: " + filepath.Join("testdata", "full.yaml"),
		"Cây đơn vị: " + filepath.Join("testdata", "units.yaml") + " — Ban Chỉ đạo tỉnh Lai Châu",
		"Gốc: huyện Tam Đường (106)",
		"Số đơn vị: 3 — huyện: 1, xã: 2",
		"Bộ dữ liệu: " + filepath.Join("testdata", "dengue.yaml"),
		"Quản trị (2): telegram:1001, zalo:adm1n",
		"Nhóm đã gắn (2):",
		"telegram:-1001001 → huyện Tam Đường (106)",
		"zalo:8a7f3c → xã Bản Giang (03418)",
		"telegram:2002 — lãnh đạo — huyện Tam Đường (106)",
		"zalo:u77 — thành viên — xã Bản Giang (03418)",
		"telegram: bật, poll, API https://api.telegram.org",
		"zalo: bật, webhook, API https://bot-api.zaloplatforms.com",
		"Mã bí mật webhook: đã đặt; địa chỉ công khai: https://bot.example.vn",
		"Lưu trữ: redis://:xxxxx@redis:6379/0",
		"gửi tổng hợp 07:00, 18:00",
		"telegram: 25 tin/giây, 0.5 tin/giây",
		"Mã mời hết hạn sau 3 ngày",
		"nhắc đơn vị chưa nhận mỗi 1h30m, tối đa 5 lần",
		"m1 95%, m3 60%",
		"Cấu hình hợp lệ.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{"hunter2", "SECRET"} {
		if strings.Contains(text, secret) {
			t.Errorf("output shows a secret (%s):\n%s", secret, text)
		}
	}
	if strings.Contains(text, "Lưu ý") {
		t.Errorf("warnings for a complete configuration:\n%s", text)
	}
}

func TestCheckProblems(t *testing.T) {
	c := mustLoad(t, map[string]string{"CHIHUY_CONFIG": filepath.Join("testdata", "bad_refs.yaml")})
	tree, err := c.LoadUnits()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = Check(c, tree, &out)
	probs := problemsOf(t, err)
	f := filepath.Join("testdata", "bad_refs.yaml")
	want := []string{
		f + ":5: chats: nhóm telegram:-1001 đã được gắn ở dòng 4",
		f + `:6: chats: không có đơn vị mã "111" trong cây đơn vị`,
		f + ":9: roles: telegram:2002 đã có vai trò ở đơn vị 106 (dòng 8)",
		f + `:10: roles: không có đơn vị mã "99" trong cây đơn vị`,
		f + ": dataset: không đọc được tệp bộ dữ liệu " + filepath.Join("testdata", "missing-dataset.yaml"),
	}
	if m := missing(probs, want); len(m) > 0 || len(probs) != len(want) {
		t.Errorf("problems:\n%s\nmissing:\n%s", strings.Join(probs, "\n"), strings.Join(m, "\n"))
	}
	text := out.String()
	if !strings.Contains(text, "cấu hình có 5 lỗi:") || strings.Contains(text, "Cấu hình hợp lệ") {
		t.Errorf("output:\n%s", text)
	}
	for _, p := range probs {
		if !strings.Contains(text, p) {
			t.Errorf("output lacks problem %q", p)
		}
	}
	if !strings.Contains(text, `"111" (không có trong cây)`) {
		t.Errorf("unknown unit not marked in the list:\n%s", text)
	}
}

func TestValidateWithoutTree(t *testing.T) {
	c := Default()
	var out bytes.Buffer
	err := Check(c, nil, &out)
	if m := missing(problemsOf(t, err), []string{"units: chưa nạp được cây đơn vị"}); len(m) > 0 {
		t.Errorf("missing %q", m)
	}
	if !strings.Contains(out.String(), "Cây đơn vị: dựng sẵn (chưa nạp được cây đơn vị)") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestLoadUnits(t *testing.T) {
	tests := []struct {
		name, units, root string
		wantRoot          string
		wantLen           int
		wantErr           string
	}{
		{"built-in", "", "", "VN", 10807, ""},
		{"built-in province", "", "12", "12", 115, ""},
		{"March by name", "gso-2025-03", "", "VN", 10807, ""},
		{"July 2025", "gso-2025-07", "", "VN", 1 + 34 + 3321, ""},
		{"July 2025 province", "gso-2025-07", "12", "12", 1 + 38, ""},
		{"file", filepath.Join("testdata", "units.yaml"), "", "12", 6, ""},
		{"unknown root", "", "99", "", 0, `root: không có đơn vị mã "99"`},
		{"missing file", filepath.Join("testdata", "none.yaml"), "", "", 0, "none.yaml"},
	}
	for _, tt := range tests {
		c := Default()
		c.Units, c.Root = tt.units, tt.root
		tree, err := c.LoadUnits()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if tree.Root().Code != tt.wantRoot || tree.Len() != tt.wantLen {
			t.Errorf("%s: root %s, %d units", tt.name, tree.Root().Code, tree.Len())
		}
	}
	// An invalid units file comes back as the units package's error.
	c := Default()
	c.Units = filepath.Join("testdata", "cycle_units.yaml")
	var inv *units.InvalidError
	if _, err := c.LoadUnits(); !errors.As(err, &inv) {
		t.Errorf("invalid units file: %v", err)
	}
}

// Validate also checks configurations built in code, not read by Load.
func TestValidateBuilt(t *testing.T) {
	tree, err := units.LoadFile(filepath.Join("testdata", "units.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c := Default()
	c.Admins = []chihuy.UserRef{{Platform: "telegram", ID: "x1"}}
	c.Chats = []ChatBinding{
		{Chat: chihuy.ChatRef{Platform: "zalo", ID: "a b"}, Unit: "12"},
		{Chat: chihuy.ChatRef{Platform: "signal", ID: "1"}, Unit: "106"},
		{Chat: chihuy.ChatRef{Platform: "telegram", ID: "-5"}, Unit: "106"},
		{Chat: chihuy.ChatRef{Platform: "telegram", ID: "-5"}, Unit: "111"},
	}
	c.Roles = []RoleGrant{
		{User: chihuy.UserRef{Platform: "telegram", ID: "7"}, Unit: "12", Role: chihuy.RoleNone},
		{User: chihuy.UserRef{Platform: "telegram", ID: "7"}, Unit: "12", Role: chihuy.RoleLead},
	}
	c.Root = "106"
	want := []string{
		`admins: mã Telegram "x1" phải là số nguyên`,
		`chats: mã Zalo "a b" có khoảng trắng`,
		`chats: nền tảng "signal" không được hỗ trợ`,
		"chats: nhóm telegram:-5 được gắn hai lần",
		`roles: vai trò "none" không hợp lệ`,
		"roles: telegram:7 có hai vai trò ở đơn vị 12",
		`root: không có đơn vị mã "106"`, // the tree is rooted at 12, not 106
	}
	probs := problemsOf(t, Validate(c, tree))
	if m := missing(probs, want); len(m) > 0 || len(probs) != len(want) {
		t.Errorf("problems:\n%s\nmissing:\n%s", strings.Join(probs, "\n"), strings.Join(m, "\n"))
	}
}

func TestLoadChatRefs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	writeFile(t, path, "chats:\n  - {chat: nocolon, unit: \"12\"}\n  - {chat: \"zalo:a b\", unit: \"12\"}\n  - {chat: \"TELEGRAM:-7\", unit: \"12\"}\n")
	_, err := Load(envOf(map[string]string{"CHIHUY_CONFIG": path}))
	want := []string{
		path + `:2: chats[0].chat: "nocolon" không hợp lệ`,
		path + `:3: chats[1].chat: mã Zalo "a b" có khoảng trắng`,
	}
	probs := problemsOf(t, err)
	if m := missing(probs, want); len(m) > 0 || len(probs) != len(want) {
		t.Errorf("problems %q, missing %q", probs, m)
	}
	writeFile(t, path, "chats:\n  - {chat: \"TELEGRAM:-7\", unit: \"12\"}\n")
	c := mustLoad(t, map[string]string{"CHIHUY_CONFIG": path})
	if got := c.Chats[0].Chat; got != (chihuy.ChatRef{Platform: "telegram", ID: "-7"}) {
		t.Errorf("platform not lower-cased: %v", got)
	}
}

// TestCheckRejectsPseudoSenders: an anonymous group admin
// (GroupAnonymousBot), a linked channel (777000), a channel writing as
// itself or a chat id is no person: `chihuy check` refuses it as an admin
// or a role holder.
func TestCheckRejectsPseudoSenders(t *testing.T) {
	f := filepath.Join("testdata", "pseudo_refs.yaml")
	c := mustLoad(t, map[string]string{"CHIHUY_CONFIG": f})
	tree, err := c.LoadUnits()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	probs := problemsOf(t, Check(c, tree, &out))
	want := []string{
		f + ": admins: telegram:1087968824 không phải một người",
		f + ":5: roles: telegram:777000 không phải một người",
		f + ":6: roles: telegram:136817688 không phải một người",
		f + ":7: roles: telegram:-1001001 không phải một người",
	}
	if len(probs) != len(want) {
		t.Errorf("problems:\n%s", strings.Join(probs, "\n"))
	}
	for i, w := range want {
		if i >= len(probs) || !strings.HasPrefix(probs[i], w) {
			t.Errorf("problem %d: want prefix %q in\n%s", i, w, strings.Join(probs, "\n"))
		}
	}
}
