package store

// Scheduled jobs (SPEC §7). One key per occurrence of a job, under the
// {cfg} tag:
//
//	{cfg}:job:NAME:UNIX   hash: owner, claimed (unix ms), tries, resumed
//	                      (claims taken over from a dead owner), and once
//	                      a try ended: finished (unix ms), err (empty on
//	                      success); TTL JobTTL
//
// UNIX is the occurrence's scheduled time in unix seconds. The key is
// created once, atomically (the equivalent of SET NX), by the process that
// claims the occurrence; every other process sharing the store then sees it
// claimed and does not run it. A hash rather than a string, so that the
// outcome is written into the claim without touching its TTL. Each
// occurrence costs one small hash for JobTTL: a few kilobytes for a
// handful of daily jobs.

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// JobTTL is how long the record of an occurrence is kept. It is longer
// than a week so that the last occurrence of a weekly job is still known
// when a process starts.
const JobTTL = 8 * 24 * time.Hour

// JobRun is the record of one occurrence of a scheduled job.
type JobRun struct {
	Name string
	At   time.Time // the scheduled time
	// Owner is the process that claimed the occurrence and ran it.
	Owner   string
	Claimed time.Time
	// Tries counts the runs that ended (successfully or not).
	Tries int
	// Finished is when the last try ended; zero while the first try runs,
	// or when the owner stopped before it ended.
	Finished time.Time
	// Err is the error of the last try, empty when it succeeded.
	Err string
	// Resumed counts the claims taken over after the owner stopped in
	// the middle (a restart under its name, or another instance).
	Resumed int
}

// Done reports whether the occurrence ran to success.
func (r JobRun) Done() bool { return !r.Finished.IsZero() && r.Err == "" }

// claimJobScript creates the occurrence's hash unless it exists; an
// occurrence claimed but never finished whose owner is the claimant (it
// restarted) or has no heartbeat (it is gone) is claimed again: 2.
var claimJobScript = newScript("job_claim", scriptSpec{
	keys: []string{"job"},
	args: []string{"owner", "claimed", "ttl", "heartbeats"},
})

// finishJobScript records the end of a try if owner holds the claim.
var finishJobScript = newScript("job_finish", scriptSpec{
	keys: []string{"job"},
	args: []string{"owner", "finished", "err"},
})

func (s *Store) jobKey(name string, at time.Time) string {
	return s.Key("cfg", "job", name, strconv.FormatInt(at.Unix(), 10))
}

// ClaimJob claims the occurrence of job name scheduled at at for owner (an
// instance name). It returns true when owner claimed it now: it was never
// claimed, or it was claimed and never finished by an instance that is
// gone (its heartbeat lapsed) or by owner itself before a restart — the
// job then runs again and must be idempotent. It returns false when the
// occurrence ran, or runs in a live instance: it must not run now.
func (s *Store) ClaimJob(ctx context.Context, name string, at time.Time, owner string) (bool, error) {
	if err := CheckJobName(name); err != nil {
		return false, err
	}
	if owner == "" {
		return false, fmt.Errorf("claim job %s at %d: empty owner", name, at.Unix())
	}
	n, err := claimJobScript.run(ctx, s.rdb, names{"job": s.jobKey(name, at)}, names{"owner": owner,
		"claimed": s.Now().UnixMilli(), "ttl": JobTTL.Milliseconds(), "heartbeats": s.instanceKey("")}).Int()
	if err != nil {
		return false, fmt.Errorf("claim job %s at %d: %w", name, at.Unix(), err)
	}
	return n >= 1, nil
}

// FinishJob records the end of one try of an occurrence owner claimed:
// runErr nil for success. It returns false, and records nothing, when
// owner does not hold the claim (it expired, or another process holds it).
func (s *Store) FinishJob(ctx context.Context, name string, at time.Time, owner string, runErr error) (bool, error) {
	if err := CheckJobName(name); err != nil {
		return false, err
	}
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
		if msg == "" {
			msg = "error"
		}
	}
	n, err := finishJobScript.run(ctx, s.rdb, names{"job": s.jobKey(name, at)},
		names{"owner": owner, "finished": s.Now().UnixMilli(), "err": msg}).Int()
	if err != nil {
		return false, fmt.Errorf("finish job %s at %d: %w", name, at.Unix(), err)
	}
	return n == 1, nil
}

// JobRun reads the record of an occurrence; ok is false when it was never
// claimed (or its record expired).
func (s *Store) JobRun(ctx context.Context, name string, at time.Time) (run JobRun, ok bool, err error) {
	if err := CheckJobName(name); err != nil {
		return JobRun{}, false, err
	}
	h, err := s.rdb.HGetAll(ctx, s.jobKey(name, at)).Result()
	if err != nil {
		return JobRun{}, false, fmt.Errorf("read job %s at %d: %w", name, at.Unix(), err)
	}
	if len(h) == 0 {
		return JobRun{}, false, nil
	}
	run = JobRun{Name: name, At: at, Owner: h["owner"], Err: h["err"]}
	run.Tries, _ = strconv.Atoi(h["tries"])
	run.Resumed, _ = strconv.Atoi(h["resumed"])
	run.Claimed = timeOfMilli(h["claimed"])
	run.Finished = timeOfMilli(h["finished"])
	return run, true, nil
}

// CheckJobName checks a job's name: 1–64 bytes of ASCII letters, digits
// and "._:-". The name is part of the occurrence's key.
func CheckJobName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("job name %q: want 1–64 bytes", name)
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '_', c == ':', c == '-':
		default:
			return fmt.Errorf("job name %q: contains %q; want letters, digits and ._:-", name, c)
		}
	}
	return nil
}
