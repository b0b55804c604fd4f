package testenv_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestNATS checks the test server is the hub's bus: the content stream is
// there, the aggregator publishes to it and ops reads it, and nobody
// connects anonymously.
func TestNATS(t *testing.T) {
	n := testenv.NATS(t)
	if nc, err := nats.Connect(n.URL); !errors.Is(err, nats.ErrAuthorization) {
		if nc != nil {
			nc.Close()
		}
		t.Fatalf("anonymous connect: %v, want an authorization violation", err)
	}
	agg, err := jetstream.New(n.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := agg.Publish(ctx, events.ContentSubject("so-gd", "le-hoi"), []byte("xin chào")); err != nil {
		t.Fatal(err)
	}
	ops, err := jetstream.New(n.Connect(t, natsauth.Ops))
	if err != nil {
		t.Fatal(err)
	}
	cons, err := ops.OrderedConsumer(ctx, events.ContentStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	msg, err := cons.Next(jetstream.FetchContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Subject() + " " + string(msg.Data()); got != "hub.so-gd.content.le-hoi xin chào" {
		t.Errorf("read %q, want \"hub.so-gd.content.le-hoi xin chào\"", got)
	}
}
