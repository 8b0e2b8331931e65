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

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/vntext"
)

// Messages of the outbox's configuration checks.
const (
	msgLimitPerSecond = "Giới hạn gửi tin per_second phải lớn hơn 0 (hiện là %v)."
	msgLimitPerChat   = "Giới hạn gửi tin per_chat_per_second phải lớn hơn 0 (hiện là %v)."
	msgLimitPerGroup  = "Giới hạn gửi tin per_group_per_minute phải lớn hơn 0 (hiện là %d)."
)

const (
	// paceMargin keeps the global pace 1.5% under the limit: with even
	// pacing, 31 sends then span 1.015 s, so up to 15 ms of jitter never
	// puts 31 requests in one second of the platform's clock.
	paceMargin = 0.985
	// lookahead is how far ahead of their turn messages are reserved, so
	// that one Redis round trip feeds many sends at high rates.
	lookahead = 100 * time.Millisecond
	// defaultCaptionLimit is Telegram's caption limit, in runes.
	defaultCaptionLimit = 1024
	// depthEvery is how often the sender refreshes the queue depth gauge.
	depthEvery = 5 * time.Second
	// windowGuard is added to the window in which no more than the limit
	// may start (see startWindow), for the latency that varies between a
	// send's start and its arrival.
	windowGuard = 10 * time.Millisecond
)

// Limits are a platform's outbound rate limits.
type Limits struct {
	// PerSecond bounds all messages of the bot.
	PerSecond float64 `yaml:"per_second" json:"per_second"`
	// PerChatPerSecond bounds the messages to one chat.
	PerChatPerSecond float64 `yaml:"per_chat_per_second" json:"per_chat_per_second"`
	// PerGroupPerMinute bounds the messages to one group chat.
	PerGroupPerMinute int `yaml:"per_group_per_minute" json:"per_group_per_minute"`
}

// DefaultLimits are Telegram's published limits: 30 messages a second per
// bot, one a second per chat, 20 a minute per group. They apply to every
// platform unless configured.
func DefaultLimits() Limits {
	return Limits{PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20}
}

// Validate reports a limit that is not positive (chihuy.EINVALID).
func (l Limits) Validate() error {
	switch {
	case !(l.PerSecond > 0):
		return chihuy.Errorf(chihuy.EINVALID, msgLimitPerSecond, l.PerSecond)
	case !(l.PerChatPerSecond > 0):
		return chihuy.Errorf(chihuy.EINVALID, msgLimitPerChat, l.PerChatPerSecond)
	case l.PerGroupPerMinute <= 0:
		return chihuy.Errorf(chihuy.EINVALID, msgLimitPerGroup, l.PerGroupPerMinute)
	}
	return nil
}

// withDefaults replaces limits that are not positive by the defaults.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if !(l.PerSecond > 0) {
		l.PerSecond = d.PerSecond
	}
	if !(l.PerChatPerSecond > 0) {
		l.PerChatPerSecond = d.PerChatPerSecond
	}
	if l.PerGroupPerMinute <= 0 {
		l.PerGroupPerMinute = d.PerGroupPerMinute
	}
	return l
}

// chatGap is the least time between two sends to one chat. A group has,
// besides, its rolling window of PerGroupPerMinute sends in any minute
// (kept by the store: store.Outcome.InWindow), not one send every
// 60/PerGroupPerMinute seconds: a group's echo waits about a second
// behind the group's previous message, not three.
func (l Limits) chatGap() time.Duration {
	return time.Duration(float64(time.Second) / l.PerChatPerSecond)
}

// window is the rolling window of sends a minute that a send to a chat
// counts in: PerGroupPerMinute for a group, none for a private chat.
func (l Limits) window(group bool) int {
	if group {
		return l.PerGroupPerMinute
	}
	return 0
}

// RetryPolicy says how failed sends (network errors, 5xx) are tried again.
type RetryPolicy struct {
	// Base is the wait after the first failure; it doubles with each
	// further failure up to Max. The wait actually used is drawn uniformly
	// between half of it and all of it, so that senders do not retry in
	// step.
	Base, Max time.Duration
	// GiveUpAfter is how long a message keeps failing before it is
	// dead-lettered.
	GiveUpAfter time.Duration
}

// DefaultRetryPolicy waits 1 s, 2 s, 4 s … up to 10 minutes between tries,
// for up to 24 hours.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{Base: time.Second, Max: 10 * time.Minute, GiveUpAfter: 24 * time.Hour}
}

// delay is the wait before the attempt-th retry (1 for the first).
func (p RetryPolicy) delay(attempt int) time.Duration {
	d := p.Base
	for i := 1; i < attempt && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	if d <= 1 {
		return d
	}
	return d/2 + mrand.N(d/2+1)
}

// Clock is the outbox's time: it reads it and waits on it. The default is
// the store's clock with real timers; it must agree with the store's.
type Clock interface {
	chihuy.Clock
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// storeClock reads the store's clock and waits in real time.
type storeClock struct{ st Queue }

func (c storeClock) Now() time.Time                         { return c.st.Now() }
func (c storeClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

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

func defaultOwner() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
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

// platformPause is the time before which the platform must not be called.
type platformPause struct {
	mu    sync.Mutex
	until time.Time
}

func (o *Outbox) pausedUntil() time.Time {
	o.pause.mu.Lock()
	defer o.pause.mu.Unlock()
	return o.pause.until
}

// setPause moves the pause to until if that is later.
func (o *Outbox) setPause(until time.Time) {
	o.pause.mu.Lock()
	if until.After(o.pause.until) {
		o.pause.until = until
	}
	o.pause.mu.Unlock()
}

// startWindow remembers when the last sends started, so that no more than
// the limit start within any window even when timers fire late: even
// pacing alone lets a late send and the on-time sends after it crowd one
// second of the platform's clock.
type startWindow struct {
	mu     sync.Mutex
	window time.Duration
	starts []time.Time // a ring of the last len(starts) starts
	next   int
}

func newStartWindow(perSecond float64) *startWindow {
	n := max(1, int(perSecond))
	return &startWindow{
		window: time.Duration(float64(n)/perSecond*float64(time.Second)) + windowGuard,
		starts: make([]time.Time, n),
	}
}

// admit records a send starting at now and returns 0, or returns how long
// to wait before a send may start.
func (w *startWindow) admit(now time.Time) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if oldest := w.starts[w.next]; !oldest.IsZero() {
		if wait := oldest.Add(w.window).Sub(now); wait > 0 {
			return wait
		}
	}
	w.starts[w.next] = now
	w.next = (w.next + 1) % len(w.starts)
	return 0
}

// delivery is the result of one reservation.
type delivery struct {
	r      *store.Reservation
	out    store.Outcome
	result string        // metrics result; empty when nothing was sent
	took   time.Duration // duration of the send call
	ids    []string      // every part's id, once the message is fully sent
	err    error
	// migratedTo is the chat's new id, for ResultMigrated.
	migratedTo string
}

// sendLoop is the state of one lease's sending.
type sendLoop struct {
	o        *Outbox
	results  chan *delivery
	inflight int
	next     time.Time // the next free slot of the global pace
	pending  []*delivery
	hooks    *hookRunner
}

func (l *sendLoop) run(ctx, sendCtx context.Context, wake <-chan struct{}) {
	o := l.o
	var lastDepth time.Time
	var errWait time.Duration
	fail := func(what string, err error) {
		// Capped at a second: after a store failover, sending resumes
		// within about a second of the store taking writes again.
		errWait = min(max(2*errWait, 100*time.Millisecond), time.Second)
		o.log.Error().Err(err).Dur("retry_in", errWait).Msg("outbox: " + what)
		select {
		case <-time.After(errWait):
		case <-ctx.Done():
		}
	}
	for ctx.Err() == nil {
		l.collect()
		if err := l.settle(ctx); err != nil {
			fail("settle", err)
			continue
		}
		if o.metrics != nil && time.Since(lastDepth) >= depthEvery {
			lastDepth = time.Now()
			if r, b, err := o.st.OutboxDepth(ctx, o.name); err == nil {
				o.metrics.setDepth(o.name, r, b)
			}
		}
		now := o.clock.Now()
		if until := o.pausedUntil(); now.Before(until) {
			if l.inflight > 0 {
				l.await(ctx, nil, time.Time{}) // let them settle before waiting
			} else {
				l.await(ctx, nil, until)
			}
			continue
		}
		n := l.budget(now)
		res, err := o.st.ReserveAs(ctx, o.name, o.owner, n, o.reservation)
		if err != nil {
			if ctx.Err() == nil {
				fail("reserve", err)
			}
			continue
		}
		errWait = 0
		o.setPause(res.PausedUntil)
		for i := range res.Items {
			l.dispatch(sendCtx, ctx.Done(), &res.Items[i], now)
		}
		if n > 0 && len(res.Items) == n {
			continue // more may be due
		}
		switch {
		case l.inflight >= o.workers:
			l.await(ctx, nil, time.Time{})
		case n == 0: // the pace is ahead: wait until a slot comes in view
			l.await(ctx, wake, l.next.Add(-lookahead))
		default:
			l.await(ctx, wake, res.NextDue)
		}
	}
}

// budget is how many messages to reserve now: as many as free workers and
// pace slots within the lookahead allow.
func (l *sendLoop) budget(now time.Time) int {
	free := l.o.workers - l.inflight
	start := l.next
	if start.Before(now) {
		start = now
	}
	ahead := now.Add(lookahead).Sub(start)
	if free <= 0 || ahead < 0 {
		return 0
	}
	return min(free, int(ahead/l.o.interval)+1)
}

// dispatch gives r the next slot of the pace and sends it on a goroutine.
func (l *sendLoop) dispatch(sendCtx context.Context, stop <-chan struct{}, r *store.Reservation, now time.Time) {
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.o.interval)
	l.inflight++
	go func() { l.results <- l.o.deliver(sendCtx, stop, r, slot) }()
}

// await blocks until a send finishes, something is queued (wake), the
// clock reaches until (if not zero), the poll interval passes (while
// watching wake), or ctx ends.
func (l *sendLoop) await(ctx context.Context, wake <-chan struct{}, until time.Time) {
	var timer, poll <-chan time.Time
	if !until.IsZero() {
		timer = l.o.clock.After(max(until.Sub(l.o.clock.Now()), time.Millisecond))
	}
	if wake != nil {
		poll = time.After(l.o.poll)
	}
	select {
	case d := <-l.results:
		l.take(d)
	case <-wake:
	case <-timer:
	case <-poll:
	case <-ctx.Done():
	}
}

func (l *sendLoop) collect() {
	for {
		select {
		case d := <-l.results:
			l.take(d)
		default:
			return
		}
	}
}

func (l *sendLoop) take(d *delivery) {
	l.inflight--
	l.pending = append(l.pending, d)
	if d.result != "" {
		l.o.metrics.sendDone(l.o.name, d.result, d.took)
	}
}

// settle records the pending outcomes in one round trip, then runs the
// hooks of what is now durable.
func (l *sendLoop) settle(ctx context.Context) error {
	if len(l.pending) == 0 {
		return nil
	}
	outs := make([]store.Outcome, len(l.pending))
	for i, d := range l.pending {
		outs[i] = d.out
	}
	if err := l.o.st.Settle(ctx, outs...); err != nil {
		return err
	}
	for _, d := range l.pending {
		l.after(d)
	}
	l.pending = l.pending[:0]
	return nil
}

// after logs a settled delivery and hands it to the hooks.
func (l *sendLoop) after(d *delivery) {
	o, m := l.o, d.r.Message
	switch d.result {
	case ResultSent:
		if d.ids != nil && o.onSent != nil {
			l.hooks.run(func(ctx context.Context) { o.onSent(ctx, m, d.ids) })
		}
	case ResultRetry:
		o.log.Warn().Err(d.err).Str("key", m.Key).Int("attempt", d.r.Attempts+1).Msg("outbox: send failed, will retry")
	case ResultRateLimited:
		o.log.Warn().Err(d.err).Msg("outbox: rate limited by the platform, pausing")
	case ResultDead:
		o.log.Error().Err(d.err).Str("key", m.Key).Str("chat", m.Chat.String()).Msg("outbox: message given up")
		if o.onDead != nil {
			reason := deadReason(d)
			l.hooks.run(func(ctx context.Context) { o.onDead(ctx, m, reason) })
		}
	case ResultMigrated:
		to := chihuy.ChatRef{Platform: m.Chat.Platform, ID: d.migratedTo}
		o.log.Info().Str("chat", m.Chat.String()).Str("new_chat", to.String()).Msg("outbox: the chat has a new id; its messages go there")
		if o.onMigrated != nil {
			l.hooks.run(func(ctx context.Context) { o.onMigrated(ctx, m.Chat, to) })
		}
	case ResultChatGone:
		o.log.Warn().Err(d.err).Str("chat", m.Chat.String()).Msg("outbox: chat is gone, its queued messages are dead-lettered")
		if o.onDead != nil { // the message itself is given up too
			reason := deadReason(d)
			l.hooks.run(func(ctx context.Context) { o.onDead(ctx, m, reason) })
		}
		if o.onChatGone != nil {
			l.hooks.run(func(ctx context.Context) { o.onChatGone(ctx, m.Chat, d.err) })
		}
	}
}

func deadReason(d *delivery) string {
	if d.err != nil {
		return d.err.Error()
	}
	return "given up"
}

// shutdown waits for the sends in flight, up to the drain timeout, then
// cancels them; what was not sent is given back.
func (l *sendLoop) shutdown(abort func()) {
	o := l.o
	bound := time.NewTimer(o.drain)
	defer bound.Stop()
	var giveUp <-chan time.Time
wait:
	for l.inflight > 0 {
		select {
		case d := <-l.results:
			l.take(d)
		case <-bound.C:
			o.log.Warn().Int("in_flight", l.inflight).Msg("outbox: drain timeout, cancelling sends in flight")
			abort()
			giveUp = time.After(time.Second)
		case <-giveUp:
			o.log.Error().Int("in_flight", l.inflight).Msg("outbox: sends ignore cancellation; their reservations come back after the lease")
			break wait
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.settle(ctx); err != nil {
		o.log.Error().Err(err).Int("outcomes", len(l.pending)).Msg("outbox: settle at shutdown failed; the reservations come back after the lease")
	}
}

// deliver waits for r's slot, sends its next part and says what came of it.
func (o *Outbox) deliver(sendCtx context.Context, stop <-chan struct{}, r *store.Reservation, slot time.Time) *delivery {
	d := &delivery{r: r}
	wait := slot.Sub(o.clock.Now())
	for {
		if wait > 0 {
			select {
			case <-o.clock.After(wait):
			case <-stop:
				d.out = r.Postpone(o.clock.Now(), time.Time{})
				return d
			}
		}
		if until := o.pausedUntil(); o.clock.Now().Before(until) {
			d.out = r.Postpone(until, time.Time{})
			return d
		}
		if wait = o.starts.admit(o.clock.Now()); wait <= 0 {
			break
		}
	}
	now := o.clock.Now()
	gap := o.lim.chatGap()
	win := o.lim.window(r.Message.Group)
	msg := r.Message
	if r.EditID == store.EditAsNew {
		// The edited message is in the chat's old incarnation: the edit
		// goes as a new message, which later edits address.
		msg.EditOf = ""
	}
	parts := o.plan(msg)
	if r.Part >= len(parts) { // the text limit shrank since the last part: nothing is left
		d.out, d.ids = r.Sent("", true, now.Add(gap)), r.SentIDs
		return d
	}
	editID := ""
	if msg.EditOf != "" {
		if r.EditID == "" {
			d.err = fmt.Errorf("edit of %s: no platform id is known for it", r.Message.EditOf)
			d.out, d.result = r.Dead(d.err.Error(), now.Add(gap)), ResultDead
			return d
		}
		editID = r.EditID
	}
	ctx, cancel := context.WithTimeout(sendCtx, o.sendTimeout)
	start := time.Now()
	id, err := o.p.Send(ctx, parts[r.Part], editID)
	cancel()
	d.took = time.Since(start)
	end := o.clock.Now()
	next := end.Add(gap)
	if err == nil {
		last := r.Part == len(parts)-1
		d.out, d.result = r.Sent(id, last, next).InWindow(win), ResultSent
		if last {
			d.ids = append(slices.Clip(r.SentIDs), id)
		}
		return d
	}
	d.err = err
	if sendCtx.Err() != nil { // abandoned at shutdown: not the message's fault
		d.out = r.Postpone(end, time.Time{})
		return d
	}
	switch FailureOf(err) {
	case RateLimited:
		wait := retryAfter(err)
		if wait <= 0 {
			wait = o.retry.Base
		}
		// The message keeps its turn; the pause holds every send back.
		until := end.Add(wait)
		o.setPause(until)
		d.out, d.result = r.Postpone(end, until), ResultRateLimited
	case Migrated:
		var se *SendError
		if errors.As(err, &se) && se.MigratedTo != "" && se.MigratedTo != r.Chat.ID {
			d.out, d.result, d.migratedTo = r.Migrated(se.MigratedTo), ResultMigrated, se.MigratedTo
			break
		}
		d.out, d.result = r.ChatGone(err.Error()), ResultChatGone
	case ChatGone:
		d.out, d.result = r.ChatGone(err.Error()), ResultChatGone
	case Permanent:
		d.out, d.result = r.Dead(err.Error(), next), ResultDead
	default:
		since := r.FailingSince
		if since.IsZero() {
			since = end
		}
		if end.Sub(since) >= o.retry.GiveUpAfter {
			d.err = fmt.Errorf("gave up after %d attempts in %s: %w", r.Attempts+1, end.Sub(since).Round(time.Second), err)
			d.out, d.result = r.Dead(d.err.Error(), next), ResultDead
			break
		}
		at := end.Add(o.retry.delay(r.Attempts + 1))
		if at.Before(next) {
			at = next
		}
		d.out, d.result = r.Retry(at, err.Error()), ResultRetry
	}
	return d
}

func retryAfter(err error) time.Duration {
	var se *SendError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

// plan cuts m into the parts sent one by one: text over the platform's
// limit is split with vntext.Split; the reply goes on the first part, the
// buttons on the last; a file goes first, with the text as its caption when
// it fits, else with no caption and the text after it. A button answer is
// one part, cut to the limit. An edit is one part too: it addresses the
// edited message's last part (the one carrying the buttons), so over the
// limit it keeps the last part of its text — a split message is one
// message, whose end changes when it is marked acknowledged.
func (o *Outbox) plan(m chihuy.Message) []chihuy.Message {
	limit := o.p.TextLimit()
	if m.CallbackID != "" {
		if utf8.RuneCountInString(m.Text) > limit {
			m.Text = vntext.Split(m.Text, limit)[0]
		}
		return []chihuy.Message{m}
	}
	if m.EditOf != "" {
		if utf8.RuneCountInString(m.Text) > limit {
			texts := vntext.Split(m.Text, limit)
			m.Text = texts[len(texts)-1]
		}
		return []chihuy.Message{m}
	}
	var parts []chihuy.Message
	if m.File != nil {
		if utf8.RuneCountInString(m.Text) <= o.captionLimit() {
			return []chihuy.Message{m}
		}
		file := m
		file.Text, file.Buttons = "", nil
		parts = append(parts, file)
	} else if utf8.RuneCountInString(m.Text) <= limit {
		return []chihuy.Message{m}
	}
	texts := vntext.Split(m.Text, limit)
	for i, text := range texts {
		p := m
		p.Text, p.File = text, nil
		if len(parts) > 0 {
			p.ReplyTo = ""
		}
		if i < len(texts)-1 {
			p.Buttons = nil
		}
		parts = append(parts, p)
	}
	return parts
}

func (o *Outbox) captionLimit() int {
	if c, ok := o.p.(CaptionLimiter); ok {
		return c.CaptionLimit()
	}
	return min(defaultCaptionLimit, o.p.TextLimit())
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
