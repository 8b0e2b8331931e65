package zalo_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/bot/zalo"
	"github.com/chihuy/chihuy/bot/zalo/zalotest"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

func TestPollRecordsEachUpdateBeforeTheNext(t *testing.T) {
	fake, c := pollPair(t)
	texts := []string{"/dangky ABC123", "f0 3 f1 12", "/danhan 7"}
	var ids []string
	for i, txt := range texts {
		ids = append(ids, fake.PushText(fmt.Sprintf("u-%d", i%2), zalotest.Private, fmt.Sprintf("u-%d", i%2), "Cán bộ xã", txt))
	}
	rec := newRecorder(len(texts))
	// When update k is recorded, exactly k+1 getUpdates have arrived: the
	// one that handed it out is the last, the next waits for the record.
	var seen []int
	rec.onCall = func(chihuy.Update) { seen = append(seen, fake.CallCount("getUpdates")) }
	poll(t, c, rec)

	got := rec.updates()
	for i, u := range got {
		if u.ID != "zalo:"+ids[i] || u.Text != texts[i] || u.MessageID != ids[i] {
			t.Errorf("update %d = %+v, want id %s text %q", i, u, ids[i], texts[i])
		}
		if u.Chat != (chihuy.ChatRef{Platform: "zalo", ID: fmt.Sprintf("u-%d", i%2)}) || u.ChatKind != chihuy.Private || !u.ToBot {
			t.Errorf("update %d chat = %+v %s tobot %v", i, u.Chat, u.ChatKind, u.ToBot)
		}
		if !u.Time.Equal(t0.Truncate(time.Millisecond)) {
			t.Errorf("update %d time = %v", i, u.Time)
		}
		if seen[i] != i+1 {
			t.Errorf("update %d recorded after %d getUpdates, want %d", i, seen[i], i+1)
		}
	}
	// The fake's own log agrees: each getUpdates handing out an update is
	// the i-th, in order.
	var handed []string
	for _, call := range fake.Calls() {
		if call.Method == "getUpdates" && call.Update != "" {
			handed = append(handed, call.Update)
		}
	}
	if strings.Join(handed, ",") != strings.Join(ids, ",") {
		t.Errorf("handed out %v, want %v", handed, ids)
	}
}

func TestPollEmptyIsNotAnError(t *testing.T) {
	// With an hour of backoff, one error would stall the loop for the
	// whole test: several polls mean 408 is handled as an empty poll.
	logs := &logBuffer{}
	fake, c := newPair(t, []zalotest.Option{zalotest.WithPollCap(150 * time.Millisecond)},
		zalo.WithPollTimeout(time.Second), zalo.WithBackoff(time.Hour, time.Hour), zalo.WithLogger(zerolog.New(logs)))
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- c.Poll(ctx, newRecorder(1).record) }()
	deadline := time.Now().Add(5 * time.Second)
	for fake.CallCount("getUpdates") < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Poll: %v", err)
	}
	n := 0
	for _, call := range fake.Calls() {
		if call.Method != "getUpdates" {
			t.Errorf("unexpected call %s", call.Method)
		}
		if call.Code == 408 {
			n++
		}
	}
	if n < 2 {
		t.Errorf("%d empty polls, want at least 2", n)
	}
	if strings.Contains(logs.String(), `"level":"warn"`) || strings.Contains(logs.String(), `"level":"error"`) {
		t.Errorf("empty polls were logged as trouble:\n%s", logs)
	}
}

func TestPollRetriesARecordingThatFails(t *testing.T) {
	fake, c := pollPair(t)
	id := fake.PushText("u-1", zalotest.Private, "u-1", "A", "f0 1")
	rec := newRecorder(1)
	rec.failing = 3
	var getUpdatesDuring []int
	rec.onCall = func(chihuy.Update) { getUpdatesDuring = append(getUpdatesDuring, fake.CallCount("getUpdates")) }
	poll(t, c, rec)
	if got := rec.updates(); len(got) != 1 || got[0].ID != "zalo:"+id {
		t.Fatalf("recorded %+v", got)
	}
	if rec.calls != 4 {
		t.Errorf("record called %d times, want 4", rec.calls)
	}
	for i, n := range getUpdatesDuring {
		if n != 1 {
			t.Errorf("attempt %d: %d getUpdates so far, want 1 (no new poll before the update is recorded)", i+1, n)
		}
	}
}

func TestPollGivesUpRecordingOnlyAfterShutdownGrace(t *testing.T) {
	fake, c := pollPair(t, zalo.WithShutdownGrace(300*time.Millisecond))
	fake.PushText("u-1", zalotest.Private, "u-1", "A", "f0 1")
	rec := newRecorder(1)
	rec.failing = 1 << 30
	// Shut down only once recording was tried: the fake having nothing
	// pending says the update was fetched, not that recording began.
	firstCall := make(chan struct{})
	var once sync.Once
	rec.onCall = func(chihuy.Update) { once.Do(func() { close(firstCall) }) }
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- c.Poll(ctx, rec.record) }()
	select {
	case <-firstCall:
	case <-time.After(10 * time.Second):
		t.Fatal("the update was never recorded")
	}
	cancel()
	start := time.Now()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Poll: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Poll did not stop")
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("gave up after %v, want the grace period (300 ms) of retries", d)
	}
	rec.mu.Lock()
	attempts := rec.calls
	rec.mu.Unlock()
	if attempts < 3 {
		t.Errorf("%d recording attempts, want retries through the grace period", attempts)
	}
	if n := fake.CallCount("getUpdates"); n != 1 {
		t.Errorf("%d getUpdates, want 1", n)
	}
}

func TestPollSkipsWhatItCannotHandle(t *testing.T) {
	fake, c := pollPair(t)
	msg := func(id string) *zalotest.Message {
		return &zalotest.Message{From: zalotest.User{ID: "u"}, Chat: zalotest.Chat{ID: "u", ChatType: "PRIVATE"}, MessageID: id, Date: 1}
	}
	fake.Push(zalotest.Update{EventName: "message.sticker.received", Message: msg("s1")})
	fake.Push(zalotest.Update{EventName: "message.unsupported.received", Message: msg("s2")})
	fake.Push(zalotest.Update{EventName: "user.joined"})
	fake.Push(zalotest.Update{EventName: "message.text.received"})
	id := fake.PushText("u", zalotest.Private, "u", "A", "báo cáo")
	rec := newRecorder(1)
	poll(t, c, rec)
	if got := rec.updates(); len(got) != 1 || got[0].ID != "zalo:"+id || rec.calls != 1 {
		t.Errorf("recorded %+v in %d calls, want only %s", got, rec.calls, id)
	}
}

func TestPollBacksOffOnErrors(t *testing.T) {
	fake, c := pollPair(t, zalo.WithRetryAfter(time.Millisecond))
	fake.Inject("getUpdates", 1, zalotest.ServerError(502))
	fake.Inject("getUpdates", 1, zalotest.HTMLPage(503))
	fake.Inject("getUpdates", 1, zalotest.Malformed())
	fake.Inject("getUpdates", 1, zalotest.RateLimit(0))
	fake.Inject("getUpdates", 1, zalotest.APIError(401, 401, "Unauthorized"))
	id := fake.PushText("u", zalotest.Private, "u", "A", "f0 1")
	rec := newRecorder(1)
	poll(t, c, rec)
	if got := rec.updates(); len(got) != 1 || got[0].ID != "zalo:"+id {
		t.Errorf("recorded %+v", got)
	}
	if n := fake.CallCount("getUpdates"); n < 6 {
		t.Errorf("%d getUpdates, want the 5 failures and a success", n)
	}
}

func TestPollWebhookSet(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		code     int
		desc     string
		wantCode int
	}{
		{"409 conflict", 409, 409, "Conflict: can't use getUpdates method while webhook is active", 409},
		{"400 naming the webhook", 200, 400, "Webhook is enabled", 400},
		{"bare 400, confirmed by getWebhookInfo", 400, 400, "Bad Request", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c := pollPair(t)
			fake.SetWebhookConflict(tt.status, tt.code, tt.desc)
			if err := c.SetWebhook(context.Background(), "https://chihuy.example/webhook/zalo", "12345678"); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := c.Poll(ctx, newRecorder(1).record)
			if !errors.Is(err, zalo.ErrWebhookSet) {
				t.Fatalf("Poll = %v, want ErrWebhookSet", err)
			}
			var ws *zalo.WebhookSetError
			if !errors.As(err, &ws) || ws.URL != "https://chihuy.example/webhook/zalo" || ws.Code != tt.wantCode {
				t.Errorf("WebhookSetError = %+v", ws)
			}
			if !strings.Contains(err.Error(), "chihuy zalo-webhook --delete") {
				t.Errorf("the error does not tell the operator what to run: %v", err)
			}
		})
	}
}

func TestPollOtherClientErrorsAreRetried(t *testing.T) {
	// A 400 without a webhook set is not ErrWebhookSet: Poll backs off and
	// polls again.
	fake, c := pollPair(t)
	fake.Inject("getUpdates", 2, zalotest.APIError(400, 400, "Bad Request"))
	id := fake.PushText("u", zalotest.Private, "u", "A", "f0 1")
	rec := newRecorder(1)
	poll(t, c, rec)
	if got := rec.updates(); len(got) != 1 || got[0].ID != "zalo:"+id {
		t.Errorf("recorded %+v", got)
	}
	if n := fake.CallCount("getWebhookInfo"); n != 2 {
		t.Errorf("%d getWebhookInfo checks, want 2", n)
	}
}

func TestPollDuplicatesRecordedOnceInTheStore(t *testing.T) {
	srv := redistest.Shared(t)
	st := store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)))
	fake, c := pollPair(t)
	dup := zalotest.Update{EventName: "message.text.received", Message: &zalotest.Message{
		From: zalotest.User{ID: "u-1", DisplayName: "A"}, Chat: zalotest.Chat{ID: "u-1", ChatType: "PRIVATE"},
		Text: "f0 3", MessageID: "dup-0001", Date: t0.UnixMilli(),
	}}
	fake.Push(dup)
	fake.Push(dup)
	other := fake.PushText("u-1", zalotest.Private, "u-1", "A", "f1 2")

	rec := newRecorder(3)
	var fresh []bool
	recordInStore := func(ctx context.Context, u chihuy.Update) error {
		ok, err := st.RecordUpdate(ctx, u)
		if err != nil {
			return err
		}
		fresh = append(fresh, ok)
		return rec.record(ctx, u)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- c.Poll(ctx, recordInStore) }()
	select {
	case <-rec.done:
	case <-time.After(10 * time.Second):
		t.Fatal("timeout")
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(fresh) != "[true false true]" {
		t.Errorf("fresh = %v, want [true false true]", fresh)
	}
	n, err := st.PendingUpdates(context.Background())
	if err != nil || n != 2 {
		t.Errorf("journal holds %d updates (%v), want 2 (dup-0001 and %s)", n, err, other)
	}
}

func TestPollDoesNotSpinOnInstantEmptyPolls(t *testing.T) {
	// The fake answers 408 at once: Poll pauses instead of hammering it.
	fake, c := newPair(t, []zalotest.Option{zalotest.WithPollCap(time.Microsecond)},
		zalo.WithPollTimeout(time.Second), zalo.WithBackoff(200*time.Millisecond, time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := c.Poll(ctx, newRecorder(1).record); err != nil {
		t.Fatal(err)
	}
	if n := fake.CallCount("getUpdates"); n < 2 || n > 4 {
		t.Errorf("%d getUpdates in 500 ms with 200 ms pauses, want 2 to 4", n)
	}
}

// TestPollMalformedUpdates: an update that cannot be read or recorded — a
// field of the wrong type, a message dated in the year 10000, not an
// object — never stops intake: it is recorded for the dead list (with its
// reason and body) and the next update is read.
func TestPollMalformedUpdates(t *testing.T) {
	for _, tc := range []struct {
		name, raw, id string
	}{
		{"text of the wrong type", `{"event_name":"message.text.received","message":{"message_id":"m-bad","chat":{"id":"u1","chat_type":"PRIVATE"},"from":{"id":"u1"},"text":{"a":1}}}`, "zalo:raw:"},
		{"dated year 10000", `{"event_name":"message.text.received","message":{"message_id":"m-10k","chat":{"id":"u1","chat_type":"PRIVATE"},"from":{"id":"u1"},"text":"F0 3","date":253402300800000}}`, "zalo:m-10k"},
		{"an array", `[1,2,3]`, "zalo:raw:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, c := pollPair(t)
			fake.PushRaw(tc.raw)
			good := fake.PushText("u1", zalotest.Private, "u1", "Cán bộ", "F0 2")
			rec := newRecorder(2)
			poll(t, c, rec)
			got := rec.updates()
			if len(got) != 2 {
				t.Fatalf("recorded %+v, want the malformed update and the next", got)
			}
			if !strings.HasPrefix(got[0].ID, tc.id) || got[0].Invalid == "" || got[0].Raw != tc.raw {
				t.Errorf("malformed update recorded as %+v, want id %s…, a reason and its body", got[0], tc.id)
			}
			if got[1].ID != "zalo:"+good || got[1].Invalid != "" {
				t.Errorf("next update %+v", got[1])
			}
		})
	}
}
