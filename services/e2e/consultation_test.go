package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/testenv"
)

// TestCommentOnDraftReachesItsAgency is issue 9 point 8 across processes:
// a department's draft open for comment shows the comment link on the
// portal; a visitor's comment, sent through the portal's form, is stored
// by the hub and reaches that department's sub-portal, marked as a comment
// on that draft.
func TestCommentOnDraftReachesItsAgency(t *testing.T) {
	const tenant, draft = "so-a", "du-thao-quy-che-e2e"
	ctx := context.Background()
	vn := time.Now().In(time.FixedZone("GMT+7", 7*3600))
	it := article(draft, 1, "Dự thảo quy chế lấy ý kiến")
	it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
	it.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{DocumentType: "Quyết định", Issuer: "UBND tỉnh",
		Consultation: &pb.Consultation{OpensOn: vn.AddDate(0, 0, -1).Format(time.DateOnly), ClosesOn: vn.AddDate(0, 0, 30).Format(time.DateOnly)}}}
	client, actx := ingestClient(t, fed.SubPortals[tenant].HubToken)
	if _, err := client.Publish(actx, &pb.PublishRequest{Item: it}); err != nil {
		t.Fatal(err)
	}
	formPath := "/vi/feedback?consultation=" + url.QueryEscape(tenant+"/"+draft)
	testenv.WaitFor(t, 20*time.Second, func() error {
		res, page := get(t, "/vi/"+tenant+"/"+draft)
		if res.StatusCode != http.StatusOK || !strings.Contains(page, `href="`+strings.ReplaceAll(formPath, "&", "&amp;")+`"`) {
			return fmt.Errorf("draft page: %d, no comment link yet", res.StatusCode)
		}
		return nil
	})

	c := visitorClient(t)
	res, err := c.Get(fed.Gateway + formPath)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := url.Values{"consultation": {tenant + "/" + draft}, "question": {"Đề nghị bổ sung thời hạn trả lời tại Điều 3 của dự thảo."},
		"name": {"Lê Thị Mai"}, "email": {"mai.gopy@example.vn"}, "consent": {"yes"}}
	for _, m := range hiddenRE.FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], m[2])
	}
	res, err = c.PostForm(fed.Gateway+"/vi/feedback", form)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || codeRE.FindSubmatch(page) == nil {
		t.Fatalf("comment: %d, no tracking code on the receipt", res.StatusCode)
	}

	dbURL, err := federation.EnsureDatabase(ctx, fed.BaseURL, "portalhub_so_a")
	if err != nil {
		t.Fatal(err)
	}
	spDB, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer spDB.Close()
	testenv.WaitFor(t, 30*time.Second, func() error {
		var n int
		if err := spDB.QueryRow(ctx, `SELECT count(*) FROM feedback_inbox WHERE consultation_id = $1 AND question LIKE '%Điều 3%'`, draft).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("the sub-portal holds %d comments on the draft, want 1", n)
		}
		return nil
	})
}
