package ingest

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	publishes *prometheus.CounterVec
	latency   prometheus.Histogram
	uploads   *prometheus.CounterVec
	// uploadsInProgress counts, per tenant, the upload slots held.
	uploadsInProgress *prometheus.GaugeVec
	// uploadBytes is the memory the uploads in progress hold.
	uploadBytes prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		publishes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portalhub_ingest_publish_total",
			Help: "Pushes received, by tenant and outcome (APPLIED, UNCHANGED, STALE, or the refusal's reason code).",
		}, []string{"tenant", "outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "portalhub_ingest_publish_seconds",
			Help:    "Time to prepare and apply one push.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portalhub_ingest_blob_uploads_total",
			Help: "Blob uploads, by tenant and outcome (STORED, ALREADY_PRESENT, or the refusal's reason code).",
		}, []string{"tenant", "outcome"}),
		uploadsInProgress: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "portalhub_ingest_uploads_in_progress",
			Help: "Blob uploads receiving their bytes, by tenant (each holds an upload slot).",
		}, []string{"tenant"}),
		uploadBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portalhub_ingest_upload_bytes",
			Help: "Memory reserved by the blob uploads in progress, in bytes.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.publishes, m.latency, m.uploads, m.uploadsInProgress, m.uploadBytes)
	}
	return m
}

func (m *metrics) observe(tenant, outcome string, took time.Duration) {
	m.publishes.WithLabelValues(tenant, outcome).Inc()
	m.latency.Observe(took.Seconds())
}
