package schedule

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
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

var resultNames = [...]string{"ran", "failed", "taken", "missed"}

// window is e's catch-up window.
func (s *Scheduler) window(e *entry) time.Duration {
	if e.catchUp > 0 {
		return e.catchUp
	}
	return s.catchUp
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
