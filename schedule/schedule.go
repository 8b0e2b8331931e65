// Package schedule owns the bot's timed jobs (SPEC §7, §8): reminders
// before a deadline, the list of late units after it, the digests. Jobs
// are cron expressions in the bot's zone (Asia/Ho_Chi_Minh); ParseAt turns
// the configuration's "17:00" or "thứ 5 17:00" into one.
//
// # Once across processes
//
// An occurrence is a job's name and one scheduled time. Several bot
// processes may share the store, and each occurrence runs at most once
// among all of them: before running it, a process claims it in Redis
// (store.ClaimJob, {cfg}:job:NAME:UNIX, created once and kept for
// store.JobTTL) and only the process that claimed it runs it; the outcome
// is recorded in the claim. The owner is the process's instance name
// (WithOwner; store.StartInstance keeps its heartbeat). A process that
// stops in the middle of a run leaves the occurrence claimed and
// unfinished: it runs again, idempotently, when the process restarts under
// the same name, or in another process once the owner's heartbeat has
// lapsed (a process that saw the occurrence taken looks at it again every
// watchEvery while it is unfinished and in its catch-up window). Jobs
// make that safe with per-unit message keys (the outbox never sends a key
// twice) and skip the units already done.
//
// # Catching up
//
// When Run starts, and whenever a job is added, the job's most recent
// occurrence runs at once if it is less than the catch-up window (the
// job's CatchUp option, else the scheduler's WithCatchUp, default one
// hour) in the past and nobody claimed it: it was missed while
// the bot was down. An older one is not run; when it was never claimed,
// it is logged as missed. While running, the scheduler waits for the next
// occurrence on the clock, and also looks at the clock every poll interval
// (200 ms for an injected clock, one minute for the system clock) and
// whenever Kick is called: when the clock jumped forward (the demo's
// fast-forward, a suspended machine), every occurrence jumped over that is
// still within the catch-up window runs, each once, oldest first (only the
// latest for a job added with Coalesce); older ones are skipped and
// logged. When the clock moves back, nothing runs
// again: the claims remember what ran.
//
// # Running
//
// Occurrences run one after another on Run's goroutine, in time order
// (jobs due at the same time in the order they were added), so a reminder
// goes out before the late list and the late list before the digest, even
// after a jump. A job gets Run's context and should return when it ends.
// A job that returns an error (or panics) is logged and tried once more by
// the same process after the retry delay (default one minute), unless the
// occurrence has left the catch-up window by then; so is an occurrence
// that could not be claimed because Redis failed. A job must therefore be
// safe to run twice for the same scheduled time, which it is when the
// keys of the messages it sends derive from its name and that time (the
// outbox never sends a key twice).
//
// Cron parsing and next-time computation come from github.com/robfig/cron/v3
// (ParseStandard and Schedule.Next only): its runner reads the system
// clock, so the scheduler drives time itself from the injected clock.
package schedule

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
)

// Defaults of the options.
const (
	DefaultCatchUp    = time.Hour
	DefaultRetryDelay = time.Minute
	// DefaultPoll is how often an injected clock is looked at.
	DefaultPoll = 200 * time.Millisecond
	// DefaultSystemPoll is how often the system clock is looked at, in
	// case the wall clock was set or the machine slept.
	DefaultSystemPoll = time.Minute
)

// lookback bounds how far back the scheduler looks for an occurrence
// that was missed: not beyond the life of the claims that tell whether it
// ran.
const lookback = store.JobTTL - 24*time.Hour

// Job is the work of one occurrence; at is its scheduled time, in the
// scheduler's zone (not the time it actually runs, which may be later).
type Job func(ctx context.Context, at time.Time) error

// Claims records which process runs each occurrence of a job, so that
// one runs it however many are up. *store.Store implements it
// (store/jobs.go); the processes' heartbeats are kept by
// store.StartInstance.
type Claims interface {
	// ClaimJob claims the occurrence of job name at at for owner: true
	// when owner must run it now (never claimed, or claimed by a process
	// that is gone, or by owner before a restart).
	ClaimJob(ctx context.Context, name string, at time.Time, owner string) (bool, error)
	// FinishJob records the end of owner's try of the occurrence (runErr
	// nil for success); false when owner no longer holds the claim.
	FinishJob(ctx context.Context, name string, at time.Time, owner string, runErr error) (bool, error)
	// JobRun reads the record of the occurrence; ok is false when it was
	// never claimed or the record expired (after store.JobTTL).
	JobRun(ctx context.Context, name string, at time.Time) (run store.JobRun, ok bool, err error)
}

// Scheduler runs jobs at their times. Add may be called at any time, Run
// once; all methods are safe for concurrent use.
type Scheduler struct {
	st       Claims
	clock    chihuy.Clock
	loc      *time.Location
	log      zerolog.Logger
	owner    string
	catchUp  time.Duration
	poll     time.Duration
	retry    time.Duration
	observer func(Event)

	kick    chan struct{}
	running atomic.Bool

	mu   sync.Mutex
	jobs []*entry
}

// entry is one job. cursor is owned by Run's goroutine: occurrences up to
// it have been dealt with; zero until Run first looks at the job.
type entry struct {
	name     string
	sched    *cron.SpecSchedule
	run      Job
	catchUp  time.Duration // zero: the scheduler's
	coalesce bool
	cursor   time.Time
	next     time.Time // the first occurrence after cursor
}

// JobOption configures one job.
type JobOption func(*entry)

// CatchUp sets the job's own catch-up window (instead of the scheduler's):
// an evening digest or a late list is still worth sending hours later the
// same evening, a reminder before a deadline is not. Values outside
// (0, 7 days] are ignored.
func CatchUp(d time.Duration) JobOption {
	return func(e *entry) {
		if d > 0 && d <= lookback {
			e.catchUp = d
		}
	}
}

// Coalesce runs only the latest of several occurrences that are due at
// once (after a clock jump or a restart): for a job that does whatever is
// due at the time it runs, such as the every-minute directive reminders,
// running each missed minute in turn only delays the jobs behind it.
func Coalesce() JobOption { return func(e *entry) { e.coalesce = true } }

// window is e's catch-up window.
func (s *Scheduler) window(e *entry) time.Duration {
	if e.catchUp > 0 {
		return e.catchUp
	}
	return s.catchUp
}

// Option configures a Scheduler.
type Option func(*Scheduler)

// WithCatchUp sets the catch-up window: an occurrence runs late only when
// it is less than d in the past. Values outside (0, 7 days] are ignored.
// A demo that fast-forwards the clock several hours at once sets it wider
// than the jump.
func WithCatchUp(d time.Duration) Option {
	return func(s *Scheduler) {
		if d > 0 && d <= lookback {
			s.catchUp = d
		}
	}
}

// WithPoll sets how often the clock is looked at between occurrences.
func WithPoll(d time.Duration) Option {
	return func(s *Scheduler) {
		if d > 0 {
			s.poll = d
		}
	}
}

// WithRetryDelay sets the wait, in real time, before a failed occurrence
// is tried again; zero turns retries off.
func WithRetryDelay(d time.Duration) Option {
	return func(s *Scheduler) {
		if d >= 0 {
			s.retry = d
		}
	}
}

// WithOwner names this process in the claims (default: host, pid and a
// random suffix).
func WithOwner(owner string) Option {
	return func(s *Scheduler) {
		if owner != "" {
			s.owner = owner
		}
	}
}

// WithObserver calls fn with what became of each occurrence this process
// looked at (for metrics). fn runs on Run's goroutine and must not block.
func WithObserver(fn func(Event)) Option { return func(s *Scheduler) { s.observer = fn } }

// Result is what became of an occurrence in this process.
type Result int

const (
	// Ran: this process claimed the occurrence and the job succeeded.
	Ran Result = iota
	// Failed: the job returned an error or panicked, or the occurrence
	// could not be claimed because the store failed.
	Failed
	// Taken: the occurrence was claimed before, by another process or by
	// an earlier run of this one; it was not run.
	Taken
	// Missed: the occurrence is older than the catch-up window and nobody
	// claimed it; it was not run.
	Missed
)

var resultNames = [...]string{"ran", "failed", "taken", "missed"}

func (r Result) String() string {
	if r < 0 || int(r) >= len(resultNames) {
		return fmt.Sprintf("result(%d)", int(r))
	}
	return resultNames[r]
}

// Event reports one occurrence to the observer.
type Event struct {
	Job    string
	At     time.Time // scheduled time
	Result Result
	Err    error // for Failed
	Retry  bool  // the second try
}

// New returns a scheduler of jobs whose specs are read in loc (the
// configured zone, config.Config.Location; UTC when nil), timed by clock
// (the system clock when nil), claiming occurrences in st.
func New(st Claims, clock chihuy.Clock, loc *time.Location, log zerolog.Logger, opts ...Option) *Scheduler {
	if clock == nil {
		clock = chihuy.SystemClock{}
	}
	if loc == nil {
		loc = time.UTC
	}
	s := &Scheduler{
		st: st, clock: clock, loc: loc, log: log,
		owner:   defaultOwner(),
		catchUp: DefaultCatchUp,
		poll:    DefaultPoll,
		retry:   DefaultRetryDelay,
		kick:    make(chan struct{}, 1),
	}
	if isSystemClock(clock) {
		s.poll = DefaultSystemPoll
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

func isSystemClock(c chihuy.Clock) bool {
	switch c.(type) {
	case chihuy.SystemClock, *chihuy.SystemClock:
		return true
	}
	return false
}

func defaultOwner() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Add schedules job under name (letters, digits and "._:-"; unique) at the
// times of spec, a standard 5-field cron expression ("0 18 * * *": 18:00
// every day) or descriptor ("@daily", "@weekly") read in the scheduler's
// zone; At.Spec writes one. "@every" and an own time zone are refused: an
// occurrence must be the same moment for every process. Added while Run
// runs, the job starts at once, catching up like at start.
func (s *Scheduler) Add(name, spec string, job Job, opts ...JobOption) error {
	if store.CheckJobName(name) != nil {
		return chihuy.Errorf(chihuy.EINVALID, msgBadName, name)
	}
	if job == nil {
		return chihuy.Errorf(chihuy.EINVALID, msgNoJob, name)
	}
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return chihuy.Errorf(chihuy.EINVALID, msgNoZone, spec, name, s.loc)
	}
	if strings.HasPrefix(spec, "@every") {
		return chihuy.Errorf(chihuy.EINVALID, msgEvery, spec, name)
	}
	parsed, err := cron.ParseStandard(spec)
	if err != nil {
		return chihuy.Errorf(chihuy.EINVALID, msgBadSpec, spec, name, s.loc, err)
	}
	sched, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return chihuy.Errorf(chihuy.EINVALID, msgEvery, spec, name)
	}
	sched.Location = s.loc
	if sched.Next(s.clock.Now()).IsZero() {
		return chihuy.Errorf(chihuy.EINVALID, msgNever, spec, name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.ContainsFunc(s.jobs, func(e *entry) bool { return e.name == name }) {
		return chihuy.Errorf(chihuy.EINVALID, msgDupName, name)
	}
	e := &entry{name: name, sched: sched, run: job}
	for _, o := range opts {
		o(e)
	}
	s.jobs = append(s.jobs, e)
	s.Kick()
	s.log.Info().Str("job", name).Str("spec", spec).Time("next", e.after(s.clock.Now())).Msg("scheduler: job added")
	return nil
}

// Next returns the first occurrence of the job name after the clock's
// now, in the scheduler's zone.
func (s *Scheduler) Next(name string) (time.Time, error) {
	s.mu.Lock()
	i := slices.IndexFunc(s.jobs, func(e *entry) bool { return e.name == name })
	var e *entry
	if i >= 0 {
		e = s.jobs[i]
	}
	s.mu.Unlock()
	if e == nil {
		return time.Time{}, chihuy.Errorf(chihuy.ENOTFOUND, msgNotFound, name)
	}
	return e.after(s.clock.Now()), nil
}

// Owner is the name under which this scheduler claims occurrences.
func (s *Scheduler) Owner() string { return s.owner }

// Kick makes Run look at the clock now instead of at its next poll: call
// it after moving an injected clock. It never blocks.
func (s *Scheduler) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// occurrence is one scheduled time of one job to be run by this process.
type occurrence struct {
	e       *entry
	seq     int // the job's position, to order jobs due at the same time
	at      time.Time
	retry   bool      // the second try
	claimed bool      // this process holds the claim (a retry after the job failed)
	watch   bool      // claimed by another live instance, unfinished: looked at again
	after   time.Time // a retry or a watch waits until then (real time)
}

// watchEvery is how often an occurrence that another instance claimed and
// has not finished is looked at again: if that instance dies (its
// heartbeat lapses), this one claims the occurrence and runs it.
const watchEvery = 2 * time.Second

// Run runs the jobs until ctx ends, then returns nil once the job in
// progress, if any, has returned. It returns an error only when the
// scheduler is already running.
func (s *Scheduler) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("schedule: Run called while already running")
	}
	defer s.running.Store(false)
	s.log.Info().Str("owner", s.owner).Str("zone", s.loc.String()).
		Dur("catch_up", s.catchUp).Msg("scheduler: started")
	timer := time.NewTimer(s.poll)
	defer timer.Stop()
	var retries []occurrence
	for {
		due := s.due(ctx, s.clock.Now())
		var later []occurrence
		realNow := time.Now()
		for _, r := range retries {
			if realNow.Before(r.after) {
				later = append(later, r)
			} else {
				due = append(due, r)
			}
		}
		retries = later
		slices.SortStableFunc(due, func(a, b occurrence) int {
			return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq))
		})
		for _, o := range due {
			if ctx.Err() != nil {
				break
			}
			if r, again := s.fire(ctx, o); again {
				retries = append(retries, r)
			}
		}
		timer.Reset(s.wait(s.clock.Now(), retries))
		select {
		case <-ctx.Done():
			s.log.Info().Msg("scheduler: stopped")
			return nil
		case <-s.kick:
		case <-timer.C:
		}
	}
}

// due moves every job's cursor to now and returns the occurrences to run.
func (s *Scheduler) due(ctx context.Context, now time.Time) []occurrence {
	s.mu.Lock()
	jobs := slices.Clone(s.jobs)
	s.mu.Unlock()
	var out []occurrence
	for i, e := range jobs {
		run, missed := s.advance(e, now)
		for _, at := range run {
			out = append(out, occurrence{e: e, seq: i, at: at})
		}
		if !missed.IsZero() {
			s.missed(ctx, e, missed, now)
		}
	}
	return out
}

// advance moves e's cursor to now. It returns the occurrences to run and
// the latest occurrence passed over because it is out of the catch-up
// window (zero when none).
func (s *Scheduler) advance(e *entry, now time.Time) (run []time.Time, missed time.Time) {
	edge := now.Add(-s.window(e))
	switch {
	case e.cursor.IsZero():
		// First look: only the latest occurrence catches up.
		if at := e.latest(edge, now); !at.IsZero() {
			run = []time.Time{at}
		} else {
			missed = e.latest(now.Add(-lookback), edge)
		}
	case now.Before(e.cursor):
		// The clock moved back: what ran stays claimed and will not run
		// again; what did not run will when its time comes.
	default:
		from := e.cursor
		if from.Before(edge) {
			missed = e.latest(laterOf(from, now.Add(-lookback)), edge)
			from = edge
		}
		run = e.between(from, now)
		if e.coalesce && len(run) > 1 {
			run = run[len(run)-1:]
		}
	}
	e.cursor = now
	e.next = e.after(now)
	return run, missed
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// after is e's first occurrence strictly after t, in the scheduler's zone;
// zero when there is none within five years.
func (e *entry) after(t time.Time) time.Time {
	next := e.sched.Next(t)
	if next.IsZero() {
		return next
	}
	return next.In(e.sched.Location)
}

// between returns e's occurrences in (from, to], oldest first.
func (e *entry) between(from, to time.Time) []time.Time {
	var out []time.Time
	for t := e.after(from); !t.IsZero() && !t.After(to); t = e.after(t) {
		out = append(out, t)
	}
	return out
}

// latest returns e's last occurrence in (from, to], zero when none. It
// looks back from to in doubling windows, so a frequent job is not walked
// through the whole span.
func (e *entry) latest(from, to time.Time) time.Time {
	if !to.After(from) {
		return time.Time{}
	}
	for w := time.Hour; ; w *= 2 {
		lo := to.Add(-w)
		if !lo.After(from) {
			lo = from
		}
		var last time.Time
		for t := e.after(lo); !t.IsZero() && !t.After(to); t = e.after(t) {
			last = t
		}
		if !last.IsZero() || lo.Equal(from) {
			return last
		}
	}
}

// missed logs an occurrence that is too old to run, unless it ran.
func (s *Scheduler) missed(ctx context.Context, e *entry, at, now time.Time) {
	log := s.log.With().Str("job", e.name).Time("at", at).Logger()
	run, claimed, err := s.st.JobRun(ctx, e.name, at)
	switch {
	case err != nil:
		log.Warn().Err(err).Msg("scheduler: cannot tell whether a past occurrence ran")
	case claimed && run.Finished.IsZero():
		log.Warn().Str("owner", run.Owner).Time("claimed", run.Claimed).
			Msg("scheduler: past occurrence was claimed but never finished (its process stopped?): not run again")
	case claimed:
		log.Debug().Str("owner", run.Owner).Bool("done", run.Done()).Msg("scheduler: past occurrence was run")
	default:
		log.Warn().Dur("late", now.Sub(at)).Dur("catch_up", s.window(e)).
			Msg("scheduler: occurrence missed and too old to catch up: not run")
		s.observe(Event{Job: e.name, At: at, Result: Missed})
	}
}

// fire claims and runs one occurrence. It returns the retry to schedule,
// if any.
func (s *Scheduler) fire(ctx context.Context, o occurrence) (occurrence, bool) {
	name := o.e.name
	log := s.log.With().Str("job", name).Time("at", o.at).Bool("retry", o.retry).Logger()
	if o.retry || o.watch {
		if late := s.clock.Now().Sub(o.at); late >= s.window(o.e) {
			log.Warn().Dur("late", late).Msg("scheduler: retry dropped, occurrence out of the catch-up window")
			return occurrence{}, false
		}
	}
	if !o.claimed {
		ok, err := s.st.ClaimJob(ctx, name, o.at, s.owner)
		if err != nil {
			log.Error().Err(err).Msg("scheduler: cannot claim occurrence")
			s.observe(Event{Job: name, At: o.at, Result: Failed, Err: err, Retry: o.retry})
			return s.retryOf(o, false)
		}
		if !ok {
			if !o.watch {
				log.Debug().Msg("scheduler: occurrence already claimed")
				s.observe(Event{Job: name, At: o.at, Result: Taken, Retry: o.retry})
			}
			// Claimed by a live instance and not finished: watch it, to run
			// it if that instance dies before it finishes.
			if run, found, err := s.st.JobRun(ctx, name, o.at); err == nil && found && run.Finished.IsZero() {
				return occurrence{e: o.e, seq: o.seq, at: o.at, watch: true, after: time.Now().Add(watchEvery)}, true
			}
			return occurrence{}, false
		}
		if o.watch {
			log.Warn().Msg("scheduler: the instance running this occurrence is gone: running it again")
		}
	}
	start := time.Now()
	if late := s.clock.Now().Sub(o.at); late >= time.Minute {
		log.Info().Dur("late", late).Msg("scheduler: running late occurrence")
	}
	err := call(ctx, o.e.run, o.at)
	if err != nil && ctx.Err() != nil {
		// Stopped by shutdown: the claim stays unfinished, so that the
		// occurrence is finished after the restart or by another instance.
		log.Warn().Err(err).Msg("scheduler: job interrupted by shutdown; it resumes after a restart or in another instance")
		return occurrence{}, false
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	if _, ferr := s.st.FinishJob(fctx, name, o.at, s.owner, err); ferr != nil {
		log.Error().Err(ferr).Msg("scheduler: cannot record the outcome")
	}
	cancel()
	if err == nil {
		log.Info().Dur("took", time.Since(start)).Msg("scheduler: job done")
		s.observe(Event{Job: name, At: o.at, Result: Ran, Retry: o.retry})
		return occurrence{}, false
	}
	log.Error().Err(err).Dur("took", time.Since(start)).Msg("scheduler: job failed")
	s.observe(Event{Job: name, At: o.at, Result: Failed, Err: err, Retry: o.retry})
	if ctx.Err() != nil {
		return occurrence{}, false // stopped by shutdown, not a failure to retry
	}
	return s.retryOf(o, true)
}

// retryOf is the second try of o, if retries are on and o was the first.
func (s *Scheduler) retryOf(o occurrence, claimed bool) (occurrence, bool) {
	if o.retry || s.retry == 0 {
		return occurrence{}, false
	}
	return occurrence{e: o.e, seq: o.seq, at: o.at, retry: true, claimed: claimed, after: time.Now().Add(s.retry)}, true
}

// call runs job, turning a panic into an error: a bug in one job must not
// stop the others.
func call(ctx context.Context, job Job, at time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return job(ctx, at)
}

func (s *Scheduler) observe(ev Event) {
	if s.observer != nil {
		s.observer(ev)
	}
}

// wait is how long Run sleeps: until the next occurrence or retry, at
// most the poll interval.
func (s *Scheduler) wait(now time.Time, retries []occurrence) time.Duration {
	d := s.poll
	s.mu.Lock()
	for _, e := range s.jobs {
		if e.cursor.IsZero() {
			d = 0 // added since the last look
		} else if !e.next.IsZero() {
			d = min(d, e.next.Sub(now))
		}
	}
	s.mu.Unlock()
	realNow := time.Now()
	for _, r := range retries {
		d = min(d, r.after.Sub(realNow))
	}
	return max(d, 0)
}
