package directive

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestProgressText(t *testing.T) {
	raw, err := os.ReadFile("testdata/progress.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name     string   `json:"name"`
		Progress Progress `json:"progress"`
		Text     string   `json:"text"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("testdata/progress.json: %v", err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			if got := tc.Progress.Text(); got != tc.Text {
				t.Errorf("text =\n%s\nwant\n%s", got, tc.Text)
			}
		})
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		n, total, width int
		want            string
	}{
		{0, 10, 10, "░░░░░░░░░░"},
		{5, 10, 10, "▓▓▓▓▓░░░░░"},
		{10, 10, 10, "▓▓▓▓▓▓▓▓▓▓"},
		{1, 3, 4, "▓░░░"},
		{12, 10, 5, "▓▓▓▓▓"},
		{3, 0, 3, "░░░"},
		{1, 1, 0, ""},
	}
	for _, tt := range tests {
		got := Bar(tt.n, tt.total, tt.width)
		if got != tt.want {
			t.Errorf("Bar(%d, %d, %d) = %q, want %q", tt.n, tt.total, tt.width, got, tt.want)
		}
		if tt.width > 0 && utf8.RuneCountInString(got) != tt.width {
			t.Errorf("Bar(%d, %d, %d) has %d cells", tt.n, tt.total, tt.width, utf8.RuneCountInString(got))
		}
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "dưới 1 giây"},
		{999 * time.Millisecond, "dưới 1 giây"},
		{45 * time.Second, "45 giây"},
		{3*time.Minute + 12*time.Second, "3 phút 12 giây"},
		{time.Hour + 5*time.Minute + 9*time.Second, "1 giờ 5 phút"},
		{time.Hour + 9*time.Second, "1 giờ"},
		{50*time.Hour + 30*time.Minute, "2 ngày 2 giờ"},
		{10 * time.Minute, "10 phút"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestFormatDeadline(t *testing.T) {
	loc := vietnam(t)
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2021, 11, 26, 16, 0, 0, 0, loc), "16:00 thứ Sáu 26/11/2021"},
		{time.Date(2021, 11, 28, 8, 5, 0, 0, loc), "08:05 Chủ nhật 28/11/2021"},
	}
	for _, tt := range tests {
		if got := FormatDeadline(tt.at); got != tt.want {
			t.Errorf("FormatDeadline(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}

func TestTargetString(t *testing.T) {
	tests := []struct {
		t    Target
		want string
	}{
		{Target{}, "toàn bộ cấp dưới"},
		{Target{Kind: TargetChildren}, "cấp dưới trực tiếp"},
		{Target{Kind: TargetLevel, Levels: []string{"xa", "phuong", "thi tran"}}, "các xã, phường, thị trấn"},
		{Target{Kind: TargetUnits, Names: []string{"xã Bản Giang", "03421"}}, "xã Bản Giang, 03421"},
	}
	for _, tt := range tests {
		if got := tt.t.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.t, got, tt.want)
		}
	}
	if strings.Contains(LevelName("xa"), "xa") {
		t.Errorf("LevelName(xa) = %q, want diacritics", LevelName("xa"))
	}
}
