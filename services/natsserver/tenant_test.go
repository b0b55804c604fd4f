package natsserver_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

// refusals collects the permission violations NATS reports to a connection.
type refusals chan error

func (r refusals) handler(_ *nats.Conn, _ *nats.Subscription, err error) {
	select {
	case r <- err:
	default:
	}
}

// expect waits for the violation naming subject, after do (whose own
// result does not matter: a refused request just times out).
func (r refusals) expect(t *testing.T, what, subject string, do func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = do(ctx)
	}()
	select {
	case err := <-r:
		if !errors.Is(err, nats.ErrPermissionViolation) || !strings.Contains(err.Error(), `"`+subject) {
			t.Errorf("%s: %v, want a permissions violation on %s", what, err, subject)
		}
	case <-ctx.Done():
		t.Errorf("%s: no permissions violation on %s", what, subject)
	}
	cancel()
	<-done
}

// TestTenantConfinedToItsInbox shows that a tenant's NATS user consumes its
// own inbox with its own durable consumer, and that tenant B can neither
// subscribe to nor publish on tenant A's subjects or the hub's content
// subjects, nor create, read, pull from or acknowledge A's consumer.
func TestTenantConfinedToItsInbox(t *testing.T) {
	const a, b = "so-du-lich", "xa-ninh-hai"
	bus := testenv.NATS(t, a, b)
	ctx := t.Context()

	agg, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	for _, tenant := range []string{a, b} {
		if _, err := agg.Publish(ctx, events.InboxSubject(tenant, "feedback", "q1"), []byte(tenant)); err != nil {
			t.Fatalf("aggregator publishes to %s's inbox: %v", tenant, err)
		}
	}

	// A consumes its own inbox: creates its consumer, pulls, acknowledges.
	jsA, err := jetstream.New(bus.Connect(t, natsauth.Tenant(a)))
	if err != nil {
		t.Fatal(err)
	}
	consA, err := jsA.CreateOrUpdateConsumer(ctx, events.InboxStream, events.InboxConsumerConfig(a, time.Minute))
	if err != nil {
		t.Fatalf("tenant A creates its consumer: %v", err)
	}
	batch, err := consA.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for m := range batch.Messages() {
		got = append(got, string(m.Data()))
		if err := m.DoubleAck(ctx); err != nil {
			t.Errorf("tenant A acknowledges: %v", err)
		}
	}
	if len(got) != 1 || got[0] != a {
		t.Fatalf("tenant A received %q, want only its own message", got)
	}
	if _, err := jsA.Consumer(ctx, events.InboxStream, events.InboxConsumer(a)); err != nil {
		t.Errorf("tenant A looks up its consumer: %v", err)
	}

	// B tries everything on A's side and on the hub's content subjects.
	r := make(refusals, 1)
	ncB := bus.Connect(t, natsauth.Tenant(b), nats.ErrorHandler(r.handler))
	jsB, err := jetstream.New(ncB)
	if err != nil {
		t.Fatal(err)
	}
	subscribe := func(subject string) func(context.Context) error {
		return func(context.Context) error {
			_, err := ncB.SubscribeSync(subject)
			if err == nil {
				err = ncB.Flush()
			}
			return err
		}
	}
	publish := func(subject string) func(context.Context) error {
		return func(context.Context) error {
			if err := ncB.Publish(subject, []byte("forged")); err != nil {
				return err
			}
			return ncB.Flush()
		}
	}
	for _, s := range []string{events.TenantInboxSubjects(a), events.InboxSubject(a, "feedback", "q1"), events.TenantContentSubjects(a), events.ContentSubjects, "hub.>", "_INBOX_tenant-" + a + ".>"} {
		r.expect(t, "B subscribes to "+s, s, subscribe(s))
	}
	for _, s := range []string{events.InboxSubject(a, "feedback", "q2"), events.InboxSubject(b, "feedback", "q2"), events.ContentSubject(b, "tin"), events.ContentSubject(a, "tin")} {
		r.expect(t, "B publishes on "+s, s, publish(s))
	}
	consumerA := events.InboxConsumer(a)
	r.expect(t, "B creates A's consumer", "$JS.API.CONSUMER.CREATE."+events.InboxStream+"."+consumerA, func(ctx context.Context) error {
		_, err := jsB.CreateOrUpdateConsumer(ctx, events.InboxStream, events.InboxConsumerConfig(a, time.Minute))
		return err
	})
	r.expect(t, "B creates its consumer on A's subjects", "$JS.API.CONSUMER.CREATE."+events.InboxStream+"."+events.InboxConsumer(b)+"."+events.TenantInboxSubjects(a), func(ctx context.Context) error {
		cfg := events.InboxConsumerConfig(b, time.Minute)
		cfg.FilterSubject = events.TenantInboxSubjects(a)
		_, err := jsB.CreateOrUpdateConsumer(ctx, events.InboxStream, cfg)
		return err
	})
	r.expect(t, "B looks up A's consumer", "$JS.API.CONSUMER.INFO."+events.InboxStream+"."+consumerA, func(ctx context.Context) error {
		_, err := jsB.Consumer(ctx, events.InboxStream, consumerA)
		return err
	})
	next := "$JS.API.CONSUMER.MSG.NEXT." + events.InboxStream + "." + consumerA
	r.expect(t, "B pulls from A's consumer", next, publish(next))
	ack := "$JS.ACK." + events.InboxStream + "." + consumerA + ".1.2.2.0.0"
	r.expect(t, "B acknowledges on A's consumer", ack, publish(ack))

	// B still consumes its own.
	consB, err := jsB.CreateOrUpdateConsumer(ctx, events.InboxStream, events.InboxConsumerConfig(b, time.Minute))
	if err != nil {
		t.Fatalf("tenant B creates its consumer: %v", err)
	}
	msg, err := consB.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil || string(msg.Data()) != b {
		t.Fatalf("tenant B's next message: %v, %v; want its own", msg, err)
	}
}
