// Package redistest starts private redis-server processes for tests. Tests
// talk to a real Redis, never a mock, and never to someone else's server:
// each test binary gets its own server on a free loopback port, and each
// test its own key prefix, so nothing is ever flushed that a test did not
// write.
//
// # Two backends
//
// The embedded store (no CHIHUY_REDIS_URL: the demo, trials) is the same
// product as Redis (SPEC §11), so the same tests run on both. With
// CHIHUY_TEST_STORE=embedded, Shared and Start start the embedded server
// (store.StartEmbedded) instead of redis-server; everything else is the
// same. A package whose TestMain calls Main runs its whole suite twice,
// once on each backend, in one `go test`.
package redistest

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy/store"
)

// Server is a running private redis-server.
type Server struct {
	Addr string
	Dir  string
	cmd  *exec.Cmd
	args []string
	mini *store.EmbeddedServer
}

// BackendEnv names the environment variable that selects the backend of
// the servers: "embedded" for the embedded store, anything else (or
// unset) for redis-server.
const BackendEnv = "CHIHUY_TEST_STORE"

// Embedded reports whether this test binary runs on the embedded store.
func Embedded() bool { return os.Getenv(BackendEnv) == "embedded" }

// Backend is the name of this binary's backend, for messages.
func Backend() string {
	if Embedded() {
		return "embedded"
	}
	return "redis"
}

// Main runs the package's tests on redis-server, then runs the test binary
// again with CHIHUY_TEST_STORE=embedded, so the whole suite runs on both
// backends; it exits with failure when either run fails. Benchmarks, fuzzing
// and listings run once. Call it from TestMain:
//
//	func TestMain(m *testing.M) { redistest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if os.Getenv(BackendEnv) != "" || onlyOnce() {
		os.Exit(code)
	}
	fmt.Fprintf(os.Stderr, "=== the same tests on the embedded store (%s=embedded)\n", BackendEnv)
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Env = append(os.Environ(), BackendEnv+"=embedded")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "--- FAIL: on the embedded store: %v\n", err)
		code = max(code, 1)
	}
	os.Exit(code)
}

// onlyOnce reports whether the binary was asked for benchmarks, fuzzing or
// a listing, which run on redis-server only.
func onlyOnce() bool {
	for _, name := range []string{"test.bench", "test.fuzz", "test.list"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return true
		}
	}
	return false
}

// URL is the redis:// URL of the server.
func (s *Server) URL() string { return "redis://" + s.Addr }

var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error
	prefixSeq  atomic.Int64
)

// Shared returns the test binary's own server, starting it on first use.
// It fails the test, never skips it, when no server can be started.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	sharedOnce.Do(func() {
		if Embedded() {
			shared, sharedErr = startEmbedded()
			return
		}
		dir, err := os.MkdirTemp("", "chihuy-redis-")
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = start(dir, false)
	})
	if sharedErr != nil {
		tb.Fatalf("redistest: %v", sharedErr)
	}
	return shared
}

// Prefix returns a key prefix unique to this test within the binary, so
// tests sharing a server never see each other's keys.
func Prefix(tb testing.TB) string {
	name := strings.NewReplacer("/", "_", " ", "_").Replace(tb.Name())
	return fmt.Sprintf("t%d_%s", prefixSeq.Add(1), name)
}

// Start starts a dedicated server for one test (for restart tests), with
// append-only persistence on when aof is true. It is stopped at cleanup.
// On the embedded backend the server keeps its data across Restart, as
// the embedded store keeps it for the life of the process.
func Start(tb testing.TB, aof bool) *Server {
	tb.Helper()
	if Embedded() {
		s, err := startEmbedded()
		if err != nil {
			tb.Fatalf("redistest: %v", err)
		}
		tb.Cleanup(s.mini.Close)
		return s
	}
	s, err := start(tb.TempDir(), aof)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// ioTimeout bounds a test client's read or write of one command. It is
// far above go-redis's 3 s default: under -race, on a loaded machine, the
// embedded server can take seconds to answer a large script or pipeline,
// and a test must not fail for the speed of the machine it runs on. A
// server that is gone still fails at once (connection refused or reset).
const ioTimeout = 60 * time.Second

// Options returns the go-redis options of a test client of addr: a test
// client waits for a slow answer (ioTimeout) rather than fail on the
// machine's load.
func Options(addr string) *redis.Options {
	return &redis.Options{Addr: addr, ReadTimeout: ioTimeout, WriteTimeout: ioTimeout}
}

// Client returns a go-redis client of the server (see Options), closed at
// cleanup.
func (s *Server) Client(tb testing.TB) *redis.Client {
	c := redis.NewClient(Options(s.Addr))
	tb.Cleanup(func() { c.Close() })
	return c
}

// Stop kills the server and waits for it.
func (s *Server) Stop() {
	if s.mini != nil {
		s.mini.Miniredis.Close() // stops listening, keeps the data for Restart
		return
	}
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart shuts the server down the way an operator's restart does
// (SIGTERM, which writes the append-only file out) and starts it again on
// the same port and data directory: with AOF on, every acknowledged write
// survives. A kill -9 would lose up to the last 2 s of writes with
// appendfsync everysec (Redis postpones the AOF write while a slow fsync
// runs), which is Redis's policy, not the bot's, and made tests depend on
// disk speed.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	if s.mini == nil {
		s.shutdown()
	} else {
		s.Stop()
	}
	if s.mini != nil {
		// miniredis cancels the context of blocking commands on Close and
		// does not renew it on Restart: renewed here, or every blocking
		// read after the restart fails at once.
		s.mini.Ctx, s.mini.CtxCancel = context.WithCancel(context.Background())
		if err := s.mini.Restart(); err != nil {
			tb.Fatalf("redistest: restart the embedded server: %v", err)
		}
		return
	}
	if err := s.launch(); err != nil {
		tb.Fatalf("redistest: restart: %v", err)
	}
}

// shutdown stops a redis-server gracefully: SIGTERM, then SIGKILL if it
// has not exited after 10 s.
func (s *Server) shutdown() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

func startEmbedded() (*Server, error) {
	m, err := store.StartEmbedded()
	if err != nil {
		return nil, err
	}
	return &Server{Addr: m.Addr(), mini: m}, nil
}

func start(dir string, aof bool, extra ...string) (*Server, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server not found on PATH: install it (Debian: apt-get install redis-server) — tests need a real Redis")
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		appendonly := "no"
		if aof {
			appendonly = "yes"
		}
		s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Dir: dir}
		s.args = []string{path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", appendonly, "--appendfsync", "everysec",
			"--dir", dir, "--daemonize", "no", "--protected-mode", "no",
			"--logfile", filepath.Join(dir, "redis.log")}
		s.args = append(s.args, extra...)
		if lastErr = s.launch(); lastErr == nil {
			return s, nil
		}
	}
	return nil, lastErr
}

func (s *Server) launch() error {
	cmd := exec.Command(s.args[0], s.args[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	s.cmd = cmd
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	for {
		if err := c.Ping(ctx).Err(); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			s.Stop()
			return fmt.Errorf("redis-server on %s did not answer in 10s; log: %s", s.Addr, tail(filepath.Join(s.Dir, "redis.log")))
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > 5 {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, " | ")
}
