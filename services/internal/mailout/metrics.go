package mailout

import "github.com/prometheus/client_golang/prometheus"

// metrics are the relay's Prometheus collectors.
type metrics struct {
	sent    *prometheus.CounterVec
	failed  *prometheus.CounterVec
	retried *prometheus.CounterVec
	queued  prometheus.Gauge
	oldest  prometheus.Gauge
}

// newMetrics builds the collectors and registers them with reg when it is
// not nil.
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portalhub_mail_sent_total",
			Help: "Mail accepted by the SMTP server, by purpose.",
		}, []string{"purpose"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portalhub_mail_failed_total",
			Help: "Mail the SMTP server refused for good (5xx to the recipient or the content), by purpose.",
		}, []string{"purpose"}),
		retried: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portalhub_mail_send_errors_total",
			Help: "Attempts to send mail that failed temporarily and will be retried, by purpose.",
		}, []string{"purpose"}),
		queued: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portalhub_mail_queued",
			Help: "Mail waiting to be sent, as of the relay's last pass.",
		}),
		oldest: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portalhub_mail_oldest_queued_seconds",
			Help: "Age of the oldest mail waiting to be sent, as of the relay's last pass.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.sent, m.failed, m.retried, m.queued, m.oldest)
	}
	return m
}
