package store

// Alerts. The hash {s:SHARD}:al:DAY holds, per unit and rule
// ("UNIT⇥RULE"), the value last alerted and when ("VALUE⇥AT", unix ms).
// AlertOnce fires at most once per unit, rule and day, and again only when
// the value grows, so a commune that corrects its community F0 from 1 to 2
// alerts its parent again and one that re-sends 1 does not. The hash
// belongs to the shard-day and is archived and dropped with it.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/report"
)

// Alert is one alert fired.
type Alert struct {
	Unit string
	Rule string
	Day  chihuy.Day
	// Value is the rule's severity, larger is worse: the count that
	// triggered it (community F0: 2), or how far below a threshold a stock
	// fell (oxygen 3 under a threshold of 10: 7).
	Value int64
	// At is when it fired; AlertOnce takes the store's clock when zero.
	At time.Time
}

// alertOnceScript fires an alert unless one with a value at least as large
// was fired. The u hash's write counter (firsts) is bumped for retention.
var alertOnceScript = newScript("alert_once", scriptSpec{
	keys: []string{"alerts", "firsts", "days"},
	args: []string{"field", "value", "at", "day", "score"},
})

// AlertOnce records that rule fired for a.Unit on a.Day with a.Value, in
// the unit's shard, and reports whether the alert should be sent: true the
// first time that day, and afterwards only when the value grew.
func (s *Store) AlertOnce(ctx context.Context, shard string, a Alert) (fire bool, err error) {
	if err := report.CheckCode("shard", shard); err != nil {
		return false, err
	}
	if err := report.CheckCode("unit", a.Unit); err != nil {
		return false, err
	}
	if err := report.CheckCode("rule", a.Rule); err != nil {
		return false, err
	}
	if a.Day.IsZero() {
		return false, chihuy.Errorf(chihuy.EINVALID, msgReportNoDay)
	}
	if a.Value > report.MaxValue || a.Value < -report.MaxValue {
		return false, chihuy.Errorf(chihuy.EINVALID, msgReportAlertTooBig, a.Value, int64(report.MaxValue))
	}
	at := a.At
	if at.IsZero() {
		at = s.Now()
	}
	day := reportDay(a.Day)
	keys := names{"alerts": s.reportKey(shard, "al", day), "firsts": s.reportKey(shard, "u", day), "days": s.reportKey(shard, "days")}
	res, err := s.runInShard(ctx, alertOnceScript, shard, keys, names{"field": a.Unit + "\t" + a.Rule,
		"value": a.Value, "at": at.UnixMilli(), "day": day, "score": reportDayScore(a.Day)})
	if err != nil {
		return false, fmt.Errorf("alert %s of %s for %s: %w", a.Rule, a.Unit, a.Day, err)
	}
	n, _ := res.(int64)
	return n == 1, nil
}

// AlertsOfDay lists the alerts fired in the shard on day, by time, each
// with the value last alerted, for digests.
func (s *Store) AlertsOfDay(ctx context.Context, shard string, day chihuy.Day) ([]Alert, error) {
	h, err := s.rdb.HGetAll(ctx, s.reportKey(shard, "al", reportDay(day))).Result()
	if err != nil {
		return nil, fmt.Errorf("read alerts of %s for %s: %w", shard, day, err)
	}
	out, err := decodeAlerts(day, h)
	if err != nil {
		return nil, fmt.Errorf("read alerts of %s for %s: %w", shard, day, err)
	}
	return out, nil
}

// decodeAlerts reads an alerts hash, ordered by time, then unit and rule.
func decodeAlerts(day chihuy.Day, h map[string]string) ([]Alert, error) {
	out := make([]Alert, 0, len(h))
	for field, val := range h {
		unit, rule, ok1 := strings.Cut(field, "\t")
		v, ms, ok2 := strings.Cut(val, "\t")
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("bad alert %q = %q", field, val)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("alert %q value: %w", field, err)
		}
		at, err := parseReportTime(ms)
		if err != nil {
			return nil, fmt.Errorf("alert %q: %w", field, err)
		}
		out = append(out, Alert{Unit: unit, Rule: rule, Day: day, Value: n, At: at})
	}
	slices.SortFunc(out, func(a, b Alert) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := strings.Compare(a.Unit, b.Unit); c != 0 {
			return c
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	return out, nil
}
