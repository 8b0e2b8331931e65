package main

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy/internal/redistest"
)

func TestClusterMasterKilledNoReportLost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Redis Cluster and bot processes")
	}
	failoverScenario(t, "cluster")
}

func TestSentinelMasterShutDownNoReportLost(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Sentinel deployment and bot processes")
	}
	failoverScenario(t, "sentinel")
}

// BenchmarkFailover measures the time from the store being healthy again
// (Cluster: every slot served, Sentinel: the replica promoted) to the last
// answer of the reports sent during the failover.
func BenchmarkFailover(b *testing.B) {
	for _, kind := range []string{"cluster", "sentinel"} {
		b.Run(kind, func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				total += failoverScenario(b, kind)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s-after-store-healthy")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// failoverScenario runs a store failover under the bot: 20 communes
// report and are answered, the store's master serving the intake journal
// is killed (Cluster) or shut down (Sentinel), 20 more communes report at
// once. Every report is answered and counted once; /readyz answers 503
// while the store cannot take writes. It returns the time from the store
// being healthy again to the last answer.
func failoverScenario(tb testing.TB, kind string) time.Duration {
	var (
		cluster  *redistest.Cluster
		sentinel *redistest.SentinelSet
		url      string
	)
	switch kind {
	case "cluster":
		cluster = redistest.StartCluster(tb, 3)
		url = cluster.URL()
	case "sentinel":
		sentinel = redistest.StartSentinel(tb)
		url = sentinel.URL()
	}
	tree := builtinTree(tb)
	province, _ := tree.Get("12")
	var codes []string
	for _, d := range province.Children {
		for _, c := range d.Children {
			if len(codes) < 40 && c.IsLeaf() {
				codes = append(codes, c.Code)
			}
		}
	}
	w := newWorldOf(tb, codes, "", url)
	w.start("bot-a")
	w.awaitPolls(0, 1)
	time.Sleep(300 * time.Millisecond)
	first, second := map[int64]string{}, map[int64]string{}
	for id, code := range w.groups {
		if len(first) < len(w.groups)/2 {
			first[id] = code
		} else {
			second[id] = code
		}
	}
	say := func(groups map[int64]string) {
		for id, code := range groups {
			w.tg.PushMessage(id, "supergroup", "BCĐ xã "+code, 5_000_000+(-id%1_000_000), "Cán bộ "+code, "F0 1")
		}
	}
	say(first)
	deadline := time.Now().Add(60 * time.Second)
	for len(w.echoes()) < len(first) {
		if time.Now().After(deadline) {
			tb.Fatalf("before the failover: %d of %d answered; logs:\n%s", len(w.echoes()), len(first), w.logTail())
		}
		time.Sleep(5 * time.Millisecond)
	}

	// /readyz, watched from the failure on.
	ready := newReadyWatch("http://" + w.addrs[0] + "/readyz")
	defer ready.stop()
	failed := time.Now()
	switch kind {
	case "cluster":
		cluster.KillMasterOf(tb, "{in}")
	case "sentinel":
		sentinel.ShutdownMaster(tb)
	}
	say(second)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var err error
	switch kind {
	case "cluster":
		err = cluster.WaitHealthy(ctx)
	case "sentinel":
		err = sentinel.WaitPromoted(ctx)
	}
	if err != nil {
		tb.Fatalf("the store did not recover: %v", err)
	}
	healthy := time.Now()
	w.awaitEchoes(failed, 60*time.Second)
	recovered := max(time.Since(healthy), 0)
	if e := w.echoes(); len(e) == len(w.groups) {
		recovered = max(w.lastEcho().Sub(healthy), 0)
	}
	w.checkRecorded()
	if !ready.saw503Before(healthy) {
		tb.Errorf("/readyz never answered 503 while the store could not take writes")
	}
	if !ready.awaitOK(10 * time.Second) {
		tb.Errorf("/readyz does not answer 200 after the failover")
	}
	tb.Logf("%s: store healthy %v after the failure; last answer %v after that", kind, healthy.Sub(failed).Round(time.Millisecond), recovered.Round(time.Millisecond))
	return recovered
}

// lastEcho is when the fake received the last echo.
func (w *recoveryWorld) lastEcho() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastEchoAt
}

// readyWatch polls /readyz and remembers what it answered when.
type readyWatch struct {
	mu    sync.Mutex
	codes []readyAnswer
	done  chan struct{}
	wg    sync.WaitGroup
}

type readyAnswer struct {
	at   time.Time
	code int
}

func newReadyWatch(url string) *readyWatch {
	r := &readyWatch{done: make(chan struct{})}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		client := &http.Client{Timeout: 3 * time.Second}
		for {
			select {
			case <-r.done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			code := 0
			if resp, err := client.Get(url); err == nil {
				code = resp.StatusCode
				resp.Body.Close()
			}
			r.mu.Lock()
			r.codes = append(r.codes, readyAnswer{time.Now(), code})
			r.mu.Unlock()
		}
	}()
	return r
}

func (r *readyWatch) stop() {
	select {
	case <-r.done:
	default:
		close(r.done)
	}
	r.wg.Wait()
}

func (r *readyWatch) saw503Before(t time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range r.codes {
		if a.code == http.StatusServiceUnavailable && !a.at.After(t.Add(3*time.Second)) {
			return true
		}
	}
	return false
}

// awaitOK waits for a 200 answered after the watch's last 503.
func (r *readyWatch) awaitOK(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		n := len(r.codes)
		ok := n > 0 && r.codes[n-1].code == http.StatusOK
		r.mu.Unlock()
		if ok {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}
