package ingest

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/outbox"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestPublishBulkBatches streams 300 pushes (new items, an invalid one, one
// whose slug another item holds, an older version, an identical push) and
// checks each answer, that the pushes were applied in a few transactions,
// not one each, that each applied push left one outbox row, and that the
// outbox relay announces each on the bus.
func TestPublishBulkBatches(t *testing.T) {
	h := startHub(t)
	ctx := h.as("so-gd")
	if _, err := h.client.Publish(ctx, &pb.PublishRequest{Item: item("held", 5, "Đã có", "")}); err != nil {
		t.Fatal(err)
	}
	stream, err := h.client.PublishBulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pushes []*pb.ContentItem
	want := map[int]string{}
	for i := range 296 {
		pushes = append(pushes, item(fmt.Sprintf("bai-%03d", i), 1, fmt.Sprintf("Bài %d", i), "<p>Nội dung</p>"))
		if i == 100 {
			want[len(pushes)] = "InvalidArgument/VERSION_ZERO"
			pushes = append(pushes, item("khong-phien-ban", 0, "Không", ""))
			want[len(pushes)] = "AlreadyExists/SLUG_TAKEN"
			taken := item("trung-duong-dan", 1, "Trùng", "")
			taken.Translations[0].Slug = "bai-050"
			pushes = append(pushes, taken)
			want[len(pushes)] = "PUBLISH_OUTCOME_STALE"
			pushes = append(pushes, item("held", 4, "Cũ hơn", ""))
			want[len(pushes)] = "PUBLISH_OUTCOME_UNCHANGED"
			pushes = append(pushes, item("bai-007", 1, "Bài 7", "<p>Nội dung</p>"))
		}
	}
	go func() {
		for _, it := range pushes {
			if err := stream.Send(&pb.PublishBulkRequest{Item: it}); err != nil {
				return
			}
		}
		stream.CloseSend()
	}()
	got := bulkAnswers(t, stream)
	if len(got) != len(pushes) {
		t.Fatalf("%d answers for %d pushes", len(got), len(pushes))
	}
	applied := 0
	for i, r := range got {
		if r.ContentId != pushes[i].ContentId || r.Version != pushes[i].Version {
			t.Fatalf("answer %d is for %s@%d, want %s@%d", i, r.ContentId, r.Version, pushes[i].ContentId, pushes[i].Version)
		}
		s := bulkAnswer(r)
		w, special := want[i]
		if !special {
			w = "PUBLISH_OUTCOME_APPLIED"
		}
		if s != w {
			t.Errorf("answer %d (%s): %s, want %s", i, r.ContentId, s, w)
		}
		if s == "PUBLISH_OUTCOME_APPLIED" {
			applied++
		}
	}
	if applied != 296 {
		t.Fatalf("%d pushes applied, want 296", applied)
	}
	if n := h.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE 'hub.so-gd.content.%'`); n != applied+1 {
		t.Errorf("%d outbox rows, want one per applied push (%d, and the first Publish)", n, applied+1)
	}
	// Rows a transaction writes share its id (xmin): one transaction per
	// push would leave 296 ids.
	if n := h.count(t, `SELECT count(DISTINCT xmin::text) FROM items WHERE tenant_id = 'so-gd' AND content_id LIKE 'bai-%'`); n > 30 {
		t.Errorf("the stream's items were written by %d transactions; want a few (at most 30 for 296 pushes)", n)
	}
	if n := h.store.BatchFallbacks(); n != 0 {
		t.Errorf("%d batches fell back to one transaction per push", n)
	}

	// The relay announces every applied version, once.
	bus := testenv.NATS(t)
	js, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	relay := outbox.NewRelay(outbox.Config{Pool: h.store.Pool(), JS: js, Log: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)})
	rctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- relay.Run(rctx) }()
	defer func() { cancel(); <-done }()
	ops, err := jetstream.New(bus.Connect(t, natsauth.Ops))
	if err != nil {
		t.Fatal(err)
	}
	st, err := ops.Stream(context.Background(), events.ContentStream)
	if err != nil {
		t.Fatal(err)
	}
	var announced []string
	testenv.WaitFor(t, 30*time.Second, func() error {
		announced = announced[:0]
		info, err := st.Info(context.Background())
		if err != nil {
			return err
		}
		for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
			m, err := st.GetMsg(context.Background(), seq)
			if err != nil {
				return err
			}
			if m.Subject != "hub.so-gd.content.held" && len(m.Subject) > len("hub.so-gd.content.") && m.Subject[:len("hub.so-gd.content.")] == "hub.so-gd.content." {
				announced = append(announced, m.Header.Get(jetstream.MsgIDHeader))
			}
		}
		if len(announced) < applied {
			return fmt.Errorf("%d of %d announced", len(announced), applied)
		}
		return nil
	})
	var wantIDs []string
	for i, r := range got {
		if r.Result.GetOutcome() == pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED {
			wantIDs = append(wantIDs, events.ContentMsgID("so-gd", pushes[i].ContentId, 1, r.Result.ContentHash))
		}
	}
	sort.Strings(announced)
	sort.Strings(wantIDs)
	if !slices.Equal(announced, wantIDs) {
		t.Errorf("announced %d events, want one per applied push (%d):\n got %v\nwant %v", len(announced), len(wantIDs), announced, wantIDs)
	}
}

// bulkAnswers reads a PublishBulk stream's answers until it ends.
func bulkAnswers(t *testing.T, stream pb.IngestService_PublishBulkClient) []*pb.PublishBulkResponse {
	t.Helper()
	var got []*pb.PublishBulkResponse
	for {
		r, err := stream.Recv()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
}

// bulkAnswer is one answer as text: its outcome, or its code and reason.
func bulkAnswer(r *pb.PublishBulkResponse) string {
	if r.Error != nil {
		return codes.Code(r.Error.Code).String() + "/" + contentrules.ReasonOf(status.FromProto(r.Error).Err())
	}
	return r.Result.Outcome.String()
}
