package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelSet is a private Sentinel deployment: a master, its replica and
// one sentinel (quorum 1) that promotes the replica one second after the
// master stops answering. Stopped at cleanup.
type SentinelSet struct {
	Master, Replica, Sentinel *Server
	// Name is the monitored master's name.
	Name string
}

// StartSentinel starts the master, the replica and the sentinel, and
// waits until the sentinel knows the replica.
func StartSentinel(tb testing.TB) *SentinelSet {
	tb.Helper()
	ss := &SentinelSet{Name: "chihuy"}
	var err error
	if ss.Master, err = start(tb.TempDir(), true, "--repl-diskless-sync-delay", "0"); err != nil {
		tb.Fatalf("redistest: sentinel master: %v", err)
	}
	tb.Cleanup(ss.Master.Stop)
	host, port, _ := net.SplitHostPort(ss.Master.Addr)
	if ss.Replica, err = start(tb.TempDir(), true, "--replicaof", host, port); err != nil {
		tb.Fatalf("redistest: sentinel replica: %v", err)
	}
	tb.Cleanup(ss.Replica.Stop)
	if err := waitInSync(ss.Replica.Addr, 30*time.Second); err != nil {
		tb.Fatalf("redistest: sentinel replica: %v", err)
	}
	dir := tb.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	body := fmt.Sprintf("sentinel monitor %s %s %s 1\nsentinel down-after-milliseconds %s 1000\nsentinel failover-timeout %s 5000\n",
		ss.Name, host, port, ss.Name, ss.Name)
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
	path, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Fatal(err)
	}
	for attempt := 0; ; attempt++ {
		p, err := freePort()
		if err != nil {
			tb.Fatal(err)
		}
		s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), Dir: dir,
			args: []string{path, conf, "--sentinel", "--port", strconv.Itoa(p), "--bind", "127.0.0.1",
				"--daemonize", "no", "--protected-mode", "no", "--dir", dir, "--logfile", filepath.Join(dir, "redis.log")}}
		if err = s.launch(); err == nil {
			ss.Sentinel = s
			break
		}
		if attempt == 4 {
			tb.Fatalf("redistest: sentinel: %v", err)
		}
	}
	tb.Cleanup(ss.Sentinel.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sc := redis.NewSentinelClient(&redis.Options{Addr: ss.Sentinel.Addr})
	defer sc.Close()
	for {
		reps, err := sc.Replicas(ctx, ss.Name).Result()
		if err == nil && len(reps) > 0 {
			return ss
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("redistest: the sentinel did not see the replica: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// URL is the store's redis-sentinel:// URL.
func (ss *SentinelSet) URL() string {
	return "redis-sentinel://" + ss.Sentinel.Addr + "/" + ss.Name
}

// ShutdownMaster shuts the master down (SHUTDOWN NOSAVE, as an operator or
// a crash would stop it) and waits until it is gone.
func (ss *SentinelSet) ShutdownMaster(tb testing.TB) {
	tb.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: ss.Master.Addr})
	rdb.ShutdownNoSave(context.Background())
	rdb.Close()
	if ss.Master.cmd != nil {
		ss.Master.cmd.Wait()
		ss.Master.cmd = nil
	}
}

// WaitPromoted waits until the sentinel names the replica as master.
func (ss *SentinelSet) WaitPromoted(ctx context.Context) error {
	sc := redis.NewSentinelClient(&redis.Options{Addr: ss.Sentinel.Addr})
	defer sc.Close()
	for {
		addr, err := sc.GetMasterAddrByName(ctx, ss.Name).Result()
		if err == nil && len(addr) == 2 && net.JoinHostPort(addr[0], addr[1]) == ss.Replica.Addr {
			rdb := redis.NewClient(&redis.Options{Addr: ss.Replica.Addr})
			role, err := rdb.Do(ctx, "ROLE").Slice()
			rdb.Close()
			if err == nil && len(role) > 0 && role[0] == "master" {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// waitInSync waits until the replica at addr has its link to the master up
// (the first full sync done): a failover before that would promote an
// empty replica.
func waitInSync(addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	for {
		info, err := rdb.Info(ctx, "replication").Result()
		if err == nil && strings.Contains(info, "master_link_status:up") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("replica %s not in sync: %v (%v)", addr, ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
