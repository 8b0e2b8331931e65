package store

// Reports and aggregates.
//
// A report is one unit's own figures for one day, element by element.
// Re-reporting an element for the same unit and day replaces its value
// (latest wins); every report is also appended, as sent, to the day's
// history. Each report updates, in the same Lua script, the aggregates of
// all the unit's ancestors for that day, incrementally: a correction adds
// the difference, never recomputes a subtree.
//
// # Layout
//
// Everything of one shard (a child of the tree's root) lives in the slot
// {s:SHARD}; DAY is written YYYYMMDD. SHARD is the unit's code, prefixed
// with its tree's key space for a tree that reuses codes of the default
// tree for other places ("g2507@01", see ShardUnit); the default tree's
// shards are bare codes, as they always were:
//
//	{s:SHARD}:r:DAY:UNIT        hash   the unit's own report: element → value,
//	                                   plus _b (by), _c (chat), _t (at, unix ms)
//	                                   of the latest report
//	{s:SHARD}:a:DAY:UNIT        hash   aggregate of the unit's strict
//	                                   descendants: element → value
//	{s:SHARD}:m:DAY:UNIT:ELEM   zset   for a Max element only: each child's
//	                                   contribution (max of its own value and
//	                                   its aggregate), so a decrease finds the
//	                                   next largest without a scan
//	{s:SHARD}:u:DAY             hash   units that reported: unit → first
//	                                   report (unix ms); _n counts every write
//	                                   to the shard-day (retention checks it)
//	{s:SHARD}:h:DAY             list   history, oldest first, one entry per
//	                                   report: UNIT⇥AT⇥BY⇥CHAT⇥e=v,e=v⇥RAW
//	{s:SHARD}:k:DAY             set    the a: and m: keys written that day
//	                                   ("a:UNIT", "m:UNIT:ELEM"), for retention
//	{s:SHARD}:al:DAY            hash   alerts fired (see alerts.go)
//	{s:SHARD}:days              zset   days holding data (score YYYYMMDD)
//	{s:SHARD}:c:UNIT            hash   cumulative totals of the Sum elements
//	                                   of the unit and its subtree, all days
//	                                   (kept past retention: "cộng dồn")
//	{rep}:shards                set    shards holding data (retention)
//
// The unit's full aggregate is its own report combined with the a: hash of
// its descendants, so a leaf (a commune) costs no aggregate key at all. The
// tree's root is never written as an aggregate: its value is read as its
// own report combined with the full aggregates of its children, each read
// in its own slot (one pipelined round trip, which go-redis splits by slot
// on a Cluster). The root's own report, if it makes one, lives in the
// slot {s:ROOT}.
//
// Within a day, Sum and Latest behave the same (the unit's latest value
// stands, units add up); they differ across days, which is the reader's
// business (a 7-day total of a flow adds the days; of a stock it takes the
// last). An element's aggregation must not change while data of it is
// kept.
//
// Reports of elements are never removed, only replaced, so an aggregate
// holds an element exactly when some unit of the subtree reported it.
//
// # Cost
//
// RecordReport is one pipelined round trip (SADD of the shard registry and
// EVALSHA of the update script), two when the script cache was flushed.
// Report and aggregate hashes hold at most 2×(elements+3) entries of short
// values, so they stay listpack-encoded (Redis's default limits: 128
// entries, 64-byte values); the per-shard-day keys (u, h, k, al) are
// shared by all the shard's units, u becoming a plain hash table past 128
// units.
//
// Memory, measured with
//
//	go test ./store -run '^$' -bench BenchmarkReportMemory -benchtime 3x
//
// on Redis 7.0 with hash-max-listpack-entries 128: one province shaped
// like the national average (11 districts, 160 communes), each commune
// sending one report a day with its /baocao message, for 30 days;
// used_memory, allocator fragmentation (RSS) not included. A report of all
// 25 elements costs 1,061 bytes per commune-day, history and district and
// province aggregates included: for the whole country, 10,047 communes ×
// 25 elements × 365 days, about 3.9 GB per year of retention. Of it, the
// report hash is 408 bytes, the history entry (the message as sent and the
// values recorded) about 515, the completeness hash 62, the aggregates 25.
// A usual report of 10 elements costs 625 bytes, 2.3 GB per year. Each
// correction adds a history entry (its message and values).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/report"
)

// UnitShard locates a unit's data: its code and its shard, the unit's
// ancestor (or itself) that is a child of the tree's root. The root is its
// own shard.
type UnitShard struct {
	Unit  string
	Shard string
	// Shards is set only for the tree's root, whose aggregate is never
	// stored: it is read as the combination of its own report with the full
	// aggregates of these units, its children (each the shard of its own
	// subtree). RootUnit builds it.
	Shards []string
}

// RootUnit locates the tree's root: code, whose aggregate is read from
// its children, the shards. For a tree with a key space, set Shard to the
// root's shard name and pass the children's shard names.
func RootUnit(code string, children []string) UnitShard {
	return UnitShard{Unit: code, Shard: code, Shards: children}
}

// ShardUnit is the unit code of a shard name: the shard itself, or what
// follows the tree's key space ("g2507@01" is unit 01 of the tree whose
// key space is g2507). A tree whose codes reuse another tree's codes for
// other places keeps its data in shards of its own key space, so that
// the same code never addresses two places' data.
func ShardUnit(shard string) string {
	if i := strings.LastIndexByte(shard, '@'); i >= 0 {
		return shard[i+1:]
	}
	return shard
}

// reportScript applies one report: see the layout above and
// lua/report_record.lua. Its ancestors are nearest first.
var reportScript = newScript("report_record", scriptSpec{
	keys: []string{"unitReport", "unitAgg", "firsts", "history", "touched", "days", "unitCum",
		"ancAggs[]", "ancReports[]", "maxSets[]", "ancCums[]"},
	args: []string{"at", "day", "score", "by", "chat", "entry", "unit", "ancestors[]", "elements[e,kind,value]"},
})

// reportHistoryScript returns the entries of a history list that start with
// prefix (the unit and a tab), oldest first.
var reportHistoryScript = newScript("report_history", scriptSpec{
	keys: []string{"history"},
	args: []string{"prefix"},
})

// RecordReport stores one report and updates the aggregates of all the
// unit's ancestors for the day, atomically, in one round trip. It returns
// the previous values of the reported elements and the unit's whole report.
func (s *Store) RecordReport(ctx context.Context, in report.Input) (report.Recorded, error) {
	if err := in.Validate(); err != nil {
		return report.Recorded{}, err
	}
	if err := checkShard(in); err != nil {
		return report.Recorded{}, err
	}
	at := in.At
	if at.IsZero() {
		at = s.Now()
	}
	day := reportDay(in.Day)
	elems := sortedElements(in.Values)
	var maxElems []string
	for _, e := range elems {
		if in.Agg[e] == dataset.Max {
			maxElems = append(maxElems, e)
		}
	}
	n := len(in.Ancestors)
	ancAggs, ancReports, ancCums := make([]string, n), make([]string, n), make([]string, n)
	for i, a := range in.Ancestors {
		ancAggs[i] = s.reportKey(in.Shard, "a", day, a)
		ancReports[i] = s.reportKey(in.Shard, "r", day, a)
		ancCums[i] = s.reportKey(in.Shard, "c", a)
	}
	maxSets := make([]string, 0, len(maxElems)*n)
	for _, e := range maxElems {
		for _, a := range in.Ancestors {
			maxSets = append(maxSets, s.reportKey(in.Shard, "m", day, a, e))
		}
	}
	keys := names{
		"unitReport": s.reportKey(in.Shard, "r", day, in.Unit), "unitAgg": s.reportKey(in.Shard, "a", day, in.Unit),
		"firsts": s.reportKey(in.Shard, "u", day), "history": s.reportKey(in.Shard, "h", day),
		"touched": s.reportKey(in.Shard, "k", day), "days": s.reportKey(in.Shard, "days"),
		"unitCum": s.reportKey(in.Shard, "c", in.Unit),
		"ancAggs": ancAggs, "ancReports": ancReports, "maxSets": maxSets, "ancCums": ancCums,
	}
	entry := report.HistoryEntry{Unit: in.Unit, At: at, By: in.By, Chat: in.Chat, Values: in.Values, Raw: in.Raw}
	elements := make([]names, 0, len(elems))
	for _, e := range elems {
		kind := "s"
		switch in.Agg[e] {
		case dataset.Max:
			kind = "x"
		case dataset.Sum:
			kind = "c"
		}
		elements = append(elements, names{"e": e, "kind": kind, "value": in.Values[e]})
	}
	args := names{
		"at": at.UnixMilli(), "day": day, "score": reportDayScore(in.Day), "by": reportUserField(in.By),
		"chat": reportChatField(in.Chat), "entry": encodeHistory(entry), "unit": in.Unit,
		"ancestors": in.Ancestors, "elements": elements,
	}

	res, err := s.runInShard(ctx, reportScript, in.Shard, keys, args)
	if err != nil {
		return report.Recorded{}, fmt.Errorf("record report of %s for %s: %w", in.Unit, in.Day, err)
	}
	rec, err := decodeRecorded(res)
	if err != nil {
		return report.Recorded{}, fmt.Errorf("record report of %s for %s: %w", in.Unit, in.Day, err)
	}
	return rec, nil
}

// runInShard runs a writing script of a shard pipelined with the
// shard's registration (retention finds every shard holding data through
// it). The registration goes first, so a shard is never holding data
// unregistered. It falls back to EVAL when the script cache is empty.
func (s *Store) runInShard(ctx context.Context, script *script, shard string, keyNames, argNames names) (any, error) {
	keys, args, err := script.bind(keyNames, argNames)
	if err != nil {
		return nil, err
	}
	pipe := s.rdb.Pipeline()
	reg := pipe.SAdd(ctx, s.Key("rep", "shards"), shard)
	cmd := script.EvalSha(ctx, pipe, keys, args...)
	_, _ = pipe.Exec(ctx)
	if err := reg.Err(); err != nil {
		return nil, fmt.Errorf("register shard %s: %w", shard, err)
	}
	if reportNoScript(cmd.Err()) {
		cmd = script.Eval(ctx, s.rdb, keys, args...)
	}
	return cmd.Result()
}

func reportNoScript(err error) bool {
	return err != nil && (errors.Is(err, redis.ErrNoScript) || redis.HasErrorPrefix(err, "NOSCRIPT"))
}

func decodeRecorded(res any) (report.Recorded, error) {
	arr, ok := res.([]any)
	if !ok || len(arr) != 3 {
		return report.Recorded{}, fmt.Errorf("unexpected script reply %T", res)
	}
	first, _ := arr[0].(int64)
	prev, err := valuesOfPairs(arr[1])
	if err != nil {
		return report.Recorded{}, fmt.Errorf("previous values: %w", err)
	}
	own, err := valuesOfPairs(arr[2])
	if err != nil {
		return report.Recorded{}, fmt.Errorf("report: %w", err)
	}
	return report.Recorded{Previous: prev, Report: own, First: first == 1}, nil
}

// valuesOfPairs reads a flat field/value array, skipping meta fields.
func valuesOfPairs(x any) (report.Values, error) {
	arr, ok := x.([]any)
	if !ok || len(arr)%2 != 0 {
		return nil, fmt.Errorf("unexpected pairs %T", x)
	}
	m := make(map[string]string, len(arr)/2)
	for i := 0; i < len(arr); i += 2 {
		k, _ := arr[i].(string)
		v, _ := arr[i+1].(string)
		m[k] = v
	}
	return valuesOfHash(m)
}

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

// reportPipelineBatch bounds the commands queued in one pipeline, so a bulk
// read of a year of a province does not hold everything in one buffer.
const reportPipelineBatch = 4096

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

// checkShard checks what of a report is the store's: the shard, a code
// that becomes part of keys, and the ancestors ending at the shard (none
// when the unit is the shard).
func checkShard(in report.Input) error {
	if err := report.CheckCode("shard", in.Shard); err != nil {
		return err
	}
	if len(in.Ancestors) == 0 && in.Unit != ShardUnit(in.Shard) {
		return fmt.Errorf("report of %s: no ancestors, but the unit is not its shard %s", in.Unit, in.Shard)
	}
	if len(in.Ancestors) > 0 && in.Ancestors[len(in.Ancestors)-1] != ShardUnit(in.Shard) {
		return fmt.Errorf("report of %s: ancestors %v do not end at the shard %s", in.Unit, in.Ancestors, in.Shard)
	}
	return nil
}

// encodeHistory writes the entry as stored: UNIT⇥AT⇥BY⇥CHAT⇥e=v,e=v⇥RAW. Raw is
// last, so it may hold any character.
func encodeHistory(h report.HistoryEntry) string {
	var b strings.Builder
	b.WriteString(h.Unit)
	b.WriteByte('\t')
	b.WriteString(strconv.FormatInt(h.At.UnixMilli(), 10))
	b.WriteByte('\t')
	b.WriteString(reportUserField(h.By))
	b.WriteByte('\t')
	b.WriteString(reportChatField(h.Chat))
	b.WriteByte('\t')
	for i, e := range sortedElements(h.Values) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(e)
		b.WriteByte('=')
		b.WriteString(strconv.FormatInt(h.Values[e], 10))
	}
	b.WriteByte('\t')
	b.WriteString(h.Raw)
	return b.String()
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

func reportUserField(u chihuy.UserRef) string {
	if u == (chihuy.UserRef{}) {
		return ""
	}
	return u.String()
}

func reportChatField(c chihuy.ChatRef) string {
	if c.IsZero() {
		return ""
	}
	return c.String()
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

// reportKey builds a key in the slot of a shard.
func (s *Store) reportKey(shard string, parts ...string) string {
	return s.Key("s:"+shard, parts...)
}

// reportDay writes a day as in keys: YYYYMMDD.
func reportDay(d chihuy.Day) string {
	return fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), d.Day)
}

// reportDayScore is the day as a sortable number, YYYYMMDD.
func reportDayScore(d chihuy.Day) int64 {
	return int64(d.Year)*10000 + int64(d.Month)*100 + int64(d.Day)
}

func parseReportDay(s string) (chihuy.Day, error) {
	t, err := time.Parse("20060102", s)
	if err != nil {
		return chihuy.Day{}, fmt.Errorf("day %q: %w", s, err)
	}
	return chihuy.DayOf(t), nil
}

func sortedElements(v report.Values) []string {
	out := make([]string, 0, len(v))
	for e := range v {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
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
