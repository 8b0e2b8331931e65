// Package store keeps the bot's state in Redis.
//
// # Connection
//
// Open takes CHIHUY_REDIS_URL: redis:// or rediss:// for a standalone
// server, redis-sentinel://[:password@]host:port[,host:port]/mastername for
// Sentinel, redis-cluster://host:port[,host:port] for Cluster (all through
// go-redis's UniversalClient). An empty URL starts an embedded in-memory
// server (miniredis) in the process: the same code path runs, nothing
// persists, and Open's caller must say so loudly.
//
// # Keys
//
// Every key starts with the prefix (default "chihuy") and carries a Redis
// Cluster hash tag in braces, so that every multi-key operation and every
// script touches one slot:
//
//	{prefix}:{in}:…            intake journal (updates, dedupe marks)
//	{prefix}:{ob}:…            outbox (queues, payloads, sent marks)
//	{prefix}:{cfg}:…           chats, members, roles, invites, leases,
//	                           scheduled job runs (jobs.go), the tree
//	                           the stored codes name and the
//	                           reorganisation journal (reorg.go)
//	{prefix}:{s:SHARD}:…       reports, aggregates, cumulative totals and
//	                           alerts of one shard (reports.go, alerts.go)
//	{prefix}:{rep}:shards      the shards holding reports (retention)
//	{prefix}:{cd:ID}:…         one directive: targets, deliveries,
//	                           acknowledgements, results (directives.go)
//	{prefix}:{cdx}:…           directive indexes: id counters, open
//	                           directives, deadlines
//
// A shard is a child of the tree's root (a province in the national tree):
// a report and all the aggregates it updates, up to the shard's top, live
// in one slot. The root's own aggregate is read as the sum of its
// children's, never written. The layout of each family of keys is
// documented in the file that owns it.
//
// # Scripts
//
// Every change that must be atomic is one Lua script: a file of lua/
// (embedded), declared beside the method that runs it with the names of
// its keys and arguments. A prologue generated from the declaration binds
// the names, so scripts never index KEYS or ARGV, and Go passes keys and
// arguments by name (script.go). The same scripts run on Redis and on the
// embedded store.
//
// # Size
//
// Reports of the whole country (10,047 communes × 25 elements × 365 days)
// take about 3.9 GB of Redis a year, half of it the raw message history;
// a national directive 0.7 MB, 4–6 MB once acknowledged and reported on.
// Days older than the retention are exported and dropped (ExpireBefore).
package store

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
)

// DefaultPrefix is the key prefix in production.
const DefaultPrefix = "chihuy"

// Store is the Redis-backed state of the bot. It is safe for concurrent use
// by any number of goroutines and processes.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	clock  chihuy.Clock
	mini   *EmbeddedServer
	// stopRefresh ends the Cluster slot map refresh (refreshSlots).
	stopRefresh chan struct{}
	// trees holds the units tree the store answers in (units.go).
	trees *treeRef
	// view is true for a store made by In: closing it closes nothing.
	view bool
}

// slotRefresh is how often a Cluster client reloads its slot map.
const slotRefresh = time.Second

// refreshSlots reloads the Cluster slot map every slotRefresh until stop
// is closed. go-redis reloads it on a MOVED answer, which a dead master
// never gives: without this, commands for its slots keep going to it
// until some other error happens to reload the map (tens of seconds after
// the cluster itself has promoted the replica). One CLUSTER SLOTS a
// second is nothing for Redis.
func refreshSlots(cc *redis.ClusterClient, stop <-chan struct{}) {
	t := time.NewTicker(slotRefresh)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			cc.ReloadState(context.Background())
		}
	}
}

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the key prefix (tests use one per test).
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// WithClock injects the clock.
func WithClock(c chihuy.Clock) Option { return func(s *Store) { s.clock = c } }

// New wraps an existing client.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: DefaultPrefix, clock: chihuy.SystemClock{}, trees: &treeRef{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Open connects to the Redis named by rawURL, or starts an embedded
// in-memory server when rawURL is empty (see Embedded).
func Open(ctx context.Context, rawURL string, opts ...Option) (*Store, error) {
	if strings.TrimSpace(rawURL) == "" {
		m, err := StartEmbedded()
		if err != nil {
			return nil, err
		}
		s := New(redis.NewClient(&redis.Options{Addr: m.Addr()}), opts...)
		s.mini = m
		return s, nil
	}
	uo, err := universalOptions(rawURL)
	if err != nil {
		return nil, err
	}
	failoverTimeouts(uo)
	s := New(redis.NewUniversalClient(uo), opts...)
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		s.stopRefresh = make(chan struct{})
		go refreshSlots(cc, s.stopRefresh)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		s.rdb.Close()
		return nil, fmt.Errorf("connect to redis %s: %w", redactURL(rawURL), err)
	}
	return s, nil
}

// failoverTimeouts sizes the client for a store failover (SPEC §11: at
// most 5 s beyond the store's own recovery). A dead master is given up
// after a 1 s dial or a 2 s read rather than go-redis's 5 s and 3 s; a
// command is retried (go-redis's 3 times) after 50–500 ms rather than
// 8–512 ms. Callers retry beyond that (the intake every second at most,
// the outbox too).
// In a Cluster, go-redis reloads its slot map after a MOVED answer or a
// connection error, and follows up to 8 redirects; under Sentinel it
// switches master on the sentinels' +switch-master.
func failoverTimeouts(o *redis.UniversalOptions) {
	o.DialTimeout = time.Second
	o.ReadTimeout = 2 * time.Second
	o.WriteTimeout = 2 * time.Second
	o.MaxRetries = 3
	o.MinRetryBackoff = 50 * time.Millisecond
	o.MaxRetryBackoff = 500 * time.Millisecond
	o.MaxRedirects = 8
}

// universalOptions turns a URL into go-redis universal options.
func universalOptions(raw string) (*redis.UniversalOptions, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	switch u.Scheme {
	case "redis", "rediss", "unix":
		o, err := redis.ParseURL(raw)
		if err != nil {
			return nil, fmt.Errorf("redis url %s: %w", redactURL(raw), err)
		}
		return &redis.UniversalOptions{Addrs: []string{o.Addr}, Username: o.Username, Password: o.Password,
			DB: o.DB, TLSConfig: o.TLSConfig, Protocol: o.Protocol}, nil
	case "redis-sentinel":
		pw, _ := u.User.Password()
		master := strings.Trim(u.Path, "/")
		if master == "" {
			return nil, fmt.Errorf("redis url %s: sentinel needs /mastername", redactURL(raw))
		}
		return &redis.UniversalOptions{Addrs: strings.Split(u.Host, ","), MasterName: master, Password: pw}, nil
	case "redis-cluster":
		pw, _ := u.User.Password()
		return &redis.UniversalOptions{Addrs: strings.Split(u.Host, ","), Password: pw, IsClusterMode: true}, nil
	}
	return nil, fmt.Errorf("redis url %s: unknown scheme %q (want redis, rediss, redis-sentinel, redis-cluster)", redactURL(raw), u.Scheme)
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable url)"
	}
	return u.Redacted()
}

// Embedded reports whether the store is the in-memory server.
func (s *Store) Embedded() bool { return s.mini != nil }

// Client returns the underlying client.
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// Prefix returns the key prefix.
func (s *Store) Prefix() string { return s.prefix }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.clock.Now() }

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

// Ready checks that the store takes writes where the bot writes first: the
// intake journal ({in}) and the outbox ({ob}). A replica or a master that
// lost its quorum answers PING but refuses writes; in a Cluster the two
// tags may live on different masters. Each probe is a short-lived key.
func (s *Store) Ready(ctx context.Context) error {
	for _, tag := range []string{"in", "ob"} {
		if err := s.rdb.Set(ctx, s.Key(tag, "ready"), s.Now().UnixMilli(), 10*time.Second).Err(); err != nil {
			return fmt.Errorf("store cannot take writes ({%s}): %w", tag, err)
		}
	}
	return nil
}

// Close closes the client and stops an embedded server; on a store made
// by In it does nothing.
func (s *Store) Close() error {
	if s.view {
		return nil
	}
	if s.stopRefresh != nil {
		close(s.stopRefresh)
		s.stopRefresh = nil
	}
	err := s.rdb.Close()
	if s.mini != nil {
		s.mini.Close()
	}
	return err
}

// Key builds "prefix:{tag}:part:part…".
func (s *Store) Key(tag string, parts ...string) string {
	var b strings.Builder
	b.WriteString(s.prefix)
	b.WriteString(":{")
	b.WriteString(tag)
	b.WriteString("}")
	for _, p := range parts {
		b.WriteByte(':')
		b.WriteString(p)
	}
	return b.String()
}

// unixMilli writes t as unix milliseconds, the zero time as 0: how times
// are stored in hashes and passed to scripts.
func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// timeOfMilli reads what unixMilli wrote; "", "0" and unreadable values
// are the zero time.
func timeOfMilli(v string) time.Time {
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
