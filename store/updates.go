package store

// The intake journal. An update is recorded here before the platform is
// acknowledged, then handled from here; so nothing a user sent is lost when
// the bot or Redis restarts (with Redis persistence on).
//
//	{in}:seen:ID     "1" with a 7-day TTL: the update was recorded (dedupe)
//	{in}:updates     stream of recorded updates (field "u": JSON), consumer
//	                 group "handlers"; an entry is deleted once handled
//	{in}:dead        list of updates that failed handling too often (JSON)
//
// Recording is one script: the dedupe mark and the stream entry are written
// together or not at all.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
)

const (
	seenTTL       = 7 * 24 * time.Hour
	updatesGroup  = "handlers"
	maxDeliveries = 5
)

var (
	recordScript = newScript("update_record", scriptSpec{
		keys: []string{"seen", "updates"},
		args: []string{"update", "ttl"},
	})
	recordDeadScript = newScript("update_record_dead", scriptSpec{
		keys: []string{"seen", "dead"},
		args: []string{"update", "ttl"},
	})
)

// RecordUpdate stores u durably unless an update with the same ID was
// recorded in the last 7 days. It returns fresh=false for a duplicate. It
// is the bot.RecordFunc of every platform's intake.
//
// An update that cannot be handled — u.Invalid set by the platform's
// conversion, or one that cannot be encoded (a date past year 9999) — goes
// to the dead list with its reason and counts as recorded (fresh=false),
// so that the platform is acknowledged and intake goes on behind it.
func (s *Store) RecordUpdate(ctx context.Context, u chihuy.Update) (fresh bool, err error) {
	if u.ID == "" {
		return false, fmt.Errorf("record update: empty id")
	}
	var b []byte
	if u.Invalid == "" {
		if b, err = json.Marshal(u); err != nil {
			u.Invalid = "cannot be recorded: " + err.Error()
		}
	}
	if u.Invalid != "" {
		return false, s.recordDead(ctx, u)
	}
	n, err := recordScript.run(ctx, s.rdb,
		names{"seen": s.Key("in", "seen", u.ID), "updates": s.Key("in", "updates")},
		names{"update": b, "ttl": seenTTL.Milliseconds()}).Int()
	if err != nil {
		return false, fmt.Errorf("record update %s: %w", u.ID, err)
	}
	return n == 1, nil
}

// recordDead puts an update that cannot be handled on the dead list, once
// per update id: {"why": reason, "id": update id, "raw": the platform's
// payload when it is JSON, "u": what was converted}.
func (s *Store) recordDead(ctx context.Context, u chihuy.Update) error {
	entry := struct {
		Why string          `json:"why"`
		ID  string          `json:"id"`
		Raw json.RawMessage `json:"raw,omitempty"`
		U   json.RawMessage `json:"u,omitempty"`
	}{Why: u.Invalid, ID: u.ID}
	if u.Raw != "" && json.Valid([]byte(u.Raw)) {
		entry.Raw = json.RawMessage(u.Raw)
	} else if u.Raw != "" {
		entry.Raw, _ = json.Marshal(u.Raw)
	}
	cp := u
	cp.Time, cp.Raw = time.Time{}, ""
	entry.U, _ = json.Marshal(cp) // without the time, plain fields: cannot fail
	b, err := json.Marshal(entry)
	if err != nil {
		return fmt.Errorf("dead update %s: %w", u.ID, err)
	}
	err = recordDeadScript.run(ctx, s.rdb, names{"seen": s.Key("in", "seen", u.ID), "dead": s.Key("in", "dead")},
		names{"update": b, "ttl": seenTTL.Milliseconds()}).Err()
	if err != nil {
		return fmt.Errorf("dead update %s: %w", u.ID, err)
	}
	return nil
}

// Record is RecordUpdate shaped as a bot.RecordFunc.
func (s *Store) Record(ctx context.Context, u chihuy.Update) error {
	_, err := s.RecordUpdate(ctx, u)
	return err
}

// PendingUpdates is the number of recorded updates not yet handled.
func (s *Store) PendingUpdates(ctx context.Context) (int64, error) {
	return s.rdb.XLen(ctx, s.Key("in", "updates")).Result()
}

// Delivery is one recorded update handed to a consumer.
type Delivery struct {
	StreamID string
	Update   chihuy.Update
	// Attempt counts how often it was handed out (1 the first time).
	Attempt int64
}

func (s *Store) ensureGroup(ctx context.Context) error {
	err := s.rdb.XGroupCreateMkStream(ctx, s.Key("in", "updates"), updatesGroup, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create consumer group: %w", err)
	}
	return nil
}

// NextUpdates hands consumer up to n recorded updates: first those another
// consumer took but did not finish within idle (it died), then new ones,
// waiting up to block for one to arrive. Updates handed out too often go to
// the dead list instead.
func (s *Store) NextUpdates(ctx context.Context, consumer string, n int64, block, idle time.Duration) ([]Delivery, error) {
	if err := s.ensureGroup(ctx); err != nil {
		return nil, err
	}
	stream := s.Key("in", "updates")
	claimed, _, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: stream, Group: updatesGroup, Consumer: consumer, MinIdle: idle, Start: "0-0", Count: n,
	}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("claim stale updates: %w", err)
	}
	var out []Delivery
	if len(claimed) > 0 {
		// Delivery counts of claimed entries.
		ids := make(map[string]int64, len(claimed))
		pend, err := s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
			Stream: stream, Group: updatesGroup, Start: claimed[0].ID, End: claimed[len(claimed)-1].ID, Count: int64(len(claimed)),
		}).Result()
		if err == nil {
			for _, p := range pend {
				ids[p.ID] = p.RetryCount
			}
		}
		for _, m := range claimed {
			d, ok := decodeDelivery(m)
			d.Attempt = ids[m.ID]
			if !ok || d.Attempt > maxDeliveries {
				s.deadUpdate(ctx, m, "handled too often or undecodable")
				continue
			}
			out = append(out, d)
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: updatesGroup, Consumer: consumer, Streams: []string{stream, ">"}, Count: n, Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return out, nil
	} else if err != nil {
		return nil, fmt.Errorf("read updates: %w", err)
	}
	for _, st := range res {
		for _, m := range st.Messages {
			d, ok := decodeDelivery(m)
			if !ok {
				s.deadUpdate(ctx, m, "undecodable")
				continue
			}
			d.Attempt = 1
			out = append(out, d)
		}
	}
	return out, nil
}

// TakeOverUpdates moves to consumer the recorded updates that other
// consumers took and did not finish, when gone says their instance is gone
// (its heartbeat lapsed), without waiting for them to be idle; then, when
// it moved any or own is true (at start: what this instance took before it
// restarted), it returns up to n of consumer's own unfinished updates to
// handle again. Updates handed out too often go to the dead list instead.
func (s *Store) TakeOverUpdates(ctx context.Context, consumer string, n int64, own bool, gone func(consumer string) bool) ([]Delivery, error) {
	if err := s.ensureGroup(ctx); err != nil {
		return nil, err
	}
	stream := s.Key("in", "updates")
	sum, err := s.rdb.XPending(ctx, stream, updatesGroup).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("pending updates: %w", err)
	}
	moved := 0
	if sum != nil {
		for name, count := range sum.Consumers {
			if name == consumer || count == 0 || !gone(name) {
				continue
			}
			pend, err := s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
				Stream: stream, Group: updatesGroup, Consumer: name, Start: "-", End: "+", Count: 1000,
			}).Result()
			if err != nil {
				return nil, fmt.Errorf("pending updates of %s: %w", name, err)
			}
			ids := make([]string, len(pend))
			for i, p := range pend {
				ids[i] = p.ID
			}
			if len(ids) == 0 {
				continue
			}
			if err := s.rdb.XClaimJustID(ctx, &redis.XClaimArgs{
				Stream: stream, Group: updatesGroup, Consumer: consumer, Messages: ids,
			}).Err(); err != nil && !errors.Is(err, redis.Nil) {
				return nil, fmt.Errorf("take over the updates of %s: %w", name, err)
			}
			moved += len(ids)
		}
	}
	if moved == 0 && !own {
		return nil, nil
	}
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: updatesGroup, Consumer: consumer, Streams: []string{stream, "0"}, Count: n,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read own pending updates: %w", err)
	}
	var msgs []redis.XMessage
	for _, st := range res {
		msgs = append(msgs, st.Messages...)
	}
	if len(msgs) == 0 {
		return nil, nil
	}
	tries := map[string]int64{}
	pend, err := s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: stream, Group: updatesGroup, Consumer: consumer, Start: msgs[0].ID, End: msgs[len(msgs)-1].ID, Count: int64(len(msgs)),
	}).Result()
	if err == nil {
		for _, p := range pend {
			tries[p.ID] = p.RetryCount
		}
	}
	var out []Delivery
	for _, m := range msgs {
		d, ok := decodeDelivery(m)
		d.Attempt = max(tries[m.ID], 1)
		if !ok || d.Attempt > maxDeliveries {
			s.deadUpdate(ctx, m, "handled too often or undecodable")
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

func decodeDelivery(m redis.XMessage) (Delivery, bool) {
	raw, _ := m.Values["u"].(string)
	var u chihuy.Update
	if err := json.Unmarshal([]byte(raw), &u); err != nil {
		return Delivery{StreamID: m.ID}, false
	}
	return Delivery{StreamID: m.ID, Update: u}, true
}

func (s *Store) deadUpdate(ctx context.Context, m redis.XMessage, why string) {
	raw, _ := m.Values["u"].(string)
	stream := s.Key("in", "updates")
	p := s.rdb.TxPipeline()
	p.RPush(ctx, s.Key("in", "dead"), fmt.Sprintf(`{"why":%q,"u":%s}`, why, orNull(raw)))
	p.XAck(ctx, stream, updatesGroup, m.ID)
	p.XDel(ctx, stream, m.ID)
	p.Exec(ctx)
}

func orNull(raw string) string {
	if json.Valid([]byte(raw)) {
		return raw
	}
	return "null"
}

// DoneUpdates marks handled updates: they leave the journal.
func (s *Store) DoneUpdates(ctx context.Context, streamIDs ...string) error {
	if len(streamIDs) == 0 {
		return nil
	}
	stream := s.Key("in", "updates")
	p := s.rdb.TxPipeline()
	p.XAck(ctx, stream, updatesGroup, streamIDs...)
	p.XDel(ctx, stream, streamIDs...)
	_, err := p.Exec(ctx)
	if err != nil {
		return fmt.Errorf("ack updates: %w", err)
	}
	return nil
}

// DeadUpdates returns up to n updates that could not be handled.
func (s *Store) DeadUpdates(ctx context.Context, n int64) ([]string, error) {
	return s.rdb.LRange(ctx, s.Key("in", "dead"), 0, n-1).Result()
}
