package inbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

func (h hub) erase(tenant, id string) {
	h.t.Helper()
	msgID := "feedback/" + id + "/erased/" + tenant
	b, err := proto.Marshal(&pb.FeedbackErasure{EventId: msgID, Id: id, Tenant: tenant, ErasedAt: timestamppb.Now()})
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.js.PublishMsg(context.Background(), &nats.Msg{Subject: events.InboxSubject(tenant, "erasure", id), Data: b,
		Header: nats.Header{jetstream.MsgIDHeader: {msgID}}}); err != nil {
		h.t.Fatal(err)
	}
}

// TestErasureEmptiesTheCopy: the hub's FeedbackErasure (issue 9 point 6)
// empties the sub-portal's copy of the question and only that one, also
// when it arrives before the question itself (the question's delivery
// retried), and a second one changes nothing.
func TestErasureEmptiesTheCopy(t *testing.T) {
	bus := testenv.NATS(t, tourism)
	st, _ := storetest.New(t)
	aggJS, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	h := hub{t, aggJS}
	stop := run(t, bus, tourism, &inbox.Config{Pool: st.Pool()})
	defer stop()
	h.route(tourism, "q1", "feedback/q1/submitted")
	h.route(tourism, "q2", "feedback/q2/submitted")
	h.erase(tourism, "q1")
	h.erase(tourism, "q3") // before its question
	h.route(tourism, "q3", "feedback/q3/submitted")
	in := inbox.Inbox{Pool: st.Pool()}
	testenv.WaitFor(t, 30*time.Second, func() error {
		for _, id := range []string{"q1", "q3"} {
			q, err := in.Get(context.Background(), id)
			if err != nil {
				return err
			}
			if q.Question != "" || q.ErasedAt == nil {
				return fmt.Errorf("%s: question %q, erased %v; want emptied", id, q.Question, q.ErasedAt)
			}
		}
		return nil
	})
	q2, err := in.Get(context.Background(), "q2")
	if err != nil || q2.Question != "Câu hỏi q2" || q2.ErasedAt != nil {
		t.Errorf("another question: %q erased %v (%v), want kept", q2.Question, q2.ErasedAt, err)
	}
	q1, _ := in.Get(context.Background(), "q1")
	if changed, err := inbox.StoreErasure(context.Background(), st.Pool(), &pb.FeedbackErasure{Id: "q1", Tenant: tourism,
		ErasedAt: timestamppb.Now()}); changed || err != nil {
		t.Errorf("a second erasure: changed %v (%v), want nothing", changed, err)
	}
	if again, _ := in.Get(context.Background(), "q1"); !again.ErasedAt.Equal(*q1.ErasedAt) {
		t.Error("a second erasure moved the day it was erased")
	}
}
