package config

import (
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
)

// envOf returns a getenv reading from m.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func mustLoad(t *testing.T, env map[string]string) *Config {
	t.Helper()
	c, err := Load(envOf(env))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestDefaults(t *testing.T) {
	c := mustLoad(t, nil)
	checks := []struct {
		name      string
		got, want any
	}{
		{"File", c.File, ""},
		{"RedisURL", c.RedisURL, ""},
		{"Embedded", c.Embedded(), true},
		{"Telegram", c.Telegram, Platform{Name: "telegram", APIURL: "https://api.telegram.org", Mode: Poll}},
		{"Zalo", c.Zalo, Platform{Name: "zalo", APIURL: "https://bot-api.zaloplatforms.com", Mode: Poll}},
		{"HTTPAddr", c.HTTPAddr, ":8080"},
		{"TimeZone", c.TimeZone, "Asia/Ho_Chi_Minh"},
		{"Location", c.Location.String(), "Asia/Ho_Chi_Minh"},
		{"LogLevel", c.LogLevel, zerolog.InfoLevel},
		{"Units", c.Units, ""},
		{"Root", c.Root, ""},
		{"Dataset", c.Dataset, ""},
		{"DailyDeadline", c.Schedule.DailyDeadline.String(), "17:00"},
		{"Digest", c.Schedule.Digest, []TimeOfDay{{Hour: 18}}},
		{"WeeklyDeadline", c.Schedule.WeeklyDeadline.String(), "thứ Năm 17:00"},
		{"WeeklyCompile", c.Schedule.WeeklyCompile.String(), "thứ Sáu 16:00"},
		{"Limits", c.Limits, map[string]RateLimit{
			"telegram": {PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20},
			"zalo":     {PerSecond: 10, PerChatPerSecond: 1, PerGroupPerMinute: 20},
		}},
		{"InviteTTL", c.InviteTTL, 7 * 24 * time.Hour},
		{"ReportWindowDays", c.ReportWindowDays, 7},
		{"RetentionDays", c.RetentionDays, 400},
		{"Directives", c.Directives, Directives{ReminderInterval: 2 * time.Hour, MaxReminders: 3, ConfirmAbove: 50}},
		{"Coverage m3", c.Coverage["m3"], 0.5},
		{"Alerts", c.Alerts, Alerts{OxyBelow: 10}},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
	// Default values are fresh: changing one Config leaves the next alone.
	c.Limits["telegram"] = RateLimit{}
	c.Coverage["m3"] = 0.9
	if d := Default(); d.Limits["telegram"].PerSecond != 30 || d.Coverage["m3"] != 0.5 {
		t.Error("defaults are shared between configurations")
	}
}

func TestEnv(t *testing.T) {
	c := mustLoad(t, map[string]string{
		"CHIHUY_REDIS_URL":        "redis://:s3cret@redis:6379/0",
		"CHIHUY_TELEGRAM_TOKEN":   " 123:abc ",
		"CHIHUY_TELEGRAM_API_URL": "http://127.0.0.1:9000/",
		"CHIHUY_TELEGRAM_MODE":    "WEBHOOK",
		"CHIHUY_ZALO_TOKEN":       "z-token",
		"CHIHUY_ZALO_API_URL":     "http://127.0.0.1:9001",
		"CHIHUY_ZALO_MODE":        "poll",
		"CHIHUY_WEBHOOK_SECRET":   "s_e-cret",
		"CHIHUY_PUBLIC_URL":       "https://bot.example.vn/",
		"CHIHUY_HTTP_ADDR":        "127.0.0.1:9090",
		"CHIHUY_TZ":               "Asia/Bangkok",
		"CHIHUY_LOG_LEVEL":        "Debug",
		"CHIHUY_INSTANCE":         "bot-2.hcm",
	})
	checks := []struct {
		name      string
		got, want any
	}{
		{"RedisURL", c.RedisURL, "redis://:s3cret@redis:6379/0"},
		{"Embedded", c.Embedded(), false},
		{"Telegram", c.Telegram, Platform{Name: "telegram", Token: "123:abc", APIURL: "http://127.0.0.1:9000", Mode: Webhook}},
		{"Zalo", c.Zalo, Platform{Name: "zalo", Token: "z-token", APIURL: "http://127.0.0.1:9001", Mode: Poll}},
		{"WebhookSecret", c.WebhookSecret, "s_e-cret"},
		{"PublicURL", c.PublicURL, "https://bot.example.vn"},
		{"HTTPAddr", c.HTTPAddr, "127.0.0.1:9090"},
		{"TimeZone", c.Location.String(), "Asia/Bangkok"},
		{"LogLevel", c.LogLevel, zerolog.DebugLevel},
		{"Instance", c.Instance, "bot-2.hcm"},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
	if p, ok := c.Platform("zalo"); !ok || p.Token != "z-token" {
		t.Errorf("Platform(zalo) = %v, %v", p, ok)
	}
	if _, ok := c.Platform("viber"); ok {
		t.Error("Platform(viber) found")
	}
}

// problemsOf returns the problems of an *Error, failing the test for any
// other error.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not *config.Error", err)
	}
	return ce.Problems
}

// hasAll reports the wanted fragments missing from the problems.
func missing(probs []string, want []string) []string {
	var out []string
	for _, w := range want {
		if !slices.ContainsFunc(probs, func(p string) bool { return strings.Contains(p, w) }) {
			out = append(out, w)
		}
	}
	return out
}

func TestEnvErrors(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"CHIHUY_TELEGRAM_MODE": "push"}, []string{`CHIHUY_TELEGRAM_MODE: "push" không hợp lệ`}},
		{map[string]string{"CHIHUY_ZALO_MODE": "hook"}, []string{"CHIHUY_ZALO_MODE:"}},
		{map[string]string{"CHIHUY_ZALO_MODE": "webhook"}, []string{"CHIHUY_WEBHOOK_SECRET: bắt buộc khi CHIHUY_ZALO_MODE=webhook"}},
		{map[string]string{"CHIHUY_TELEGRAM_MODE": "webhook", "CHIHUY_TELEGRAM_TOKEN": "1:a"}, []string{
			"CHIHUY_WEBHOOK_SECRET: bắt buộc khi CHIHUY_TELEGRAM_MODE=webhook",
			"CHIHUY_PUBLIC_URL: bắt buộc khi CHIHUY_TELEGRAM_MODE=webhook",
		}},
		{map[string]string{"CHIHUY_TELEGRAM_MODE": "webhook", "CHIHUY_WEBHOOK_SECRET": "có dấu"}, []string{"CHIHUY_WEBHOOK_SECRET: Telegram chỉ nhận"}},
		{map[string]string{"CHIHUY_TZ": "Asia/Hanoi_Nowhere"}, []string{"CHIHUY_TZ:"}},
		{map[string]string{"CHIHUY_LOG_LEVEL": "loud"}, []string{"CHIHUY_LOG_LEVEL:"}},
		{map[string]string{"CHIHUY_INSTANCE": "bot 2"}, []string{"CHIHUY_INSTANCE:"}},
		{map[string]string{"CHIHUY_INSTANCE": "máy-chủ"}, []string{"CHIHUY_INSTANCE:"}},
		{map[string]string{"CHIHUY_HTTP_ADDR": "8080"}, []string{"CHIHUY_HTTP_ADDR:"}},
		{map[string]string{"CHIHUY_HTTP_ADDR": ":http99"}, []string{"CHIHUY_HTTP_ADDR:"}},
		{map[string]string{"CHIHUY_TELEGRAM_API_URL": "api.telegram.org"}, []string{"CHIHUY_TELEGRAM_API_URL:"}},
		{map[string]string{"CHIHUY_ZALO_API_URL": "ftp://x"}, []string{"CHIHUY_ZALO_API_URL:"}},
		{map[string]string{"CHIHUY_PUBLIC_URL": "bot.example.vn"}, []string{"CHIHUY_PUBLIC_URL:"}},
		{map[string]string{"CHIHUY_REDIS_URL": "http://redis"}, []string{"CHIHUY_REDIS_URL:"}},
		{map[string]string{"CHIHUY_TELEGRAM_TOKEN": "123 456"}, []string{"CHIHUY_TELEGRAM_TOKEN:"}},
		{map[string]string{"CHIHUY_CONFIG": filepath.Join("testdata", "nope.yaml")}, []string{"CHIHUY_CONFIG: không đọc được tệp cấu hình"}},
		// Every bad value at once.
		{map[string]string{"CHIHUY_TELEGRAM_MODE": "x", "CHIHUY_ZALO_MODE": "y", "CHIHUY_TZ": "z"}, []string{
			"CHIHUY_TELEGRAM_MODE:", "CHIHUY_ZALO_MODE:", "CHIHUY_TZ:",
		}},
	}
	for _, tt := range tests {
		c, err := Load(envOf(tt.env))
		if c != nil || err == nil {
			t.Errorf("%v: no error", tt.env)
			continue
		}
		probs := problemsOf(t, err)
		if m := missing(probs, tt.want); len(m) > 0 || len(probs) != len(tt.want) {
			t.Errorf("%v: problems %q, missing %q", tt.env, probs, m)
		}
	}
	// Passwords never appear in errors.
	_, err := Load(envOf(map[string]string{"CHIHUY_REDIS_URL": "http://u:hunter2@redis"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("redis error shows the password: %v", err)
	}
}

func TestFullYAML(t *testing.T) {
	path := filepath.Join("testdata", "full.yaml")
	c := mustLoad(t, map[string]string{"CHIHUY_CONFIG": path})
	checks := []struct {
		name      string
		got, want any
	}{
		{"File", c.File, path},
		{"Units", c.Units, filepath.Join("testdata", "units.yaml")},
		{"Root", c.Root, "106"},
		{"Dataset", c.Dataset, filepath.Join("testdata", "dengue.yaml")},
		{"Admins", c.Admins, []chihuy.UserRef{{Platform: "telegram", ID: "1001"}, {Platform: "zalo", ID: "adm1n"}}},
		{"Chats", c.Chats, []ChatBinding{
			{Chat: chihuy.ChatRef{Platform: "telegram", ID: "-1001001"}, Unit: "106", Line: 7},
			{Chat: chihuy.ChatRef{Platform: "zalo", ID: "8a7f3c"}, Unit: "03418", Line: 8},
		}},
		{"Roles", c.Roles, []RoleGrant{
			{User: chihuy.UserRef{Platform: "telegram", ID: "2002"}, Unit: "106", Role: chihuy.RoleLead, Line: 10},
			{User: chihuy.UserRef{Platform: "zalo", ID: "u77"}, Unit: "03418", Role: chihuy.RoleMember, Line: 11},
		}},
		{"DailyDeadline", c.Schedule.DailyDeadline, TimeOfDay{Hour: 16, Minute: 30}},
		{"Digest", c.Schedule.Digest, []TimeOfDay{{Hour: 7}, {Hour: 18}}},
		{"WeeklyDeadline", c.Schedule.WeeklyDeadline, WeeklyTime{Weekday: time.Thursday, TimeOfDay: TimeOfDay{Hour: 17}}},
		{"WeeklyCompile", c.Schedule.WeeklyCompile, WeeklyTime{Weekday: time.Friday, TimeOfDay: TimeOfDay{Hour: 16}}},
		{"Limits", c.Limits, map[string]RateLimit{
			"telegram": {PerSecond: 25, PerChatPerSecond: 0.5, PerGroupPerMinute: 15},
			"zalo":     {PerSecond: 5, PerChatPerSecond: 1, PerGroupPerMinute: 20},
		}},
		{"InviteTTL", c.InviteTTL, 3 * 24 * time.Hour},
		{"ReportWindowDays", c.ReportWindowDays, 10},
		{"RetentionDays", c.RetentionDays, 500},
		{"Directives", c.Directives, Directives{ReminderInterval: 90 * time.Minute, MaxReminders: 5, ConfirmAbove: 20}},
		{"Coverage", c.Coverage, map[string]float64{"m1": 0.95, "m3": 0.6}},
		{"Alerts", c.Alerts, Alerts{OxyBelow: 4}},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
	if !c.IsAdmin(chihuy.UserRef{Platform: "zalo", ID: "adm1n"}) || c.IsAdmin(chihuy.UserRef{Platform: "telegram", ID: "2002"}) {
		t.Error("IsAdmin")
	}
	tree, err := c.LoadUnits()
	if err != nil {
		t.Fatal(err)
	}
	if tree.Root().Code != "106" || tree.Len() != 3 {
		t.Errorf("LoadUnits: root %v, %d units", tree.Root(), tree.Len())
	}
	if err := Validate(c, tree); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestBadYAML(t *testing.T) {
	_, err := Load(envOf(map[string]string{"CHIHUY_CONFIG": filepath.Join("testdata", "bad.yaml")}))
	probs := problemsOf(t, err)
	f := filepath.Join("testdata", "bad.yaml") + ":"
	want := []string{
		f + "1: units: cần một giá trị đơn",
		f + `3: admins[0]: mã Telegram "abc" phải là số nguyên`,
		f + `3: admins[1]: nền tảng "signal" không được hỗ trợ`,
		f + `3: admins[2]: "nocolon" không hợp lệ`,
		f + "5: chats[0].extra: khóa không được hỗ trợ",
		f + "6: chats[1].unit: thiếu giá trị",
		f + "7: chats[2]: cần một bảng",
		f + `9: roles[0].role: vai trò "boss" không hợp lệ`,
		f + `11: schedule.daily_deadline: Giờ "25:00" không hợp lệ`,
		f + `12: schedule.digest[1]: Giờ "7h61" không hợp lệ`,
		f + `13: schedule.weekly_deadline: Lịch tuần "someday 17:00" không hợp lệ`,
		f + `14: schedule.weekly_compile: Lịch tuần "fri" không hợp lệ`,
		f + "15: schedule.lunch: khóa không được hỗ trợ",
		f + `17: limits.telegram.per_second: "0" không hợp lệ`,
		f + "17: limits.telegram.per_minute: khóa không được hỗ trợ",
		f + `18: limits.viber: nền tảng "viber" không được hỗ trợ`,
		f + `19: invite_ttl: "-1h" không hợp lệ`,
		f + `20: report_window_days: "many" không hợp lệ`,
		f + `21: retention_days: "0" không hợp lệ (cần số nguyên từ 1 trở lên)`,
		f + `22: directives.reminder_interval: "0s" không hợp lệ`,
		f + `22: directives.max_reminders: "-1" không hợp lệ`,
		f + `22: directives.confirm_above: "2.5" không hợp lệ`,
		f + `23: coverage.m3: "1.5" không hợp lệ`,
		f + `23: coverage.m1: "abc%" không hợp lệ`,
		f + `24: alerts.oxy_below: "-3" không hợp lệ`,
		f + "24: alerts.o2: khóa không được hỗ trợ",
		f + "25: timezone: khóa không được hỗ trợ",
	}
	if m := missing(probs, want); len(m) > 0 || len(probs) != len(want) {
		t.Errorf("%d problems, want %d; missing:\n%s\ngot:\n%s", len(probs), len(want), strings.Join(m, "\n"), strings.Join(probs, "\n"))
	}
}

func TestYAMLEdgeCases(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, src string
		want      []string // problems; none means Load succeeds
	}{
		{"empty file", "", nil},
		{"only comments", "# nothing\n", nil},
		{"not a mapping", "- a\n- b\n", []string{"tệp cấu hình phải là một bảng"}},
		{"syntax", "units: [a\n", []string{"1: lỗi cú pháp YAML: dấu [ mở ở dòng 1"}},
		{"repeated key", "root: \"12\"\nroot: \"04\"\n", []string{"2: root: khóa lặp lại"}},
		{"window above retention", "report_window_days: 30\nretention_days: 30\n", []string{"report_window_days: 30 ngày phải nhỏ hơn retention_days (30)"}},
		{"digest scalar", "schedule: {digest: \"19h\"}\n", nil},
		{"admin scalar", "admins: telegram:5\n", nil},
		{"null sections", "schedule:\nlimits:\ncoverage:\n", nil},
		{"absolute units path", "units: /srv/units.yaml\n", nil},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".yaml")
		writeFile(t, path, tt.src)
		c, err := Load(envOf(map[string]string{"CHIHUY_CONFIG": path}))
		if tt.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if c != nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		probs := problemsOf(t, err)
		if m := missing(probs, tt.want); len(m) > 0 {
			t.Errorf("%s: problems %q, missing %q", tt.name, probs, m)
		}
	}
	c := mustLoad(t, map[string]string{"CHIHUY_CONFIG": filepath.Join(dir, "digest_scalar.yaml")})
	if !reflect.DeepEqual(c.Schedule.Digest, []TimeOfDay{{Hour: 19}}) {
		t.Errorf("digest = %v", c.Schedule.Digest)
	}
	c = mustLoad(t, map[string]string{"CHIHUY_CONFIG": filepath.Join(dir, "absolute_units_path.yaml")})
	if c.Units != "/srv/units.yaml" {
		t.Errorf("units = %q", c.Units)
	}
	c = mustLoad(t, map[string]string{"CHIHUY_CONFIG": filepath.Join(dir, "null_sections.yaml")})
	if !reflect.DeepEqual(c.Coverage, DefaultCoverage()) || !reflect.DeepEqual(c.Limits, DefaultLimits()) {
		t.Errorf("null sections changed defaults: %v %v", c.Coverage, c.Limits)
	}
}
