package schedule_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/schedule"
	"github.com/chihuy/chihuy/store"
)

var hcm = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// local is a time in Hà Nội in November 2021 (the 8th is a Monday, the
// 11th a Thursday).
func local(day, hour, min, sec int) time.Time {
	return time.Date(2021, time.November, day, hour, min, sec, 0, hcm)
}

// testClock is a clock the test sets by hand; it does not move by itself.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *testClock { return &testClock{t: t} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// newStore opens a store on the test's own keys. Each call is another
// client, as another process would have.
func newStore(t *testing.T, prefix string) *store.Store {
	t.Helper()
	return store.New(redistest.Shared(t).Client(t), store.WithPrefix(prefix))
}

// recorder remembers the runs of jobs, in order.
type recorder struct {
	mu   sync.Mutex
	runs []string // "name@15:04"
}

func (r *recorder) job(name string) schedule.Job { return r.failing(name, 0, nil) }

// failing returns a job that fails its first n runs with err.
func (r *recorder) failing(name string, n int, err error) schedule.Job {
	return func(ctx context.Context, at time.Time) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.runs = append(r.runs, name+"@"+at.In(hcm).Format("02 15:04"))
		if n > 0 {
			n--
			return err
		}
		return nil
	}
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.runs...)
}

func (r *recorder) count(run string) int {
	n := 0
	for _, x := range r.list() {
		if x == run {
			n++
		}
	}
	return n
}

// proc is one scheduler, as one bot process would run it.
type proc struct {
	*schedule.Scheduler
	st     *store.Store
	inst   *store.Instance
	events chan schedule.Event
	cancel context.CancelFunc
	done   chan error
}

func newProc(t *testing.T, st *store.Store, clock *testClock, opts ...schedule.Option) *proc {
	t.Helper()
	p := &proc{st: st, events: make(chan schedule.Event, 256)}
	opts = append([]schedule.Option{schedule.WithPoll(5 * time.Millisecond),
		schedule.WithObserver(func(ev schedule.Event) { p.events <- ev })}, opts...)
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel)
	p.Scheduler = schedule.New(st, clock, hcm, log, opts...)
	return p
}

func (p *proc) add(t *testing.T, name, spec string, job schedule.Job) {
	t.Helper()
	if err := p.Add(name, spec, job); err != nil {
		t.Fatalf("Add(%q, %q): %v", name, spec, err)
	}
}

// start runs the scheduler until stop or the end of the test.
// It keeps the heartbeat of the scheduler's owner, as the bot's instance
// does; kill stops it as kill -9 would.
func (p *proc) start(t *testing.T) {
	t.Helper()
	inst, err := p.st.StartInstance(context.Background(), p.Owner())
	if err != nil {
		t.Logf("no heartbeat (the store is down?): %v", err)
	}
	p.inst = inst
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan error, 1)
	go func() { p.done <- p.Run(ctx) }()
	t.Cleanup(func() { p.stop(t) })
}

func (p *proc) stop(t *testing.T) {
	if p.cancel == nil {
		return
	}
	p.cancel()
	p.cancel = nil
	if p.inst != nil {
		defer p.inst.Close()
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("Run did not return after its context ended")
	}
}

// await returns the next event of job's occurrence at at, skipping the
// events of other occurrences.
func (p *proc) await(t *testing.T, job string, at time.Time) schedule.Event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-p.events:
			if ev.Job == job && ev.At.Equal(at) {
				return ev
			}
		case <-timeout:
			t.Fatalf("no event for %s at %v", job, at)
			return schedule.Event{}
		}
	}
}
