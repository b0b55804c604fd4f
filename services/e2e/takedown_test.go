package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestHubTakedown (issue 10 point 5, "takedown reaches the back office
// across processes"): an operator takes an item down through the admin API
// (a viewer may not); the portal answers 451 with the reason, the owning
// sub-portal's back office shows the takedown and the hub's reason on the
// item's page and the dashboard to an editor logged in over HTTP, the
// tenant sees it through ListVersions; lifting it through the API brings
// the page back and clears the back office.
func TestHubTakedown(t *testing.T) {
	const tenant, item, reason = "phuong-b", "tin-bi-go", "Thông tin chưa được kiểm chứng"
	if fed.DemoPassword == "" {
		t.Fatal("the federation has no demo ops accounts")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// The sub-portal's demo accounts (bientap is an editor), with the
	// demo password.
	if err := fed.RunSubPortalCommand(ctx, tenant, []string{"SUBPORTAL_DEMO_PASSWORD=" + fed.DemoPassword}, "users", "demo"); err != nil {
		t.Fatal(err)
	}
	if code := subportalCall(t, tenant, "POST", "/api/items", newsItem(item, item, "Tin bị gỡ", "<p>Nội dung</p>"), nil); code != http.StatusCreated {
		t.Fatalf("create: %d", code)
	}
	waitPage(t, "/vi/phuong-b/tin-bi-go", 200, nil)
	bo := backOffice(t, fed.SubPortals[tenant].URL, "bientap", fed.DemoPassword)

	// A viewer may not take an item down.
	viewer := opsLogin(t, ctx, fed, "xem", fed.DemoPassword)
	if _, err := viewer.TakeDownItem(viewer.ctx, &pb.TakeDownItemRequest{TenantId: tenant, ContentId: item, Reason: reason}); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("a viewer's takedown: %v, want PermissionDenied", err)
	}
	ops := opsLogin(t, ctx, fed, "vanhanh", fed.DemoPassword) // the demo operator
	if _, err := ops.TakeDownItem(ops.ctx, &pb.TakeDownItemRequest{TenantId: tenant, ContentId: item, Reason: reason}); err != nil {
		t.Fatalf("take down: %v", err)
	}
	waitPage(t, "/vi/phuong-b/tin-bi-go", http.StatusUnavailableForLegalReasons, contains(reason))
	audit, err := ops.AuditList(ops.ctx, &pb.AuditListRequest{TenantId: tenant, Action: "item.takedown", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if es := audit.GetEntries(); len(es) != 1 || es[0].GetActor() != "ops:vanhanh" || es[0].GetSubject() != item {
		t.Errorf("the takedown's audit entry: %v, want item.takedown of %s under ops:vanhanh", es, item)
	}

	// The owning sub-portal is told, across processes: the notice reaches
	// its inbox consumer, and its back office shows the takedown with the
	// hub's reason on the item's page and on the dashboard.
	testenv.WaitFor(t, 30*time.Second, func() error {
		if got := bo.text("/noi-dung/"+item, "main .notice"); !strings.Contains(got, "đã gỡ nội dung này") || !strings.Contains(got, reason) {
			return fmt.Errorf("the back office's item page says %q, want the hub's takedown and its reason", got)
		}
		return nil
	})
	if got := bo.text("/", "#d-takedowns + ul"); !strings.Contains(got, item) || !strings.Contains(got, reason) {
		t.Errorf("the back office's dashboard lists %q, want %s taken down with the reason", got, item)
	}
	var it struct {
		HubTakedown *struct {
			TakenDown bool
			Reason    string
		} `json:"hub_takedown"`
	}
	if code := subportalCall(t, tenant, "GET", "/api/items/"+item, nil, &it); code != 200 || it.HubTakedown == nil || !it.HubTakedown.TakenDown || it.HubTakedown.Reason != reason {
		t.Errorf("the sub-portal's API: %d %+v, want the takedown and its reason", code, it.HubTakedown)
	}

	client, cctx := ingestClient(t, fed.SubPortals[tenant].HubToken)
	found := false
	for token := ""; ; {
		resp, err := client.ListVersions(cctx, &pb.ListVersionsRequest{PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range resp.GetItems() {
			if it.GetContentId() == item {
				found = it.GetTakedown().GetReason() == reason
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	if !found {
		t.Errorf("ListVersions does not report the takedown")
	}

	if _, err := ops.LiftTakedown(ops.ctx, &pb.LiftTakedownRequest{TenantId: tenant, ContentId: item, Reason: "Đã kiểm chứng"}); err != nil {
		t.Fatalf("lift: %v", err)
	}
	waitPage(t, "/vi/phuong-b/tin-bi-go", 200, contains("Tin bị gỡ"))
	testenv.WaitFor(t, 30*time.Second, func() error {
		if got := bo.text("/noi-dung/"+item, "main .notice"); !strings.Contains(got, "hiển thị lại") || strings.Contains(got, "đã gỡ nội dung này") {
			return fmt.Errorf("the back office's item page says %q after the lift, want it shown again", got)
		}
		return nil
	})
	if doc := bo.page("/"); doc.Find("#d-takedowns").Length() != 0 {
		t.Errorf("the back office's dashboard still lists a lifted takedown: %q", doc.Find("#d-takedowns + ul").Text())
	}
}

// boBrowser is one person's cookie jar on a sub-portal's back office.
type boBrowser struct {
	t    *testing.T
	base string
	c    *http.Client
}

// backOffice logs in to the back office at base as a browser would: the
// login page's form with its CSRF token, the session cookie kept.
func backOffice(t *testing.T, base, username, password string) *boBrowser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &boBrowser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	tok, ok := b.page("/dang-nhap").Find(`input[name="csrf_token"]`).First().Attr("value")
	if !ok || tok == "" {
		t.Fatal("no CSRF token on the back office's login page")
	}
	resp, err := b.c.PostForm(base+"/dang-nhap", url.Values{"username": {username}, "password": {password}, "csrf_token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("log in to the back office as %s: %d, want 303", username, resp.StatusCode)
	}
	return b
}

// page fetches a back-office page, which must answer 200.
func (b *boBrowser) page(path string) *goquery.Document {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	if err != nil {
		b.t.Fatal(err)
	}
	return doc
}

// text is the whitespace-collapsed text of selector on the page at path.
func (b *boBrowser) text(path, selector string) string {
	b.t.Helper()
	return strings.Join(strings.Fields(b.page(path).Find(selector).Text()), " ")
}
