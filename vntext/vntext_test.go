package vntext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Xã Bản Giang", "xa ban giang"},
		{"ĐIỆN BIÊN", "dien bien"},
		{"Thị trấn Tân Uyên", "thi tran tan uyen"},
		{"cộng đồng", "cong dong"},
		{"Xa\u0303 Ba\u0309n", "xa ban"}, // decomposed input
		{"f0 3", "f0 3"},
		{"Ỹ ỷ Ữ ự", "y y u u"},
		{"thị trấn Tam \u00D0ường", "thi tran tam duong"}, // Ð (eth) for Đ
		{"\u0189iện Biên", "dien bien"},                   // Ɖ (African D)
		{"Mường Khоa", "muong khoa"},                      // Cyrillic о
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplit(t *testing.T) {
	line := "Xã Bản Giang đã báo cáo: F0 3 (cộng đồng 1), F1 25, cách ly tại nhà 30 người.\n"
	long := strings.Repeat(line, 200)
	words := strings.Repeat("Trường ", 3000)
	noSpace := strings.Repeat("ệ", 10000)
	tests := []struct {
		name  string
		text  string
		limit int
		parts int
	}{
		{"short", "xin chào", 4096, 1},
		{"empty", "  ", 4096, 0},
		{"lines", long, 4096, (utf8.RuneCountInString(long) + 4095) / 4096},
		{"words", words, 2000, 0},
		{"no boundary", noSpace, 4096, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := Split(tt.text, tt.limit)
			if tt.parts > 0 && len(parts) < tt.parts {
				t.Fatalf("got %d parts, want at least %d", len(parts), tt.parts)
			}
			if tt.parts == 0 && strings.TrimSpace(tt.text) == "" && len(parts) != 0 {
				t.Fatalf("got %d parts of blank text", len(parts))
			}
			var total int
			for i, p := range parts {
				if !utf8.ValidString(p) {
					t.Fatalf("part %d is not valid UTF-8", i)
				}
				if n := utf8.RuneCountInString(p); n > tt.limit || n == 0 {
					t.Fatalf("part %d has %d runes, limit %d", i, n, tt.limit)
				}
				total += utf8.RuneCountInString(strings.Join(strings.Fields(p), ""))
			}
			want := utf8.RuneCountInString(strings.Join(strings.Fields(tt.text), ""))
			if total != want {
				t.Fatalf("non-space runes: got %d, want %d (text lost or duplicated)", total, want)
			}
		})
	}
	// Cuts fall on line boundaries when lines exist.
	for i, p := range Split(long, 4096) {
		if !strings.HasSuffix(p, ".") {
			t.Errorf("part %d does not end at a line end: …%q", i, p[len(p)-10:])
		}
	}
	for i, p := range Split(words, 2000) {
		if strings.Contains(p, "Trườn ") || strings.HasPrefix(p, "ờng") {
			t.Errorf("part %d cut inside a word", i)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("Xã Bản Giang\nF0 3", 5)
	f.Add(strings.Repeat("ệ ", 50), 7)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 1 || limit > 5000 || !utf8.ValidString(s) {
			return
		}
		for _, p := range Split(s, limit) {
			if utf8.RuneCountInString(p) > limit || !utf8.ValidString(p) {
				t.Fatalf("bad part %q for limit %d", p, limit)
			}
		}
	})
}

func TestNumber(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1.000"}, {1200, "1.200"}, {12500, "12.500"},
		{123456, "123.456"}, {412000, "412.000"}, {1234567, "1.234.567"}, {-1200, "-1.200"}, {-5, "-5"},
		{-9223372036854775808, "-9.223.372.036.854.775.808"},
	}
	for _, tt := range tests {
		if got := Number(tt.n); got != tt.want {
			t.Errorf("Number(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	keys := []string{"units", "root", "dataset", "schedule", "directives", "report_window_days"}
	cmds := []string{"baocao", "tonghop", "sua", "trangthai", "toi", "help"}
	for _, c := range []struct {
		in   string
		list []string
		want string
	}{
		{"schedul", keys, "schedule"},
		{"shedule", keys, "schedule"},
		{"unit", keys, "units"},
		{"Directive", keys, "directives"},
		{"report_windows_day", keys, "report_window_days"},
		{"colour", keys, ""},
		{"baocaoo", cmds, "baocao"},
		{"báocáo", cmds, "baocao"},
		{"tonghp", cmds, "tonghop"},
		{"trangthia", cmds, "trangthai"},
		{"xyz", cmds, ""},
		{"", cmds, ""},
		{"hello", cmds, "help"}, // two edits of five letters: a slip
		{"chidao", cmds, ""},
	} {
		if got := Closest(c.in, c.list); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct{ part, whole, want int }{
		{0, 114, 0}, {1, 114, 1}, {1, 8, 13}, {1, 3, 33}, {2, 3, 67}, {57, 114, 50},
		{149, 150, 99}, {150, 150, 100}, {200, 150, 100}, {3, 0, 0}, {-1, 5, 0}, {1, 1000, 1}, {999, 1000, 99},
	} {
		if got := Percent(c.part, c.whole); got != c.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", c.part, c.whole, got, c.want)
		}
	}
}

func TestDigits(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"03418", true}, {"7", true}, {"", false}, {"12a", false}, {"1O", false}, {"١٢", false}, {"-1", false}, {" 1", false},
	} {
		if got := Digits(tc.in); got != tc.want {
			t.Errorf("Digits(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
