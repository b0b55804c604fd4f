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

// The hub's takedown notices are kept newest first whatever order they
// arrive in, each once, each in the audit log (issue 10 point 5).
func TestStoreTakedown(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.New(t)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	notice := func(down bool, when time.Time, reason string) *pb.TakedownNotice {
		return &pb.TakedownNotice{EventId: "n-" + when.String(), Tenant: "so-du-lich", ContentId: "tin", Version: 3,
			TakenDown: down, Reason: reason, OccurredAt: timestamppb.New(when)}
	}
	state := func() (bool, string) {
		t.Helper()
		h, err := st.HubTakedownOf(ctx, "tin")
		if err != nil || h == nil {
			t.Fatalf("HubTakedownOf: %v %v", h, err)
		}
		return h.TakenDown, h.Reason
	}
	if h, err := st.HubTakedownOf(ctx, "tin"); err != nil || h != nil {
		t.Fatalf("before any notice: %v %v", h, err)
	}
	for i, c := range []struct {
		n         *pb.TakedownNotice
		changed   bool
		down      bool
		reason    string
		auditRows int
	}{
		{notice(true, at, "Sai thông tin"), true, true, "Sai thông tin", 1},
		{notice(true, at, "Sai thông tin"), false, true, "Sai thông tin", 1},                       // delivered again
		{notice(false, at.Add(-time.Hour), ""), false, true, "Sai thông tin", 1},                   // an older lift, late
		{notice(false, at.Add(time.Hour), ""), true, false, "", 2},                                 // lifted
		{notice(true, at.Add(2*time.Hour), "Hình ảnh vi phạm"), true, true, "Hình ảnh vi phạm", 3}, // down again
	} {
		changed, err := inbox.StoreTakedown(ctx, st.Pool(), c.n)
		if err != nil || changed != c.changed {
			t.Fatalf("notice %d: changed %v, %v; want %v", i, changed, err, c.changed)
		}
		if down, reason := state(); down != c.down || reason != c.reason {
			t.Errorf("notice %d: taken down %v %q, want %v %q", i, down, reason, c.down, c.reason)
		}
		var n int
		st.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE actor = 'hub' AND content_id = 'tin'`).Scan(&n)
		if n != c.auditRows {
			t.Errorf("notice %d: %d audit entries, want %d", i, n, c.auditRows)
		}
	}
	list, err := st.HubTakedowns(ctx, 10)
	if err != nil || len(list) != 1 || list[0].Reason != "Hình ảnh vi phạm" {
		t.Errorf("HubTakedowns = %+v, %v", list, err)
	}
}

// A takedown notice on the tenant's inbox reaches its database through the
// running consumer, beside its questions.
func TestTakedownNoticeConsumed(t *testing.T) {
	bus := testenv.NATS(t, tourism)
	st, _ := storetest.New(t)
	aggJS, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, bus, tourism, &inbox.Config{Pool: st.Pool()})
	defer stop()
	b, err := proto.Marshal(&pb.TakedownNotice{EventId: "takedown-notice/x", Tenant: tourism, ContentId: "le-hoi", Version: 2,
		TakenDown: true, Reason: "Thông tin chưa được kiểm chứng", OccurredAt: timestamppb.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := aggJS.PublishMsg(context.Background(), &nats.Msg{Subject: events.InboxSubject(tourism, "takedown", "le-hoi"), Data: b,
		Header: nats.Header{jetstream.MsgIDHeader: {"takedown-notice/x"}}}); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		h, err := st.HubTakedownOf(context.Background(), "le-hoi")
		if err != nil || h == nil || h.Reason != "Thông tin chưa được kiểm chứng" {
			return fmt.Errorf("takedown stored: %+v %v", h, err)
		}
		return nil
	})
}
