package main

import (
	"context"
	"fmt"
	"net"
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

func builtinTree(tb testing.TB) *units.Tree {
	tb.Helper()
	tree, err := units.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	return tree
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
