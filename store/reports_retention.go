package store

// Retention of reports: shard-days older than the retention are handed to
// the archive, then dropped (the key layout is in reports.go).

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/report"
)

// DayArchive is everything users sent for one shard and day, handed to the
// archive before retention drops it from Redis.
type DayArchive struct {
	Shard string
	Day   chihuy.Day
	// Reports are the units' own reports, ordered by unit code.
	Reports []report.Stored
	// History is every report as sent, oldest first.
	History []report.HistoryEntry
	// Alerts are the alerts fired that day, by time.
	Alerts []Alert
}

// reportExpireScript drops one shard-day if nothing was written to it since
// it was read (the _n counter of the u hash, firsts, is still version):
// firsts, the day's entry in days and every other key of the day (rest).
var reportExpireScript = newScript("report_expire", scriptSpec{
	keys: []string{"firsts", "days", "rest[]"},
	args: []string{"version", "day"},
})

// reportExpireAttempts bounds how often one shard-day is archived again because
// reports kept arriving for it while it was being archived.
const reportExpireAttempts = 3

// ExpireBefore hands every shard-day older than before to archive, then
// drops it from Redis; it returns the number of shard-days dropped. A day
// is dropped only after archive returned nil and only if nothing was
// written to it meanwhile: otherwise it is read and archived again, so
// archive may see the same shard-day more than once (each time whole).
// On an archive error the day stays in Redis and ExpireBefore stops.
func (s *Store) ExpireBefore(ctx context.Context, before chihuy.Day, archive func(context.Context, DayArchive) error) (int, error) {
	if before.IsZero() {
		return 0, chihuy.Errorf(chihuy.EINVALID, msgReportNoDay)
	}
	shards, err := s.rdb.SMembers(ctx, s.Key("rep", "shards")).Result()
	if err != nil {
		return 0, fmt.Errorf("list shards: %w", err)
	}
	slices.Sort(shards)
	dropped := 0
	for _, shard := range shards {
		members, err := s.rdb.ZRangeByScore(ctx, s.reportKey(shard, "days"), &redis.ZRangeBy{
			Min: "-inf", Max: "(" + strconv.FormatInt(reportDayScore(before), 10)}).Result()
		if err != nil {
			return dropped, fmt.Errorf("list days of shard %s: %w", shard, err)
		}
		for _, m := range members {
			day, err := parseReportDay(m)
			if err != nil {
				return dropped, fmt.Errorf("days of shard %s: %w", shard, err)
			}
			if err := s.expireReportDay(ctx, shard, day, archive); err != nil {
				return dropped, err
			}
			dropped++
		}
	}
	return dropped, nil
}

func (s *Store) expireReportDay(ctx context.Context, shard string, day chihuy.Day, archive func(context.Context, DayArchive) error) error {
	for range reportExpireAttempts {
		a, version, keys, err := s.loadReportDay(ctx, shard, day)
		if err != nil {
			return err
		}
		// An empty day was dropped by another process meanwhile: only its
		// entry in the days index may be left.
		empty := version == "" && len(a.Reports) == 0 && len(a.History) == 0 && len(a.Alerts) == 0
		if !empty {
			if err := archive(ctx, a); err != nil {
				return fmt.Errorf("archive shard %s day %s: %w", shard, day, err)
			}
		}
		ok, err := reportExpireScript.run(ctx, s.rdb, keys, names{"version": version, "day": reportDay(day)}).Int()
		if err != nil {
			return fmt.Errorf("drop shard %s day %s: %w", shard, day, err)
		}
		if ok == 1 {
			return nil
		}
	}
	return fmt.Errorf("drop shard %s day %s: still receiving writes after %d attempts", shard, day, reportExpireAttempts)
}

// loadReportDay reads one shard-day whole: the archive, the write counter and
// the keys to drop, named as reportExpireScript takes them.
func (s *Store) loadReportDay(ctx context.Context, shard string, day chihuy.Day) (DayArchive, string, names, error) {
	a := DayArchive{Shard: shard, Day: day}
	df := reportDay(day)
	wrap := func(err error) error { return fmt.Errorf("load shard %s day %s: %w", shard, day, err) }
	uKey, hKey, kKey, alKey := s.reportKey(shard, "u", df), s.reportKey(shard, "h", df), s.reportKey(shard, "k", df), s.reportKey(shard, "al", df)

	pipe := s.rdb.Pipeline()
	uCmd := pipe.HGetAll(ctx, uKey)
	hCmd := pipe.LRange(ctx, hKey, 0, -1)
	kCmd := pipe.SMembers(ctx, kKey)
	alCmd := pipe.HGetAll(ctx, alKey)
	if _, err := pipe.Exec(ctx); err != nil {
		return a, "", nil, wrap(err)
	}
	version := uCmd.Val()["_n"]
	reported, err := reportedUnitsOf(uCmd.Val())
	if err != nil {
		return a, "", nil, wrap(err)
	}
	for _, raw := range hCmd.Val() {
		h, err := decodeReportHistory(raw)
		if err != nil {
			return a, "", nil, wrap(err)
		}
		a.History = append(a.History, h)
	}
	if a.Alerts, err = decodeAlerts(day, alCmd.Val()); err != nil {
		return a, "", nil, wrap(err)
	}

	units := make([]string, 0, len(reported))
	for u := range reported {
		units = append(units, u)
	}
	slices.Sort(units)
	rest := []string{hKey, kKey, alKey}
	for _, m := range kCmd.Val() {
		kind, member, ok := strings.Cut(m, ":")
		if !ok {
			return a, "", nil, wrap(fmt.Errorf("bad key index member %q", m))
		}
		rest = append(rest, s.reportKey(shard, kind, df, member))
	}
	if len(units) > 0 {
		pipe := s.rdb.Pipeline()
		cmds := make([]*redis.MapStringStringCmd, len(units))
		for i, u := range units {
			key := s.reportKey(shard, "r", df, u)
			rest = append(rest, key)
			cmds[i] = pipe.HGetAll(ctx, key)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return a, "", nil, wrap(err)
		}
		for i, u := range units {
			r, err := decodeReport(u, day, cmds[i].Val(), "")
			if err != nil {
				return a, "", nil, wrap(err)
			}
			r.First = reported[u]
			a.Reports = append(a.Reports, r)
		}
	}
	return a, version, names{"firsts": uKey, "days": s.reportKey(shard, "days"), "rest": rest}, nil
}
