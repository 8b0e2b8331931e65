package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/config"
)

// At is a time of day, every day or on one day of the week, in the
// scheduler's zone: the deadlines and digest times of the configuration.
// Spec turns it into the cron expression Add takes, so the configuration
// never needs cron syntax:
//
//	at, err := schedule.ParseAt(cfg)          // "17:00", "thu 17:00", "thứ 5 17:00"
//	s.Add("remind", at.Add(-time.Hour).Spec(), remind) // one hour before
type At struct {
	Hour, Minute int
	// Weekly is true for once a week, on Weekday; false for every day.
	Weekly  bool
	Weekday time.Weekday
}

// Daily is hour:minute every day.
func Daily(hour, minute int) At { return At{Hour: hour, Minute: minute} }

// Weekly is hour:minute every week on day.
func Weekly(day time.Weekday, hour, minute int) At {
	return At{Hour: hour, Minute: minute, Weekly: true, Weekday: day}
}

// ParseAt reads a configuration time: a time of day for every day
// ("17:00", "7:30", "17h", "17h30", "17 giờ 30"), or a day of the week and
// a time for once a week ("thu 17:00", "Thursday 17:00", "thứ 5 17:00",
// "thứ Năm 17:00", "t5 17h", "CN 08:00", "16h thứ Sáu"). The words are
// those of the configuration file, read by the config package.
func ParseAt(s string) (At, error) {
	if t, err := config.ParseTimeOfDay(s); err == nil {
		return Daily(t.Hour, t.Minute), nil
	}
	w, err := config.ParseWeekly(s)
	if err != nil {
		return At{}, chihuy.Errorf(chihuy.EINVALID, msgBadAt, s)
	}
	return Weekly(w.Weekday, w.Hour, w.Minute), nil
}

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
)

// Add returns the time d later (d earlier when d is negative), in whole
// minutes, truncated toward zero. A daily time wraps around midnight; a
// weekly one moves to the day before or after: one hour before "thu 00:30"
// is "wed 23:30".
func (a At) Add(d time.Duration) At {
	shift := int(d / time.Minute)
	if !a.Weekly {
		m := mod(a.Hour*60+a.Minute+shift, minutesPerDay)
		return Daily(m/60, m%60)
	}
	m := mod(int(a.Weekday)*minutesPerDay+a.Hour*60+a.Minute+shift, minutesPerWeek)
	return Weekly(time.Weekday(m/minutesPerDay), m%minutesPerDay/60, m%60)
}

func mod(a, n int) int { return ((a % n) + n) % n }

// Spec is the cron expression of a: "0 17 * * *" daily, "0 17 * * 4"
// weekly (Thursday). Add validates it; an hour or minute out of range
// makes an invalid expression.
func (a At) Spec() string {
	if a.Weekly {
		return fmt.Sprintf("%d %d * * %d", a.Minute, a.Hour, int(a.Weekday))
	}
	return fmt.Sprintf("%d %d * * *", a.Minute, a.Hour)
}

// String is how officials read it: "17:00", "thứ Năm 17:00".
func (a At) String() string {
	t := fmt.Sprintf("%02d:%02d", a.Hour, a.Minute)
	if !a.Weekly {
		return t
	}
	return strings.TrimSpace(config.WeekdayName(a.Weekday) + " " + t)
}
