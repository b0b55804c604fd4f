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

// An item a merge moved here arrives on the inbox and is stored as the
// sub-portal's own; one addressed to another tenant is refused.
func TestTransferConsumed(t *testing.T) {
	bus := testenv.NATS(t, tourism)
	st, _ := storetest.New(t)
	aggJS, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, bus, tourism, &inbox.Config{Pool: st.Pool()})
	defer stop()
	send := func(tenant, id string) {
		tr := &pb.ItemTransfer{EventId: "transfer/xa-a/" + id, Tenant: tenant, FromTenant: "xa-a", FromContentId: id,
			FromNameVi: "Xã A", OccurredAt: timestamppb.Now(),
			Item: &pb.ContentItem{ContentId: id, Version: 4, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
				State:        pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
				Translations: []*pb.Translation{{Locale: "vi", Title: "Tin " + id, Slug: id}}, Approver: &pb.Person{Name: "B"}}}
		b, err := proto.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := aggJS.PublishMsg(context.Background(), &nats.Msg{Subject: events.InboxSubject(tourism, "transfer", id), Data: b,
			Header: nats.Header{jetstream.MsgIDHeader: {tr.EventId}}}); err != nil {
			t.Fatal(err)
		}
	}
	send("other-tenant", "khong-phai")
	send(tourism, "tin-chuyen")
	testenv.WaitFor(t, 10*time.Second, func() error {
		var n int
		if err := st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM items WHERE content_id = 'tin-chuyen' AND hub_version = 4`).Scan(&n); err != nil || n != 1 {
			return fmt.Errorf("moved item stored: %d %v", n, err)
		}
		return nil
	})
	var n int
	if err := st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM items WHERE content_id = 'khong-phai'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("a transfer addressed to another tenant stored: %d %v", n, err)
	}
}
