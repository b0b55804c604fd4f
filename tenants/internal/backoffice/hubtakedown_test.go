package backoffice

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
)

// The hub's takedown shows on the item, with the hub's reason, and on the
// dashboard (issue 10 point 5); a lift says so.
func TestHubTakedownShown(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, err := f.store.Approve(ctx, storeArticle("tin-bi-go", "Tin bị gỡ")); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Minute)
	if _, err := inbox.StoreTakedown(ctx, f.store.Pool(), &pb.TakedownNotice{EventId: "e1", Tenant: "so-du-lich", ContentId: "tin-bi-go",
		Version: 1, TakenDown: true, Reason: "Thông tin chưa được kiểm chứng", OccurredAt: timestamppb.New(at)}); err != nil {
		t.Fatal(err)
	}
	b := f.login("bientap")
	_, doc := b.get("/noi-dung/tin-bi-go")
	if got := text(doc, "main .notice"); !strings.Contains(got, "đã gỡ nội dung này") || !strings.Contains(got, "Thông tin chưa được kiểm chứng") {
		t.Errorf("item page notice %q, want the hub's takedown and reason", got)
	}
	_, doc = b.get("/")
	if got := text(doc, "#d-takedowns + ul"); !strings.Contains(got, "tin-bi-go") || !strings.Contains(got, "Thông tin chưa được kiểm chứng") {
		t.Errorf("dashboard lists %q, want the item taken down", got)
	}
	if _, err := inbox.StoreTakedown(ctx, f.store.Pool(), &pb.TakedownNotice{EventId: "e2", Tenant: "so-du-lich", ContentId: "tin-bi-go",
		Version: 1, TakenDown: false, OccurredAt: timestamppb.Now()}); err != nil {
		t.Fatal(err)
	}
	_, doc = b.get("/noi-dung/tin-bi-go")
	if got := text(doc, "main .notice"); !strings.Contains(got, "hiển thị lại") {
		t.Errorf("after the lift: %q", got)
	}
	if _, doc = b.get("/"); doc.Find("#d-takedowns").Length() != 0 {
		t.Error("the dashboard still lists a lifted takedown")
	}
}
