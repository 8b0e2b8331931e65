package store

// Directives (SPEC §6): a lead's /chidao, its targets, and per target unit
// what happened — delivered, acknowledged, result, reminders.
//
// Each directive has its own hash tag, so all its keys share one slot and
// every change to it is one script:
//
//	{cd:ID}:meta   hash: the directive — issuer, by, chat, pkey (outbox key
//	               of the lead's progress message), body, ref, deadline,
//	               result, targets (by level, as shown), created, parent, state, started, finished,
//	               cancelled, closed, dreported (deadline report sent),
//	               final (final progress edit done) — and its counters of
//	               units: total, sent, failed, settled, acked, results
//	{cd:ID}:t      hash: target unit → "parent|chats", chats being the
//	               number of messages enqueued for the unit
//	{cd:ID}:ok     hash: unit → chats the message reached
//	{cd:ID}:ko     hash: unit → chats it could not reach
//	{cd:ID}:dlv    hash: unit → first delivery (unix ms)
//	{cd:ID}:fail   hash: unit → last failure reason
//	{cd:ID}:sent   set: "unit chat" delivered, "!unit chat" failed, so a
//	               report made twice (at-least-once delivery) counts once
//	{cd:ID}:ack    hash: unit → "unix ms|platform:user"
//	{cd:ID}:res    hash: unit → JSON {"t": text, "at": unix ms, "by": user}
//	{cd:ID}:rem    hash: unit → "reminders sent|last reminder (unix ms)"
//	{cd:ID}:wait   zset: unit reached and not acknowledged → its last
//	               contact (delivery or reminder, unix ms); reminders are
//	               due from there
//	{cd:ID}:fwd    hash: target unit → id of the directive it forwarded
//	               this one as (/chuyentiep)
//	{cd:ID}:edit   last progress edit (unix ms), for throttling
//
// A unit is "settled" once as many of its chats were reached or failed as
// were enqueued; it is "sent" when at least one chat was reached and
// "failed" when it is settled and none was. The broadcast is finished when
// every unit is settled. The per-unit hashes other than :t are sparse: a
// field appears when something happens to that unit, so creating a
// directive writes :meta and :t (and :fail for units without a chat).
// Measured for a national directive to 10,047 communes: ~0.7 MB
// of Redis memory when created (BenchmarkCreateDirective), ~4.3 MB once
// every commune was reached and acknowledged, ~5.6 MB with a one-line
// result from each.
//
// Indexes across directives live under one tag:
//
//	{cdx}:seq:UNIT    counter of the directives UNIT issued (ids)
//	{cdx}:open:UNIT   zset: open (pending or active) directives UNIT
//	                  issued → created (unix ms)
//	{cdx}:open        zset: every open directive → created (reminders)
//	{cdx}:deadline    zset: directives whose deadline report is still to
//	                  send → deadline (unix ms)
//
// The directive's own keys are the truth. Indexes are written after them,
// in another slot, so they may briefly name a directive that has closed:
// readers check the state and drop such entries. Keys have no TTL; the
// retention job removes a directive with PurgeDirective.
//
// This file creates and reads directives; directives_answers.go records
// deliveries and answers, directives_status.go reads the status of each
// target unit, directives_life.go confirms, ends and purges, and
// directives_jobs.go serves the reminder, deadline and progress jobs.

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
)

// NextDirectiveID returns a new id for a directive of issuingUnit:
// "CD-<unit>-<sequence>".
func (s *Store) NextDirectiveID(ctx context.Context, issuingUnit string) (string, error) {
	if issuingUnit == "" {
		return "", directive.NoIssuer("")
	}
	n, err := s.rdb.Incr(ctx, s.cdxKey("seq", issuingUnit)).Result()
	if err != nil {
		return "", fmt.Errorf("next directive id of %s: %w", issuingUnit, err)
	}
	return directive.FormatID(issuingUnit, n), nil
}

// CreateDirective stores d with its targets (duplicates count once). State
// must be pending (waiting for the lead's confirmation) or active (empty
// means active); Created defaults to the store's clock. A directive with a
// Parent is a forward: the issuer must be a target of the parent and may
// forward it only once; the parent's status then shows this one under the
// issuer. It takes three round trips whatever the number of targets.
func (s *Store) CreateDirective(ctx context.Context, d directive.Directive, targets []directive.TargetUnit) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if d.State == "" {
		d.State = directive.Active
	}
	if d.Created.IsZero() {
		d.Created = s.Now()
	}
	uniq, err := directive.UniqueTargets(d.ID, targets)
	if err != nil {
		return err
	}
	if err := s.cdCheckCreate(ctx, d); err != nil {
		return err
	}

	now := unixMilli(d.Created)
	noChat := 0
	p := s.rdb.TxPipeline()
	var fails []any
	for i := 0; i < len(uniq); i += cdTargetChunk {
		chunk := uniq[i:min(i+cdTargetChunk, len(uniq))]
		args := make([]any, 0, 2*len(chunk))
		for _, t := range chunk {
			args = append(args, t.Unit, t.Parent+"|"+strconv.Itoa(max(t.Chats, 0)))
			if t.Chats <= 0 {
				noChat++
				fails = append(fails, t.Unit, directive.DeliveryNoChat)
			}
		}
		p.HSet(ctx, s.cdKey(d.ID, "t"), args...)
	}
	if len(fails) > 0 {
		p.HSet(ctx, s.cdKey(d.ID, "fail"), fails...)
	}
	meta := []any{
		"id", d.ID, "issuer", d.Issuer, "by", userString(d.By), "chat", cdChatString(d.LeadChat),
		"pkey", d.ProgressKey, "body", d.Body, "ref", d.Ref, "deadline", unixMilli(d.Deadline),
		"result", cdBool(d.ResultRequired), "targets", d.Targets, "created", now, "parent", d.Parent, "state", string(d.State),
		"total", len(uniq), "sent", 0, "failed", noChat, "settled", noChat, "acked", 0, "results", 0,
	}
	if d.State == directive.Active {
		meta = append(meta, "started", now)
		if noChat == len(uniq) {
			meta = append(meta, "finished", now)
		}
	}
	p.HSet(ctx, s.cdKey(d.ID, "meta"), meta...)
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("create directive %s: %w", d.ID, err)
	}

	p = s.rdb.Pipeline()
	z := redis.Z{Score: float64(now), Member: d.ID}
	p.ZAdd(ctx, s.cdxKey("open", d.Issuer), z)
	p.ZAdd(ctx, s.cdxKey("open"), z)
	if !d.Deadline.IsZero() {
		p.ZAdd(ctx, s.cdxKey("deadline"), redis.Z{Score: float64(d.Deadline.UnixMilli()), Member: d.ID})
	}
	if d.Parent != "" {
		p.HSet(ctx, s.cdKey(d.Parent, "fwd"), d.Issuer, d.ID)
	}
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("index directive %s: %w", d.ID, err)
	}
	return nil
}

// Directive returns directive id with its counters.
func (s *Store) Directive(ctx context.Context, id string) (directive.Directive, error) {
	if err := cdCheckID(id); err != nil {
		return directive.Directive{}, chihuy.Errorf(chihuy.ENOTFOUND, msgDirectiveUnknown, id)
	}
	m, err := s.rdb.HGetAll(ctx, s.cdKey(id, "meta")).Result()
	if err != nil {
		return directive.Directive{}, fmt.Errorf("directive %s: %w", id, err)
	}
	if m["state"] == "" {
		return directive.Directive{}, chihuy.Errorf(chihuy.ENOTFOUND, msgDirectiveUnknown, id)
	}
	return cdDecode(m), nil
}

// DirectiveState returns the state of directive id (one field: what the
// delivery path asks before sending).
func (s *Store) DirectiveState(ctx context.Context, id string) (directive.State, error) {
	if err := cdCheckID(id); err != nil {
		return "", chihuy.Errorf(chihuy.ENOTFOUND, msgDirectiveUnknown, id)
	}
	st, err := s.rdb.HGet(ctx, s.cdKey(id, "meta"), "state").Result()
	if errors.Is(err, redis.Nil) {
		return "", chihuy.Errorf(chihuy.ENOTFOUND, msgDirectiveUnknown, id)
	} else if err != nil {
		return "", fmt.Errorf("directive %s state: %w", id, err)
	}
	return directive.State(st), nil
}

// OpenDirectives returns the open (pending or active) directives issued by
// unit, newest first.
func (s *Store) OpenDirectives(ctx context.Context, unit string) ([]directive.Directive, error) {
	index := s.cdxKey("open", unit)
	ids, err := s.rdb.ZRevRange(ctx, index, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("open directives of %s: %w", unit, err)
	}
	metas, err := s.cdMetas(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("open directives of %s: %w", unit, err)
	}
	var out []directive.Directive
	var stale []any
	for i, m := range metas {
		d := cdDecode(m)
		if !d.State.Open() {
			stale = append(stale, ids[i])
			continue
		}
		out = append(out, d)
	}
	if len(stale) > 0 {
		s.rdb.ZRem(ctx, index, stale...) // a hint only: errors change nothing
	}
	return out, nil
}

// OpenDirectiveIDs lists every open (pending or active) directive, oldest
// first (the scheduler's progress sweep).
func (s *Store) OpenDirectiveIDs(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.ZRange(ctx, s.cdxKey("open"), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("open directives: %w", err)
	}
	return ids, nil
}

// ForwardedDirectives returns the directives target units forwarded
// directive id as: forwarding unit → forwarded directive id.
func (s *Store) ForwardedDirectives(ctx context.Context, id string) (map[string]string, error) {
	if err := cdCheckID(id); err != nil {
		return nil, cdResult(cdrUnknown, id, "")
	}
	m, err := s.rdb.HGetAll(ctx, s.cdKey(id, "fwd")).Result()
	if err != nil {
		return nil, fmt.Errorf("forwards of %s: %w", id, err)
	}
	return m, nil
}

// cdKey is a key of directive id.
func (s *Store) cdKey(id, part string) string { return s.Key("cd:"+id, part) }

// cdxKey is a key of the directive indexes.
func (s *Store) cdxKey(parts ...string) string { return s.Key("cdx", parts...) }

// cdParts name the keys of a directive in scripts (lua/directive_*.lua)
// → their last part (see the layout above).
var cdParts = []struct{ name, part string }{
	{"meta", "meta"}, {"targets", "t"}, {"reached", "ok"}, {"unreached", "ko"},
	{"delivered", "dlv"}, {"failures", "fail"}, {"sends", "sent"}, {"acks", "ack"},
	{"results", "res"}, {"reminders", "rem"}, {"waiting", "wait"}, {"forwards", "fwd"},
	{"lastEdit", "edit"},
}

// cdKeys are every key of directive id, by script name.
func (s *Store) cdKeys(id string) names {
	keys := make(names, len(cdParts))
	for _, p := range cdParts {
		keys[p.name] = s.cdKey(id, p.part)
	}
	return keys
}

// cdAllKeys are every key of directive id.
func (s *Store) cdAllKeys(id string) []string {
	keys := make([]string, len(cdParts))
	for i, p := range cdParts {
		keys[i] = s.cdKey(id, p.part)
	}
	return keys
}

// cdCheckID accepts only canonical ids: they are part of keys.
func cdCheckID(id string) error { return directive.CheckID(id) }

// Results of the directive scripts (lua/directive_*.lua) below zero.
const (
	cdrUnknown   = -1 // no such directive
	cdrNotTarget = -2 // the unit is not a target
	cdrCancelled = -3
	cdrPending   = -4
	cdrClosed    = -5
)

// cdResult turns a script's status code into an error (nil for ≥ 0).
func cdResult(code int64, id, unit string) error {
	switch code {
	case cdrUnknown:
		return chihuy.Errorf(chihuy.ENOTFOUND, msgDirectiveUnknown, id)
	case cdrNotTarget:
		return chihuy.Errorf(chihuy.ENOTFOUND, msgDirectiveNotTarget, unit, id)
	case cdrCancelled:
		return chihuy.Errorf(chihuy.ECONFLICT, msgDirectiveCancelled, id)
	case cdrPending:
		return chihuy.Errorf(chihuy.ECONFLICT, msgDirectivePending, id)
	case cdrClosed:
		return chihuy.Errorf(chihuy.ECONFLICT, msgDirectiveClosed, id)
	}
	return nil
}

// cdTargetChunk is how many target fields go in one HSET.
const cdTargetChunk = 1000

// cdCheckCreate checks, in one round trip, that d is new and that its
// parent, if any, may be forwarded by d's issuer.
func (s *Store) cdCheckCreate(ctx context.Context, d directive.Directive) error {
	p := s.rdb.Pipeline()
	exists := p.Exists(ctx, s.cdKey(d.ID, "meta"))
	var state *redis.StringCmd
	var isTarget *redis.BoolCmd
	var forwarded *redis.StringCmd
	if d.Parent != "" {
		state = p.HGet(ctx, s.cdKey(d.Parent, "meta"), "state")
		isTarget = p.HExists(ctx, s.cdKey(d.Parent, "t"), d.Issuer)
		forwarded = p.HGet(ctx, s.cdKey(d.Parent, "fwd"), d.Issuer)
	}
	if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("create directive %s: %w", d.ID, err)
	}
	if exists.Val() > 0 {
		return chihuy.Errorf(chihuy.ECONFLICT, msgDirectiveExists, d.ID)
	}
	if d.Parent == "" {
		return nil
	}
	switch {
	case state.Val() == "":
		return chihuy.Errorf(chihuy.ENOTFOUND, msgDirectiveUnknown, d.Parent)
	case !isTarget.Val():
		return chihuy.Errorf(chihuy.ENOTFOUND, msgDirectiveNotTarget, d.Issuer, d.Parent)
	case directive.State(state.Val()) == directive.Cancelled:
		return chihuy.Errorf(chihuy.ECONFLICT, msgDirectiveParentClosed, d.Parent)
	case forwarded.Val() != "":
		return chihuy.Errorf(chihuy.ECONFLICT, msgDirectiveForwarded, d.Issuer, d.Parent, forwarded.Val())
	}
	return nil
}

func cdDecode(m map[string]string) directive.Directive {
	d := directive.Directive{
		ID: m["id"], Issuer: m["issuer"], ProgressKey: m["pkey"], Body: m["body"], Ref: m["ref"],
		ResultRequired: m["result"] == "1", Targets: m["targets"], Parent: m["parent"], State: directive.State(m["state"]),
		Deadline: timeOfMilli(m["deadline"]), Created: timeOfMilli(m["created"]), Started: timeOfMilli(m["started"]),
		Finished: timeOfMilli(m["finished"]), Cancelled: timeOfMilli(m["cancelled"]), Closed: timeOfMilli(m["closed"]),
		DeadlineReported: timeOfMilli(m["dreported"]),
		Counts: directive.Counts{
			Total: cdInt(m["total"]), Sent: cdInt(m["sent"]), Failed: cdInt(m["failed"]),
			Acked: cdInt(m["acked"]), Results: cdInt(m["results"]),
		},
	}
	d.By, _ = chihuy.ParseUserRef(m["by"])
	d.LeadChat, _ = chihuy.ParseChatRef(m["chat"])
	return d
}

// cdMetas reads the meta hashes of ids in one round trip.
func (s *Store) cdMetas(ctx context.Context, ids []string) ([]map[string]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	p := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = p.HGetAll(ctx, s.cdKey(id, "meta"))
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, err
	}
	out := make([]map[string]string, len(ids))
	for i, c := range cmds {
		out[i] = c.Val()
	}
	return out, nil
}

func cdChatString(c chihuy.ChatRef) string {
	if c.IsZero() {
		return ""
	}
	return c.String()
}

func cdBool(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func cdInt(s string) int { n, _ := strconv.Atoi(s); return n }

func cdInt64(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }
