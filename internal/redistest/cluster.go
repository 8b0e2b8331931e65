package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cluster is a private Redis Cluster: masters, each with one replica, on
// loopback ports, with a short node timeout (1 s) so that a failover takes
// a few seconds. Tests kill its masters (KillMasterOf) and watch the bot
// recover. Stopped at cleanup.
type Cluster struct {
	Nodes []*Server
}

// clusterNodeTimeout is the nodes' cluster-node-timeout: how long a master
// is unreachable before its replica is promoted.
const clusterNodeTimeout = time.Second

// StartCluster starts masters × 2 redis-server processes in cluster mode
// (append-only persistence on) and joins them with redis-cli --cluster
// create, one replica per master. It fails the test when redis-server or
// redis-cli is missing or the cluster does not form.
func StartCluster(tb testing.TB, masters int) *Cluster {
	tb.Helper()
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		tb.Fatalf("redistest: redis-cli not found on PATH (Debian: apt-get install redis-tools) — cluster tests need it")
	}
	c := &Cluster{}
	tb.Cleanup(c.Stop)
	var addrs []string
	for i := 0; i < 2*masters; i++ {
		dir := filepath.Join(tb.TempDir(), fmt.Sprint("node", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.Fatal(err)
		}
		s, err := start(dir, true, "--repl-diskless-sync-delay", "0", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", strconv.Itoa(int(clusterNodeTimeout.Milliseconds())))
		if err != nil {
			tb.Fatalf("redistest: cluster node: %v", err)
		}
		c.Nodes = append(c.Nodes, s)
		addrs = append(addrs, s.Addr)
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		tb.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.WaitHealthy(ctx); err != nil {
		tb.Fatalf("redistest: the cluster did not form: %v", err)
	}
	// Every replica in sync: a failover before its first sync would
	// promote an empty replica (or none).
	for _, n := range c.Nodes {
		rdb := redis.NewClient(Options(n.Addr))
		role, err := rdb.Do(ctx, "ROLE").Slice()
		rdb.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if len(role) > 0 && role[0] == "slave" {
			if err := waitInSync(n.Addr, 30*time.Second); err != nil {
				tb.Fatalf("redistest: %v", err)
			}
		}
	}
	return c
}

// URL is the store's redis-cluster:// URL of every node.
func (c *Cluster) URL() string {
	var addrs []string
	for _, n := range c.Nodes {
		addrs = append(addrs, n.Addr)
	}
	return "redis-cluster://" + strings.Join(addrs, ",")
}

// Stop kills every node.
func (c *Cluster) Stop() {
	for _, n := range c.Nodes {
		n.Stop()
	}
}

// alive are the nodes still running.
func (c *Cluster) alive() []*Server {
	var out []*Server
	for _, n := range c.Nodes {
		if n.cmd != nil {
			out = append(out, n)
		}
	}
	return out
}

// WaitHealthy waits until every live node says cluster_state:ok and every
// slot is served by a live master.
func (c *Cluster) WaitHealthy(ctx context.Context) error {
	for {
		err := c.healthy(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (c *Cluster) healthy(ctx context.Context) error {
	live := map[string]bool{}
	for _, n := range c.alive() {
		live[n.Addr] = true
	}
	for _, n := range c.alive() {
		rdb := redis.NewClient(&redis.Options{Addr: n.Addr, MaxRetries: -1, DialTimeout: time.Second})
		info, err := rdb.ClusterInfo(ctx).Result()
		var slots []redis.ClusterSlot
		if err == nil {
			slots, err = rdb.ClusterSlots(ctx).Result()
		}
		rdb.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", n.Addr, err)
		}
		if !strings.Contains(info, "cluster_state:ok") {
			return fmt.Errorf("%s: cluster state not ok", n.Addr)
		}
		covered := 0
		for _, s := range slots {
			if len(s.Nodes) == 0 || !live[s.Nodes[0].Addr] {
				return fmt.Errorf("%s: slots %d-%d served by a dead master", n.Addr, s.Start, s.End)
			}
			covered += s.End - s.Start + 1
		}
		if covered != 16384 {
			return fmt.Errorf("%s: %d slots covered", n.Addr, covered)
		}
	}
	return nil
}

// KillMasterOf kills (SIGKILL) the master serving key's slot and returns
// its address.
func (c *Cluster) KillMasterOf(tb testing.TB, key string) string {
	tb.Helper()
	ctx := context.Background()
	n := c.alive()[0]
	rdb := redis.NewClient(Options(n.Addr))
	defer rdb.Close()
	slot, err := rdb.ClusterKeySlot(ctx, key).Result()
	if err != nil {
		tb.Fatal(err)
	}
	slots, err := rdb.ClusterSlots(ctx).Result()
	if err != nil {
		tb.Fatal(err)
	}
	for _, s := range slots {
		if int64(s.Start) <= slot && slot <= int64(s.End) {
			addr := s.Nodes[0].Addr
			for _, node := range c.Nodes {
				if node.Addr == addr {
					node.cmd.Process.Signal(syscall.SIGKILL)
					node.cmd.Wait()
					node.cmd = nil
					return addr
				}
			}
		}
	}
	tb.Fatalf("redistest: no master serves slot %d", slot)
	return ""
}
