package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// TestConsultationInBackOffice: the editor takes a draft's consultation
// (no number needed) and an adopted document's draft; the draft's page
// counts its comments and links them; the inbox lists one draft's
// comments in full and marks each comment as one.
func TestConsultationInBackOffice(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Feedback = &fakeFeedbackHub{} })
	ctx := context.Background()
	b := f.login("tacgia")
	form := url.Values{"category": {"legal"}, "vi_title": {"Dự thảo Quy chế quản lý bãi biển"}, "op": {"save"},
		"legal_type": {"Quyết định"}, "legal_issuer": {"Ủy ban nhân dân tỉnh Khánh Hòa"},
		"consult_opens": {"2026-12-01"}, "consult_closes": {"2026-11-20"}}
	resp, doc := b.postMultipart("/noi-dung/moi?kind=legal", form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(summaryLink(doc, "consult_closes"), "không được trước ngày bắt đầu") {
		t.Fatalf("closing before opening: %d %q", resp.StatusCode, errorSummary(doc))
	}
	form.Set("consult_closes", "2026-12-31")
	form.Set("consult_report", "bao-cao-gop-y")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=legal", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the draft: %d %q", resp.StatusCode, errorSummary(doc))
	}
	ld, _ := f.revision(resp).Change.Details.(*pb.LegalDocument)
	if c := ld.GetConsultation(); c.GetOpensOn() != "2026-12-01" || c.GetClosesOn() != "2026-12-31" || c.GetReportContentId() != "bao-cao-gop-y" {
		t.Errorf("stored consultation %v", c)
	}
	adopted := url.Values{"category": {"legal"}, "vi_title": {"Quyết định ban hành Quy chế quản lý bãi biển"}, "op": {"save"},
		"legal_number": {"30/2026/QĐ-UBND"}, "legal_type": {"Quyết định"}, "legal_issuer": {"Ủy ban nhân dân tỉnh Khánh Hòa"},
		"legal_draft": {"du-thao-bai-bien"}}
	resp, doc = b.postMultipart("/noi-dung/moi?kind=legal", adopted)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the adopted document: %d %q", resp.StatusCode, errorSummary(doc))
	}
	ld, _ = f.revision(resp).Change.Details.(*pb.LegalDocument)
	if d := ld.GetDraft(); d.GetTenant() != "so-du-lich" || d.GetContentId() != "du-thao-bai-bien" {
		t.Errorf("stored draft %v, want this sub-portal's du-thao-bai-bien", d)
	}

	draft := storetest.Article("du-thao-bai-bien", "Dự thảo Quy chế quản lý bãi biển")
	draft.Kind, draft.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
	draft.Details = &pb.LegalDocument{DocumentType: "Quyết định", Issuer: "UBND tỉnh", Consultation: &pb.Consultation{OpensOn: "2026-12-01", ClosesOn: "2026-12-31"}}
	if _, err := f.store.Approve(ctx, draft); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []*pb.FeedbackEvent{
		{Id: "c-1", Topic: "consultation", Question: "Đề nghị bổ sung quy định về cứu hộ tại Điều 6.", ConsultationId: "du-thao-bai-bien"},
		{Id: "c-2", Topic: "consultation", Question: "Nên cấm xe máy trên bãi cát.", ConsultationId: "du-thao-bai-bien"},
		{Id: "q-1", Topic: "procedure", Question: "Xin hỏi thủ tục cấp phép lữ hành."},
	} {
		ev.Tenant, ev.Lang, ev.SubmittedAt, ev.HasEmail = "so-du-lich", "vi", timestamppb.Now(), true
		if _, err := inbox.Store(ctx, f.store.Pool(), ev); err != nil {
			t.Fatal(err)
		}
	}
	_, doc = b.get("/noi-dung/du-thao-bai-bien")
	if doc.Find(`a[href="/hop-thu?du-thao=du-thao-bai-bien"]`).Length() == 0 || !strings.Contains(text(doc, "main"), "Xem 2 góp ý") {
		t.Errorf("the draft's page does not link its 2 comments: %q", text(doc, "main"))
	}
	res, doc := b.get("/hop-thu?du-thao=du-thao-bai-bien")
	if res.StatusCode != http.StatusOK || doc.Find("section.comment").Length() != 2 ||
		!strings.Contains(text(doc, "h1"), "Dự thảo Quy chế quản lý bãi biển") || !strings.Contains(text(doc, "main"), "cấm xe máy") {
		t.Errorf("the draft's comments: %d, %d comments, h1 %q", res.StatusCode, doc.Find("section.comment").Length(), text(doc, "h1"))
	}
	if res, _ := b.get("/hop-thu?du-thao=" + url.QueryEscape("../x")); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a malformed draft id: %d, want 400", res.StatusCode)
	}
	_, doc = b.get("/hop-thu")
	if n := doc.Find("tbody tr .tag").Length(); n != 2 {
		t.Errorf("%d rows marked as comments on a draft, want 2", n)
	}
	_, doc = b.get("/hop-thu/c-1")
	if doc.Find(`a[href="/noi-dung/du-thao-bai-bien"]`).Length() == 0 || doc.Find(`a[href="/hop-thu?du-thao=du-thao-bai-bien"]`).Length() == 0 {
		t.Errorf("a comment's page does not link its draft: %q", text(doc, "main"))
	}
}
