package schedule_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/schedule"
	"github.com/chihuy/chihuy/store"
)

// Two processes on one store: when the clock passes 18:00 the digest runs
// once, in one of them, every day.
func TestDailyJobRunsOnceAcrossProcesses(t *testing.T) {
	prefix := redistest.Prefix(t)
	clock := newClock(local(8, 17, 59, 30))
	rec := &recorder{}
	procs := []*proc{
		newProc(t, newStore(t, prefix), clock, schedule.WithOwner("p1")),
		newProc(t, newStore(t, prefix), clock, schedule.WithOwner("p2")),
	}
	for _, p := range procs {
		p.add(t, "digest", "0 18 * * *", rec.job("digest"))
		p.start(t)
	}
	// Both looked at the clock: yesterday's digest, never run, is too old.
	for _, p := range procs {
		if ev := p.await(t, "digest", local(7, 18, 0, 0)); ev.Result != schedule.Missed {
			t.Fatalf("yesterday's digest: %v, want missed", ev.Result)
		}
	}
	if runs := rec.list(); len(runs) != 0 {
		t.Fatalf("ran %v before 18:00", runs)
	}
	for _, day := range []int{8, 9} {
		at := local(day, 18, 0, 0)
		clock.Set(at.Add(5 * time.Second))
		var results []string
		for _, p := range procs {
			results = append(results, p.await(t, "digest", at).Result.String())
		}
		slices.Sort(results)
		if want := []string{"ran", "taken"}; !slices.Equal(results, want) {
			t.Fatalf("day %d: results %v, want %v", day, results, want)
		}
		if n := rec.count(at.Format("digest@02 15:04")); n != 1 {
			t.Fatalf("day %d: digest ran %d times, want 1 (runs %v)", day, n, rec.list())
		}
		run, ok, err := newStore(t, prefix).JobRun(context.Background(), "digest", at)
		if err != nil || !ok || !run.Done() || (run.Owner != "p1" && run.Owner != "p2") {
			t.Fatalf("day %d: record %+v (found %v, %v), want done by p1 or p2", day, run, ok, err)
		}
	}
}

// A job missed while the bot was down runs at start when its time is less
// than the catch-up window (one hour) in the past, never later.
func TestMissedWhileDown(t *testing.T) {
	at := local(8, 18, 0, 0)
	for _, tc := range []struct {
		name  string
		start time.Time
		want  schedule.Result
	}{
		{"just after", local(8, 18, 0, 1), schedule.Ran},
		{"half an hour late", local(8, 18, 30, 0), schedule.Ran},
		{"a second inside the window", local(8, 18, 59, 59), schedule.Ran},
		{"one hour late", local(8, 19, 0, 0), schedule.Missed},
		{"two hours late", local(8, 20, 0, 0), schedule.Missed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			p := newProc(t, newStore(t, redistest.Prefix(t)), newClock(tc.start))
			p.add(t, "digest", "0 18 * * *", rec.job("digest"))
			p.start(t)
			if ev := p.await(t, "digest", at); ev.Result != tc.want {
				t.Fatalf("result %v, want %v", ev.Result, tc.want)
			}
			wantRuns := 0
			if tc.want == schedule.Ran {
				wantRuns = 1
			}
			if n := rec.count("digest@08 18:00"); n != wantRuns {
				t.Fatalf("ran %d times, want %d", n, wantRuns)
			}
		})
	}
}

// After a run, a restarted process (or a second one starting) does not
// run the occurrence again.
func TestRestartDoesNotRunAgain(t *testing.T) {
	prefix := redistest.Prefix(t)
	at := local(8, 18, 0, 0)
	clock := newClock(local(8, 17, 59, 0))
	rec := &recorder{}
	first := newProc(t, newStore(t, prefix), clock)
	first.add(t, "digest", "0 18 * * *", rec.job("digest"))
	first.start(t)
	clock.Set(at.Add(10 * time.Second))
	if ev := first.await(t, "digest", at); ev.Result != schedule.Ran {
		t.Fatalf("first process: %v, want ran", ev.Result)
	}
	first.stop(t)

	for _, restart := range []time.Time{local(8, 18, 20, 0), local(8, 18, 59, 0)} {
		clock.Set(restart)
		p := newProc(t, newStore(t, prefix), clock)
		p.add(t, "digest", "0 18 * * *", rec.job("digest"))
		p.start(t)
		if ev := p.await(t, "digest", at); ev.Result != schedule.Taken {
			t.Fatalf("restart at %v: %v, want taken", restart, ev.Result)
		}
		p.stop(t)
	}
	if runs := rec.list(); !slices.Equal(runs, []string{"digest@08 18:00"}) {
		t.Fatalf("runs %v, want the digest once", runs)
	}
}

// The demo moves the clock and kicks the scheduler: the occurrences jumped
// over run at once, in time order, as far back as the catch-up window.
func TestKickAfterClockJump(t *testing.T) {
	deadline, err := schedule.ParseAt("17:00")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		opts   []schedule.Option
		jump   time.Time
		ran    []string
		missed []string
	}{
		{
			name: "window wider than the jump", opts: []schedule.Option{schedule.WithCatchUp(3 * time.Hour)},
			jump: local(8, 18, 0, 0),
			ran:  []string{"remind@08 16:00", "late@08 17:00", "digest@08 18:00"},
		},
		{
			name: "default window", jump: local(8, 18, 30, 0),
			ran:    []string{"digest@08 18:00"},
			missed: []string{"remind", "late"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock(local(8, 12, 0, 0))
			rec := &recorder{}
			// A poll of an hour: only Kick makes the scheduler look.
			opts := append([]schedule.Option{schedule.WithPoll(time.Hour)}, tc.opts...)
			p := newProc(t, newStore(t, redistest.Prefix(t)), clock, opts...)
			p.add(t, "remind", deadline.Add(-time.Hour).Spec(), rec.job("remind"))
			p.add(t, "late", deadline.Spec(), rec.job("late"))
			p.add(t, "digest", "0 18 * * *", rec.job("digest"))
			p.start(t)
			p.await(t, "digest", local(7, 18, 0, 0)) // the first look is done

			clock.Set(tc.jump)
			p.Kick()
			// Missed occurrences are reported when the jump is seen, before
			// anything runs.
			for _, job := range tc.missed {
				at := map[string]time.Time{"remind": local(8, 16, 0, 0), "late": local(8, 17, 0, 0)}[job]
				if ev := p.await(t, job, at); ev.Result != schedule.Missed {
					t.Fatalf("%s: %v, want missed", job, ev.Result)
				}
			}
			if ev := p.await(t, "digest", local(8, 18, 0, 0)); ev.Result != schedule.Ran {
				t.Fatalf("digest: %v, want ran", ev.Result)
			}
			if runs := rec.list(); !slices.Equal(runs, tc.ran) {
				t.Fatalf("runs %v, want %v", runs, tc.ran)
			}
		})
	}
}

// When the clock moves back, what ran does not run again.
func TestClockMovedBackDoesNotRunAgain(t *testing.T) {
	at := local(8, 18, 0, 0)
	clock := newClock(at.Add(10 * time.Second))
	rec := &recorder{}
	p := newProc(t, newStore(t, redistest.Prefix(t)), clock)
	p.add(t, "digest", "0 18 * * *", rec.job("digest"))
	p.start(t)
	if ev := p.await(t, "digest", at); ev.Result != schedule.Ran {
		t.Fatalf("digest: %v, want ran", ev.Result)
	}
	clock.Set(local(8, 17, 59, 0))
	// A job added now runs its 17:59 occurrence: its event proves the
	// scheduler has seen the clock at 17:59.
	p.add(t, "probe", "59 17 * * *", rec.job("probe"))
	if ev := p.await(t, "probe", local(8, 17, 59, 0)); ev.Result != schedule.Ran {
		t.Fatalf("probe: %v, want ran", ev.Result)
	}
	clock.Set(at.Add(20 * time.Second))
	p.Kick()
	if ev := p.await(t, "digest", at); ev.Result != schedule.Taken {
		t.Fatalf("digest after the clock came back: %v, want taken", ev.Result)
	}
	if n := rec.count("digest@08 18:00"); n != 1 {
		t.Fatalf("digest ran %d times, want 1", n)
	}
}

// A failed job is tried once more; the outcome is recorded in the claim.
func TestFailedJobIsRetriedOnce(t *testing.T) {
	at := local(8, 18, 0, 0)
	boom := errors.New("redis: connection reset")
	for _, tc := range []struct {
		name     string
		job      func(*recorder) schedule.Job
		results  []schedule.Result
		tries    int
		errorHas string
	}{
		{
			name:    "fails then succeeds",
			job:     func(r *recorder) schedule.Job { return r.failing("digest", 1, boom) },
			results: []schedule.Result{schedule.Failed, schedule.Ran}, tries: 2,
		},
		{
			name: "always panics",
			job: func(r *recorder) schedule.Job {
				job := r.job("digest")
				return func(ctx context.Context, at time.Time) error { job(ctx, at); panic("nil map") }
			},
			results: []schedule.Result{schedule.Failed, schedule.Failed}, tries: 2, errorHas: "panic: nil map",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t, redistest.Prefix(t))
			clock := newClock(at.Add(time.Minute))
			rec := &recorder{}
			p := newProc(t, st, clock, schedule.WithRetryDelay(time.Millisecond))
			p.add(t, "digest", "0 18 * * *", tc.job(rec))
			p.start(t)
			for i, want := range tc.results {
				ev := p.await(t, "digest", at)
				if ev.Result != want || ev.Retry != (i == 1) {
					t.Fatalf("try %d: %v (retry %v, err %v), want %v", i+1, ev.Result, ev.Retry, ev.Err, want)
				}
			}
			// The next day's run proves the loop went on without a third try.
			clock.Set(at.Add(24*time.Hour + time.Second))
			p.await(t, "digest", at.Add(24*time.Hour))
			if n := rec.count("digest@08 18:00"); n != tc.tries {
				t.Fatalf("ran %d times, want %d", n, tc.tries)
			}
			run, _, err := st.JobRun(context.Background(), "digest", at)
			if err != nil || run.Tries != tc.tries || !strings.Contains(run.Err, tc.errorHas) ||
				(tc.errorHas == "") != run.Done() {
				t.Fatalf("record %+v (%v), want %d tries, error with %q", run, err, tc.tries, tc.errorHas)
			}
		})
	}
}

// When the store is down, the claim fails, is tried once more, and the
// job does not run unclaimed.
func TestStoreDownRunsNothing(t *testing.T) {
	srv := redistest.Start(t, false)
	// A client that gives up at once, so the test does not wait out
	// go-redis's retries.
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1, DialerRetries: 1, DialerRetryTimeout: time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	st := store.New(rdb, store.WithPrefix(redistest.Prefix(t)))
	srv.Stop()
	at := local(8, 18, 0, 0)
	rec := &recorder{}
	p := newProc(t, st, newClock(at.Add(time.Minute)), schedule.WithRetryDelay(time.Millisecond))
	p.add(t, "digest", "0 18 * * *", rec.job("digest"))
	p.start(t)
	for i := range 2 {
		ev := p.await(t, "digest", at)
		if ev.Result != schedule.Failed || ev.Err == nil || ev.Retry != (i == 1) {
			t.Fatalf("try %d: %+v, want failed", i+1, ev)
		}
	}
	if runs := rec.list(); len(runs) != 0 {
		t.Fatalf("ran %v without a claim", runs)
	}
}

func TestRunTwiceIsRefused(t *testing.T) {
	p := newProc(t, newStore(t, redistest.Prefix(t)), newClock(local(8, 9, 0, 0)))
	p.add(t, "digest", "0 18 * * *", (&recorder{}).job("digest"))
	p.start(t)
	p.await(t, "digest", local(7, 18, 0, 0)) // running
	if err := p.Run(context.Background()); err == nil {
		t.Fatal("second Run returned nil")
	}
}

// Weekly results are due Thursday 17:00 in Hà Nội, whatever zone the
// clock reads in.
func TestWeeklyNext(t *testing.T) {
	thu := local(11, 17, 0, 0)
	next := thu.AddDate(0, 0, 7)
	for _, tc := range []struct {
		now  time.Time
		want time.Time
	}{
		{local(8, 9, 0, 0), thu},  // Monday
		{local(11, 0, 0, 0), thu}, // Thursday midnight
		{local(11, 16, 59, 59), thu},
		{local(11, 17, 0, 0), next},                            // at the time: the next one
		{local(12, 8, 0, 0), next},                             // Friday
		{time.Date(2021, 11, 11, 9, 59, 0, 0, time.UTC), thu},  // 16:59 in Hà Nội
		{time.Date(2021, 11, 11, 10, 0, 0, 0, time.UTC), next}, // 17:00 in Hà Nội
		{time.Date(2021, 11, 10, 23, 30, 0, 0, time.UTC), thu}, // Wednesday in UTC, Thursday 06:30 in Hà Nội
		{time.Date(2021, 11, 11, 11, 0, 0, 0, time.UTC), next}, // still Thursday in UTC, 18:00 in Hà Nội
	} {
		p := newProc(t, newStore(t, redistest.Prefix(t)), newClock(tc.now))
		for i, text := range []string{"thu 17:00", "thứ 5 17:00", "t5 17:00", "Thứ Năm 17h"} {
			at, err := schedule.ParseAt(text)
			if err != nil {
				t.Fatalf("ParseAt(%q): %v", text, err)
			}
			name := fmt.Sprintf("weekly%d", i)
			p.add(t, name, at.Spec(), (&recorder{}).job(name))
			got, err := p.Next(name)
			if err != nil {
				t.Fatalf("Next(%q): %v", name, err)
			}
			if !got.Equal(tc.want) || got.Location().String() != "Asia/Ho_Chi_Minh" {
				t.Errorf("%q at %v: next %v, want %v in Asia/Ho_Chi_Minh", text, tc.now, got, tc.want)
			}
		}
	}
}

func TestNextOfUnknownJob(t *testing.T) {
	p := newProc(t, newStore(t, redistest.Prefix(t)), newClock(local(8, 9, 0, 0)))
	if _, err := p.Next("digest"); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Fatalf("Next of an unknown job: %v, want not found", err)
	}
}

func TestAddValidates(t *testing.T) {
	job := (&recorder{}).job("x")
	// One scheduler for all cases, so that a name already added is refused.
	p := newProc(t, newStore(t, redistest.Prefix(t)), newClock(local(8, 9, 0, 0)))
	for _, tc := range []struct {
		name, spec string
		job        schedule.Job
		ok         bool
	}{
		{"digest", "0 18 * * *", job, true},
		{"weekly", "0 17 * * thu", job, true},
		{"midnight", "@daily", job, true},
		{"spaced", "  30 7 * * 1-5 ", job, true},
		{"digest", "0 19 * * *", job, false}, // the name is taken
		{"hour25", "0 25 * * *", job, false},
		{"minute61", "61 * * * *", job, false},
		{"short", "* * *", job, false},
		{"text", "17:00", job, false},
		{"every", "@every 1h", job, false},
		{"zone", "CRON_TZ=UTC 0 18 * * *", job, false},
		{"zone2", "TZ=Asia/Bangkok 0 18 * * *", job, false},
		{"never", "0 0 30 2 *", job, false},
		{"nojob", "0 18 * * *", nil, false},
		{"", "0 18 * * *", job, false},
		{"tổng hợp", "0 18 * * *", job, false},
	} {
		err := p.Add(tc.name, tc.spec, tc.job)
		if (err == nil) != tc.ok {
			t.Errorf("Add(%q, %q) = %v, want ok %v", tc.name, tc.spec, err, tc.ok)
		}
		if err != nil && chihuy.ErrorCode(err) != chihuy.EINVALID {
			t.Errorf("Add(%q, %q) = %v, want code %s", tc.name, tc.spec, err, chihuy.EINVALID)
		}
	}
}

// Per-job options: a job's own catch-up window decides whether a jumped
// occurrence still runs, and a coalescing job runs only the latest of the
// occurrences jumped over.
func TestJobOptionsAfterClockJump(t *testing.T) {
	clock := newClock(local(8, 15, 30, 0))
	rec := &recorder{}
	p := newProc(t, newStore(t, redistest.Prefix(t)), clock, schedule.WithPoll(time.Hour))
	p.add(t, "remind", "0 16 * * *", rec.job("remind"))
	if err := p.Add("late", "0 17 * * *", rec.job("late"), schedule.CatchUp(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := p.Add("minutely", "* * * * *", rec.job("minutely"), schedule.Coalesce()); err != nil {
		t.Fatal(err)
	}
	p.start(t)
	p.await(t, "minutely", local(8, 15, 30, 0)) // the first look is done

	clock.Set(local(8, 18, 5, 0))
	p.Kick()
	if ev := p.await(t, "remind", local(8, 16, 0, 0)); ev.Result != schedule.Missed {
		t.Fatalf("remind at 16:00 seen at 18:05: %v, want missed (default window of an hour)", ev.Result)
	}
	if ev := p.await(t, "minutely", local(8, 18, 5, 0)); ev.Result != schedule.Ran {
		t.Fatalf("minutely: %v, want ran", ev.Result)
	}
	want := []string{"minutely@08 15:30", "late@08 17:00", "minutely@08 18:05"}
	if runs := rec.list(); !slices.Equal(runs, want) {
		t.Fatalf("runs %v, want %v", runs, want)
	}
}

// An occurrence whose instance stops in the middle of it is finished by a
// standby once that instance's heartbeat is gone, and by the instance
// itself when it restarts under its name.
func TestUnfinishedOccurrenceResumes(t *testing.T) {
	at := local(8, 18, 0, 0)
	for _, tc := range []struct {
		name    string
		resumer string
	}{
		{"a standby takes over", "p2"},
		{"the instance restarted under its name", "p1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prefix := redistest.Prefix(t)
			clock := newClock(at.Add(5 * time.Second))
			started := make(chan struct{}, 1)
			blocking := func(ctx context.Context, at time.Time) error {
				started <- struct{}{}
				<-ctx.Done() // interrupted in the middle
				return ctx.Err()
			}
			p1 := newProc(t, newStore(t, prefix), clock, schedule.WithOwner("p1"))
			p1.add(t, "digest", "0 18 * * *", blocking)
			p1.start(t)
			<-started
			rec := &recorder{}
			var p2 *proc
			if tc.resumer == "p2" {
				p2 = newProc(t, newStore(t, prefix), clock, schedule.WithOwner("p2"))
				p2.add(t, "digest", "0 18 * * *", rec.job("digest"))
				p2.start(t)
				if ev := p2.await(t, "digest", at); ev.Result != schedule.Taken {
					t.Fatalf("standby while p1 runs: %v, want taken", ev.Result)
				}
			}
			p1.stop(t)
			if p2 == nil {
				p2 = newProc(t, newStore(t, prefix), clock, schedule.WithOwner("p1"))
				p2.add(t, "digest", "0 18 * * *", rec.job("digest"))
				p2.start(t)
			}
			if ev := p2.await(t, "digest", at); ev.Result != schedule.Ran {
				t.Fatalf("after p1 stopped: %v, want ran", ev.Result)
			}
			if runs := rec.list(); !slices.Equal(runs, []string{"digest@08 18:00"}) {
				t.Fatalf("runs %v, want the digest finished once", runs)
			}
		})
	}
}
