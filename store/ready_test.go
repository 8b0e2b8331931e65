package store_test

import (
	"context"
	"testing"

	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

// Ready fails while Redis answers PING but refuses writes (here: a master
// told to write only with a replica in sync, and none), and passes again
// once writes are taken.
func TestReadyProbesAWrite(t *testing.T) {
	if redistest.Embedded() {
		t.Skip("the embedded store has no replicas and always takes writes (this test runs on redis-server in the same go test)")
	}
	ctx := context.Background()
	srv := redistest.Start(t, false)
	rdb := srv.Client(t)
	st := store.New(rdb, store.WithPrefix(redistest.Prefix(t)))
	if err := st.Ready(ctx); err != nil {
		t.Fatalf("Ready on a healthy server: %v", err)
	}
	if err := rdb.ConfigSet(ctx, "min-replicas-to-write", "1").Err(); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(ctx); err != nil {
		t.Fatalf("PING: %v", err)
	}
	if err := st.Ready(ctx); err == nil {
		t.Fatal("Ready while writes are refused: nil, want an error")
	}
	if err := rdb.ConfigSet(ctx, "min-replicas-to-write", "0").Err(); err != nil {
		t.Fatal(err)
	}
	if err := st.Ready(ctx); err != nil {
		t.Fatalf("Ready once writes are taken again: %v", err)
	}
}
