package store

// Sending from the outbox: a sender reserves due messages (Reserve), sends
// them and settles each reservation with its outcome (Settle). The keys
// and the guarantees are described in outbox.go.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
)

// Reservation is one message part handed to the sender. It holds the chat
// until it is settled, or until its lease ends.
type Reservation struct {
	Key     string
	Chat    chihuy.ChatRef
	Message chihuy.Message
	// Part is the number of parts already sent: the index of the part to
	// send now. SentIDs are their platform message ids.
	Part    int
	SentIDs []string
	// EditID is, for an edit, the platform id of the message it edits:
	// its last part, the one carrying the buttons. It is EditAsNew when
	// that message was sent to another chat (the chat changed its id), so
	// the edit must be sent as a new message.
	EditID string
	// Attempts counts failed sends (429s are not failures).
	Attempts int
	// FailingSince is when the first failed send happened; zero if none.
	FailingSince time.Time

	token string
}

// Reserved is the answer of Reserve.
type Reserved struct {
	Items []Reservation
	// PausedUntil is set while the platform must not be called (a 429).
	PausedUntil time.Time
	// NextDue is the earliest time at which a chat may become due or a
	// reservation's lease ends; zero when nothing is queued or reserved.
	NextDue time.Time
}

// EditAsNew is the EditID of an edit whose message is not in the chat the
// edit goes to.
const EditAsNew = "+"

// Outcome is what became of a reservation. Make one with the
// Reservation's methods and hand it to Settle.
type Outcome struct {
	r      *Reservation
	kind   string
	id     string
	next   time.Time
	reason string
	pause  time.Time
	window int
}

// Sent records that the reserved part was delivered as platform message
// id; last says it was the message's last part, which marks the key sent.
// The chat may be sent to again at next.
func (r *Reservation) Sent(id string, last bool, next time.Time) Outcome {
	kind := "p"
	if last {
		kind = "s"
	}
	return Outcome{r: r, kind: kind, id: id, next: next}
}

// Retry records a failed attempt: the message is tried again at next.
func (r *Reservation) Retry(next time.Time, reason string) Outcome {
	return Outcome{r: r, kind: "r", next: next, reason: reason}
}

// Postpone gives the message back untried, to be sent at next; no attempt
// is counted. A non-zero pauseUntil (a 429) stops every send on the
// platform until then, across restarts and processes.
func (r *Reservation) Postpone(next, pauseUntil time.Time) Outcome {
	return Outcome{r: r, kind: "w", next: next, pause: pauseUntil}
}

// Dead gives the message up: it goes to the dead letters with reason. The
// chat's next message may be sent at next.
func (r *Reservation) Dead(reason string, next time.Time) Outcome {
	return Outcome{r: r, kind: "d", next: next, reason: reason}
}

// ChatGone gives up the message and every other message queued for the
// chat: they all go to the dead letters with reason.
func (r *Reservation) ChatGone(reason string) Outcome {
	return Outcome{r: r, kind: "g", reason: reason}
}

// Migrated records that the chat has a new id, newID (a group upgraded to
// a supergroup): the message and everything queued for the chat move
// there, and are sent to the new id.
func (r *Reservation) Migrated(newID string) Outcome {
	return Outcome{r: r, kind: "m", id: newID}
}

// InWindow says that a send counts in the chat's rolling window of n
// sends a minute (a group: 20 on Telegram): once the chat has had n sends
// in the last minute, its next send waits until the oldest of them is a
// minute old, whatever next the outcome says. Zero: no window.
func (o Outcome) InWindow(n int) Outcome {
	o.window = max(n, 0)
	return o
}

// Reserve gives back the reservations of dead senders on platform, then
// reserves up to n due messages, one per chat, replies first, each for
// lease. Nothing is reserved while the platform is paused by a 429.
func (s *Store) Reserve(ctx context.Context, platform string, n int, lease time.Duration) (Reserved, error) {
	return s.ReserveAs(ctx, platform, "", n, lease)
}

// ReserveAs is Reserve for the sender of instance owner: the reservations
// carry its name, so that ReclaimReservations can give them back at once
// when the instance is known to be gone (or restarted).
func (s *Store) ReserveAs(ctx context.Context, platform, owner string, n int, lease time.Duration) (Reserved, error) {
	if strings.ContainsAny(owner, "\n\r") {
		return Reserved{}, fmt.Errorf("reserve %s outbox: owner %q has a line break", platform, owner)
	}
	now := s.Now()
	raw, err := reserveScript.run(ctx, s.rdb, s.obKeys(platform),
		s.obArgs(names{"P": platform, "LEASE": now.Add(lease).UnixMilli(), "N": max(n, 0), "OWNER": owner})).Slice()
	if err != nil {
		return Reserved{}, fmt.Errorf("reserve %s outbox: %w", platform, err)
	}
	if len(raw) != 3 {
		return Reserved{}, fmt.Errorf("reserve %s outbox: unexpected reply %v", platform, raw)
	}
	var out Reserved
	if ms, _ := raw[0].(int64); ms > now.UnixMilli() {
		out.PausedUntil = time.UnixMilli(ms)
	}
	if ms, _ := raw[1].(int64); ms > 0 {
		out.NextDue = time.UnixMilli(ms)
	}
	items, _ := raw[2].([]any)
	for _, it := range items {
		r, err := parseReservation(platform, it)
		if err != nil {
			return out, fmt.Errorf("reserve %s outbox: %w", platform, err)
		}
		out.Items = append(out.Items, r)
	}
	return out, nil
}

// Settle records the outcomes of reservations, in one round trip per
// platform. Settling a reservation whose lease ended and that another
// sender took over records a confirmed send but changes nothing else.
func (s *Store) Settle(ctx context.Context, outcomes ...Outcome) error {
	byPlatform := map[string][]names{}
	var order []string
	for _, o := range outcomes {
		if o.r == nil {
			return fmt.Errorf("settle: outcome without a reservation")
		}
		p := o.r.Chat.Platform
		if _, ok := byPlatform[p]; !ok {
			order = append(order, p)
		}
		byPlatform[p] = append(byPlatform[p], names{"kind": o.kind, "c": o.r.Chat.ID, "v": o.r.token, "part": o.r.Part,
			"id": o.id, "nextAt": unixMilli(o.next), "reason": o.reason, "pause": unixMilli(o.pause), "win": o.window})
	}
	for _, p := range order {
		args := s.obArgs(names{"P": p, "outcomes": byPlatform[p]})
		if err := settleScript.run(ctx, s.rdb, s.obKeys(p), args).Err(); err != nil {
			return fmt.Errorf("settle %d %s outbox outcomes: %w", len(byPlatform[p]), p, err)
		}
	}
	return nil
}

// ReclaimReservations gives back at once, without waiting for their lease
// to end, the reservations on platform of the instances for which gone
// returns true (a sender that restarted under its name, or whose
// heartbeat lapsed): their messages are sent again (at least once). It
// returns how many were given back.
func (s *Store) ReclaimReservations(ctx context.Context, platform string, gone func(owner string) bool) (int, error) {
	res, err := s.rdb.HGetAll(ctx, s.Key("ob", "res", platform)).Result()
	if err != nil {
		return 0, fmt.Errorf("reclaim %s reservations: %w", platform, err)
	}
	var recs []names
	verdict := map[string]bool{}
	for c, v := range res {
		parts := strings.SplitN(v, "\n", 4)
		if len(parts) < 4 || parts[3] == "" {
			continue // reserved by a sender without a name: its lease decides
		}
		owner := parts[3]
		g, ok := verdict[owner]
		if !ok {
			g = gone(owner)
			verdict[owner] = g
		}
		if g {
			recs = append(recs, names{"c": c, "v": v})
		}
	}
	if len(recs) == 0 {
		return 0, nil
	}
	n, err := reclaimScript.run(ctx, s.rdb, s.obKeys(platform), s.obArgs(names{"P": platform, "reservations": recs})).Int()
	if err != nil {
		return 0, fmt.Errorf("reclaim %s reservations: %w", platform, err)
	}
	return n, nil
}

func parseReservation(platform string, it any) (Reservation, error) {
	f, ok := it.([]any)
	if !ok || len(f) != 8 {
		return Reservation{}, fmt.Errorf("unexpected reservation %v", it)
	}
	str := func(i int) string { s, _ := f[i].(string); return s }
	num := func(i int) int64 { n, _ := strconv.ParseInt(str(i), 10, 64); return n }
	r := Reservation{Chat: chihuy.ChatRef{Platform: platform, ID: str(0)}, token: str(1),
		Part: int(num(3)), Attempts: int(num(5)), EditID: str(7)}
	if _, rest, ok := strings.Cut(r.token, "\n"); ok {
		r.Key, _, _ = strings.Cut(rest, "\n")
	}
	if ids := str(4); ids != "" {
		r.SentIDs = strings.Split(ids, "\n")
	}
	if since := num(6); since > 0 {
		r.FailingSince = time.UnixMilli(since)
	}
	if err := json.Unmarshal([]byte(str(2)), &r.Message); err != nil {
		return r, fmt.Errorf("decode queued message %s: %w", r.Key, err)
	}
	// The queue's chat is the truth: it differs from the message's when
	// the chat migrated after the message was queued.
	r.Message.Chat = r.Chat
	return r, nil
}
