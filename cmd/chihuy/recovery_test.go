package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

// Recovery end to end (SPEC §11): the bot as real processes — this test
// binary re-executed as the chihuy command — on a private redis-server and
// the fake Bot API; a process is killed with SIGKILL in the middle of the
// work. The times are measured by BenchmarkRecovery (BENCHMARKS.md); the
// tests check that nothing is lost or counted twice.

// asBinaryEnv makes the test binary run the chihuy command instead of the
// tests.
const asBinaryEnv = "CHIHUY_TEST_AS_BINARY"

func TestMain(m *testing.M) {
	if os.Getenv(asBinaryEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// recoveryWorld is one store, one fake Telegram and the communes of Lai
// Châu, each with its Telegram group bound in the configuration.
type recoveryWorld struct {
	t      testing.TB
	url    string   // CHIHUY_REDIS_URL
	addrs  []string // each process's HTTP address
	tg     *telegramtest.Server
	dir    string
	config string
	groups map[int64]string // chat id → commune code
	procs  []*exec.Cmd
	logs   int

	mu         sync.Mutex
	lastEchoAt time.Time
}

func newRecoveryWorld(tb testing.TB, communes int) *recoveryWorld {
	tb.Helper()
	tree := builtinTree(tb)
	province, _ := tree.Get("12")
	var codes []string
	var walk func(u *units.Unit)
	walk = func(u *units.Unit) {
		if u.IsLeaf() && len(codes) < communes {
			codes = append(codes, u.Code)
		}
		for _, c := range u.Children {
			walk(c)
		}
	}
	walk(province)
	if len(codes) < communes {
		tb.Fatalf("only %d communes in Lai Châu", len(codes))
	}
	return newWorldOf(tb, codes, "", "")
}

func builtinTree(tb testing.TB) *units.Tree {
	tb.Helper()
	tree, err := units.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	return tree
}

// newWorldOf binds one Telegram group to each unit of codes; extra is
// more of the YAML configuration; url is the store (a private
// redis-server when empty).
func newWorldOf(tb testing.TB, codes []string, extra, url string) *recoveryWorld {
	tb.Helper()
	if url == "" {
		url = redistest.Start(tb, true).URL()
	}
	w := &recoveryWorld{t: tb, url: url, tg: telegramtest.Start(), dir: tb.TempDir(),
		groups: map[int64]string{}}
	tb.Cleanup(w.tg.Close)
	w.tg.OnSend(func(s telegramtest.Sent) {
		if strings.Contains(s.Text, "Đã ghi nhận") {
			w.mu.Lock()
			w.lastEchoAt = time.Now()
			w.mu.Unlock()
		}
	})
	var yaml strings.Builder
	yaml.WriteString(extra)
	yaml.WriteString("chats:\n")
	for i, code := range codes {
		id := int64(-1_001_000_000 - i)
		w.groups[id] = code
		fmt.Fprintf(&yaml, "  - {chat: \"telegram:%d\", unit: %q}\n", id, code)
	}
	w.config = filepath.Join(w.dir, "config.yaml")
	if err := os.WriteFile(w.config, []byte(yaml.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		for _, p := range w.procs {
			if p.ProcessState == nil {
				p.Process.Kill()
				p.Wait()
			}
		}
	})
	return w
}

// start runs a bot process under instance name.
func (w *recoveryWorld) start(instance string) *exec.Cmd {
	w.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	w.logs++
	logf, err := os.Create(filepath.Join(w.dir, fmt.Sprintf("bot-%d-%s.log", w.logs, instance)))
	if err != nil {
		w.t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "run")
	cmd.Env = append(os.Environ(), asBinaryEnv+"=1",
		"CHIHUY_CONFIG="+w.config, "CHIHUY_REDIS_URL="+w.url,
		"CHIHUY_TELEGRAM_TOKEN="+w.tg.Token(), "CHIHUY_TELEGRAM_API_URL="+w.tg.URL(),
		"CHIHUY_HTTP_ADDR="+addr, "CHIHUY_INSTANCE="+instance, "CHIHUY_LOG_LEVEL=info")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	w.procs = append(w.procs, cmd)
	w.addrs = append(w.addrs, addr)
	return cmd
}

// kill9 kills a bot process as kill -9 does.
func (w *recoveryWorld) kill9(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// logTail is the end of every bot process's log, for failures.
func (w *recoveryWorld) logTail() string {
	files, _ := filepath.Glob(filepath.Join(w.dir, "bot-*.log"))
	var b strings.Builder
	for _, f := range files {
		data, _ := os.ReadFile(f)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		fmt.Fprintf(&b, "== %s\n%s\n", filepath.Base(f), strings.Join(lines[max(0, len(lines)-60):], "\n"))
	}
	return b.String()
}

// awaitPolls waits until the fake has seen n more getUpdates calls than
// from: a bot is polling.
func (w *recoveryWorld) awaitPolls(from, n int) {
	w.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for w.tg.Calls("getUpdates") < from+n {
		if time.Now().After(deadline) {
			w.t.Fatalf("no bot polls the fake Bot API; logs:\n%s", w.logTail())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// report sends one report from every commune's group; it returns when
// each was pushed.
func (w *recoveryWorld) report(text string) {
	for id, code := range w.groups {
		w.tg.PushMessage(id, "supergroup", "BCĐ xã "+code, 5_000_000+(-id%1_000_000), "Cán bộ "+code, text)
	}
}

// echoes counts the bot's echoes of recorded reports per group.
func (w *recoveryWorld) echoes() map[int64]int {
	n := map[int64]int{}
	for _, s := range w.tg.Messages() {
		if _, ok := w.groups[s.Chat]; ok && strings.Contains(s.Text, "Đã ghi nhận") {
			n[s.Chat]++
		}
	}
	return n
}

// awaitEchoes waits until every group has its echo, and returns how long
// that took from since.
func (w *recoveryWorld) awaitEchoes(since time.Time, timeout time.Duration) time.Duration {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if e := w.echoes(); len(e) == len(w.groups) {
			return time.Since(since)
		} else if time.Now().After(deadline) {
			for _, p := range w.procs {
				if p.ProcessState == nil {
					p.Process.Signal(syscall.SIGQUIT)
				}
			}
			time.Sleep(time.Second)
			st := w.store()
			ctx := context.Background()
			pend, perr := st.PendingUpdates(ctx)
			dead, _ := st.DeadUpdates(ctx, 5)
			r, b, derr := st.OutboxDepth(ctx, "telegram")
			w.t.Fatalf("%d of %d groups answered in %v (journal %d %v, dead %d, outbox %d/%d %v, getUpdates %d); logs:\n%s", len(e), len(w.groups), timeout,
				pend, perr, len(dead), r, b, derr, w.tg.Calls("getUpdates"), w.logTail())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// store opens the world's store.
func (w *recoveryWorld) store() *store.Store {
	w.t.Helper()
	st, err := store.Open(context.Background(), w.url)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { st.Close() })
	return st
}

// checkRecorded checks that every commune's report is stored once: its own
// F0 is 1, and the province's aggregate is the number of communes.
func (w *recoveryWorld) checkRecorded() {
	w.t.Helper()
	ctx := context.Background()
	st := w.store()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	today := chihuy.DayOf(time.Now().In(loc))
	var us []store.UnitShard
	for _, code := range w.groups {
		us = append(us, store.UnitShard{Unit: code, Shard: "12"})
	}
	reps, err := st.ReportRange(ctx, us, today.AddDays(-1), today.AddDays(1))
	if err != nil {
		w.t.Fatal(err)
	}
	if len(reps) != len(w.groups) {
		w.t.Errorf("%d reports stored, want %d (one per commune)", len(reps), len(w.groups))
	}
	for _, r := range reps {
		if r.Values["f0"] != 1 {
			w.t.Errorf("%s on %s: f0 = %d, want 1", r.Unit, r.Day, r.Values["f0"])
		}
	}
	if len(reps) > 0 {
		agg, err := st.Aggregate(ctx, store.UnitShard{Unit: "12", Shard: "12"}, reps[0].Day, dataset.Aggregations{"f0": dataset.Sum})
		if err != nil {
			w.t.Fatal(err)
		}
		if agg["f0"] != int64(len(w.groups)) {
			w.t.Errorf("province F0 = %d, want %d: a report lost or counted twice", agg["f0"], len(w.groups))
		}
	}
}

// recoveryScenario runs one crash: 40 reports, the active process killed
// 0.3 s later, then either the same instance restarted at once or a
// standby (already running) left alone. It returns the time from the kill
// to the last answer.
func recoveryScenario(tb testing.TB, standby bool) time.Duration {
	w := newRecoveryWorld(tb, 40)
	active := w.start("bot-a")
	w.awaitPolls(0, 1)
	if standby {
		w.start("bot-b")
		time.Sleep(time.Second) // the standby is up and waiting for the leases
	}
	w.report("F0 1")
	time.Sleep(300 * time.Millisecond)
	w.kill9(active)
	killed := time.Now()
	if !standby {
		w.start("bot-a")
	}
	took := w.awaitEchoes(killed, 60*time.Second)
	w.checkRecorded()
	return took
}

func TestKilledProcessRestartedAnswersEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bot processes")
	}
	recoveryScenario(t, false)
}

func TestKilledProcessStandbyAnswersEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bot processes")
	}
	recoveryScenario(t, true)
}

// A kill -9 in the middle of the evening digest job: the restarted
// instance finishes the job, and every bound unit gets its digest — once,
// but for the messages that were in flight at the kill (at least once).
func TestKilledInTheDigestJobEveryUnitGetsOne(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bot processes")
	}
	tree := builtinTree(t)
	// Every province, and the districts of the first provinces: ~150
	// digests, with their charts.
	var codes []string
	for _, p := range tree.Root().Children {
		codes = append(codes, p.Code)
	}
	for _, p := range tree.Root().Children {
		for _, d := range p.Children {
			if len(codes) < 150 && !d.IsLeaf() {
				codes = append(codes, d.Code)
			}
		}
	}
	// The digest time is this minute: the job runs as soon as the bot
	// starts (it catches up the occurrence that just passed).
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	now := time.Now().In(loc)
	at := time.Date(now.Year(), now.Month(), now.Day(), now.Hour(), now.Minute(), 0, 0, loc)
	job := fmt.Sprintf("digest-%02d%02d", at.Hour(), at.Minute())
	w := newWorldOf(t, codes, fmt.Sprintf("schedule: {digest: [\"%02d:%02d\"]}\n", at.Hour(), at.Minute()), "")
	digests := func() map[int64]int {
		n := map[int64]int{}
		for _, s := range w.tg.Messages() {
			if _, ok := w.groups[s.Chat]; ok && strings.Contains(s.Text, "TỔNG HỢP NGÀY") {
				n[s.Chat]++
			}
		}
		return n
	}
	bot := w.start("bot-a")
	deadline := time.Now().Add(60 * time.Second)
	for len(digests()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no digest sent; logs:\n%s", w.logTail())
		}
		time.Sleep(5 * time.Millisecond)
	}
	w.kill9(bot)
	before := len(digests())
	w.start("bot-a")
	deadline = time.Now().Add(120 * time.Second)
	for len(digests()) < len(codes) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d units got their digest; logs:\n%s", len(digests()), len(codes), w.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
	st := w.store()
	run, ok, err := st.JobRun(context.Background(), job, at)
	if err != nil || !ok {
		t.Fatalf("job %s: %v, %v", job, ok, err)
	}
	if !run.Done() || run.Resumed < 1 {
		t.Errorf("job %s: %+v, want done after a resumption", job, run)
	}
	twice := 0
	for chat, n := range digests() {
		if n > 2 {
			t.Errorf("%s got %d digests", w.groups[chat], n)
		}
		if n > 1 {
			twice++
		}
	}
	// At least once: what was in flight at the kill (at most one a chat,
	// and no more than the sender's workers) may go out again.
	if twice > 30 {
		t.Errorf("%d units got their digest twice, more than the sends in flight", twice)
	}
	t.Logf("%d of %d digests out before the kill, %d sent twice", before, len(codes), twice)
}

// A second live process under the same instance name refuses to start,
// with the reason in Vietnamese and English.
func TestLiveTwinRefusesToStart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts bot processes")
	}
	w := newRecoveryWorld(t, 1)
	w.start("bot-a")
	w.awaitPolls(0, 1)
	twin := w.start("bot-a")
	err := twin.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("the twin exited with %v, want a failure", err)
	}
	b, _ := os.ReadFile(filepath.Join(w.dir, "bot-2-bot-a.log"))
	if !strings.Contains(string(b), "CHIHUY_INSTANCE") || !strings.Contains(string(b), "Một tiến trình khác") {
		t.Errorf("the twin's output does not say why:\n%s", b)
	}
}

// BenchmarkRecovery measures the time from kill -9 of the active process
// to the last of 40 pending answers: restarted at once under its name, or
// taken over by a standby.
func BenchmarkRecovery(b *testing.B) {
	for _, standby := range []bool{false, true} {
		name := "restart"
		if standby {
			name = "standby"
		}
		b.Run(name, func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				total += recoveryScenario(b, standby)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s-to-answer-all")
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
