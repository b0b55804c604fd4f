package invalidate

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/proto"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestStalledConsumerCreatedAgain: a consumer that is alive (its server
// answers, its heartbeats come) but delivers nothing while the stream moves
// on is made anew, and the events it withheld reach the cache. make chaos
// found such a consumer on a gateway started after the stream's leader was
// killed (an R1 consumer placed on a replica that did not catch up); here
// the consumer is paused, which stalls it the same way: the library's own
// recovery, which watches heartbeats only, never notices.
func TestStalledConsumerCreatedAgain(t *testing.T) {
	bus := testenv.NATS(t)
	cache := pagecache.New(pagecache.Config{MaxBytes: 1 << 20})
	ctx := t.Context()
	c := runConsumer(t, Config{Conn: bus.Connect(t, natsauth.Gateway), Cache: cache, Log: zerolog.Nop(),
		CheckEvery: 200 * time.Millisecond})

	pub, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	publish := func(version uint64) uint64 {
		t.Helper()
		b, _ := proto.Marshal(&pb.ContentEvent{Tenant: "so-gd", ContentId: "tin-1", Version: version})
		ack, err := pub.Publish(ctx, "hub.so-gd.content.tin-1", b)
		if err != nil {
			t.Fatal(err)
		}
		return ack.Sequence
	}
	received := func(seq uint64) func() error {
		return func() error {
			if got := c.LastSequence(); got < seq {
				return fmt.Errorf("last sequence %d, want %d", got, seq)
			}
			return nil
		}
	}
	testenv.WaitFor(t, 10*time.Second, received(publish(1)))

	ops, err := jetstream.New(bus.Connect(t, natsauth.Ops))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ops.Stream(ctx, events.ContentStream)
	if err != nil {
		t.Fatal(err)
	}
	var paused string
	for n := range s.ConsumerNames(ctx).Name() {
		if _, err := ops.PauseConsumer(ctx, events.ContentStream, n, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		paused = n
	}
	if paused == "" {
		t.Fatal("no consumer on the content stream to pause")
	}
	seq := publish(2)
	// Well beyond the checks' period, and beyond the library's heartbeat
	// timeout, which does not help here.
	testenv.WaitFor(t, 20*time.Second, received(seq))
}

// runConsumer starts a consumer of cfg until the test ends and waits until
// it is ready.
func runConsumer(t *testing.T, cfg Config) *Consumer {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	testenv.WaitFor(t, 10*time.Second, func() error { return c.Ready(ctx) })
	return c
}

// TestFirstConsumerReplaysRecentEvents: a gateway that starts while the
// replica lags behind the newest events applies them anyway (they claim
// their versions, so no older render is cached): its first consumer starts
// Replay back, not after the newest event.
func TestFirstConsumerReplaysRecentEvents(t *testing.T) {
	bus := testenv.NATS(t)
	ctx := t.Context()
	pub, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := proto.Marshal(&pb.ContentEvent{Tenant: "so-gd", ContentId: "tin-2", Version: 7})
	ack, err := pub.Publish(ctx, "hub.so-gd.content.tin-2", b)
	if err != nil {
		t.Fatal(err)
	}
	cache := pagecache.New(pagecache.Config{MaxBytes: 1 << 20})
	c := runConsumer(t, Config{Conn: bus.Connect(t, natsauth.Gateway), Cache: cache, Log: zerolog.Nop(), Replay: time.Minute})
	testenv.WaitFor(t, 10*time.Second, func() error {
		if got := c.LastSequence(); got < ack.Sequence {
			return fmt.Errorf("last sequence %d, want %d: the event published a moment before the start was not applied", got, ack.Sequence)
		}
		return nil
	})
}
