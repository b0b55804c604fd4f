package outbox

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the relay's Prometheus collectors.
type metrics struct {
	published prometheus.Counter
	errors    prometheus.Counter
	pending   prometheus.Gauge
	lag       prometheus.Gauge
}

// newMetrics builds the collectors and registers them with reg when it is not
// nil. When another relay in the process registered them already, it shares
// that relay's collectors.
func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		published: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portalhub_outbox_published_total",
			Help: "Outbox rows published to JetStream and acknowledged.",
		}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portalhub_outbox_publish_errors_total",
			Help: "Outbox rows whose publish failed or was not acknowledged in time.",
		}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portalhub_outbox_pending",
			Help: "Unpublished outbox rows, as of the relay's last pass.",
		}),
		lag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portalhub_outbox_lag_seconds",
			Help: "Age of the oldest unpublished outbox row, as of the relay's last pass.",
		}),
	}
	if reg == nil {
		return m
	}
	m.published = register(reg, m.published)
	m.errors = register(reg, m.errors)
	m.pending = register(reg, m.pending)
	m.lag = register(reg, m.lag)
	return m
}

// register registers c with reg, or returns the collector already registered
// under its name.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
	}
	panic(err) // a collector of another type under our name is a programming error
}
