package store

// Instances (SPEC §11, CHIHUY_INSTANCE). Each bot process runs under a
// stable instance name (default the host name) and owns, under that name,
// its leases, its outbox reservations, its intake consumer and its job
// claims. A process that restarts after a crash comes back under the same
// name and takes all of that back at once, instead of waiting for its dead
// self's leases to lapse.
//
//	{cfg}:inst:NAME   string: the live process's random token, with a
//	                  TTL of InstanceHeartbeatTTL renewed every
//	                  InstanceHeartbeatEvery: the heartbeat
//
// The heartbeat tells a dead self from a live twin: a process that was
// killed stops renewing and its key lapses within InstanceHeartbeatTTL,
// whereas a second live process with the same name keeps renewing it. So a
// starting process that finds the key watches it for a little more than
// one renewal period: not renewed, it is a dead self's and is taken over;
// renewed, it is a live twin's and the process refuses to start. Other processes read the
// heartbeat to know that an instance is gone, and take over what it held
// (InstanceAlive).

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
)

const (
	// InstanceHeartbeatTTL is how long an instance's heartbeat outlives
	// its last renewal: a killed instance is known to be gone after it.
	InstanceHeartbeatTTL = 3 * time.Second
	// InstanceHeartbeatEvery is how often a live instance renews it.
	InstanceHeartbeatEvery = time.Second
)

// Instance is this process's heartbeat. Close it on shutdown.
type Instance struct {
	st    *Store
	name  string
	token string
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// Name is the instance name.
func (i *Instance) Name() string { return i.name }

// renewInstanceScript renews the heartbeat of the instance holding token,
// or sets it again when it lapsed.
var renewInstanceScript = newScript("instance_renew", scriptSpec{
	keys: []string{"heartbeat"},
	args: []string{"token", "ttl"},
})

// takeOverInstanceScript replaces a dead self's heartbeat, unless it
// changed since it was judged dead.
var takeOverInstanceScript = newScript("instance_take_over", scriptSpec{
	keys: []string{"heartbeat"},
	args: []string{"dead", "token", "ttl"},
})

func (s *Store) instanceKey(name string) string { return s.Key("cfg", "inst", name) }

// StartInstance starts the heartbeat of instance name. When the name's
// heartbeat is up, it watches it: a dead self's is not renewed and is
// taken over after a little more than InstanceHeartbeatEvery; a live
// twin's is renewed, and StartInstance fails with chihuy.ECONFLICT.
func (s *Store) StartInstance(ctx context.Context, name string) (*Instance, error) {
	if err := CheckJobName(name); err != nil {
		return nil, chihuy.Errorf(chihuy.EINVALID, "CHIHUY_INSTANCE: %v", err)
	}
	var b [8]byte
	rand.Read(b[:])
	inst := &Instance{st: s, name: name, token: hex.EncodeToString(b[:]), stop: make(chan struct{}), done: make(chan struct{})}
	key := s.instanceKey(name)
	// A heartbeat that is not renewed for longer than the renewal period
	// (with a margin) is a dead self's: taken over without waiting for it
	// to lapse. One renewed meanwhile is a live twin's.
	quiet := InstanceHeartbeatEvery + InstanceHeartbeatEvery/4
	var (
		seen     string // the heartbeat's token when first seen
		seenAt   time.Time
		lastTTL  time.Duration
		deadline = time.Now().Add(InstanceHeartbeatTTL + InstanceHeartbeatEvery)
	)
	for {
		ok, err := s.rdb.SetNX(ctx, key, inst.token, InstanceHeartbeatTTL).Result()
		if err != nil {
			return nil, fmt.Errorf("start instance %s: %w", name, err)
		}
		if ok {
			break
		}
		cur, err := s.rdb.Get(ctx, key).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("start instance %s: %w", name, err)
		}
		ttl, err := s.rdb.PTTL(ctx, key).Result()
		if err != nil {
			return nil, fmt.Errorf("start instance %s: %w", name, err)
		}
		switch {
		case cur == "":
			continue // lapsed meanwhile
		case cur != seen:
			seen, seenAt, lastTTL = cur, time.Now(), ttl
		case ttl > lastTTL+InstanceHeartbeatEvery/4 || time.Now().After(deadline):
			return nil, chihuy.Errorf(chihuy.ECONFLICT, msgTwin, name, name)
		case time.Since(seenAt) >= quiet:
			took, err := takeOverInstanceScript.run(ctx, s.rdb, names{"heartbeat": key},
				names{"dead": seen, "token": inst.token, "ttl": InstanceHeartbeatTTL.Milliseconds()}).Int()
			if err != nil {
				return nil, fmt.Errorf("start instance %s: %w", name, err)
			}
			if took == 1 {
				go inst.beat()
				return inst, nil
			}
			continue
		default:
			lastTTL = ttl
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(InstanceHeartbeatEvery / 4):
		}
	}
	go inst.beat()
	return inst, nil
}

// beat renews the heartbeat until Close.
func (i *Instance) beat() {
	defer close(i.done)
	t := time.NewTicker(InstanceHeartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-i.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), InstanceHeartbeatEvery)
			renewInstanceScript.run(ctx, i.st.rdb, names{"heartbeat": i.st.instanceKey(i.name)},
				names{"token": i.token, "ttl": InstanceHeartbeatTTL.Milliseconds()})
			cancel()
		}
	}
}

// Close stops the heartbeat and removes it, so that the name is free at
// once.
func (i *Instance) Close() {
	i.once.Do(func() {
		close(i.stop)
		<-i.done
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		releaseScript.Run(ctx, i.st.rdb, []string{i.st.instanceKey(i.name)}, i.token)
	})
}

// InstanceAlive reports whether instance name's heartbeat is up.
func (s *Store) InstanceAlive(ctx context.Context, name string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.instanceKey(name)).Result()
	if err != nil {
		return false, fmt.Errorf("instance %s alive: %w", name, err)
	}
	return n == 1, nil
}
