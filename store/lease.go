package store

import (
	"context"
	"time"
)

// Leases: {cfg}:lease:NAME holds the owner's id with a TTL. One process
// holds a lease at a time (the long-poll of a platform, the outbox sender,
// a scheduled job); it renews before the TTL runs out and releases it on a
// clean shutdown so a standby takes over at once. The owner is the
// instance name (instance.go): a process restarted under its name renews
// its dead self's lease at once instead of waiting for it to lapse.

// DefaultLeaseTTL is the TTL of the bot's leases, renewed every third of
// it: a standby that looks every second (leaseRetry) takes over a killed
// holder within DefaultLeaseTTL + 1 s, inside the 15 s of SPEC §11.
const DefaultLeaseTTL = 9 * time.Second

// leaseRetry is how often a standby tries to take a lease of ttl.
func leaseRetry(ttl time.Duration) time.Duration { return min(ttl/3, time.Second) }

var (
	renewScript   = newScript("lease_renew", scriptSpec{keys: []string{"lease"}, args: []string{"owner", "ttl"}})
	releaseScript = newScript("lease_release", scriptSpec{keys: []string{"lease"}, args: []string{"owner"}})
)

// AcquireLease takes the lease name for owner for ttl. It returns true when
// owner holds it afterwards (taken now, or already held and renewed).
func (s *Store) AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	key := s.Key("cfg", "lease", name)
	ok, err := s.rdb.SetNX(ctx, key, owner, ttl).Result()
	if err != nil || ok {
		return ok, err
	}
	n, err := renewScript.run(ctx, s.rdb, names{"lease": key}, names{"owner": owner, "ttl": ttl.Milliseconds()}).Int()
	return n == 1, err
}

// ReleaseLease gives the lease up if owner holds it.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	return releaseScript.run(ctx, s.rdb, names{"lease": s.Key("cfg", "lease", name)}, names{"owner": owner}).Err()
}

// HoldLease blocks until owner holds the lease, then runs fn with a context
// that is cancelled when the lease is lost or ctx ends; the lease is renewed
// every ttl/3 while fn runs and released when it returns.
func (s *Store) HoldLease(ctx context.Context, name, owner string, ttl time.Duration, fn func(context.Context) error) error {
	for {
		ok, err := s.AcquireLease(ctx, name, owner, ttl)
		if err == nil && ok {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(leaseRetry(ttl)):
		}
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
				if ok, err := s.AcquireLease(lctx, name, owner, ttl); err == nil && !ok {
					cancel()
					return
				}
			}
		}
	}()
	err := fn(lctx)
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer rcancel()
	s.ReleaseLease(rctx, name, owner)
	return err
}
