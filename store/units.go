package store

// The store in units: the bot names units by code and the store finds
// where their figures live (shards, see reports.go) in the units tree it
// was given. The tree in force is set at construction (WithTree) or when
// it is decided (SetTree: the application learns it from the store itself,
// and a reorganisation changes it at a restart on its effective date);
// figures of days before a reorganisation, stored under the old tree's
// units, are read through In(old tree).

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/units"
)

// treeRef holds the units tree of a store, shared by its copies.
type treeRef struct{ p atomic.Pointer[units.Tree] }

// WithTree gives the store the units tree in force.
func WithTree(t *units.Tree) Option { return func(s *Store) { s.trees.p.Store(t) } }

// SetTree makes t the units tree in force, for every goroutine using the
// store (not for views made by In).
func (s *Store) SetTree(t *units.Tree) { s.trees.p.Store(t) }

// Tree returns the units tree in force; nil when none was given.
func (s *Store) Tree() *units.Tree { return s.trees.p.Load() }

// In returns the store addressing the units of t: the same connection,
// keys and clock, for another tree than the one in force (the old tree of
// a reorganisation, whose units hold the days before its effective date).
// Closing it closes nothing.
func (s *Store) In(t *units.Tree) *Store {
	v := *s
	v.trees = &treeRef{}
	v.trees.p.Store(t)
	v.view = true
	return &v
}

// locate addresses unit code in the tree: its shard, and for the root,
// the shards of its children, from which its aggregate is read. An
// unknown code has the shard "" (and no figures).
func (s *Store) locate(code string) (UnitShard, error) {
	t := s.Tree()
	if t == nil {
		return UnitShard{}, chihuy.Errorf(chihuy.EINTERNAL, "store: no units tree to find %s in", code)
	}
	u, ok := t.Get(code)
	if !ok || u.Parent != nil {
		return UnitShard{Unit: code, Shard: t.Shard(code)}, nil
	}
	shards := make([]string, len(u.Children))
	for i, c := range u.Children {
		shards[i] = t.ShardName(c.Code)
	}
	us := RootUnit(u.Code, shards)
	us.Shard = t.ShardName(u.Code)
	return us, nil
}

// locateAll is locate of every code, in order.
func (s *Store) locateAll(codes []string) ([]UnitShard, error) {
	out := make([]UnitShard, len(codes))
	for i, c := range codes {
		var err error
		if out[i], err = s.locate(c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// shardsIn returns the shards holding the subtree of code: its own, and
// for the root, its children's too.
func (s *Store) shardsIn(code string) ([]string, error) {
	at, err := s.locate(code)
	if err != nil {
		return nil, err
	}
	return append(append([]string(nil), at.Shards...), at.Shard), nil
}

// PlacedReport is a report with where it goes in the store.
type PlacedReport struct {
	report.Input
	// Shard is the unit's shard (UnitShard).
	Shard string
	// Ancestors are the unit's ancestors, parent first, up to and including
	// the shard, excluding the tree's root. Empty when the unit is the shard
	// (or the root, which is its own shard).
	Ancestors []string
}

// RecordUnitReport is RecordReport of in.Unit, placed in the tree: in its
// shard, updating the aggregates of its ancestors.
func (s *Store) RecordUnitReport(ctx context.Context, in report.Input) (report.Recorded, error) {
	t := s.Tree()
	if t == nil {
		return report.Recorded{}, chihuy.Errorf(chihuy.EINTERNAL, "store: no units tree to find %s in", in.Unit)
	}
	p := PlacedReport{Input: in, Shard: t.Shard(in.Unit)}
	for _, a := range t.Ancestors(in.Unit) {
		if a.Parent != nil {
			p.Ancestors = append(p.Ancestors, a.Code)
		}
	}
	return s.RecordReport(ctx, p)
}

// UnitReport returns unit's own report for day; ok is false when it has
// not reported that day.
func (s *Store) UnitReport(ctx context.Context, unit string, day chihuy.Day) (r report.Stored, ok bool, err error) {
	at, err := s.locate(unit)
	if err != nil {
		return report.Stored{Unit: unit, Day: day}, false, err
	}
	return s.Report(ctx, at, day)
}

// UnitHistory returns unit's reports of day as they were sent, oldest
// first.
func (s *Store) UnitHistory(ctx context.Context, unit string, day chihuy.Day) ([]report.HistoryEntry, error) {
	at, err := s.locate(unit)
	if err != nil {
		return nil, err
	}
	return s.ReportHistory(ctx, at, day)
}

// UnitAggregates is Aggregates of the units: the full aggregate of every
// unit for every day, by unit code then day.
func (s *Store) UnitAggregates(ctx context.Context, codes []string, days []chihuy.Day, aggs dataset.Aggregations) (map[string]map[chihuy.Day]report.Values, error) {
	at, err := s.locateAll(codes)
	if err != nil {
		return nil, err
	}
	return s.Aggregates(ctx, at, days, aggs)
}

// UnitReports is ReportRange of the units: their own reports from from to
// to inclusive, by day, then in the order of codes.
func (s *Store) UnitReports(ctx context.Context, codes []string, from, to chihuy.Day) ([]report.Stored, error) {
	at, err := s.locateAll(codes)
	if err != nil {
		return nil, err
	}
	return s.ReportRange(ctx, at, from, to)
}

// UnitCumulative is Cumulative of the units: the running totals of each
// unit's subtree, by unit code.
func (s *Store) UnitCumulative(ctx context.Context, codes []string) (map[string]report.Values, error) {
	at, err := s.locateAll(codes)
	if err != nil {
		return nil, err
	}
	return s.Cumulative(ctx, at)
}

// ReportedIn returns the units of unit's subtree (itself included) that
// reported on day, each with the time of its first report that day.
func (s *Store) ReportedIn(ctx context.Context, unit string, day chihuy.Day) (map[string]time.Time, error) {
	shards, err := s.shardsIn(unit)
	if err != nil {
		return nil, err
	}
	t := s.Tree()
	out := map[string]time.Time{}
	for _, shard := range shards {
		m, err := s.ReportedUnits(ctx, shard, day)
		if err != nil {
			return nil, err
		}
		for code, at := range m {
			if t.Within(code, unit) {
				out[code] = at
			}
		}
	}
	return out, nil
}

// AlertsIn lists the alerts fired in unit's subtree (itself included) on
// day: shard by shard, each by time (AlertsOfDay).
func (s *Store) AlertsIn(ctx context.Context, unit string, day chihuy.Day) ([]Alert, error) {
	shards, err := s.shardsIn(unit)
	if err != nil {
		return nil, err
	}
	t := s.Tree()
	var out []Alert
	for _, shard := range shards {
		as, err := s.AlertsOfDay(ctx, shard, day)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if t.Within(a.Unit, unit) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// UnitAlertOnce is AlertOnce in the shard of a.Unit.
func (s *Store) UnitAlertOnce(ctx context.Context, a Alert) (fire bool, err error) {
	t := s.Tree()
	if t == nil {
		return false, chihuy.Errorf(chihuy.EINTERNAL, "store: no units tree to find %s in", a.Unit)
	}
	return s.AlertOnce(ctx, t.Shard(a.Unit), a)
}
