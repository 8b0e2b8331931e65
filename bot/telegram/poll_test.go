package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot/telegram/telegramtest"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

func newStore(t testing.TB) *store.Store {
	t.Helper()
	srv := redistest.Shared(t)
	return store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)))
}

func updateID(n int) string { return "telegram:" + strconv.Itoa(n) }

// recorder is a record function that keeps what it was given and can be
// told to fail or to stop Poll.
type recorder struct {
	mu      sync.Mutex
	got     []chihuy.Update
	handle  func(ctx context.Context, u chihuy.Update, n int) error // n: calls so far, this one included
	stopAt  int                                                     // cancel Poll after this many successful records
	ok      int
	cancel  context.CancelFunc
	reports []error
}

func (r *recorder) record(ctx context.Context, u chihuy.Update) error {
	r.mu.Lock()
	r.got = append(r.got, u)
	n := len(r.got)
	r.mu.Unlock()
	var err error
	if r.handle != nil {
		err = r.handle(ctx, u, n)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil {
		if r.ok++; r.ok == r.stopAt {
			r.cancel()
		}
	}
	return err
}

func (r *recorder) report(err error) {
	r.mu.Lock()
	r.reports = append(r.reports, err)
	r.mu.Unlock()
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, u := range r.got {
		ids = append(ids, u.ID)
	}
	return ids
}

// poll runs c.Poll with r until r stops it (or 10 s pass, which fails
// the test) and checks that Poll returned the context's error.
func poll(t *testing.T, c *Client, r *recorder) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r.cancel = cancel
	c.onError = r.report
	err := c.Poll(ctx, r.record)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Poll still running after 10 s; recorded %v", r.ids())
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll = %v, want context.Canceled", err)
	}
}

func TestPollDeliversInOrder(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	u1, _ := srv.PushMessage(privateID, "private", "", privateID, "Lan", "/dangky ABC123")
	u2, m2 := srv.PushMessage(groupID, "supergroup", "BCĐ xã Bản Giang", 3003, "Hùng", "/baocao@chihuy_test_bot F0 3")
	u3, _ := srv.PushReply(groupID, "", "", 3004, "Mai", "đã rõ", m2)
	u4, ok := srv.PushEdit(groupID, m2, "/baocao@chihuy_test_bot F0 4")
	if !ok {
		t.Fatal("PushEdit")
	}
	u5, cb := srv.PushCallback(groupID, m2, 3003, "Hùng", "ack:1")
	u6 := srv.PushMemberStatus(-1002002, "supergroup", "BCĐ huyện Tân Uyên", 3003, "Hùng", "member")

	r := &recorder{stopAt: 6}
	poll(t, c, r)
	want := []string{updateID(u1), updateID(u2), updateID(u3), updateID(u4), updateID(u5), updateID(u6)}
	if got := r.ids(); !reflect.DeepEqual(got, want) {
		t.Fatalf("recorded %v, want %v", got, want)
	}
	g := r.got
	if g[1].Text != "/baocao F0 3" || !g[1].ToBot || g[1].ChatKind != chihuy.Group || g[1].ChatTitle != "BCĐ xã Bản Giang" {
		t.Errorf("command: %+v", g[1])
	}
	if g[2].ToBot || g[2].Text != "đã rõ" {
		t.Errorf("reply to a person: %+v", g[2])
	}
	if g[3].Text != "/baocao F0 4" || g[3].MessageID != strconv.Itoa(m2) {
		t.Errorf("edit: %+v", g[3])
	}
	if g[4].Callback == nil || g[4].Callback.ID != cb || g[4].Callback.Data != "ack:1" || g[4].Chat != chatRef(groupID) {
		t.Errorf("callback: %+v", g[4])
	}
	if g[5].Chat != chatRef(-1002002) || g[5].Text != "" {
		t.Errorf("membership: %+v", g[5])
	}
}

func TestPollWakesOnNewUpdate(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv, WithPollTimeout(5*time.Second))
	r := &recorder{stopAt: 1}
	go func() {
		for srv.Polling() == 0 { // Poll is waiting in getUpdates
			time.Sleep(time.Millisecond)
		}
		srv.PushMessage(privateID, "private", "", privateID, "Lan", "F0 1")
	}()
	start := time.Now()
	poll(t, c, r)
	if len(r.ids()) != 1 {
		t.Fatalf("recorded %v", r.ids())
	}
	// Woken by the push, not by the end of the 5 s long poll.
	if srv.Calls("getUpdates") != 1 {
		t.Errorf("getUpdates called %d times, want one long poll (took %s)", srv.Calls("getUpdates"), time.Since(start))
	}
}

func TestPollAdvancesOnlyAfterRecord(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	u1, _ := srv.PushMessage(groupID, "supergroup", "BCĐ", 3003, "Hùng", "một")
	u2, _ := srv.PushMessage(groupID, "supergroup", "BCĐ", 3003, "Hùng", "hai")
	u3, _ := srv.PushMessage(groupID, "supergroup", "BCĐ", 3003, "Hùng", "ba")

	var pending []int
	r := &recorder{stopAt: 3, handle: func(_ context.Context, u chihuy.Update, n int) error {
		pending = append(pending, srv.Pending())
		if n == 2 {
			return errors.New("redis down")
		}
		return nil
	}}
	poll(t, c, r)
	if got, want := r.ids(), []string{updateID(u1), updateID(u2), updateID(u2), updateID(u3)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("record calls %v, want %v", got, want)
	}
	// Nothing is confirmed before the first record; after u2 failed, the
	// next getUpdates confirms u1 only.
	if want := []int{3, 3, 2, 2}; !reflect.DeepEqual(pending, want) {
		t.Errorf("pending on the server at each record = %v, want %v", pending, want)
	}
	if len(r.reports) != 1 || !strings.Contains(r.reports[0].Error(), "redis down") {
		t.Errorf("reported %v", r.reports)
	}

	// The last updates were recorded but Poll ended before confirming
	// them: the next Poll gets them again.
	again := &recorder{stopAt: 2}
	poll(t, c, again)
	if got, want := again.ids(), []string{updateID(u2), updateID(u3)}; !reflect.DeepEqual(got, want) {
		t.Errorf("next Poll got %v, want %v", got, want)
	}
}

// TestPollRecordsOnce: a context cancelled between receiving an update and
// recording it leaves the update unconfirmed; the next Poll delivers it
// again and the store records every update exactly once.
func TestPollRecordsOnce(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv)
	st := newStore(t)
	var ids []string
	for i := range 3 {
		u, _ := srv.PushMessage(groupID, "supergroup", "BCĐ", 3003, "Hùng", fmt.Sprintf("F0 %d", i))
		ids = append(ids, updateID(u))
	}

	// Poll 1 records the first update, then is cancelled as the second
	// arrives: the store sees a cancelled context.
	first := &recorder{}
	first.handle = func(ctx context.Context, u chihuy.Update, n int) error {
		if n == 2 {
			first.cancel()
		}
		return st.Record(ctx, u)
	}
	poll(t, c, first)
	if got := first.ids(); !reflect.DeepEqual(got, ids[:2]) {
		t.Fatalf("first Poll recorded %v, want %v", got, ids[:2])
	}

	var fresh []bool
	recordFresh := func(ctx context.Context, u chihuy.Update, _ int) error {
		ok, err := st.RecordUpdate(ctx, u)
		fresh = append(fresh, ok)
		return err
	}
	second := &recorder{stopAt: 3, handle: recordFresh}
	poll(t, c, second)
	if got := second.ids(); !reflect.DeepEqual(got, ids) {
		t.Fatalf("second Poll got %v, want %v", got, ids)
	}
	if want := []bool{false, true, true}; !reflect.DeepEqual(fresh, want) {
		t.Errorf("fresh = %v, want %v (the first was recorded already)", fresh, want)
	}
	n, err := st.PendingUpdates(context.Background())
	if err != nil || n != 3 {
		t.Errorf("journal holds %d updates (%v), want 3", n, err)
	}
}

func TestPollWaits(t *testing.T) {
	srv := fake(t)
	c := connect(t, srv) // backoff 1 ms doubling to 10 ms
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) bool {
		waits = append(waits, d)
		return ctx.Err() == nil
	}
	srv.FailNext("getUpdates", 1, telegramtest.TooManyRequests(7))
	srv.FailNext("getUpdates", 1, telegramtest.ServerError)
	srv.FailNext("getUpdates", 1, telegramtest.BadGateway)
	srv.PushMessage(privateID, "private", "", privateID, "Lan", "F0 1")
	fails := 1
	r := &recorder{stopAt: 1, handle: func(context.Context, chihuy.Update, int) error {
		if fails > 0 {
			fails--
			return errors.New("redis down")
		}
		return nil
	}}
	poll(t, c, r)

	if len(waits) != 4 || waits[0] != 7*time.Second {
		t.Fatalf("waits = %v, want 7s (retry_after) then three backoffs", waits)
	}
	for i, base := range []time.Duration{2, 4, 8} { // failures 1, 2, 3 in a row
		lo, hi := base*time.Millisecond*8/10, base*time.Millisecond*12/10
		if w := waits[i+1]; w < lo || w > hi {
			t.Errorf("wait %d = %s, want %s–%s", i+1, w, lo, hi)
		}
	}
	if len(r.reports) != 4 {
		t.Errorf("reported %d errors, want 4: %v", len(r.reports), r.reports)
	}
}

func TestBackoff(t *testing.T) {
	c := &Client{backoffMin: 100 * time.Millisecond, backoffMax: time.Second}
	for n := range 12 {
		want := min(100*time.Millisecond<<n, time.Second)
		for range 20 {
			if d := c.backoff(n); d < want*8/10 || d > want*12/10 {
				t.Fatalf("backoff(%d) = %s, want %s ± 20%%", n, d, want)
			}
		}
	}
}

// TestPollSkipsUndecodable: an update the library cannot decode is
// reported and passed over, not retried forever, and the ones behind it
// are recorded.
func TestPollSkipsUndecodable(t *testing.T) {
	var mu sync.Mutex
	var offsets []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/getMe"):
			w.Write([]byte(`{"ok":true,"result":{"id":7,"is_bot":true,"first_name":"b","username":"b_bot"}}`))
		case strings.HasSuffix(r.URL.Path, "/getWebhookInfo"):
			w.Write([]byte(`{"ok":true,"result":{"url":""}}`))
		case strings.HasSuffix(r.URL.Path, "/getUpdates"):
			r.ParseForm()
			mu.Lock()
			offsets = append(offsets, r.PostForm.Get("offset"))
			first := len(offsets) == 1
			mu.Unlock()
			if first {
				w.Write([]byte(`{"ok":true,"result":[{"update_id":5,"message":{"message_id":"x"}},` +
					`{"update_id":6,"message":{"message_id":3,"chat":{"id":9,"type":"private"},"date":1,"text":"F0 1"}}]}`))
				return
			}
			w.Write([]byte(`{"ok":true,"result":[]}`))
		}
	}))
	defer ts.Close()
	c, err := New(context.Background(), "7:x", ts.URL, WithBackoff(time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	// Stop once the getUpdates after the batch went out.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			mu.Lock()
			n := len(offsets)
			mu.Unlock()
			if n >= 2 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	r := &recorder{}
	c.onError = r.report
	if err := c.Poll(ctx, r.record); !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll = %v, want context.Canceled", err)
	}
	if got := r.ids(); !reflect.DeepEqual(got, []string{"telegram:5", "telegram:6"}) {
		t.Errorf("recorded %v, want telegram:5 (for the dead list) and telegram:6", got)
	}
	r.mu.Lock()
	if len(r.got) > 0 && (r.got[0].Invalid == "" || len(r.got[0].Raw) == 0) {
		t.Errorf("update 5 recorded as %+v, want it invalid with its body", r.got[0])
	}
	r.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	if offsets[0] != "" || offsets[1] != "7" {
		t.Errorf("offsets asked = %v, want none then 7", offsets)
	}
	if len(r.reports) != 1 || !strings.Contains(r.reports[0].Error(), "update telegram:5 goes to the dead list") {
		t.Errorf("reported %v", r.reports)
	}
}
