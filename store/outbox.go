package store

// The outbox: every message the bot sends is queued here first, and a
// sender (bot.Outbox, one process per platform at a time) reserves due
// messages, sends them, and settles each reservation with its outcome.
//
// Keys, all under the {ob} tag (P: platform, C: chat id, K: message key,
// T: the key of a message being edited):
//
//	{ob}:m:K              hash: the message. st (q queued, s sent, d dead,
//	                      x cancelled, c superseded edit), msg (JSON, while
//	                      queued), p, c, pr (r reply | b bulk), t (enqueued,
//	                      unix ms), part (parts already sent), ids (platform
//	                      ids of the parts sent, one a line), tries, since
//	                      (first failure, unix ms), err (last error or the
//	                      dead reason), edit (T, for an edit), at (done,
//	                      unix ms). Once done it keeps st, ids, err and
//	                      expires after DoneTTL: the idempotency mark.
//	{ob}:q:P:r:C          list: the chat's queued replies, oldest first
//	{ob}:q:P:b:C          list: the chat's queued bulk messages
//	                      Entries are "m:K" (a message) or "e:T" (the
//	                      newest pending edit of T, looked up in {ob}:e:T).
//	{ob}:e:T              string: key of the newest edit of T that is
//	                      pending and not reserved. While T is not sent the
//	                      edit is parked here with no queue entry; sending T
//	                      queues it. A newer edit supersedes it in place.
//	{ob}:ready:P:r        zset: chats whose next message is a reply, scored
//	{ob}:ready:P:b        by when that chat may be sent to next (unix ms)
//	{ob}:cool:P           zset: chats with nothing queued that were sent to
//	                      recently, scored by when they may be sent to again
//	{ob}:fly:P            zset: chats with a message reserved, scored by the
//	                      end of the reservation's lease
//	{ob}:res:P            hash: chat → reservation token (priority, queue
//	                      entry, message key, sequence number)
//	{ob}:seq:P            counter that makes reservation tokens unique
//	{ob}:pending          zset (all scores 0): keys of queued messages of
//	                      every platform, for CancelQueued's prefix search
//	{ob}:depth:P          hash r, b: number of queued messages
//	{ob}:dead:P           list: dead letters (JSON), newest first, capped
//	{ob}:sup:P:C:TAG      string: key of chat C's latest message tagged TAG
//	                      (Message.Supersedes); TTL 24 h
//	{ob}:pause:P          unix ms before which P must not be called (429)
//	{ob}:win:P:C          list: when the last sends to group C were settled
//	                      (unix ms, at most the window's count), for the
//	                      rolling window of sends a minute; TTL 61 s
//	{ob}:wake:P           pub/sub channel: something was queued for P
//
// A chat is in at most one of ready, fly and cool, so one message per chat
// is in flight at a time and a chat's messages go out in order (replies
// before bulk). Reserving takes the chats whose score is due, replies
// first: a chat that waits on its own rate limit has a later score and does
// not hold up the others. A reservation whose lease ends (its sender died)
// is given back by the next Reserve, so the message is sent again: the
// at-least-once window is the messages in flight at a crash. A message of
// several parts is settled part by part, so a restart resumes at the next
// part.
//
// Every operation is one Lua script (lua/outbox_*.lua, sharing
// lua/lib_outbox.lua). The scripts take the pending (and fly) key and build
// the other key names from the {ob} prefix; all of them hash to one slot,
// so this holds in Cluster.
//
// Memory: a queued message costs its JSON plus ~200 bytes; a done mark
// ~150 bytes for DoneTTL (30 days): a daily broadcast to 10,047 communes
// keeps ~45 MB of marks.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
)

const (
	// DoneTTL is how long a sent, dead or cancelled message's key is
	// remembered: enqueueing the key again within it is a no-op.
	DoneTTL = 30 * 24 * time.Hour
	// DeadLetterCap is how many dead letters are kept per platform.
	DeadLetterCap = 10000
	// maxKeyLen bounds a message key in bytes.
	maxKeyLen = 300
	// enqueueBatch is how many messages go to Redis in one script call.
	enqueueBatch = 500
	// cancelBatch is how many keys CancelQueued looks at per script call.
	cancelBatch = 1000
	// supersedeTTL is how long a Supersedes tag remembers its message.
	supersedeTTL = 24 * time.Hour
	// BulkMaxWait is how long a chat's bulk message (a directive, a
	// digest) waits at most behind the chat's replies: once its wait is
	// over, it goes before them.
	BulkMaxWait = time.Minute
)

// The outbox scripts (lua/outbox_*.lua) load lua/lib_outbox.lua. Each
// gets the pending key, which routes it to the {ob} slot, and obArgs.
var (
	enqueueScript = newScript("outbox_enqueue", scriptSpec{
		libs: []string{"lib_outbox"},
		keys: []string{"pending"},
		args: []string{"B", "NOW#", "TTL#", "DEADCAP#", "SUPTTL#", "messages[k,p,c,pr,t,js,sup]"},
	})
	reserveScript = newScript("outbox_reserve", scriptSpec{
		libs: []string{"lib_outbox"},
		keys: []string{"pending", "fly"},
		args: []string{"B", "NOW#", "TTL#", "DEADCAP#", "BULKWAIT#", "P", "LEASE#", "N#", "OWNER"},
	})
	settleScript = newScript("outbox_settle", scriptSpec{
		libs: []string{"lib_outbox"},
		keys: []string{"pending", "fly"},
		args: []string{"B", "NOW#", "TTL#", "DEADCAP#", "P", "outcomes[kind,c,v,part#,id,nextAt#,reason,pause#,win#]"},
	})
	migrateScript = newScript("outbox_migrate", scriptSpec{
		libs: []string{"lib_outbox"},
		keys: []string{"pending"},
		args: []string{"B", "NOW#", "TTL#", "DEADCAP#", "P", "from", "to"},
	})
	cancelScript = newScript("outbox_cancel", scriptSpec{
		libs: []string{"lib_outbox"},
		keys: []string{"pending"},
		args: []string{"B", "NOW#", "TTL#", "DEADCAP#", "min", "max", "limit#"},
	})
	reclaimScript = newScript("outbox_reclaim", scriptSpec{
		libs: []string{"lib_outbox"},
		keys: []string{"pending", "fly"},
		args: []string{"B", "NOW#", "TTL#", "DEADCAP#", "P", "reservations[c,v]"},
	})
)

// DeadLetter is a message given up, with why.
type DeadLetter struct {
	Key     string
	Chat    chihuy.ChatRef
	Reason  string
	At      time.Time
	Message chihuy.Message
}

// Enqueue queues messages for sending. A message whose key is queued or
// was sent, given up or cancelled in the last DoneTTL is skipped: added
// counts the messages actually queued. An edit (Message.EditOf) waits for
// the message it edits to be sent, and replaces any older edit of it that
// is still waiting. Messages are checked first: an invalid one fails the
// call with chihuy.EINVALID and nothing is queued.
func (s *Store) Enqueue(ctx context.Context, msgs ...chihuy.Message) (added int, err error) {
	for _, m := range msgs {
		if err := validateMessage(m); err != nil {
			return 0, err
		}
	}
	for len(msgs) > 0 {
		batch := msgs[:min(len(msgs), enqueueBatch)]
		msgs = msgs[len(batch):]
		recs := make([]names, 0, len(batch))
		for _, m := range batch {
			js, err := json.Marshal(m)
			if err != nil {
				return added, fmt.Errorf("enqueue %s: %w", m.Key, err)
			}
			recs = append(recs, names{"k": m.Key, "p": m.Chat.Platform, "c": m.Chat.ID, "pr": prioCode(m.Priority),
				"t": m.EditOf, "js": js, "sup": m.Supersedes})
		}
		n, err := enqueueScript.run(ctx, s.rdb, s.obKeys(""), s.obArgs(names{"messages": recs})).Int()
		if err != nil {
			return added, fmt.Errorf("enqueue %d messages (first %s): %w", len(batch), batch[0].Key, err)
		}
		added += n
	}
	return added, nil
}

// CancelQueued removes the queued messages whose key starts with keyPrefix
// (a cancelled directive's "cd:CD-12-0042:"): they are never sent, and
// their keys count as done. A message being sent right now, or of which a
// part was already sent, is left to finish. It returns how many were
// removed.
func (s *Store) CancelQueued(ctx context.Context, keyPrefix string) (int, error) {
	if keyPrefix == "" {
		return 0, chihuy.Errorf(chihuy.EINVALID, msgPrefixEmpty)
	}
	total, from := 0, "["+keyPrefix
	for {
		raw, err := cancelScript.run(ctx, s.rdb, s.obKeys(""),
			s.obArgs(names{"min": from, "max": "[" + keyPrefix + "\xff", "limit": cancelBatch})).Slice()
		if err != nil {
			return total, fmt.Errorf("cancel queued %q: %w", keyPrefix, err)
		}
		if len(raw) != 3 {
			return total, fmt.Errorf("cancel queued %q: unexpected reply %v", keyPrefix, raw)
		}
		n, _ := raw[0].(int64)
		seen, _ := raw[1].(int64)
		last, _ := raw[2].(string)
		total += int(n)
		if seen < cancelBatch {
			return total, nil
		}
		from = "(" + last
	}
}

// MigrateOutbox moves what is queued for chat from to chat to, on one
// platform: a Telegram group upgraded to a supergroup gets a new id. The
// messages keep their keys and order; edits of messages sent to the old
// chat go to the new one as new messages (see Reserve). It returns how
// many queue entries moved.
func (s *Store) MigrateOutbox(ctx context.Context, from, to chihuy.ChatRef) (int, error) {
	if from.Platform != to.Platform {
		return 0, fmt.Errorf("migrate outbox %s to %s: not the same platform", from, to)
	}
	n, err := migrateScript.run(ctx, s.rdb, s.obKeys(from.Platform),
		s.obArgs(names{"P": from.Platform, "from": from.ID, "to": to.ID})).Int()
	if err != nil {
		return 0, fmt.Errorf("migrate outbox %s to %s: %w", from, to, err)
	}
	return n, nil
}

// Known counts the keys that were enqueued (queued, sent, given up or
// cancelled within DoneTTL): a job run again after a crash skips the units
// whose messages it already queued.
func (s *Store) Known(ctx context.Context, keys ...string) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = s.Key("ob", "m", k)
	}
	n, err := s.rdb.Exists(ctx, full...).Result()
	if err != nil {
		return 0, fmt.Errorf("known message keys (first %s): %w", keys[0], err)
	}
	return int(n), nil
}

// SentMessageID returns the platform message id a key became once sent
// (its first part's, for a message sent in parts); ok is false while the
// key is not sent, or was given up, cancelled or forgotten.
func (s *Store) SentMessageID(ctx context.Context, key string) (id string, ok bool, err error) {
	ids, err := s.SentMessageIDs(ctx, key)
	if err != nil || len(ids) == 0 {
		return "", false, err
	}
	return ids[0], true, nil
}

// SentMessageIDs returns the platform ids of every part a sent key became,
// in order; nil while it is not sent.
func (s *Store) SentMessageIDs(ctx context.Context, key string) ([]string, error) {
	f, err := s.rdb.HMGet(ctx, s.Key("ob", "m", key), "st", "ids").Result()
	if err != nil {
		return nil, fmt.Errorf("sent message id of %s: %w", key, err)
	}
	if st, _ := f[0].(string); st != "s" {
		return nil, nil
	}
	ids, _ := f[1].(string)
	return strings.Split(ids, "\n"), nil
}

// OutboxDepth counts the messages queued for platform, by priority.
func (s *Store) OutboxDepth(ctx context.Context, platform string) (reply, bulk int64, err error) {
	f, err := s.rdb.HMGet(ctx, s.Key("ob", "depth", platform), "r", "b").Result()
	if err != nil {
		return 0, 0, fmt.Errorf("outbox depth of %s: %w", platform, err)
	}
	num := func(v any) int64 { s, _ := v.(string); n, _ := strconv.ParseInt(s, 10, 64); return n }
	return num(f[0]), num(f[1]), nil
}

// DeadLetters returns up to n of platform's newest dead letters.
func (s *Store) DeadLetters(ctx context.Context, platform string, n int) ([]DeadLetter, error) {
	if n <= 0 {
		return nil, nil
	}
	raw, err := s.rdb.LRange(ctx, s.Key("ob", "dead", platform), 0, int64(n-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("dead letters of %s: %w", platform, err)
	}
	out := make([]DeadLetter, 0, len(raw))
	for _, js := range raw {
		var rec struct {
			Key, P, C, Reason, At, Msg string
		}
		if err := json.Unmarshal([]byte(js), &rec); err != nil {
			return out, fmt.Errorf("dead letters of %s: decode: %w", platform, err)
		}
		d := DeadLetter{Key: rec.Key, Chat: chihuy.ChatRef{Platform: rec.P, ID: rec.C}, Reason: rec.Reason}
		if ms, err := strconv.ParseInt(rec.At, 10, 64); err == nil {
			d.At = time.UnixMilli(ms)
		}
		if err := json.Unmarshal([]byte(rec.Msg), &d.Message); err != nil {
			return out, fmt.Errorf("dead letter %s of %s: decode message: %w", rec.Key, platform, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// WatchOutbox tells when something is queued for platform: wake receives
// (coalesced, never blocking the publisher) after each Enqueue that queued
// a message for it. stop ends the watch. Wake-ups are a hint for low
// latency; a sender still polls, since none arrive while it is not
// subscribed.
func (s *Store) WatchOutbox(ctx context.Context, platform string) (wake <-chan struct{}, stop func()) {
	ps := s.rdb.Subscribe(ctx, s.obBase()+"wake:"+platform)
	ch := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range ps.Channel() {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}()
	return ch, func() {
		ps.Close()
		<-done
	}
}

func (s *Store) obBase() string { return s.Key("ob") + ":" }

// obKeys are the keys the outbox scripts take, for platform; the others
// they build from the base B.
func (s *Store) obKeys(platform string) names {
	return names{"pending": s.Key("ob", "pending"), "fly": s.Key("ob", "fly", platform)}
}

// obArgs adds to args what every outbox script may take: the key base,
// the time and the constants.
func (s *Store) obArgs(args names) names {
	args["B"] = s.obBase()
	args["NOW"] = s.Now().UnixMilli()
	args["TTL"] = DoneTTL.Milliseconds()
	args["DEADCAP"] = DeadLetterCap
	args["SUPTTL"] = supersedeTTL.Milliseconds()
	args["BULKWAIT"] = BulkMaxWait.Milliseconds()
	return args
}

func validateMessage(m chihuy.Message) error {
	switch {
	case m.Key == "":
		return chihuy.Errorf(chihuy.EINVALID, msgKeyEmpty)
	case len(m.Key) > maxKeyLen || !utf8.ValidString(m.Key) || strings.ContainsAny(m.Key, "\n\r"):
		return chihuy.Errorf(chihuy.EINVALID, msgKeyInvalid, m.Key, maxKeyLen)
	case m.Chat.Platform == "" || m.Chat.ID == "":
		return chihuy.Errorf(chihuy.EINVALID, msgChatMissing, m.Key)
	case m.Priority != chihuy.PriorityReply && m.Priority != chihuy.PriorityBulk:
		return chihuy.Errorf(chihuy.EINVALID, msgPriority, m.Key, int(m.Priority))
	case m.EditOf == m.Key:
		return chihuy.Errorf(chihuy.EINVALID, msgEditSelf, m.Key)
	case m.EditOf != "" && (len(m.EditOf) > maxKeyLen || !utf8.ValidString(m.EditOf) || strings.ContainsAny(m.EditOf, "\n\r")):
		return chihuy.Errorf(chihuy.EINVALID, msgKeyInvalid, m.EditOf, maxKeyLen)
	}
	return nil
}

func prioCode(p chihuy.Priority) string {
	if p == chihuy.PriorityReply {
		return "r"
	}
	return "b"
}
