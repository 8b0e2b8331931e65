package bot

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/chihuy/chihuy"
)

func TestNewMetricsRegistersOnce(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Error("registering the collectors twice on one registry succeeded")
	}
	m.UpdateReceived(chihuy.Zalo)
	m.UpdateReceived(chihuy.Zalo)
	if got := testutil.ToFloat64(m.UpdatesIn.WithLabelValues(chihuy.Zalo)); got != 2 {
		t.Errorf("updates in = %v, want 2", got)
	}
	var none *Metrics // a nil *Metrics records nothing and does not panic
	none.UpdateReceived(chihuy.Telegram)
	none.sendDone(chihuy.Telegram, ResultSent, time.Second)
}

func TestOutboxMetrics(t *testing.T) {
	h := newObHarness(t, 1000)
	p := newObPlatform(h.clk)
	p.setFail(func(m chihuy.Message, attempt int) error {
		switch {
		case m.Key == "limited" && attempt == 0:
			return &SendError{Platform: chihuy.Telegram, Failure: RateLimited, Code: 429, RetryAfter: 2 * time.Second}
		case m.Key == "flaky" && attempt == 0:
			return errBadGateway
		case m.Key == "gone":
			return &SendError{Platform: chihuy.Telegram, Failure: ChatGone, Code: 403, Description: "Forbidden: bot was blocked by the user"}
		case m.Key == "bad":
			return &SendError{Platform: chihuy.Telegram, Failure: Permanent, Code: 400, Description: "Bad Request"}
		}
		return nil
	})
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	h.enqueue(t,
		obText("ok", "1", chihuy.PriorityBulk, "x"), obText("limited", "2", chihuy.PriorityBulk, "x"),
		obText("flaky", "3", chihuy.PriorityBulk, "x"), obText("gone", "4", chihuy.PriorityBulk, "x"),
		obText("bad", "5", chihuy.PriorityReply, "x"))
	run := h.run(t, p, fastLimits, WithMetrics(m))
	obWait(t, "the depth gauge", func() bool {
		return testutil.ToFloat64(m.QueueDepth.WithLabelValues(chihuy.Telegram, "bulk")) == 4
	})
	obWait(t, "every send", func() bool { return len(p.sent()) == 3 })
	run.stop()
	want := map[string]float64{ResultSent: 3, ResultRetry: 1, ResultRateLimited: 1, ResultChatGone: 1, ResultDead: 1}
	for result, n := range want {
		if got := testutil.ToFloat64(m.MessagesOut.WithLabelValues(chihuy.Telegram, result)); got != n {
			t.Errorf("messages out %s = %v, want %v", result, got, n)
		}
	}
	if got := testutil.ToFloat64(m.RateLimited.WithLabelValues(chihuy.Telegram)); got != 1 {
		t.Errorf("429s = %v, want 1", got)
	}
	if n := testutil.CollectAndCount(m.SendLatency); n != 1 {
		t.Errorf("%d latency series, want 1", n)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "chihuy_send_duration_seconds" {
			if c := f.GetMetric()[0].GetHistogram().GetSampleCount(); c != 7 {
				t.Errorf("latency samples = %d, want 7 send calls", c)
			}
		}
	}
	if n := testutil.CollectAndCount(m.QueueDepth); n != 0 {
		t.Errorf("%d depth series left after the sender stopped, want 0", n)
	}
}
