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
//
// This file records reports; reports_read.go reads them back, and
// reports_retention.go archives and drops old days.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

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

// RecordReport stores one report and updates the aggregates of all the
// unit's ancestors for the day, atomically, in one round trip. It returns
// the previous values of the reported elements and the unit's whole report.
func (s *Store) RecordReport(ctx context.Context, in PlacedReport) (report.Recorded, error) {
	if err := in.Validate(); err != nil {
		return report.Recorded{}, err
	}
	if err := checkPlace(in); err != nil {
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

// checkPlace checks where a report goes: the shard and the ancestors,
// codes that become parts of keys, the ancestors ending at the shard (none
// when the unit is the shard) and no unit twice among the unit and its
// ancestors.
func checkPlace(in PlacedReport) error {
	if err := report.CheckCode("shard", in.Shard); err != nil {
		return err
	}
	if len(in.Ancestors) == 0 && in.Unit != ShardUnit(in.Shard) {
		return fmt.Errorf("report of %s: no ancestors, but the unit is not its shard %s", in.Unit, in.Shard)
	}
	if len(in.Ancestors) > 0 && in.Ancestors[len(in.Ancestors)-1] != ShardUnit(in.Shard) {
		return fmt.Errorf("report of %s: ancestors %v do not end at the shard %s", in.Unit, in.Ancestors, in.Shard)
	}
	seen := map[string]bool{in.Unit: true}
	for _, a := range in.Ancestors {
		if err := report.CheckCode("ancestor", a); err != nil {
			return err
		}
		if seen[a] {
			return fmt.Errorf("report of %s: unit %s twice among itself and its ancestors %v", in.Unit, a, in.Ancestors)
		}
		seen[a] = true
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

func sortedElements(v report.Values) []string {
	out := make([]string, 0, len(v))
	for e := range v {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}
