package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/testenv"
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

	// The owning sub-portal is told, across processes: the notice reaches
	// its inbox consumer and its back office and API show the reason
	// (issue 10 point 5).
	hubTakedown := func() (bool, string) {
		var it struct {
			HubTakedown *struct {
				TakenDown bool
				Reason    string
			} `json:"hub_takedown"`
		}
		if code := subportalCall(t, "phuong-b", "GET", "/api/items/tin-bi-go", nil, &it); code != 200 || it.HubTakedown == nil {
			return false, ""
		}
		return it.HubTakedown.TakenDown, it.HubTakedown.Reason
	}
	testenv.WaitFor(t, 30*time.Second, func() error {
		if down, reason := hubTakedown(); !down || reason != "Thông tin chưa được kiểm chứng" {
			return fmt.Errorf("the sub-portal knows: taken down %v, reason %q", down, reason)
		}
		return nil
	})

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
	testenv.WaitFor(t, 30*time.Second, func() error {
		if down, _ := hubTakedown(); down {
			return fmt.Errorf("the sub-portal still sees the takedown after the lift")
		}
		return nil
	})
}
