package chihuy

import (
	"fmt"
	"time"
)

// Day is a civil date (no time, no zone): the day a report is for. Days
// are computed in the configured time zone (Asia/Ho_Chi_Minh by default).
type Day struct {
	Year  int
	Month time.Month
	Day   int
}

// DayOf returns the civil date of t in t's location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return Day{y, m, d}
}

// ParseDay parses "YYYY-MM-DD".
func ParseDay(s string) (Day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Day{}, Errorf(EINVALID, msgBadDay, s)
	}
	return DayOf(t), nil
}

// String formats the day as "YYYY-MM-DD" (keys, CSV).
func (d Day) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Short formats the day as Vietnamese officials write it: "08/11/2021".
func (d Day) Short() string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year) }

// IsZero reports whether d is the zero Day.
func (d Day) IsZero() bool { return d == Day{} }

// Time returns midnight of d in loc.
func (d Day) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns d shifted by n days.
func (d Day) AddDays(n int) Day {
	return DayOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Day) Compare(e Day) int {
	switch {
	case d.Year != e.Year:
		return cmp(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp(int(d.Month), int(e.Month))
	}
	return cmp(d.Day, e.Day)
}

// Before reports whether d is before e.
func (d Day) Before(e Day) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Day) After(e Day) bool { return d.Compare(e) > 0 }

// Sub returns the number of days from e to d.
func (d Day) Sub(e Day) int {
	return int(d.Time(time.UTC).Sub(e.Time(time.UTC)).Hours() / 24)
}

// Weekday returns the day of the week.
func (d Day) Weekday() time.Weekday { return d.Time(time.UTC).Weekday() }

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
