package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/internal/backlog"
)

type fakeConsumers struct {
	cs  []backlog.Consumer
	err error
}

func (f *fakeConsumers) Consumers(context.Context) ([]backlog.Consumer, error) { return f.cs, f.err }

// TestConsumerLagMetric: each consumer's backlog is a gauge at scrape time;
// a consumer gone is gone from the next scrape; a failed listing exports
// nothing and does not fail the scrape.
func TestConsumerLagMetric(t *testing.T) {
	f := &fakeConsumers{cs: []backlog.Consumer{
		{Stream: "HUB_INBOX", Name: "inbox-so-gd", Pending: 12, AckPending: 1},
		{Stream: "HUB_CONTENT", Name: "gw-1", Pending: 0},
	}}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(newConsumerLag(f, zerolog.Nop()))
	want := `
# HELP portalhub_jetstream_consumer_pending Messages of the stream not yet delivered to the consumer (its lag), by stream and consumer.
# TYPE portalhub_jetstream_consumer_pending gauge
portalhub_jetstream_consumer_pending{consumer="gw-1",stream="HUB_CONTENT"} 0
portalhub_jetstream_consumer_pending{consumer="inbox-so-gd",stream="HUB_INBOX"} 12
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "portalhub_jetstream_consumer_pending"); err != nil {
		t.Error(err)
	}
	f.cs = f.cs[:1]
	if n := testutil.CollectAndCount(newConsumerLag(f, zerolog.Nop()), "portalhub_jetstream_consumer_pending"); n != 1 {
		t.Errorf("after a consumer went: %d series, want 1", n)
	}
	f.err = errors.New("nats: timeout")
	if _, err := reg.Gather(); err != nil {
		t.Errorf("a failed listing failed the scrape: %v", err)
	}
	if n := testutil.CollectAndCount(newConsumerLag(f, zerolog.Nop())); n != 0 {
		t.Errorf("a failed listing exported %d series, want 0", n)
	}
}
