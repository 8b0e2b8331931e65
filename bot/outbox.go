package bot

// The outbox sender. Every message the bot sends is queued in the store
// (store.Enqueue); one Outbox per platform takes due messages from there
// and delivers them within the platform's rate limits:
//
//   - globally, sends are paced evenly at Limits.PerSecond (a little under
//     it, so that jitter never puts more than the limit in any second);
//   - per chat, a chat is sent to again only 1/PerChatPerSecond after its
//     last send; a group besides gets at most PerGroupPerMinute sends in
//     any rolling minute (Telegram's rule: a window, not one send every
//     3 s), so a group's echo waits about a second, not three; the store
//     keeps these times, so a chat that waits never holds up the others;
//   - a 429 pauses every send to the platform for exactly its retry_after
//     (Telegram's flood control is per bot) and the message is sent again
//     after it, with no attempt counted;
//   - network errors and 5xx are tried again with exponential backoff and
//     jitter, for up to RetryPolicy.GiveUpAfter, then dead-lettered;
//   - a permanent error dead-letters the message at once; a chat that is
//     gone dead-letters everything queued for it and calls OnChatGone;
//   - a chat that has a new id (a Telegram group upgraded to a supergroup)
//     is not gone: what is queued for it moves to the new id, the message
//     is sent again there, and OnMigrated moves the binding.
//
// Several processes may run an Outbox for one platform: a store lease lets
// one of them send at a time, the others stand by and take over when it
// stops or dies; what the dead one had in flight is sent again (at least
// once) as soon as its instance's heartbeat has lapsed, or at once when it
// restarts under the same instance name (WithOwner), else when its
// reservations' lease ends.
//
// This file holds the Outbox, its options and its lease; sendloop.go the
// loop of one lease, deliver.go one reservation's send, limits.go the
// rate limits, the pace and the retries.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
)

// Clock is the outbox's time: it reads it and waits on it. The default is
// the store's clock with real timers; it must agree with the store's.
type Clock interface {
	chihuy.Clock
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// CaptionLimiter is implemented by platforms whose file captions are
// shorter than their text messages. A platform without it is taken to
// allow the smaller of 1024 runes and its text limit.
type CaptionLimiter interface {
	CaptionLimit() int
}

// Queue is the queued messages as their sender sees them: the sender
// lease, reserving due messages, settling them, and the liveness of the
// other senders. *store.Store implements it (store/outbox.go); messages
// are queued there, through store.Enqueue, by whoever has one to send.
type Queue interface {
	// Now is the store's clock, which the sender's must agree with.
	Now() time.Time
	// HoldLease runs fn while owner holds lease name (one sender per
	// platform), renewing it every ttl/3; fn's context ends when the
	// lease is lost.
	HoldLease(ctx context.Context, name, owner string, ttl time.Duration, fn func(context.Context) error) error
	// InstanceAlive reports whether the process named name is up.
	InstanceAlive(ctx context.Context, name string) (bool, error)
	// ReclaimReservations gives back at once the reservations on platform
	// of the owners for which gone is true, and says how many.
	ReclaimReservations(ctx context.Context, platform string, gone func(owner string) bool) (int, error)
	// WatchOutbox signals on wake when something is queued for platform,
	// until stop.
	WatchOutbox(ctx context.Context, platform string) (wake <-chan struct{}, stop func())
	// OutboxDepth counts platform's queued replies and bulk messages.
	OutboxDepth(ctx context.Context, platform string) (reply, bulk int64, err error)
	// ReserveAs reserves up to n due messages of platform for owner, each
	// for lease.
	ReserveAs(ctx context.Context, platform, owner string, n int, lease time.Duration) (store.Reserved, error)
	// Settle records the outcomes of reservations.
	Settle(ctx context.Context, outcomes ...store.Outcome) error
}

// Outbox sends one platform's queued messages. Create it with NewOutbox and
// call Run.
type Outbox struct {
	st          Queue
	p           Platform
	name        string
	lim         Limits
	interval    time.Duration
	clock       Clock
	owner       string
	workers     int
	leaseTTL    time.Duration
	reservation time.Duration
	sendTimeout time.Duration
	drain       time.Duration
	poll        time.Duration
	retry       RetryPolicy
	log         zerolog.Logger
	metrics     *Metrics
	onSent      func(context.Context, chihuy.Message, []string)
	onDead      func(context.Context, chihuy.Message, string)
	onChatGone  func(context.Context, chihuy.ChatRef, error)
	onMigrated  func(context.Context, chihuy.ChatRef, chihuy.ChatRef)

	pause  platformPause
	starts *startWindow
}

// OutboxOption configures an Outbox.
type OutboxOption func(*Outbox)

// WithClock injects the clock; give the store the same one.
func WithClock(c Clock) OutboxOption { return func(o *Outbox) { o.clock = c } }

// WithOwner names this process in the sender lease (default: host, pid and
// a random suffix).
func WithOwner(id string) OutboxOption { return func(o *Outbox) { o.owner = id } }

// WithWorkers bounds the sends in flight at once (default: the global
// limit per second, between 4 and 256: enough for one second of latency).
func WithWorkers(n int) OutboxOption { return func(o *Outbox) { o.workers = max(n, 1) } }

// WithLeaseTTL sets the sender lease's TTL (default store.DefaultLeaseTTL,
// 9 s): a standby takes over within about that long after the sender dies.
func WithLeaseTTL(d time.Duration) OutboxOption { return func(o *Outbox) { o.leaseTTL = d } }

// WithReservationLease sets how long a reserved message stays with its
// sender (default 2 minutes) before it is given to another; it must be
// longer than the send timeout.
func WithReservationLease(d time.Duration) OutboxOption {
	return func(o *Outbox) { o.reservation = d }
}

// WithSendTimeout bounds one send call (default 30 s).
func WithSendTimeout(d time.Duration) OutboxOption { return func(o *Outbox) { o.sendTimeout = d } }

// WithDrainTimeout bounds how long Run waits, once its context ends, for
// the sends in flight before abandoning them (default 10 s).
func WithDrainTimeout(d time.Duration) OutboxOption { return func(o *Outbox) { o.drain = d } }

// WithPollInterval sets how often an idle sender looks for work it was not
// woken for (default 1 s).
func WithPollInterval(d time.Duration) OutboxOption { return func(o *Outbox) { o.poll = d } }

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) OutboxOption { return func(o *Outbox) { o.retry = p } }

// WithLogger sets the logger (default: none).
func WithLogger(l zerolog.Logger) OutboxOption { return func(o *Outbox) { o.log = l } }

// WithMetrics records sends and queue depth.
func WithMetrics(m *Metrics) OutboxOption { return func(o *Outbox) { o.metrics = m } }

// OnSent is called once a message is fully delivered, with the platform
// ids of its parts (directives count deliveries with it).
func OnSent(fn func(ctx context.Context, m chihuy.Message, messageIDs []string)) OutboxOption {
	return func(o *Outbox) { o.onSent = fn }
}

// OnDead is called when a message is given up (a permanent error, a
// chat that is gone — then before OnChatGone —, or
// retried for too long), with the reason; it is in the dead letters.
func OnDead(fn func(ctx context.Context, m chihuy.Message, reason string)) OutboxOption {
	return func(o *Outbox) { o.onDead = fn }
}

// OnChatGone is called once when the platform says a chat is gone (the bot
// was blocked or removed, the chat does not exist). The message and every
// message queued for the chat are dead-lettered; the handler marks the
// binding broken and tells the parent unit.
func OnChatGone(fn func(ctx context.Context, chat chihuy.ChatRef, err error)) OutboxOption {
	return func(o *Outbox) { o.onChatGone = fn }
}

// OnMigrated is called when the platform says a chat has a new id (a
// Telegram group upgraded to a supergroup answers with
// migrate_to_chat_id): the outbox has moved the chat's queue there; the
// handler moves the binding and what else names the old id.
func OnMigrated(fn func(ctx context.Context, from, to chihuy.ChatRef)) OutboxOption {
	return func(o *Outbox) { o.onMigrated = fn }
}

// NewOutbox returns the sender of p's queued messages, taken from st.
// Limits that are not positive take their DefaultLimits value.
func NewOutbox(st Queue, p Platform, lim Limits, opts ...OutboxOption) *Outbox {
	lim = lim.withDefaults()
	o := &Outbox{
		st: st, p: p, name: p.Name(), lim: lim,
		interval:    time.Duration(float64(time.Second) / (lim.PerSecond * paceMargin)),
		clock:       storeClock{st},
		owner:       defaultOwner(),
		workers:     min(max(int(lim.PerSecond+0.5), 4), 256),
		leaseTTL:    store.DefaultLeaseTTL,
		reservation: 2 * time.Minute,
		sendTimeout: 30 * time.Second,
		drain:       10 * time.Second,
		poll:        time.Second,
		retry:       DefaultRetryPolicy(),
		log:         zerolog.Nop(),
	}
	for _, opt := range opts {
		opt(o)
	}
	o.starts = newStartWindow(lim.PerSecond)
	o.log = o.log.With().Str("platform", o.name).Logger()
	return o
}

// Run sends until ctx ends. While another process holds the platform's
// sender lease it stands by. When ctx ends it stops taking messages,
// lets the sends in flight finish for up to the drain timeout, gives back
// what it could not send, and returns nil.
func (o *Outbox) Run(ctx context.Context) error {
	lease := "outbox:" + o.name
	for ctx.Err() == nil {
		err := o.st.HoldLease(ctx, lease, o.owner, o.leaseTTL, o.serve)
		if ctx.Err() != nil {
			break
		}
		o.log.Warn().Err(err).Msg("outbox: sender lease lost, standing by")
	}
	return nil
}

// storeClock reads the store's clock and waits in real time.
type storeClock struct{ st Queue }

func (c storeClock) Now() time.Time { return c.st.Now() }

func (c storeClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

func defaultOwner() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// serve sends while ctx (the lease) lasts.
func (o *Outbox) serve(ctx context.Context) error {
	o.log.Info().Str("owner", o.owner).Msg("outbox: sending")
	// What this instance had in flight before it restarted, and what a
	// sender whose instance is gone had, is given back now rather than
	// when the reservations' lease ends.
	if n, err := o.st.ReclaimReservations(ctx, o.name, func(owner string) bool {
		if owner == o.owner {
			return true
		}
		alive, err := o.st.InstanceAlive(ctx, owner)
		return err == nil && !alive
	}); err != nil {
		o.log.Warn().Err(err).Msg("outbox: reclaim the reservations of a dead sender")
	} else if n > 0 {
		o.log.Info().Int("reservations", n).Msg("outbox: took back the messages a dead sender had in flight")
	}
	wake, stopWatch := o.st.WatchOutbox(ctx, o.name)
	defer stopWatch()
	defer o.metrics.forgetDepth(o.name)
	hooks := startHooks(context.WithoutCancel(ctx))
	defer hooks.stop()
	sendCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	defer abort()
	l := &sendLoop{o: o, results: make(chan *delivery, o.workers), hooks: hooks}
	l.run(ctx, sendCtx, wake)
	l.shutdown(abort)
	return nil
}

// hookRunner calls the hooks one at a time, off the send loop, in the
// order their outcomes were settled.
type hookRunner struct {
	ctx  context.Context
	ch   chan func(context.Context)
	done chan struct{}
}

func startHooks(ctx context.Context) *hookRunner {
	h := &hookRunner{ctx: ctx, ch: make(chan func(context.Context), 1024), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		for fn := range h.ch {
			fn(h.ctx)
		}
	}()
	return h
}

func (h *hookRunner) run(fn func(context.Context)) { h.ch <- fn }

// stop waits for the queued hooks to be called.
func (h *hookRunner) stop() {
	close(h.ch)
	<-h.done
}
