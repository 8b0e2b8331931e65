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
