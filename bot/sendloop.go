package bot

// The send loop of one sender lease: it reserves due messages within the
// global pace, starts their sends, settles their outcomes in batches and
// runs the hooks, and on shutdown gives back what it could not send.

import (
	"context"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
)

const (
	// lookahead is how far ahead of their turn messages are reserved, so
	// that one Redis round trip feeds many sends at high rates.
	lookahead = 100 * time.Millisecond
	// depthEvery is how often the sender refreshes the queue depth gauge.
	depthEvery = 5 * time.Second
)

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
