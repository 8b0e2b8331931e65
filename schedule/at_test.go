package schedule_test

import (
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/schedule"
)

func TestParseAt(t *testing.T) {
	for _, tc := range []struct {
		in, spec, text string
	}{
		{"17:00", "0 17 * * *", "17:00"},
		{" 7:30 ", "30 7 * * *", "07:30"},
		{"17h", "0 17 * * *", "17:00"},
		{"17h30", "30 17 * * *", "17:30"},
		{"17 giờ 30", "30 17 * * *", "17:30"},
		{"00:00", "0 0 * * *", "00:00"},
		{"thu 17:00", "0 17 * * 4", "thứ Năm 17:00"},
		{"Thursday 17:00", "0 17 * * 4", "thứ Năm 17:00"},
		{"thứ 5 17:00", "0 17 * * 4", "thứ Năm 17:00"},
		{"t5 17:00", "0 17 * * 4", "thứ Năm 17:00"},
		{"T5 17h", "0 17 * * 4", "thứ Năm 17:00"},
		{"thứ Năm 17:00", "0 17 * * 4", "thứ Năm 17:00"},
		{"thu nam 17:00", "0 17 * * 4", "thứ Năm 17:00"},
		{"fri 16:00", "0 16 * * 5", "thứ Sáu 16:00"},
		{"16h thứ Sáu", "0 16 * * 5", "thứ Sáu 16:00"},
		{"thứ 2 08:00", "0 8 * * 1", "thứ Hai 08:00"},
		{"CN 08:00", "0 8 * * 0", "Chủ nhật 08:00"},
		{"chủ nhật 8h", "0 8 * * 0", "Chủ nhật 08:00"},
	} {
		at, err := schedule.ParseAt(tc.in)
		if err != nil {
			t.Errorf("ParseAt(%q): %v", tc.in, err)
			continue
		}
		if at.Spec() != tc.spec || at.String() != tc.text {
			t.Errorf("ParseAt(%q) = %q (%s), want %q (%s)", tc.in, at.Spec(), at, tc.spec, tc.text)
		}
	}
}

func TestParseAtRejects(t *testing.T) {
	for _, in := range []string{"", "25:00", "17:60", "thứ 8 17:00", "thu", "every day", "0 18 * * *", "17:00 18:00"} {
		at, err := schedule.ParseAt(in)
		if chihuy.ErrorCode(err) != chihuy.EINVALID {
			t.Errorf("ParseAt(%q) = %v, %v; want an invalid-input error", in, at, err)
		}
	}
}

// Offsets: a reminder one hour before the deadline, a compile the day
// after.
func TestAtAdd(t *testing.T) {
	for _, tc := range []struct {
		in   string
		d    time.Duration
		spec string
	}{
		{"17:00", -time.Hour, "0 16 * * *"},
		{"17:00", 0, "0 17 * * *"},
		{"17:00", -30 * time.Minute, "30 16 * * *"},
		{"17:00", -90 * time.Second, "59 16 * * *"}, // whole minutes, toward zero
		{"00:30", -time.Hour, "30 23 * * *"},
		{"23:30", 45 * time.Minute, "15 0 * * *"},
		{"17:00", -25 * time.Hour, "0 16 * * *"},
		{"thu 17:00", -time.Hour, "0 16 * * 4"},
		{"thu 17:00", 23 * time.Hour, "0 16 * * 5"}, // Friday 16:00 compile
		{"thu 00:30", -time.Hour, "30 23 * * 3"},
		{"CN 23:30", time.Hour, "30 0 * * 1"},
		{"t2 00:00", -time.Minute, "59 23 * * 0"},
		{"t2 00:00", 7 * 24 * time.Hour, "0 0 * * 1"},
	} {
		at, err := schedule.ParseAt(tc.in)
		if err != nil {
			t.Fatalf("ParseAt(%q): %v", tc.in, err)
		}
		if got := at.Add(tc.d).Spec(); got != tc.spec {
			t.Errorf("%q + %v = %q, want %q", tc.in, tc.d, got, tc.spec)
		}
	}
}

func TestDailyAndWeekly(t *testing.T) {
	for _, tc := range []struct {
		at         schedule.At
		spec, text string
	}{
		{schedule.Daily(18, 0), "0 18 * * *", "18:00"},
		{schedule.Daily(7, 5), "5 7 * * *", "07:05"},
		{schedule.Weekly(time.Thursday, 17, 0), "0 17 * * 4", "thứ Năm 17:00"},
		{schedule.Weekly(time.Sunday, 6, 30), "30 6 * * 0", "Chủ nhật 06:30"},
	} {
		if tc.at.Spec() != tc.spec || tc.at.String() != tc.text {
			t.Errorf("%+v = %q (%s), want %q (%s)", tc.at, tc.at.Spec(), tc.at, tc.spec, tc.text)
		}
	}
}
