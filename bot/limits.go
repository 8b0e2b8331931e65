package bot

// The outbox's rate limits and retries: the limits a platform sets, the
// global pace and the pause a 429 imposes, and the backoff of failed sends.

import (
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/chihuy/chihuy"
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

const (
	// paceMargin keeps the global pace 1.5% under the limit: with even
	// pacing, 31 sends then span 1.015 s, so up to 15 ms of jitter never
	// puts 31 requests in one second of the platform's clock.
	paceMargin = 0.985
	// windowGuard is added to the window in which no more than the limit
	// may start (see startWindow), for the latency that varies between a
	// send's start and its arrival.
	windowGuard = 10 * time.Millisecond
)

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
