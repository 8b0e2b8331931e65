package bot

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Results of a send, the "result" label of chihuy_messages_out_total.
const (
	ResultSent        = "sent"         // the part was delivered
	ResultRetry       = "retry"        // network or 5xx error: tried again later
	ResultRateLimited = "rate_limited" // 429: tried again after retry_after
	ResultChatGone    = "chat_gone"    // the chat blocked or removed the bot
	ResultDead        = "dead"         // given up: a bad request, or retried too long
	ResultMigrated    = "migrated"     // the chat has a new id: sent again there
)

// Metrics are the Prometheus collectors of the platform side of the bot.
// A nil *Metrics records nothing, so components take one optionally.
type Metrics struct {
	// UpdatesIn counts updates received, by platform.
	UpdatesIn *prometheus.CounterVec
	// MessagesOut counts send calls by platform and result (one per message
	// part or edit).
	MessagesOut *prometheus.CounterVec
	// QueueDepth is the number of queued messages by platform and priority
	// ("reply", "bulk"), kept by the process that is sending.
	QueueDepth *prometheus.GaugeVec
	// RateLimited counts 429 answers, by platform.
	RateLimited *prometheus.CounterVec
	// SendLatency is the duration of send calls, by platform.
	SendLatency *prometheus.HistogramVec
}

// NewMetrics creates the collectors and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		UpdatesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chihuy_updates_in_total",
			Help: "Updates received from chat platforms.",
		}, []string{"platform"}),
		MessagesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chihuy_messages_out_total",
			Help: "Send calls to chat platforms (message parts and edits), by result.",
		}, []string{"platform", "result"}),
		QueueDepth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "chihuy_outbox_depth",
			Help: "Messages queued in the outbox, by priority; set by the process holding the platform's sender lease.",
		}, []string{"platform", "priority"}),
		RateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chihuy_rate_limited_total",
			Help: "429 Too Many Requests answers received from chat platforms.",
		}, []string{"platform"}),
		SendLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "chihuy_send_duration_seconds",
			Help:    "Duration of send calls to chat platforms.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"platform"}),
	}
	for _, c := range []prometheus.Collector{m.UpdatesIn, m.MessagesOut, m.QueueDepth, m.RateLimited, m.SendLatency} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register bot metrics: %w", err)
		}
	}
	return m, nil
}

// UpdateReceived counts one update received from platform.
func (m *Metrics) UpdateReceived(platform string) {
	if m == nil {
		return
	}
	m.UpdatesIn.WithLabelValues(platform).Inc()
}

// sendDone records one send call: its result and how long it took.
func (m *Metrics) sendDone(platform, result string, took time.Duration) {
	if m == nil {
		return
	}
	m.MessagesOut.WithLabelValues(platform, result).Inc()
	m.SendLatency.WithLabelValues(platform).Observe(took.Seconds())
	if result == ResultRateLimited {
		m.RateLimited.WithLabelValues(platform).Inc()
	}
}

// setDepth sets the queue depth of platform.
func (m *Metrics) setDepth(platform string, reply, bulk int64) {
	if m == nil {
		return
	}
	m.QueueDepth.WithLabelValues(platform, "reply").Set(float64(reply))
	m.QueueDepth.WithLabelValues(platform, "bulk").Set(float64(bulk))
}

// forgetDepth removes platform's depth series once this process stops
// sending for it, so that only the active sender reports a depth.
func (m *Metrics) forgetDepth(platform string) {
	if m == nil {
		return
	}
	m.QueueDepth.DeleteLabelValues(platform, "reply")
	m.QueueDepth.DeleteLabelValues(platform, "bulk")
}
