package store_test

import (
	"context"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

// A live twin (same instance name, heartbeat renewed) is refused; a dead
// self (heartbeat left to lapse, as after kill -9) is waited for and
// replaced; a name freed by Close is taken at once.
func TestInstanceTwinAndDeadSelf(t *testing.T) {
	ctx := context.Background()
	st := store.New(redistest.Shared(t).Client(t), store.WithPrefix(redistest.Prefix(t)))
	live, err := st.StartInstance(ctx, "bot-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.StartInstance(ctx, "bot-1"); chihuy.ErrorCode(err) != chihuy.ECONFLICT {
		t.Fatalf("a live twin started: %v; want a conflict", err)
	}
	if ok, err := st.InstanceAlive(ctx, "bot-1"); err != nil || !ok {
		t.Fatalf("InstanceAlive = %v, %v; want true", ok, err)
	}
	live.Close()
	if ok, _ := st.InstanceAlive(ctx, "bot-1"); ok {
		t.Fatal("the heartbeat outlived Close")
	}
	again, err := st.StartInstance(ctx, "bot-1")
	if err != nil {
		t.Fatalf("restart after a clean stop: %v", err)
	}
	again.Close()

	// A dead self: the heartbeat of a killed process, no longer renewed.
	key := st.Key("cfg", "inst", "bot-1")
	if err := st.Client().Set(ctx, key, "killed", store.InstanceHeartbeatTTL).Err(); err != nil {
		t.Fatal(err)
	}
	back, err := st.StartInstance(ctx, "bot-1")
	if err != nil {
		t.Fatalf("restart after a kill: %v", err)
	}
	defer back.Close()
	if v, _ := st.Client().Get(ctx, key).Result(); v == "killed" {
		t.Error("the dead self's heartbeat was kept")
	}
	if _, err := st.StartInstance(ctx, "bad name"); chihuy.ErrorCode(err) != chihuy.EINVALID {
		t.Errorf("instance name with a space: %v, want invalid", err)
	}
}
