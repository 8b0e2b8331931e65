package config

import (
	"os"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestParseTimeOfDay(t *testing.T) {
	tests := []struct {
		in   string
		want TimeOfDay
		ok   bool
	}{
		{"17:00", TimeOfDay{17, 0}, true},
		{" 7:05 ", TimeOfDay{7, 5}, true},
		{"00:00", TimeOfDay{0, 0}, true},
		{"23:59", TimeOfDay{23, 59}, true},
		{"17h", TimeOfDay{17, 0}, true},
		{"17H30", TimeOfDay{17, 30}, true},
		{"16g00", TimeOfDay{16, 0}, true},
		{"17 giờ 30", TimeOfDay{17, 30}, true},
		{"17 giờ", TimeOfDay{17, 0}, true},
		{"24:00", TimeOfDay{}, false},
		{"17:60", TimeOfDay{}, false},
		{"17:", TimeOfDay{}, false},
		{"17", TimeOfDay{}, false},
		{"5pm", TimeOfDay{}, false},
		{"", TimeOfDay{}, false},
		{"-1:00", TimeOfDay{}, false},
	}
	for _, tt := range tests {
		got, err := ParseTimeOfDay(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v", tt.in, got, err)
		}
		if err != nil && chihuy.ErrorCode(err) != chihuy.EINVALID {
			t.Errorf("ParseTimeOfDay(%q): error code %s", tt.in, chihuy.ErrorCode(err))
		}
	}
}

func TestParseWeekly(t *testing.T) {
	thu17 := WeeklyTime{time.Thursday, TimeOfDay{17, 0}}
	tests := []struct {
		in   string
		want WeeklyTime
		ok   bool
	}{
		{"thu 17:00", thu17, true},
		{"Thursday 17:00", thu17, true},
		{"thứ 5 17:00", thu17, true},
		{"Thứ Năm 17:00", thu17, true},
		{"thu nam 17h", thu17, true},
		{"t5 17:00", thu17, true},
		{"T.5 17:00", thu17, true},
		{"17:00 thứ 5", thu17, true},
		{"16h thứ Sáu", WeeklyTime{time.Friday, TimeOfDay{16, 0}}, true},
		{"fri 16:00", WeeklyTime{time.Friday, TimeOfDay{16, 0}}, true},
		{"thứ 2 8:00", WeeklyTime{time.Monday, TimeOfDay{8, 0}}, true},
		{"thứ Tư 08:00", WeeklyTime{time.Wednesday, TimeOfDay{8, 0}}, true},
		{"thứ bảy 9h", WeeklyTime{time.Saturday, TimeOfDay{9, 0}}, true},
		{"CN 07:30", WeeklyTime{time.Sunday, TimeOfDay{7, 30}}, true},
		{"Chủ nhật 7 giờ 30", WeeklyTime{time.Sunday, TimeOfDay{7, 30}}, true},
		{"thứ 8 17:00", WeeklyTime{}, false},
		{"thứ 17:00", WeeklyTime{}, false},
		{"fri", WeeklyTime{}, false},
		{"17:00", WeeklyTime{}, false},
		{"thu 25:00", WeeklyTime{}, false},
	}
	for _, tt := range tests {
		got, err := ParseWeekly(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseWeekly(%q) = %v, %v", tt.in, got, err)
		}
	}
	if got := thu17.String(); got != "thứ Năm 17:00" {
		t.Errorf("String = %q", got)
	}
	if got := (WeeklyTime{Weekday: time.Sunday, TimeOfDay: TimeOfDay{7, 5}}).String(); got != "Chủ nhật 07:05" {
		t.Errorf("String = %q", got)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2h", 2 * time.Hour, true},
		{"90m", 90 * time.Minute, true},
		{"7d", 7 * 24 * time.Hour, true},
		{"1d12h", 36 * time.Hour, true},
		{"0s", 0, true},
		{"-1h", 0, false},
		{"-1d", 0, false},
		{"d", 0, false},
		{"7 days", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestNext(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, h, m int) time.Time { return time.Date(2021, time.November, d, h, m, 0, 0, loc) } // 11/11/2021 is a Thursday
	daily := TimeOfDay{17, 0}
	weekly := WeeklyTime{time.Thursday, TimeOfDay{17, 0}}
	tests := []struct {
		name        string
		got, wanted time.Time
	}{
		{"daily before", daily.Next(at(11, 16, 59)), at(11, 17, 0)},
		{"daily at", daily.Next(at(11, 17, 0)), at(12, 17, 0)},
		{"daily after", daily.Next(at(11, 23, 0)), at(12, 17, 0)},
		{"weekly same day before", weekly.Next(at(11, 9, 0)), at(11, 17, 0)},
		{"weekly same day after", weekly.Next(at(11, 17, 0)), at(18, 17, 0)},
		{"weekly earlier in week", weekly.Next(at(8, 9, 0)), at(11, 17, 0)},
		{"weekly later in week", weekly.Next(at(13, 9, 0)), at(18, 17, 0)},
		{"month end", daily.Next(at(30, 18, 0)), time.Date(2021, time.December, 1, 17, 0, 0, 0, loc)},
	}
	for _, tt := range tests {
		if !tt.got.Equal(tt.wanted) {
			t.Errorf("%s: %v, want %v", tt.name, tt.got, tt.wanted)
		}
	}
	if got := daily.On(chihuy.Day{Year: 2021, Month: time.November, Day: 8}, loc); !got.Equal(at(8, 17, 0)) {
		t.Errorf("On = %v", got)
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"redis://:s3cret@redis:6379/0", "redis://:xxxxx@redis:6379/0"},
		{"redis://user:s3cret@redis:6379", "redis://user:xxxxx@redis:6379"},
		{"redis://redis:6379", "redis://redis:6379"},
		{"redis-sentinel://:s3cret@s1:26379,s2:26379/mymaster", "redis-sentinel://:xxxxx@s1:26379,s2:26379/mymaster"},
		{"rediss://redis:6380/0?password=s3cret", "rediss://redis:6380/0?password=xxxxx"},
		{"redis://:s3cret@[bad", "redis://xxxxx@[bad"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
