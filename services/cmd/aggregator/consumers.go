package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/internal/backlog"
)

// consumerScrapeTimeout bounds the listing of the consumers at a scrape.
const consumerScrapeTimeout = 2 * time.Second

// consumerLag exports, at each scrape, the backlog of every JetStream
// consumer of the hub's streams (issue 10 point 10: JetStream consumer lag):
// the gateways' consumers of HUB_CONTENT and each sub-portal's durable
// inbox-<tenant> of HUB_INBOX, as the console's backlog page lists them. A
// consumer that is gone is gone from the next scrape (no stale series). A
// listing that fails exports nothing and logs; the scrape still succeeds.
type consumerLag struct {
	list                backlog.Lister
	pending, ackPending *prometheus.Desc
	log                 zerolog.Logger
}

func newConsumerLag(list backlog.Lister, log zerolog.Logger) *consumerLag {
	labels := []string{"stream", "consumer"}
	return &consumerLag{list: list, log: log,
		pending: prometheus.NewDesc("portalhub_jetstream_consumer_pending",
			"Messages of the stream not yet delivered to the consumer (its lag), by stream and consumer.", labels, nil),
		ackPending: prometheus.NewDesc("portalhub_jetstream_consumer_ack_pending",
			"Messages delivered to the consumer and not yet acknowledged, by stream and consumer.", labels, nil)}
}

func (c *consumerLag) Describe(ch chan<- *prometheus.Desc) { ch <- c.pending; ch <- c.ackPending }

func (c *consumerLag) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), consumerScrapeTimeout)
	defer cancel()
	cs, err := c.list.Consumers(ctx)
	if err != nil {
		c.log.Warn().Err(err).Msg("metrics: cannot list the JetStream consumers")
		return
	}
	for _, x := range cs {
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(x.Pending), x.Stream, x.Name)
		ch <- prometheus.MustNewConstMetric(c.ackPending, prometheus.GaugeValue, float64(x.AckPending), x.Stream, x.Name)
	}
}
