package store

import (
	"fmt"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// embeddedTick is how often the embedded server's key expiry catches up
// with real time.
const embeddedTick = 50 * time.Millisecond

// EmbeddedServer is the in-memory server of the embedded store (miniredis,
// in the process). Redis expires keys as real time passes; miniredis moves
// its TTLs only when told, so a goroutine tells it every embeddedTick:
// leases, claims, dedupe marks and done marks then lapse on the embedded
// store as they do on Redis (within embeddedTick).
type EmbeddedServer struct {
	*miniredis.Miniredis
	stopOnce sync.Once
	stop     chan struct{}
	done     chan struct{}
}

// StartEmbedded starts an embedded server on a free loopback port.
func StartEmbedded() (*EmbeddedServer, error) {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		return nil, fmt.Errorf("start embedded store: %w", err)
	}
	e := &EmbeddedServer{Miniredis: m, stop: make(chan struct{}), done: make(chan struct{})}
	go e.expire()
	return e, nil
}

// expire moves the server's TTLs with real time until Close.
func (e *EmbeddedServer) expire() {
	defer close(e.done)
	t := time.NewTicker(embeddedTick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-e.stop:
			return
		case now := <-t.C:
			e.FastForward(now.Sub(last))
			last = now
		}
	}
}

// Close stops the server for good (Miniredis.Close alone stops listening
// but keeps the data, for Restart).
func (e *EmbeddedServer) Close() {
	e.stopOnce.Do(func() {
		close(e.stop)
		<-e.done
		e.Miniredis.Close()
	})
}
