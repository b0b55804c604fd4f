package inbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const tourism, commune = "so-du-lich", "xa-ninh-hai"

// hub publishes what the hub's outbox relay would: a FeedbackEvent on the
// tenant's inbox subject with its message id.
type hub struct {
	t  *testing.T
	js jetstream.JetStream
}

func (h hub) route(tenant, id, msgID string) {
	h.t.Helper()
	b, err := proto.Marshal(&pb.FeedbackEvent{EventId: msgID, Id: id, Tenant: tenant, Topic: "procedure",
		Question: "Câu hỏi " + id, Lang: "vi", SubmittedAt: timestamppb.Now(), HasEmail: true})
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.js.PublishMsg(context.Background(), &nats.Msg{Subject: events.InboxSubject(tenant, "feedback", id), Data: b,
		Header: nats.Header{jetstream.MsgIDHeader: {msgID}}}); err != nil {
		h.t.Fatal(err)
	}
}

// run starts tenant's consumer on its own NATS user and returns its stop.
func run(t *testing.T, bus *testenv.NATSServer, tenant string, c *inbox.Config) func() {
	t.Helper()
	nc := bus.Connect(t, natsauth.Tenant(tenant))
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	c.Tenant, c.JS, c.Log = tenant, js, zerolog.New(zerolog.NewTestWriter(t))
	cons, err := inbox.New(*c)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cons.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("consumer of %s: %v", tenant, err)
		}
		nc.Close()
	}
}

// TestDownThenBackExactlyOnce routes questions to a sub-portal while its
// consumer runs, while it is stopped, and again (the same message twice,
// as a lost acknowledgement would): when it is back, it holds every
// question once, and another tenant's consumer none of them.
func TestDownThenBackExactlyOnce(t *testing.T) {
	bus := testenv.NATS(t, tourism, commune)
	st, _ := storetest.New(t)
	other, _ := storetest.New(t)
	aggJS, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	h := hub{t, aggJS}
	rows := func(c *inbox.Config) (n int, distinct int) {
		if err := c.Pool.QueryRow(context.Background(), `SELECT count(*), count(DISTINCT id) FROM feedback_inbox`).Scan(&n, &distinct); err != nil {
			t.Fatal(err)
		}
		return n, distinct
	}
	mine := &inbox.Config{Pool: st.Pool()}
	theirs := &inbox.Config{Pool: other.Pool()}
	stopOther := run(t, bus, commune, theirs)
	defer stopOther()

	stop := run(t, bus, tourism, mine)
	for i := range 3 {
		h.route(tourism, fmt.Sprintf("q%d", i), fmt.Sprintf("feedback/q%d/submitted", i))
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		if n, _ := rows(mine); n != 3 {
			return fmt.Errorf("%d questions stored, want 3", n)
		}
		return nil
	})
	stop() // the sub-portal goes down

	for i := 3; i < 8; i++ {
		h.route(tourism, fmt.Sprintf("q%d", i), fmt.Sprintf("feedback/q%d/submitted", i))
	}
	h.route(tourism, "q5", "feedback/q5/submitted")    // a retried publish: the stream drops it
	h.route(tourism, "q1", "feedback/q1/redelivered")  // the same question again, as a redelivery
	h.route(tourism, "q6", "feedback/q6/redelivered2") // and one still waiting
	if n, _ := rows(mine); n != 3 {
		t.Fatalf("%d questions stored while the sub-portal was down, want still 3", n)
	}

	stop = run(t, bus, tourism, mine) // back
	defer stop()
	testenv.WaitFor(t, 10*time.Second, func() error {
		info, err := aggJSConsumerPending(bus, tourism)
		if err != nil {
			return err
		}
		if n, _ := rows(mine); n != 8 || info != 0 {
			return fmt.Errorf("%d questions stored, %d messages pending; want 8 and 0", n, info)
		}
		return nil
	})
	if n, distinct := rows(mine); n != 8 || distinct != 8 {
		t.Errorf("%d rows for %d questions, want each of the 8 once", n, distinct)
	}
	if n, _ := rows(theirs); n != 0 {
		t.Errorf("another tenant's sub-portal stored %d of them, want none", n)
	}
}

// aggJSConsumerPending returns how many messages tenant's consumer has not
// had acknowledged, read as the ops user.
func aggJSConsumerPending(bus *testenv.NATSServer, tenant string) (uint64, error) {
	nc, err := natsauth.Connect(bus.URL, natsauth.Ops, bus.SeedFile(natsauth.Ops), "")
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, err
	}
	cons, err := js.Consumer(context.Background(), events.InboxStream, events.InboxConsumer(tenant))
	if err != nil {
		return 0, err
	}
	info, err := cons.Info(context.Background())
	if err != nil {
		return 0, err
	}
	return info.NumPending + uint64(info.NumAckPending), nil
}
