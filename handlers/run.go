package handlers

import (
	"context"
	"hash/fnv"
	"sync"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
)

// takeOverEvery is how often the journal is looked at for the updates of
// dead instances, and how long one read waits for new updates.
const takeOverEvery = 2 * time.Second

// Observer receives the handling time of each update (metrics).
type Observer func(kind string, d time.Duration, err error)

// Run handles recorded updates until ctx ends: it takes batches from the
// intake journal, handles the updates of one chat in order (chats in
// parallel, up to workers), and marks each handled update done. An update
// whose handling failed stays in the journal and is handed out again
// later (the journal gives up after a few attempts). Several processes may
// run it on one store: each takes different updates. consumer is the
// instance name: at start the instance handles at once what it had taken
// before a crash, and every takeOverEvery it takes over what instances
// whose heartbeat lapsed left unfinished.
func (h *Handler) Run(ctx context.Context, consumer string, workers int, observe Observer) error {
	if workers < 1 {
		workers = 1
	}
	gone := func(name string) bool {
		alive, err := h.Store.InstanceAlive(ctx, name)
		return err == nil && !alive
	}
	own := true // at start: what this instance took before it restarted
	var lastTakeOver time.Time
	for ctx.Err() == nil {
		var batch []store.Delivery
		var err error
		if own || time.Since(lastTakeOver) >= takeOverEvery {
			// What this instance or a dead one left unfinished, at once.
			lastTakeOver = time.Now()
			batch, err = h.Store.TakeOverUpdates(ctx, consumer, int64(workers*16), own, gone)
			if err == nil {
				own = false
			}
		}
		if err == nil && len(batch) == 0 {
			batch, err = h.Store.NextUpdates(ctx, consumer, int64(workers*16), takeOverEvery, time.Minute)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			h.Log.Error().Err(err).Msg("read recorded updates")
			chihuy.Sleep(ctx, time.Second)
			continue
		}
		if len(batch) == 0 {
			continue
		}
		done := h.handleBatch(ctx, batch, workers, observe)
		if len(done) > 0 {
			// Mark done even when ctx is ending: the work is done.
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := h.Store.DoneUpdates(dctx, done...); err != nil {
				h.Log.Error().Err(err).Msg("mark updates done")
			}
			cancel()
		}
	}
	return nil
}

// handleBatch handles a batch; updates of one chat stay in order.
func (h *Handler) handleBatch(ctx context.Context, batch []store.Delivery, workers int, observe Observer) []string {
	lanes := make([][]store.Delivery, workers)
	for _, d := range batch {
		f := fnv.New32a()
		f.Write([]byte(d.Update.Chat.String()))
		i := int(f.Sum32() % uint32(workers))
		lanes[i] = append(lanes[i], d)
	}
	var (
		mu   sync.Mutex
		done []string
		wg   sync.WaitGroup
	)
	for _, lane := range lanes {
		if len(lane) == 0 {
			continue
		}
		wg.Add(1)
		go func(lane []store.Delivery) {
			defer wg.Done()
			for _, d := range lane {
				start := time.Now()
				err := h.handleSafely(ctx, d)
				if observe != nil {
					observe(kindOf(d), time.Since(start), err)
				}
				if err != nil {
					h.Log.Error().Err(err).Str("update", d.Update.ID).Int64("attempt", d.Attempt).Msg("handle update")
					continue
				}
				mu.Lock()
				done = append(done, d.StreamID)
				mu.Unlock()
			}
		}(lane)
	}
	wg.Wait()
	return done
}

// handleSafely turns a panic in a handler into an error: one bad update
// must not stop the bot.
func (h *Handler) handleSafely(ctx context.Context, d store.Delivery) (err error) {
	defer func() {
		if p := recover(); p != nil {
			h.Log.Error().Interface("panic", p).Str("update", d.Update.ID).Msg("handler panicked")
			err = errPanic
		}
	}()
	return h.Handle(ctx, d.Update)
}

type panicError struct{}

func (panicError) Error() string { return "handler panicked" }

var errPanic error = panicError{}

func kindOf(d store.Delivery) string {
	switch {
	case d.Update.Callback != nil:
		return "callback"
	case len(d.Update.Text) > 0 && d.Update.Text[0] == '/':
		return "command"
	}
	return "text"
}
