package store

// Reading reports: a unit's own report, full aggregates, the history,
// who reported, ranges of days and cumulative totals (the key layout is in
// reports.go).

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/report"
)

// reportHistoryScript returns the entries of a history list that start with
// prefix (the unit and a tab), oldest first.
var reportHistoryScript = newScript("report_history", scriptSpec{
	keys: []string{"history"},
	args: []string{"prefix"},
})

// Report returns the unit's own report for day; ok is false when the unit
// has not reported that day.
func (s *Store) Report(ctx context.Context, u UnitShard, day chihuy.Day) (r report.Stored, ok bool, err error) {
	rs, err := s.ReportRange(ctx, []UnitShard{u}, day, day)
	if err != nil || len(rs) == 0 {
		return report.Stored{Unit: u.Unit, Day: day}, false, err
	}
	return rs[0], true, nil
}

// Aggregate returns the unit's full aggregate for day: its own report
// combined with those of its whole subtree. For the root, pass RootUnit.
func (s *Store) Aggregate(ctx context.Context, u UnitShard, day chihuy.Day, aggs dataset.Aggregations) (report.Values, error) {
	all, err := s.Aggregates(ctx, []UnitShard{u}, []chihuy.Day{day}, aggs)
	if err != nil {
		return nil, err
	}
	return all[u.Unit][day], nil
}

// Aggregates returns the full aggregate of every unit for every day,
// indexed by unit code then day, for digests and /tonghop. It reads two
// hashes per unit-day (two more per child of the root), pipelined: one
// round trip per 4,096 reads. A unit or day without data has an empty map.
func (s *Store) Aggregates(ctx context.Context, units []UnitShard, days []chihuy.Day, aggs dataset.Aggregations) (map[string]map[chihuy.Day]report.Values, error) {
	type part struct {
		unit string
		day  chihuy.Day
		cmds []*redis.MapStringStringCmd
	}
	out := make(map[string]map[chihuy.Day]report.Values, len(units))
	var parts []part
	flush := func(pipe redis.Pipeliner) error {
		if len(parts) == 0 {
			return nil
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("read aggregates: %w", err)
		}
		for _, p := range parts {
			for _, c := range p.cmds {
				v, err := valuesOfHash(c.Val())
				if err != nil {
					return fmt.Errorf("read aggregate of %s for %s: %w", p.unit, p.day, err)
				}
				out[p.unit][p.day].Merge(v, aggs)
			}
		}
		parts = parts[:0]
		return nil
	}
	pipe := s.rdb.Pipeline()
	queued := 0
	for _, u := range units {
		if out[u.Unit] == nil {
			out[u.Unit] = make(map[chihuy.Day]report.Values, len(days))
		}
		for _, d := range days {
			if out[u.Unit][d] != nil {
				continue // the same unit and day asked twice
			}
			out[u.Unit][d] = report.Values{}
			day := reportDay(d)
			p := part{unit: u.Unit, day: d}
			p.cmds = append(p.cmds,
				pipe.HGetAll(ctx, s.reportKey(u.Shard, "r", day, u.Unit)),
				pipe.HGetAll(ctx, s.reportKey(u.Shard, "a", day, u.Unit)))
			for _, c := range u.Shards {
				cu := ShardUnit(c)
				p.cmds = append(p.cmds,
					pipe.HGetAll(ctx, s.reportKey(c, "r", day, cu)),
					pipe.HGetAll(ctx, s.reportKey(c, "a", day, cu)))
			}
			parts = append(parts, p)
			if queued += len(p.cmds); queued >= reportPipelineBatch {
				if err := flush(pipe); err != nil {
					return nil, err
				}
				queued = 0
			}
		}
	}
	if err := flush(pipe); err != nil {
		return nil, err
	}
	return out, nil
}

// ReportHistory returns every report the unit sent for day, newest first.
func (s *Store) ReportHistory(ctx context.Context, u UnitShard, day chihuy.Day) ([]report.HistoryEntry, error) {
	raw, err := reportHistoryScript.runRO(ctx, s.rdb, names{"history": s.reportKey(u.Shard, "h", reportDay(day))},
		names{"prefix": u.Unit + "\t"}).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("read history of %s for %s: %w", u.Unit, day, err)
	}
	out := make([]report.HistoryEntry, 0, len(raw))
	for i := len(raw) - 1; i >= 0; i-- {
		h, err := decodeReportHistory(raw[i])
		if err != nil {
			return nil, fmt.Errorf("read history of %s for %s: %w", u.Unit, day, err)
		}
		out = append(out, h)
	}
	return out, nil
}

// ReportedUnits returns the units of the shard that reported on day, each
// with the time of its first report that day (the caller decides whether
// it was on time).
func (s *Store) ReportedUnits(ctx context.Context, shard string, day chihuy.Day) (map[string]time.Time, error) {
	h, err := s.rdb.HGetAll(ctx, s.reportKey(shard, "u", reportDay(day))).Result()
	if err != nil {
		return nil, fmt.Errorf("read reported units of %s for %s: %w", shard, day, err)
	}
	return reportedUnitsOf(h)
}

// ReportRange returns the own reports of the units for every day from
// from to to inclusive, for export: ordered by day, then in the order of
// units; a unit and day without a report has no row.
func (s *Store) ReportRange(ctx context.Context, units []UnitShard, from, to chihuy.Day) ([]report.Stored, error) {
	if to.Before(from) {
		return nil, chihuy.Errorf(chihuy.EINVALID, msgReportRangeReversed, from.Short(), to.Short())
	}
	type read struct {
		unit  string
		day   chihuy.Day
		hash  *redis.MapStringStringCmd
		first *redis.StringCmd
	}
	var out []report.Stored
	var reads []read
	flush := func(pipe redis.Pipeliner) error {
		if len(reads) == 0 {
			return nil
		}
		_, _ = pipe.Exec(ctx) // errors are checked per command: a missing first-report field is redis.Nil
		for _, r := range reads {
			if err := r.hash.Err(); err != nil {
				return fmt.Errorf("read report of %s for %s: %w", r.unit, r.day, err)
			}
			if err := r.first.Err(); err != nil && !errors.Is(err, redis.Nil) {
				return fmt.Errorf("read first report time of %s for %s: %w", r.unit, r.day, err)
			}
			h := r.hash.Val()
			if len(h) == 0 {
				continue
			}
			sr, err := decodeReport(r.unit, r.day, h, r.first.Val())
			if err != nil {
				return err
			}
			out = append(out, sr)
		}
		reads = reads[:0]
		return nil
	}
	pipe := s.rdb.Pipeline()
	for d := from; !d.After(to); d = d.AddDays(1) {
		day := reportDay(d)
		for _, u := range units {
			reads = append(reads, read{unit: u.Unit, day: d,
				hash:  pipe.HGetAll(ctx, s.reportKey(u.Shard, "r", day, u.Unit)),
				first: pipe.HGet(ctx, s.reportKey(u.Shard, "u", day), u.Unit)})
			if 2*len(reads) >= reportPipelineBatch {
				if err := flush(pipe); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := flush(pipe); err != nil {
		return nil, err
	}
	return out, nil
}

// Cumulative returns the running totals of the Sum elements over every
// day ever reported, of each unit's subtree (its own reports included),
// in one round trip. The root's totals are its own plus its children's.
func (s *Store) Cumulative(ctx context.Context, units []UnitShard) (map[string]report.Values, error) {
	type read struct {
		unit string
		cmd  *redis.MapStringStringCmd
	}
	var reads []read
	pipe := s.rdb.Pipeline()
	for _, u := range units {
		reads = append(reads, read{u.Unit, pipe.HGetAll(ctx, s.reportKey(u.Shard, "c", u.Unit))})
		for _, c := range u.Shards {
			reads = append(reads, read{u.Unit, pipe.HGetAll(ctx, s.reportKey(c, "c", ShardUnit(c)))})
		}
	}
	if len(reads) == 0 {
		return map[string]report.Values{}, nil
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("cumulative totals: %w", err)
	}
	out := make(map[string]report.Values, len(units))
	for _, r := range reads {
		v, err := valuesOfHash(r.cmd.Val())
		if err != nil {
			return nil, fmt.Errorf("cumulative totals of %s: %w", r.unit, err)
		}
		t := out[r.unit]
		if t == nil {
			t = report.Values{}
			out[r.unit] = t
		}
		for e, x := range v {
			t[e] += x
		}
	}
	return out, nil
}

// reportPipelineBatch bounds the commands queued in one pipeline, so a bulk
// read of a year of a province does not hold everything in one buffer.
const reportPipelineBatch = 4096

// valuesOfHash reads element values from a hash, skipping meta fields.
func valuesOfHash(h map[string]string) (report.Values, error) {
	v := make(report.Values, len(h))
	for k, x := range h {
		if strings.HasPrefix(k, "_") {
			continue
		}
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("element %s: %w", k, err)
		}
		v[k] = n
	}
	return v, nil
}

func reportedUnitsOf(h map[string]string) (map[string]time.Time, error) {
	out := make(map[string]time.Time, len(h))
	for unit, ms := range h {
		if strings.HasPrefix(unit, "_") {
			continue
		}
		t, err := parseReportTime(ms)
		if err != nil {
			return nil, fmt.Errorf("first report of %s: %w", unit, err)
		}
		out[unit] = t
	}
	return out, nil
}

func decodeReport(unit string, day chihuy.Day, h map[string]string, first string) (report.Stored, error) {
	sr := report.Stored{Unit: unit, Day: day}
	var err error
	wrap := func(err error) error { return fmt.Errorf("report of %s for %s: %w", unit, day, err) }
	if sr.Values, err = valuesOfHash(h); err != nil {
		return sr, wrap(err)
	}
	if sr.By, err = parseReportUser(h["_b"]); err != nil {
		return sr, wrap(err)
	}
	if sr.Chat, err = parseReportChat(h["_c"]); err != nil {
		return sr, wrap(err)
	}
	if sr.At, err = parseReportTime(h["_t"]); err != nil {
		return sr, wrap(err)
	}
	if first != "" {
		if sr.First, err = parseReportTime(first); err != nil {
			return sr, wrap(err)
		}
	}
	return sr, nil
}

func decodeReportHistory(s string) (report.HistoryEntry, error) {
	f := strings.SplitN(s, "\t", 6)
	if len(f) != 6 {
		return report.HistoryEntry{}, fmt.Errorf("history entry with %d fields", len(f))
	}
	h := report.HistoryEntry{Unit: f[0], Raw: f[5], Values: report.Values{}}
	var err error
	if h.At, err = parseReportTime(f[1]); err != nil {
		return h, fmt.Errorf("history entry time: %w", err)
	}
	if h.By, err = parseReportUser(f[2]); err != nil {
		return h, fmt.Errorf("history entry sender: %w", err)
	}
	if h.Chat, err = parseReportChat(f[3]); err != nil {
		return h, fmt.Errorf("history entry chat: %w", err)
	}
	if f[4] != "" {
		for _, pair := range strings.Split(f[4], ",") {
			e, v, ok := strings.Cut(pair, "=")
			n, err := strconv.ParseInt(v, 10, 64)
			if !ok || err != nil {
				return h, fmt.Errorf("history entry value %q", pair)
			}
			h.Values[e] = n
		}
	}
	return h, nil
}

func parseReportUser(s string) (chihuy.UserRef, error) {
	if s == "" {
		return chihuy.UserRef{}, nil
	}
	return chihuy.ParseUserRef(s)
}

func parseReportChat(s string) (chihuy.ChatRef, error) {
	if s == "" {
		return chihuy.ChatRef{}, nil
	}
	return chihuy.ParseChatRef(s)
}

func parseReportTime(s string) (time.Time, error) {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %w", s, err)
	}
	return time.UnixMilli(ms), nil
}

func parseReportDay(s string) (chihuy.Day, error) {
	t, err := time.Parse("20060102", s)
	if err != nil {
		return chihuy.Day{}, fmt.Errorf("day %q: %w", s, err)
	}
	return chihuy.DayOf(t), nil
}
