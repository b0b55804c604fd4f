package hubstore

import (
	"context"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// TestComplianceUpdates follows one item through the pushes that count as
// Article 11 updates and those that do not.
func TestComplianceUpdates(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	recent := timestamppb.New(time.Now().Add(-2 * 24 * time.Hour))
	fresh := func(id string, v uint64, title string) *pb.ContentItem {
		it := article(id, v, title, id)
		it.PublishedAt = recent
		return it
	}
	counted := func() int {
		t.Helper()
		got, err := s.ComplianceUpdates(ctx, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 7)
		if err != nil {
			t.Fatal(err)
		}
		return len(got["tenant-a"])
	}
	steps := []struct {
		name string
		item *pb.ContentItem
		want int // updates counted so far
	}{
		{"a new item counts", fresh("tin-1", 1, "Tin một"), 1},
		{"an unchanged re-push does not", fresh("tin-1", 1, "Tin một"), 1},
		{"a newer version with the same content (resync) does not", fresh("tin-1", 2, "Tin một"), 1},
		{"a change counts", fresh("tin-1", 3, "Tin một, sửa"), 2},
		{"a withdrawal does not", func() *pb.ContentItem {
			it := fresh("tin-1", 4, "Tin một, sửa")
			it.State = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN
			it.Unpublishing = &pb.Unpublishing{Reason: "Hết hiệu lực"}
			return it
		}(), 2},
		{"publishing it again counts", fresh("tin-1", 5, "Tin một, sửa"), 3},
		{"importing an item first published a year ago does not", article("cu-1", 1, "Tin cũ", "cu-1"), 3},
		{"changing that old item later counts", article("cu-1", 2, "Tin cũ, sửa", "cu-1"), 4},
	}
	for _, st := range steps {
		if _, err := push(t, s, "tenant-a", st.item); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := counted(); got != st.want {
			t.Errorf("%s: %d updates counted, want %d", st.name, got, st.want)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM compliance_updates WHERE tenant_id = 'tenant-b'`); n != 0 {
		t.Errorf("tenant-b has %d updates", n)
	}
	// The import's row is kept; a longer bulk-import age would count it.
	got, err := s.ComplianceUpdates(ctx, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 100000)
	if err != nil || len(got["tenant-a"]) != 5 {
		t.Errorf("with a 100000-day import age: %d updates, %v; want 5", len(got["tenant-a"]), err)
	}
}
