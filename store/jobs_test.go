package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

var jobAt = time.Date(2021, 11, 8, 11, 0, 0, 0, time.UTC) // 18:00 in Hà Nội

// jobStores returns the store on the test's Redis and the embedded one
// that `chihuy demo` uses: the scripts must behave the same on both.
func jobStores(t *testing.T, clock chihuy.Clock) map[string]*store.Store {
	t.Helper()
	srv := redistest.Shared(t)
	embedded, err := store.Open(context.Background(), "", store.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { embedded.Close() })
	return map[string]*store.Store{
		"redis":    store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)), store.WithClock(clock)),
		"embedded": embedded,
	}
}

func TestJobClaimRunsOnceAndRecordsTries(t *testing.T) {
	claimedAt := jobAt.Add(2 * time.Second)
	clock := chihuy.ClockFunc(func() time.Time { return claimedAt })
	for kind, st := range jobStores(t, clock) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			if _, ok, err := st.JobRun(ctx, "digest", jobAt); err != nil || ok {
				t.Fatalf("JobRun before claim = ok %v, err %v; want not found", ok, err)
			}
			p1, err := st.StartInstance(ctx, "p1") // a live owner
			if err != nil {
				t.Fatal(err)
			}
			defer p1.Close()
			if ok, err := st.ClaimJob(ctx, "digest", jobAt, "p1"); err != nil || !ok {
				t.Fatalf("first claim = %v, %v; want true", ok, err)
			}
			if ok, err := st.ClaimJob(ctx, "digest", jobAt, "p2"); err != nil || ok {
				t.Fatalf("claim again by p2 while p1 lives = %v, %v; want false", ok, err)
			}
			// Another occurrence and another job are separate.
			if ok, err := st.ClaimJob(ctx, "digest", jobAt.Add(24*time.Hour), "p2"); err != nil || !ok {
				t.Fatalf("next day's claim = %v, %v; want true", ok, err)
			}
			if ok, err := st.ClaimJob(ctx, "late", jobAt, "p2"); err != nil || !ok {
				t.Fatalf("other job's claim = %v, %v; want true", ok, err)
			}

			run, ok, err := st.JobRun(ctx, "digest", jobAt)
			if err != nil || !ok {
				t.Fatalf("JobRun after claim = %v, %v", ok, err)
			}
			want := store.JobRun{Name: "digest", At: jobAt, Owner: "p1", Claimed: claimedAt}
			if !sameRun(run, want) || run.Done() {
				t.Fatalf("claimed run = %+v (done %v), want %+v, not done", run, run.Done(), want)
			}

			if ok, err := st.FinishJob(ctx, "digest", jobAt, "p2", nil); err != nil || ok {
				t.Fatalf("finish by a non-owner = %v, %v; want false", ok, err)
			}
			if ok, err := st.FinishJob(ctx, "digest", jobAt, "p1", errors.New("redis down")); err != nil || !ok {
				t.Fatalf("finish with error = %v, %v; want true", ok, err)
			}
			run, _, _ = st.JobRun(ctx, "digest", jobAt)
			want.Tries, want.Finished, want.Err = 1, claimedAt, "redis down"
			if !sameRun(run, want) || run.Done() {
				t.Fatalf("failed run = %+v, want %+v, not done", run, want)
			}
			if ok, err := st.FinishJob(ctx, "digest", jobAt, "p1", nil); err != nil || !ok {
				t.Fatalf("finish retry = %v, %v; want true", ok, err)
			}
			run, _, _ = st.JobRun(ctx, "digest", jobAt)
			want.Tries, want.Err = 2, ""
			if !sameRun(run, want) || !run.Done() {
				t.Fatalf("retried run = %+v, want %+v, done", run, want)
			}

			if ok, err := st.FinishJob(ctx, "never", jobAt, "p1", nil); err != nil || ok {
				t.Fatalf("finish of an unclaimed occurrence = %v, %v; want false", ok, err)
			}
		})
	}
}

func sameRun(a, b store.JobRun) bool {
	return a.Name == b.Name && a.At.Equal(b.At) && a.Owner == b.Owner && a.Claimed.Equal(b.Claimed) &&
		a.Tries == b.Tries && a.Finished.Equal(b.Finished) && a.Err == b.Err
}

func TestJobClaimExpires(t *testing.T) {
	srv := redistest.Shared(t)
	rdb := srv.Client(t)
	st := store.New(rdb, store.WithPrefix(redistest.Prefix(t)))
	ctx := context.Background()
	if _, err := st.ClaimJob(ctx, "digest", jobAt, "p1"); err != nil {
		t.Fatal(err)
	}
	key := st.Key("cfg", "job", "digest", "1636369200")
	ttl, err := rdb.PTTL(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl < store.JobTTL-time.Minute || ttl > store.JobTTL {
		t.Fatalf("TTL of %s = %v, want about %v", key, ttl, store.JobTTL)
	}
	if _, err := st.FinishJob(ctx, "digest", jobAt, "p1", nil); err != nil {
		t.Fatal(err)
	}
	if after, _ := rdb.PTTL(ctx, key).Result(); after <= 0 || after > ttl {
		t.Fatalf("TTL after finishing = %v, want kept (%v)", after, ttl)
	}
}

func TestJobNames(t *testing.T) {
	st := store.New(redistest.Shared(t).Client(t), store.WithPrefix(redistest.Prefix(t)))
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"digest", true},
		{"digest-18:00", true},
		{"weekly.compile_fri", true},
		{"", false},
		{"two words", false},
		{"{cfg}", false},
		{"thứ5", false},
		{string(make([]byte, 65)), false},
	} {
		err := store.CheckJobName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("CheckJobName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
		if _, cerr := st.ClaimJob(ctx, tc.name, jobAt, "p1"); (cerr == nil) != tc.ok {
			t.Errorf("ClaimJob(%q) error = %v, want ok %v", tc.name, cerr, tc.ok)
		}
	}
	if _, err := st.ClaimJob(ctx, "digest", jobAt.Add(time.Hour), ""); err == nil {
		t.Error("ClaimJob with an empty owner succeeded")
	}
}

// An occurrence claimed and never finished is claimed again by the
// instance itself after a restart, or by another once the owner's
// heartbeat is gone; a finished one never is.
func TestJobClaimTakenOverFromAGoneOwner(t *testing.T) {
	ctx := context.Background()
	st := store.New(redistest.Shared(t).Client(t), store.WithPrefix(redistest.Prefix(t)))
	steps := []struct {
		what  string
		owner string
		want  bool
	}{
		{"first claim by p1 (no heartbeat: p1 was killed)", "p1", true},
		{"p2 takes over p1's unfinished claim", "p2", true},
		{"p1 cannot while p2 lives", "p1", false},
		{"p2 restarted takes its own claim back", "p2", true},
	}
	p2, err := st.StartInstance(ctx, "p2")
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	for _, s := range steps {
		if ok, err := st.ClaimJob(ctx, "digest", jobAt, s.owner); err != nil || ok != s.want {
			t.Fatalf("%s: claim = %v, %v; want %v", s.what, ok, err, s.want)
		}
	}
	if ok, err := st.FinishJob(ctx, "digest", jobAt, "p2", nil); err != nil || !ok {
		t.Fatalf("finish = %v, %v", ok, err)
	}
	p2.Close()
	for _, owner := range []string{"p1", "p2", "p3"} {
		if ok, err := st.ClaimJob(ctx, "digest", jobAt, owner); err != nil || ok {
			t.Fatalf("claim of a finished occurrence by %s = %v, %v; want false", owner, ok, err)
		}
	}
}
