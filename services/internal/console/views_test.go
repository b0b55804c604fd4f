package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// The console's views read through the admin API as the signed-in account
// (one role check with hubctl): a viewer's page is the API's answer to the
// viewer, each view counted as the API's call.
func TestViewsReadThroughTheAdminAPIAsTheViewer(t *testing.T) {
	f := newFixture(t)
	f.addTenant("so-a", "department", "Sở A")
	f.push("so-a", article("tin-1", 1, "Tin một"))
	b := f.browser()
	b.login("xem")
	for _, v := range []struct {
		path, method string
		calls        float64
	}{
		{"/don-vi/so-a/noi-dung/tin-1", "GetItem", 1}, {"/go-xuong", "ListTakedowns", 1}, {"/bi-tu-choi", "ListRefusals", 1},
		{"/hang-doi", "Backlog", 1}, {"/qua-han", "ListOverdueQuestions", 1}, {"/pham-vi", "Coverage", 1}, {"/quang-cao", "ListAdverts", 1},
		{"/bao-tri", "ListMaintenanceWindows", 2}, // to come, and the history
	} {
		before := f.apiCalls(v.method, "OK")
		if resp, _ := b.get(v.path); resp.StatusCode != http.StatusOK {
			t.Errorf("viewer: %s: %d", v.path, resp.StatusCode)
		}
		if got := f.apiCalls(v.method, "OK"); got != before+v.calls {
			t.Errorf("viewer: %s made %v %s calls, want %v", v.path, got-before, v.method, v.calls)
		}
	}
	// A page token that is not the list's is the API's refusal, in Vietnamese.
	if resp, doc := b.get("/go-xuong?page=rubbish"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Text(), "page_token") {
		t.Errorf("a bad page token: %d", resp.StatusCode)
	}
}

// A view the role table refuses to a role is refused by the same check in
// the console and through the API that hubctl calls: the refusal comes
// from opsapi, not from a second table in the console.
func TestViewRefusedByRoleAlikeInConsoleAndAPI(t *testing.T) {
	f := newFixture(t)
	f.addTenant("so-a", "department", "Sở A")
	f.push("so-a", article("tin-1", 1, "Tin một"))
	ctx := context.Background()
	accounts := opsaccounts.New(f.store.Pool())
	acc, err := accounts.Authenticate(ctx, "xem", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	// A session whose account holds no role the table knows (as one whose
	// role a newer aggregator retired would): every view is refused to it.
	acc.Role = opsaccounts.Role("khach")
	sess := opsaccounts.Session{Account: acc}
	for _, v := range []struct {
		path string
		call func(pb.OpsServiceClient) error
		page handler
	}{
		{"/don-vi/so-a/noi-dung/tin-1", func(c pb.OpsServiceClient) error {
			_, err := c.GetItem(ctx, &pb.GetItemRequest{TenantId: "so-a", ContentId: "tin-1"})
			return err
		}, f.cons.item},
		{"/go-xuong", func(c pb.OpsServiceClient) error {
			_, err := c.ListTakedowns(ctx, &pb.ListTakedownsRequest{})
			return err
		}, f.cons.takedowns},
		{"/bi-tu-choi", func(c pb.OpsServiceClient) error {
			_, err := c.ListRefusals(ctx, &pb.ListRefusalsRequest{})
			return err
		}, f.cons.refusals},
		{"/hang-doi", func(c pb.OpsServiceClient) error { _, err := c.Backlog(ctx, &pb.BacklogRequest{}); return err }, f.cons.backlogPage},
		{"/pham-vi", func(c pb.OpsServiceClient) error { _, err := c.Coverage(ctx, &pb.CoverageRequest{}); return err }, f.cons.coverage},
		{"/quang-cao", func(c pb.OpsServiceClient) error { _, err := c.ListAdverts(ctx, &pb.ListAdvertsRequest{}); return err }, f.cons.adverts},
		{"/bao-tri", func(c pb.OpsServiceClient) error {
			_, err := c.ListMaintenanceWindows(ctx, &pb.ListMaintenanceWindowsRequest{})
			return err
		}, f.cons.maintenance},
		{"/qua-han", func(c pb.OpsServiceClient) error {
			_, err := c.ListOverdueQuestions(ctx, &pb.ListOverdueQuestionsRequest{})
			return err
		}, f.cons.overdue},
	} {
		if err := v.call(f.cons.cfg.Ops.Local(sess)); status.Code(err) != codes.PermissionDenied {
			t.Errorf("%s's call for role khach: %v, want PERMISSION_DENIED", v.path, err)
		}
		// The console's page, run as that session, shows the API's refusal.
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, v.path, nil)
		c.Params = gin.Params{{Key: "tenant", Value: "so-a"}, {Key: "content", Value: "tin-1"}}
		c.Set(ctxLang, "vi")
		c.Set(ctxSession, &sess)
		f.cons.h(v.page)(c)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "không được làm thao tác này") {
			t.Errorf("console %s for role khach: %d, want 403 with the API's refusal", v.path, w.Code)
		}
	}
}
