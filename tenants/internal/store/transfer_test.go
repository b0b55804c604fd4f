package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// An item a merge moved here is this sub-portal's own: stored once at the
// hub's version, with its attachments held by the hub, and withdrawn by
// its editors as the next version.
func TestImportTransferred(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	sha := strings.Repeat("ab", 32)
	tr := &pb.ItemTransfer{EventId: "transfer/xa-a/tin/xa-b/xa-a-tin", Tenant: "xa-b", FromTenant: "xa-a", FromContentId: "tin",
		FromNameVi: "Xã A", OccurredAt: timestamppb.Now(),
		Item: &pb.ContentItem{ContentId: "xa-a-tin", Version: 7, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
			State:        pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
			Translations: []*pb.Translation{{Locale: "vi", Title: "Tin của xã A", Slug: "tin-xa-a", BodyHtml: "<p>Nội dung</p>"}},
			Attachments:  []*pb.Attachment{{Sha256: sha, Filename: "qd.pdf", MediaType: "application/pdf"}},
			Approver:     &pb.Person{Name: "Trần Văn B"}, PublishedAt: timestamppb.New(time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC))}}
	for i, want := range []bool{true, false} { // the second: delivered again
		stored, err := s.ImportTransferred(ctx, tr)
		if err != nil || stored != want {
			t.Fatalf("import %d: stored %v, %v; want %v", i, stored, err, want)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM items WHERE content_id = 'xa-a-tin' AND hub_version = 7`); n != 1 {
		t.Errorf("items at the hub's version: %d, want 1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("outbox rows after an import: %d, want 0 (the hub holds it)", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'hub_transfer' AND content_id = 'xa-a-tin'`); n != 1 {
		t.Errorf("audit entries: %d, want 1", n)
	}
	v, err := s.Unpublish(ctx, store.UnpublishInput{ContentID: "xa-a-tin", State: pb.PublicationState_PUBLICATION_STATE_WITHDRAWN,
		Unpublishing: &pb.Unpublishing{Reason: "Hết hiệu lực sau sáp nhập"}, Approver: &pb.Person{Name: "Lê Thị C"}})
	if err != nil || v != 8 {
		t.Fatalf("withdraw the moved item: version %d, %v; want 8", v, err)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE content_id = 'xa-a-tin' AND version = 8`); n != 1 {
		t.Errorf("the withdrawal's outbox row: %d, want 1", n)
	}
	// Another item under the same id, later: refused, never overwritten.
	other := proto.Clone(tr.Item).(*pb.ContentItem)
	other.Version = 9
	if _, err := s.ImportTransferred(ctx, &pb.ItemTransfer{EventId: "x", Tenant: "xa-b", Item: other}); err == nil {
		t.Errorf("a transfer onto an existing item: nil error")
	}
}
