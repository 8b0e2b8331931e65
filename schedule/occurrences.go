package schedule

// The occurrences of Run's loop: which are due after the clock moved,
// claiming and running one, retrying it, and how long to wait for the next.

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"time"
)

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
