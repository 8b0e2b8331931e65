package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/vntext"
)

// TimeOfDay is a wall-clock time in the configured zone.
type TimeOfDay struct{ Hour, Minute int }

// String is "17:00".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// SinceMidnight is the time of day as an offset from midnight ("17:30" →
// 17h30m).
func (t TimeOfDay) SinceMidnight() time.Duration {
	return time.Duration(t.Hour)*time.Hour + time.Duration(t.Minute)*time.Minute
}

// On returns the time of day on the civil date d in loc.
func (t TimeOfDay) On(d chihuy.Day, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, t.Hour, t.Minute, 0, 0, loc)
}

// Next returns the first moment at this time of day strictly after
// after, in after's location.
func (t TimeOfDay) Next(after time.Time) time.Time {
	at := t.On(chihuy.DayOf(after), after.Location())
	if !at.After(after) {
		at = t.On(chihuy.DayOf(after).AddDays(1), after.Location())
	}
	return at
}

// WeeklyTime is a day of the week and a time of day.
type WeeklyTime struct {
	Weekday time.Weekday
	TimeOfDay
}

// weekdayNames are the Vietnamese names, Sunday first as time.Weekday.
var weekdayNames = [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// WeekdayName is the Vietnamese name of a day: "thứ Năm", "Chủ nhật".
func WeekdayName(d time.Weekday) string {
	if d < 0 || int(d) >= len(weekdayNames) {
		return d.String()
	}
	return weekdayNames[d]
}

// String is "thứ Năm 17:00".
func (w WeeklyTime) String() string { return WeekdayName(w.Weekday) + " " + w.TimeOfDay.String() }

// Next returns the first moment at this day and time strictly after
// after, in after's location.
func (w WeeklyTime) Next(after time.Time) time.Time {
	d := chihuy.DayOf(after)
	d = d.AddDays((int(w.Weekday) - int(d.Weekday()) + 7) % 7)
	at := w.On(d, after.Location())
	if !at.After(after) {
		at = w.On(d.AddDays(7), after.Location())
	}
	return at
}

// timeRE reads a folded time without spaces: "17:00", "17h", "17h30",
// "17g30", "17gio30phut".
var timeRE = regexp.MustCompile(`^(\d{1,2})(?::(\d{2})|(?:h|g|gio)(?:(\d{2})(?:p|phut)?)?)$`)

// ParseTimeOfDay reads a time of day: "17:00", "7:30", "17h", "17h30",
// "17 giờ 30".
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	m := timeRE.FindStringSubmatch(squash(s))
	if m == nil {
		return TimeOfDay{}, errBadTime(s)
	}
	h, _ := strconv.Atoi(m[1])
	min := 0
	if mm := m[2] + m[3]; mm != "" {
		min, _ = strconv.Atoi(mm)
	}
	if h > 23 || min > 59 {
		return TimeOfDay{}, errBadTime(s)
	}
	return TimeOfDay{Hour: h, Minute: min}, nil
}

// squash folds s (no diacritics, lower case) and drops spaces and dots.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '.' {
			return -1
		}
		return r
	}, vntext.Fold(strings.TrimSpace(s)))
}

// weekdays maps squashed day names, English and Vietnamese, to days.
// "thu" alone is the English Thursday; the Vietnamese "thứ" needs its
// number or name ("thứ 5", "thứ năm", "t5").
var weekdays = map[string]time.Weekday{
	"mon": time.Monday, "monday": time.Monday, "t2": time.Monday, "thu2": time.Monday, "thuhai": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday, "t3": time.Tuesday, "thu3": time.Tuesday, "thuba": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday, "t4": time.Wednesday, "thu4": time.Wednesday, "thutu": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday, "t5": time.Thursday, "thu5": time.Thursday, "thunam": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "t6": time.Friday, "thu6": time.Friday, "thusau": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday, "t7": time.Saturday, "thu7": time.Saturday, "thubay": time.Saturday,
	"sun": time.Sunday, "sunday": time.Sunday, "cn": time.Sunday, "chunhat": time.Sunday,
}

// ParseWeekday reads a day of the week: "thu", "Thursday", "thứ 5",
// "thứ Năm", "T5", "CN", "Chủ nhật".
func ParseWeekday(s string) (time.Weekday, error) {
	if strings.ToLower(norm.NFC.String(strings.TrimSpace(s))) == "thứ" {
		return 0, errBadWeekday(s) // Vietnamese, without its day
	}
	if d, ok := weekdays[squash(s)]; ok {
		return d, nil
	}
	return 0, errBadWeekday(s)
}

// ParseWeekly reads a day and a time, in either order: "thu 17:00",
// "thứ 5 17:00", "t5 17h", "16h thứ Sáu".
func ParseWeekly(s string) (WeeklyTime, error) {
	words := strings.Fields(s)
	for i := 1; i < len(words); i++ {
		head, tail := strings.Join(words[:i], " "), strings.Join(words[i:], " ")
		for _, p := range [2][2]string{{head, tail}, {tail, head}} {
			d, err := ParseWeekday(p[0])
			if err != nil {
				continue
			}
			if t, err := ParseTimeOfDay(p[1]); err == nil {
				return WeeklyTime{Weekday: d, TimeOfDay: t}, nil
			}
		}
	}
	return WeeklyTime{}, errBadWeekly(s)
}

// ParseDuration reads a Go duration ("2h", "90m", "1h30m") or days ("7d",
// "1d12h"). It accepts zero and rejects negative durations.
func ParseDuration(s string) (time.Duration, error) {
	rest := strings.TrimSpace(s)
	var days time.Duration
	if i := strings.IndexByte(rest, 'd'); i > 0 {
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 || n > 100000 {
			return 0, errBadDuration(s)
		}
		days, rest = time.Duration(n)*24*time.Hour, rest[i+1:]
		if rest == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(rest)
	if err != nil || d < 0 {
		return 0, errBadDuration(s)
	}
	return days + d, nil
}

// credentialsRE finds the user information of a URL that url.Parse does
// not take.
var credentialsRE = regexp.MustCompile(`//[^/@]*@`)

// RedactURL hides the password of a URL (user information and a
// "password" query parameter) so that it can be shown and logged.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return credentialsRE.ReplaceAllString(raw, "//xxxxx@")
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
