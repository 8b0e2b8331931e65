package store

// What became of a directive at each target unit, and the directives
// forwarded from it (the key layout is in directives.go).

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
)

// DirectiveStatus returns directive id with the status of every target
// unit and, under each unit that forwarded it, the status of the
// forwarded directive. It takes one round trip per level of forwards.
func (s *Store) DirectiveStatus(ctx context.Context, id string) (directive.Status, error) {
	if err := cdCheckID(id); err != nil {
		return directive.Status{}, cdResult(cdrUnknown, id, "")
	}
	out, err := s.cdStatuses(ctx, []string{id}, cdStatusDepth, map[string]bool{})
	if err != nil {
		return directive.Status{}, err
	}
	st, ok := out[id]
	if !ok {
		return directive.Status{}, cdResult(cdrUnknown, id, "")
	}
	return st, nil
}

// UnackedUnits returns the target units of directive id that have not
// acknowledged, sorted.
func (s *Store) UnackedUnits(ctx context.Context, id string) ([]string, error) {
	return s.cdWithout(ctx, id, "ack")
}

// MissingResults returns the target units of directive id that have not
// sent a result, sorted (whether or not the directive requires one).
func (s *Store) MissingResults(ctx context.Context, id string) ([]string, error) {
	return s.cdWithout(ctx, id, "res")
}

// cdStatusDepth bounds how many levels of forwards a status follows
// (national → province → district → commune).
const cdStatusDepth = 4

// cdStatuses loads the statuses of ids, and their forwards down to depth
// levels, a level per round trip.
func (s *Store) cdStatuses(ctx context.Context, ids []string, depth int, seen map[string]bool) (map[string]directive.Status, error) {
	parts := []string{"meta", "t", "ok", "ko", "dlv", "fail", "ack", "res", "rem", "fwd"}
	p := s.rdb.Pipeline()
	cmds := make([][]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		seen[id] = true
		for _, part := range parts {
			cmds[i] = append(cmds[i], p.HGetAll(ctx, s.cdKey(id, part)))
		}
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, fmt.Errorf("directive status %v: %w", ids, err)
	}
	out := make(map[string]directive.Status, len(ids))
	var next []string
	for i, id := range ids {
		h := make(map[string]map[string]string, len(parts))
		for j, part := range parts {
			h[part] = cmds[i][j].Val()
		}
		if h["meta"]["state"] == "" {
			continue
		}
		st := directive.Status{Directive: cdDecode(h["meta"]), Units: cdUnits(h)}
		out[id] = st
		for _, child := range h["fwd"] {
			if cdCheckID(child) == nil && !seen[child] {
				seen[child] = true
				next = append(next, child)
			}
		}
	}
	if len(next) == 0 || depth <= 1 {
		return out, nil
	}
	children, err := s.cdStatuses(ctx, next, depth-1, seen)
	if err != nil {
		return nil, err
	}
	for id, st := range out {
		for _, u := range st.Units {
			if c, ok := children[u.Forwarded]; ok {
				if st.Forwards == nil {
					st.Forwards = map[string]directive.Status{}
				}
				st.Forwards[u.Unit] = c
			}
		}
		out[id] = st
	}
	return out, nil
}

// cdUnits builds the unit rows from a directive's hashes.
func cdUnits(h map[string]map[string]string) []directive.UnitStatus {
	units := make([]directive.UnitStatus, 0, len(h["t"]))
	for unit, tv := range h["t"] {
		u := directive.UnitStatus{Unit: unit}
		if i := strings.LastIndexByte(tv, '|'); i >= 0 {
			u.Parent, u.Chats = tv[:i], cdInt(tv[i+1:])
		}
		u.Reached, u.FailedChats, u.Failure = cdInt(h["ok"][unit]), cdInt(h["ko"][unit]), h["fail"][unit]
		u.DeliveredAt = timeOfMilli(h["dlv"][unit])
		if a := h["ack"][unit]; a != "" {
			at, by, _ := strings.Cut(a, "|")
			u.AckedAt = timeOfMilli(at)
			u.AckedBy, _ = chihuy.ParseUserRef(by)
		}
		if r := h["res"][unit]; r != "" {
			var rec cdResultRecord
			if json.Unmarshal([]byte(r), &rec) == nil {
				u.Result, u.ResultAt = rec.Text, timeOfMilli(strconv.FormatInt(rec.At, 10)) // 0 → zero time
				u.ResultBy, _ = chihuy.ParseUserRef(rec.By)
			}
		}
		if r := h["rem"][unit]; r != "" {
			n, at, _ := strings.Cut(r, "|")
			u.Reminders, u.RemindedAt = cdInt(n), timeOfMilli(at)
		}
		u.Forwarded = h["fwd"][unit]
		units = append(units, u)
	}
	sort.Slice(units, func(i, j int) bool {
		if units[i].Parent != units[j].Parent {
			return units[i].Parent < units[j].Parent
		}
		return units[i].Unit < units[j].Unit
	})
	return units
}

// cdWithout returns the targets that have no field in hash part.
func (s *Store) cdWithout(ctx context.Context, id, part string) ([]string, error) {
	if err := cdCheckID(id); err != nil {
		return nil, cdResult(cdrUnknown, id, "")
	}
	p := s.rdb.Pipeline()
	targets := p.HKeys(ctx, s.cdKey(id, "t"))
	have := p.HKeys(ctx, s.cdKey(id, part))
	if _, err := p.Exec(ctx); err != nil {
		return nil, fmt.Errorf("directive %s %s: %w", id, part, err)
	}
	if len(targets.Val()) == 0 {
		return nil, cdResult(cdrUnknown, id, "")
	}
	done := make(map[string]bool, len(have.Val()))
	for _, u := range have.Val() {
		done[u] = true
	}
	var out []string
	for _, u := range targets.Val() {
		if !done[u] {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out, nil
}
