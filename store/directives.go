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

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
)

// DueReminder names the units of one directive that are due a reminder.
type DueReminder struct {
	ID    string
	Units []string
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

// cdTargetChunk is how many target fields go in one HSET.
const cdTargetChunk = 1000

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

// Script results shared by the scripts below.
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

var cdDeliveredScript = newScript("directive_delivered", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets", "reached", "unreached", "delivered", "sends", "acks", "waiting"},
	args: []string{"unit", "chat", "at"},
})

var cdFailedScript = newScript("directive_failed", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets", "reached", "unreached", "failures", "sends"},
	args: []string{"unit", "chat", "at", "reason"},
})

// DirectiveDelivered records that the message of directive id reached
// chat of unit (called once per confirmed send; a repeat counts once).
func (s *Store) DirectiveDelivered(ctx context.Context, id, unit string, chat chihuy.ChatRef, at time.Time) error {
	if err := cdCheckID(id); err != nil {
		return cdResult(cdrUnknown, id, unit)
	}
	code, err := cdDeliveredScript.run(ctx, s.rdb, s.cdKeys(id),
		names{"unit": unit, "chat": chat.String(), "at": unixMilli(at)}).Int64()
	if err != nil {
		return fmt.Errorf("directive %s delivered to %s: %w", id, unit, err)
	}
	return cdResult(code, id, unit)
}

// DirectiveFailed records that the message of directive id could not
// reach chat of unit, and why (a repeat counts once).
func (s *Store) DirectiveFailed(ctx context.Context, id, unit string, chat chihuy.ChatRef, reason string, at time.Time) error {
	if err := cdCheckID(id); err != nil {
		return cdResult(cdrUnknown, id, unit)
	}
	code, err := cdFailedScript.run(ctx, s.rdb, s.cdKeys(id),
		names{"unit": unit, "chat": chat.String(), "at": unixMilli(at), "reason": reason}).Int64()
	if err != nil {
		return fmt.Errorf("directive %s failed at %s: %w", id, unit, err)
	}
	return cdResult(code, id, unit)
}

var cdAckScript = newScript("directive_ack", scriptSpec{
	libs: []string{"lib_directive", "lib_directive_answer"},
	keys: []string{"meta", "targets", "acks", "waiting"},
	args: []string{"unit", "at", "by"},
})

var cdResultScript = newScript("directive_result", scriptSpec{
	libs: []string{"lib_directive", "lib_directive_answer"},
	keys: []string{"meta", "targets", "acks", "results", "waiting"},
	args: []string{"unit", "at", "by", "rec"},
})

// AckDirective records that unit acknowledged directive id. first is false
// when the unit had acknowledged already (nothing changes). A unknown
// directive or a unit that is not a target is chihuy.ENOTFOUND and changes
// nothing (a forged button); a cancelled or unconfirmed directive is
// chihuy.ECONFLICT. A closed directive still takes late acknowledgements.
func (s *Store) AckDirective(ctx context.Context, id, unit string, by chihuy.UserRef, at time.Time) (first bool, err error) {
	if err := cdCheckID(id); err != nil {
		return false, cdResult(cdrUnknown, id, unit)
	}
	code, err := cdAckScript.run(ctx, s.rdb, s.cdKeys(id),
		names{"unit": unit, "at": unixMilli(at), "by": userString(by)}).Int64()
	if err != nil {
		return false, fmt.Errorf("ack directive %s by %s: %w", id, unit, err)
	}
	return code == 1, cdResult(code, id, unit)
}

// cdResultRecord is a result as stored.
type cdResultRecord struct {
	Text string `json:"t"`
	At   int64  `json:"at"`
	By   string `json:"by"`
}

// RecordDirectiveResult records unit's result report for directive id
// (/ketqua); a later report replaces it. A result implies receipt: a unit
// that had not acknowledged is acknowledged by it. first is true for the
// unit's first result. Errors as AckDirective; empty text is
// chihuy.EINVALID.
func (s *Store) RecordDirectiveResult(ctx context.Context, id, unit string, by chihuy.UserRef, text string, at time.Time) (first bool, err error) {
	if err := cdCheckID(id); err != nil {
		return false, cdResult(cdrUnknown, id, unit)
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return false, chihuy.Errorf(chihuy.EINVALID, msgDirectiveNoResult, id)
	}
	ms := unixMilli(at)
	rec, err := json.Marshal(cdResultRecord{Text: text, At: ms, By: userString(by)})
	if err != nil {
		return false, fmt.Errorf("result of %s for %s: %w", unit, id, err)
	}
	code, err := cdResultScript.run(ctx, s.rdb, s.cdKeys(id),
		names{"unit": unit, "at": ms, "by": userString(by), "rec": rec}).Int64()
	if err != nil {
		return false, fmt.Errorf("result of %s for %s: %w", unit, id, err)
	}
	return code == 1, cdResult(code, id, unit)
}

var cdConfirmScript = newScript("directive_confirm", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets"},
	args: []string{"at"},
})

// ConfirmDirective moves a pending directive to active (the lead
// confirmed a big broadcast). changed is false when it was active already;
// a cancelled or closed directive is chihuy.ECONFLICT.
func (s *Store) ConfirmDirective(ctx context.Context, id string, at time.Time) (changed bool, err error) {
	if err := cdCheckID(id); err != nil {
		return false, cdResult(cdrUnknown, id, "")
	}
	code, err := cdConfirmScript.run(ctx, s.rdb, s.cdKeys(id), names{"at": unixMilli(at)}).Int64()
	if err != nil {
		return false, fmt.Errorf("confirm directive %s: %w", id, err)
	}
	return code == 1, cdResult(code, id, "")
}

var cdEndScript = newScript("directive_end", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets", "waiting"},
	args: []string{"to", "at"},
})

// CancelDirective cancels directive id (/huycd) and returns the units the
// message had already reached, which must be told. Queued messages are the
// outbox's to drop. A directive cancelled or closed already is
// chihuy.ECONFLICT.
func (s *Store) CancelDirective(ctx context.Context, id string, at time.Time) (reached []string, err error) {
	if err := s.cdEnd(ctx, id, directive.Cancelled, at); err != nil {
		return nil, err
	}
	reached, err = s.rdb.HKeys(ctx, s.cdKey(id, "dlv")).Result()
	if err != nil {
		return nil, fmt.Errorf("cancel directive %s: reached units: %w", id, err)
	}
	sort.Strings(reached)
	return reached, nil
}

// CloseDirective ends directive id: no more reminders or deadline report;
// late acknowledgements and results are still recorded.
func (s *Store) CloseDirective(ctx context.Context, id string, at time.Time) error {
	return s.cdEnd(ctx, id, directive.Closed, at)
}

func (s *Store) cdEnd(ctx context.Context, id string, to directive.State, at time.Time) error {
	if err := cdCheckID(id); err != nil {
		return cdResult(cdrUnknown, id, "")
	}
	code, err := cdEndScript.run(ctx, s.rdb, s.cdKeys(id), names{"to": string(to), "at": unixMilli(at)}).Int64()
	if err != nil {
		return fmt.Errorf("%s directive %s: %w", to, id, err)
	}
	if err := cdResult(code, id, ""); err != nil {
		return err
	}
	issuer, err := s.rdb.HGet(ctx, s.cdKey(id, "meta"), "issuer").Result()
	if err != nil {
		return fmt.Errorf("%s directive %s: %w", to, id, err)
	}
	return s.cdUnindex(ctx, id, issuer)
}

// cdUnindex drops id from the indexes.
func (s *Store) cdUnindex(ctx context.Context, id, issuer string) error {
	p := s.rdb.Pipeline()
	p.ZRem(ctx, s.cdxKey("open", issuer), id)
	p.ZRem(ctx, s.cdxKey("open"), id)
	p.ZRem(ctx, s.cdxKey("deadline"), id)
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("unindex directive %s: %w", id, err)
	}
	return nil
}

// cdStatusDepth bounds how many levels of forwards a status follows
// (national → province → district → commune).
const cdStatusDepth = 4

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

var cdRemindedScript = newScript("directive_reminded", scriptSpec{
	keys: []string{"reminders", "waiting"},
	args: []string{"at", "units[]"},
})

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

var cdReportedScript = newScript("directive_reported", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets"},
	args: []string{"at"},
})

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

var cdEditScript = newScript("directive_edit", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets", "lastEdit"},
	args: []string{"now#", "every#", "final"},
})

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

// PurgeDirective removes directive id and its index entries (retention).
// The link from its parent, if any, goes too.
func (s *Store) PurgeDirective(ctx context.Context, id string) error {
	d, err := s.Directive(ctx, id)
	if err != nil {
		return err
	}
	if err := s.rdb.Del(ctx, s.cdAllKeys(id)...).Err(); err != nil {
		return fmt.Errorf("purge directive %s: %w", id, err)
	}
	if d.Parent != "" {
		if err := s.rdb.HDel(ctx, s.cdKey(d.Parent, "fwd"), d.Issuer).Err(); err != nil {
			return fmt.Errorf("purge directive %s: unlink from %s: %w", id, d.Parent, err)
		}
	}
	return s.cdUnindex(ctx, id, d.Issuer)
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

// OpenDirectiveIDs lists every open (pending or active) directive, oldest
// first (the scheduler's progress sweep).
func (s *Store) OpenDirectiveIDs(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.ZRange(ctx, s.cdxKey("open"), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("open directives: %w", err)
	}
	return ids, nil
}
