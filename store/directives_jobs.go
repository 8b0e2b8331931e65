package store

// What the scheduled jobs ask of directives: reminders due and sent,
// deadline reports, throttled progress edits (the key layout is in
// directives.go).

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy/directive"
)

// DueReminder names the units of one directive that are due a reminder.
type DueReminder struct {
	ID    string
	Units []string
}

var cdRemindedScript = newScript("directive_reminded", scriptSpec{
	keys: []string{"reminders", "waiting"},
	args: []string{"at", "units[]"},
})

var cdReportedScript = newScript("directive_reported", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets"},
	args: []string{"at"},
})

var cdEditScript = newScript("directive_edit", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets", "lastEdit"},
	args: []string{"now#", "every#", "final"},
})

// DueReminders returns, per active directive whose deadline has not
// passed, the units due a reminder at now: reached, not acknowledged,
// reminded fewer than maxReminders times, and last contacted (delivered or
// reminded) at least interval ago. Directives and units are sorted.
func (s *Store) DueReminders(ctx context.Context, now time.Time, interval time.Duration, maxReminders int) ([]DueReminder, error) {
	ids, err := s.rdb.ZRange(ctx, s.cdxKey("open"), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	if len(ids) == 0 || maxReminders <= 0 {
		return nil, nil
	}
	p := s.rdb.Pipeline()
	states := make([]*redis.SliceCmd, len(ids))
	for i, id := range ids {
		states[i] = p.HMGet(ctx, s.cdKey(id, "meta"), "state", "deadline")
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	nowMs := now.UnixMilli()
	cutoff := strconv.FormatInt(now.Add(-interval).UnixMilli(), 10)
	var active []string
	var stale []any
	for i, id := range ids {
		v := states[i].Val()
		st, _ := v[0].(string)
		dl, _ := v[1].(string)
		switch {
		case !directive.State(st).Open():
			stale = append(stale, id)
		case directive.State(st) == directive.Active && (cdInt64(dl) == 0 || cdInt64(dl) > nowMs):
			active = append(active, id)
		}
	}
	if len(stale) > 0 {
		s.rdb.ZRem(ctx, s.cdxKey("open"), stale...)
	}
	if len(active) == 0 {
		return nil, nil
	}
	p = s.rdb.Pipeline()
	waiting := make([]*redis.StringSliceCmd, len(active))
	for i, id := range active {
		waiting[i] = p.ZRangeByScore(ctx, s.cdKey(id, "wait"), &redis.ZRangeBy{Min: "-inf", Max: cutoff})
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	p = s.rdb.Pipeline()
	counts := make([]*redis.SliceCmd, len(active))
	for i, id := range active {
		if units := waiting[i].Val(); len(units) > 0 {
			counts[i] = p.HMGet(ctx, s.cdKey(id, "rem"), units...)
		}
	}
	if p.Len() > 0 {
		if _, err := p.Exec(ctx); err != nil {
			return nil, fmt.Errorf("due reminders: %w", err)
		}
	}
	var out []DueReminder
	for i, id := range active {
		if counts[i] == nil {
			continue
		}
		var due []string
		for j, unit := range waiting[i].Val() {
			rem, _ := counts[i].Val()[j].(string)
			n, _, _ := strings.Cut(rem, "|")
			if cdInt(n) < maxReminders {
				due = append(due, unit)
			}
		}
		if len(due) > 0 {
			sort.Strings(due)
			out = append(out, DueReminder{ID: id, Units: due})
		}
	}
	return out, nil
}

// MarkReminded records that units of directive id were reminded at at:
// their next reminder is due an interval later. Units that acknowledged
// meanwhile, or are not waiting, are skipped; it returns how many were
// marked.
func (s *Store) MarkReminded(ctx context.Context, id string, units []string, at time.Time) (int, error) {
	if err := cdCheckID(id); err != nil {
		return 0, cdResult(cdrUnknown, id, "")
	}
	if len(units) == 0 {
		return 0, nil
	}
	n, err := cdRemindedScript.run(ctx, s.rdb, s.cdKeys(id), names{"at": unixMilli(at), "units": units}).Int()
	if err != nil {
		return 0, fmt.Errorf("mark reminded %s: %w", id, err)
	}
	return n, nil
}

// DueDeadlines returns the active directives whose deadline is at or
// before now and whose deadline report was not marked sent, sorted by
// deadline. The caller sends each report (with an idempotent outbox key),
// then calls MarkDeadlineReported.
func (s *Store) DueDeadlines(ctx context.Context, now time.Time) ([]string, error) {
	index := s.cdxKey("deadline")
	ids, err := s.rdb.ZRangeByScore(ctx, index, &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10)}).Result()
	if err != nil {
		return nil, fmt.Errorf("due deadlines: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	p := s.rdb.Pipeline()
	cmds := make([]*redis.SliceCmd, len(ids))
	for i, id := range ids {
		cmds[i] = p.HMGet(ctx, s.cdKey(id, "meta"), "state", "dreported")
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, fmt.Errorf("due deadlines: %w", err)
	}
	var out []string
	var stale []any
	for i, id := range ids {
		st, _ := cmds[i].Val()[0].(string)
		reported, _ := cmds[i].Val()[1].(string)
		if directive.State(st) == directive.Active && reported == "" {
			out = append(out, id)
		} else {
			stale = append(stale, id)
		}
	}
	if len(stale) > 0 {
		s.rdb.ZRem(ctx, index, stale...)
	}
	return out, nil
}

// MarkDeadlineReported records that the deadline report of directive id
// was sent. first is false when it had been marked before.
func (s *Store) MarkDeadlineReported(ctx context.Context, id string, at time.Time) (first bool, err error) {
	if err := cdCheckID(id); err != nil {
		return false, cdResult(cdrUnknown, id, "")
	}
	code, err := cdReportedScript.run(ctx, s.rdb, s.cdKeys(id), names{"at": unixMilli(at)}).Int64()
	if err != nil {
		return false, fmt.Errorf("mark deadline reported %s: %w", id, err)
	}
	if err := cdResult(code, id, ""); err != nil {
		return false, err
	}
	if err := s.rdb.ZRem(ctx, s.cdxKey("deadline"), id).Err(); err != nil {
		return code == 1, fmt.Errorf("mark deadline reported %s: %w", id, err)
	}
	return code == 1, nil
}

// ShouldEditProgress reports whether the lead's progress message of
// directive id should be edited now: at most once per every, so a big
// broadcast does not flood the platform with edits. final asks for the
// edit that shows the finished broadcast: it is granted once, whatever the
// throttle; later calls with final are throttled like any other.
func (s *Store) ShouldEditProgress(ctx context.Context, id string, now time.Time, every time.Duration, final bool) (bool, error) {
	if err := cdCheckID(id); err != nil {
		return false, cdResult(cdrUnknown, id, "")
	}
	code, err := cdEditScript.run(ctx, s.rdb, s.cdKeys(id),
		names{"now": now.UnixMilli(), "every": every.Milliseconds(), "final": cdBool(final)}).Int64()
	if err != nil {
		return false, fmt.Errorf("progress edit of %s: %w", id, err)
	}
	return code == 1, cdResult(code, id, "")
}
