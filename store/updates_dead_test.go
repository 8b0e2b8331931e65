package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
)

// TestRecordUpdateDeadList: an update that cannot be handled — marked
// invalid by the platform's conversion, or one that cannot be encoded (a
// date past year 9999) — goes to the dead list with its reason and body,
// once per id, and not to the journal: intake is acknowledged and goes on.
func TestRecordUpdateDeadList(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		u    chihuy.Update
		why  string
		raw  string // in the dead entry
	}{
		{"invalid with a JSON body", chihuy.Update{ID: "telegram:7", Invalid: "undecodable: x", Raw: `{"update_id":7,"message":{"text":{}}}`},
			"undecodable: x", `{"update_id":7,"message":{"text":{}}}`},
		{"invalid with a body that is not JSON", chihuy.Update{ID: "zalo:raw:ab", Invalid: "undecodable: y", Raw: `<xml/>`},
			"undecodable: y", `"\u003cxml/\u003e"`},
		{"a date that cannot be recorded", chihuy.Update{ID: "zalo:m1", Text: "F0 3", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
			"cannot be recorded: ", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			for i := 0; i < 2; i++ { // delivered twice: one dead entry
				fresh, err := st.RecordUpdate(ctx, tc.u)
				if err != nil || fresh {
					t.Fatalf("record %d: fresh=%v err=%v, want recorded as dead", i, fresh, err)
				}
			}
			if n, _ := st.PendingUpdates(ctx); n != 0 {
				t.Errorf("%d updates in the journal", n)
			}
			dead, err := st.DeadUpdates(ctx, 10)
			if err != nil || len(dead) != 1 {
				t.Fatalf("dead list %v, %v; want one entry", dead, err)
			}
			var e struct {
				Why string          `json:"why"`
				ID  string          `json:"id"`
				Raw json.RawMessage `json:"raw"`
			}
			if err := json.Unmarshal([]byte(dead[0]), &e); err != nil {
				t.Fatalf("dead entry %s: %v", dead[0], err)
			}
			if !strings.HasPrefix(e.Why, tc.why) || e.ID != tc.u.ID || string(e.Raw) != tc.raw {
				t.Errorf("dead entry %s", dead[0])
			}
		})
	}
}
