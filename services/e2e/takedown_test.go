package e2e

import (
	"context"
	"net/http"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// TestHubTakedown: the hub takes an item down on its own authority; the
// portal answers 451 with the reason, the tenant sees it through
// ListVersions, and lifting it brings the page back.
func TestHubTakedown(t *testing.T) {
	if code := subportalCall(t, "phuong-b", "POST", "/api/items", newsItem("tin-bi-go", "tin-bi-go", "Tin bị gỡ", "<p>Nội dung</p>"), nil); code != http.StatusCreated {
		t.Fatalf("create: %d", code)
	}
	waitPage(t, "/vi/phuong-b/tin-bi-go", 200, nil)
	ctx := context.Background()
	store, err := hubstore.Open(ctx, fed.HubDatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.TakeDown(ctx, "e2e", "phuong-b", "tin-bi-go", "Thông tin chưa được kiểm chứng"); err != nil {
		t.Fatal(err)
	}
	waitPage(t, "/vi/phuong-b/tin-bi-go", http.StatusUnavailableForLegalReasons, contains("Thông tin chưa được kiểm chứng"))

	client, cctx := ingestClient(t, fed.SubPortals["phuong-b"].HubToken)
	found := false
	for token := ""; ; {
		resp, err := client.ListVersions(cctx, &pb.ListVersionsRequest{PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range resp.GetItems() {
			if it.GetContentId() == "tin-bi-go" {
				found = it.GetTakedown().GetReason() == "Thông tin chưa được kiểm chứng"
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	if !found {
		t.Errorf("ListVersions does not report the takedown")
	}

	if err := store.LiftTakedown(ctx, "e2e", "phuong-b", "tin-bi-go", ""); err != nil {
		t.Fatal(err)
	}
	waitPage(t, "/vi/phuong-b/tin-bi-go", 200, contains("Tin bị gỡ"))
}
