package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/testenv"
)

// closingHub is the fake hub whose drafts have closed (as the hub answers
// a comment that arrives after the closing day).
type closingHub struct{ *fakeHub }

func (h closingHub) SubmitFeedback(context.Context, *pb.SubmitFeedbackRequest, ...grpc.CallOption) (*pb.SubmitFeedbackResponse, error) {
	return nil, status.Error(codes.FailedPrecondition, "the draft is not open for comment today")
}

// consultationEnv: on 15 June 2026 in Vietnam, so-du-lich's draft
// du-thao-mo is open (10 to 20 June), du-thao-dong closed (1 to 14 June)
// with its summary published, and the adopted qd-30-2026 names it.
func consultationEnv(t *testing.T, hub portal.FeedbackHub) *env {
	t.Helper()
	var e *env
	e = newEnvWith(t, func(c *portal.Config) {
		c.Feedback = hub
		c.Now = func() time.Time { return e.clock.Now() }
	})
	e.clock.Set(time.Date(2026, 6, 15, 10, 0, 0, 0, vietnam))
	e.tenant(t, "so-du-lich", "department", "Sở Du lịch", "Department of Tourism", "Департамент туризма")
	draft := func(id, title string, c *pb.Consultation) *pb.ContentItem {
		return legalItem(id, title, &pb.LegalDocument{DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", Consultation: c})
	}
	e.put(t, "so-du-lich", draft("du-thao-mo", "Dự thảo quy chế quản lý bãi biển", &pb.Consultation{OpensOn: "2026-06-10", ClosesOn: "2026-06-20"}))
	e.put(t, "so-du-lich", draft("du-thao-dong", "Dự thảo quy định phí tham quan",
		&pb.Consultation{OpensOn: "2026-06-01", ClosesOn: "2026-06-14", ReportContentId: "bao-cao-gop-y-phi"}))
	e.put(t, "so-du-lich", article("bao-cao-gop-y-phi", 1, time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC),
		tr("vi", "bao-cao-gop-y-phi", "Báo cáo tổng hợp ý kiến góp ý dự thảo quy định phí", "", "<p>12 ý kiến.</p>")))
	e.put(t, "so-du-lich", legalItem("qd-30-2026", "Quyết định quy định phí tham quan", &pb.LegalDocument{Number: "30/2026/QĐ-UBND",
		DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", IssuedOn: "2026-06-15",
		Draft: &pb.ContentRef{Tenant: "so-du-lich", ContentId: "du-thao-dong"}}))
	return e
}

func TestConsultationPages(t *testing.T) {
	hub := newFakeHub()
	e := consultationEnv(t, hub)

	res, doc := e.get(t, "/vi/so-du-lich/du-thao-mo")
	wantStatus(t, res, http.StatusOK)
	if got := text(doc, "section.consultation .consultation-state"); got != "Đang lấy ý kiến" {
		t.Errorf("open draft's state %q", got)
	}
	if got := attr(doc, "section.consultation time", "datetime"); got != "2026-06-10" {
		t.Errorf("opening day %q", got)
	}
	if got := text(doc, ".validity"); got != "Dự thảo" {
		t.Errorf("a draft's validity reads %q, want Dự thảo", got)
	}
	href := attr(doc, "section.consultation a.button", "href")
	if href != "/vi/feedback?consultation="+url.QueryEscape("so-du-lich/du-thao-mo") {
		t.Fatalf("comment link %q", href)
	}

	// The closed draft: no form, its summary linked; the adopted document
	// links both.
	_, doc = e.get(t, "/vi/so-du-lich/du-thao-dong")
	if doc.Find("section.consultation a.button").Length() != 0 || text(doc, "section.consultation .consultation-state") != "Đã kết thúc lấy ý kiến" {
		t.Errorf("closed draft: %q", text(doc, "section.consultation"))
	}
	if got := attr(doc, `section.consultation a[href="/vi/so-du-lich/bao-cao-gop-y-phi"]`, "href"); got == "" {
		t.Error("closed draft does not link its summary")
	}
	_, doc = e.get(t, "/en/so-du-lich/qd-30-2026")
	for _, want := range []string{"/en/so-du-lich/du-thao-dong", "/en/so-du-lich/bao-cao-gop-y-phi"} {
		if doc.Find(`section.consultation a[href="`+want+`"]`).Length() != 1 {
			t.Errorf("adopted document does not link %s: %q", want, text(doc, "section.consultation"))
		}
	}
	if doc.Find("section.consultation a.button").Length() != 0 {
		t.Error("adopted document offers the comment form")
	}

	// Drafts are not in the legal register; the adopted document is.
	_, doc = e.get(t, "/vi/van-ban-phap-luat/")
	if doc.Find(`a[href="/vi/so-du-lich/qd-30-2026"]`).Length() == 0 || doc.Find(`a[href="/vi/so-du-lich/du-thao-mo"]`).Length() != 0 ||
		doc.Find(`a[href="/vi/so-du-lich/du-thao-dong"]`).Length() != 0 {
		t.Errorf("legal register: %q, want the adopted document and no draft", text(doc, "main"))
	}

	// The comment form: for the draft's agency, no agency or topic to choose.
	v := newVisitor(t, e)
	res, form := v.get(href)
	wantStatus(t, res, http.StatusOK)
	if form.Find("#fb-tenant").Length() != 0 || form.Find("#fb-topic").Length() != 0 {
		t.Error("the comment form asks for an agency or a topic")
	}
	if got := text(form, "h1"); got != "Góp ý dự thảo" {
		t.Errorf("h1 %q", got)
	}
	if !strings.Contains(text(form, "article.feedback"), "Sở Du lịch") || attr(form, `a[href="/vi/so-du-lich/du-thao-mo"]`, "href") == "" {
		t.Error("the form does not name the draft and its agency")
	}
	if got := attr(form, `link[hreflang="en"]`, "href"); !strings.Contains(got, "consultation=") {
		t.Errorf("English alternate %q loses the draft", got)
	}
	answers := url.Values{"consent": {"yes"}, "name": {"Trần Văn Bình"}, "email": {"binh@example.vn"},
		"question": {"Đề nghị quy định rõ giờ mở cửa bãi biển tại Điều 4."}}
	res, done := v.post("/vi/feedback", fillForm(form, answers))
	wantStatus(t, res, http.StatusOK)
	if _, ok := feedbackrules.NormalizeCode(text(done, ".tracking-code")); !ok || hub.count() != 1 {
		t.Fatalf("receipt %q, %d submissions at the hub", text(done, ".tracking-code"), hub.count())
	}
	got := hub.received[0]
	if got.GetConsultation().GetTenant() != "so-du-lich" || got.GetConsultation().GetContentId() != "du-thao-mo" ||
		got.GetTopic() != feedbackrules.TopicConsultation || got.GetTenant() != "so-du-lich" {
		t.Errorf("hub received %v, want a comment on so-du-lich/du-thao-mo", got)
	}

	// A closed draft's form says so and takes nothing; so do an unknown
	// draft and an item that is no draft.
	res, doc = v.get("/ru/feedback?consultation=so-du-lich/du-thao-dong")
	wantStatus(t, res, http.StatusOK)
	if doc.Find("form.feedback-form").Length() != 0 || !strings.Contains(text(doc, ".notice-error"), "не принимает") {
		t.Errorf("closed draft's form: %q", text(doc, "article.feedback"))
	}
	for _, q := range []string{"so-du-lich/khong-co", "so-du-lich/bao-cao-gop-y-phi", "../x", "so-du-lich"} {
		res, _ := v.get("/vi/feedback?consultation=" + url.QueryEscape(q))
		wantStatus(t, res, http.StatusNotFound)
	}
}

// TestCommentAfterClosing: the hub refusing a comment because the draft
// closed meanwhile answers 409 with the form as typed and a notice.
func TestCommentAfterClosing(t *testing.T) {
	e := consultationEnv(t, closingHub{newFakeHub()})
	v := newVisitor(t, e)
	_, form := v.get("/vi/feedback?consultation=so-du-lich/du-thao-mo")
	answers := url.Values{"consent": {"yes"}, "name": {"Trần Văn Bình"}, "phone": {"0905 111 222"},
		"question": {"Đề nghị bổ sung quy định về cứu hộ."}}
	res, doc := v.post("/vi/feedback", fillForm(form, answers))
	wantStatus(t, res, http.StatusConflict)
	if !strings.Contains(text(doc, ".notice-error"), "không nhận góp ý") || text(doc, "#fb-question") != "Đề nghị bổ sung quy định về cứu hộ." {
		t.Errorf("answer after closing: notice %q, question %q", text(doc, ".notice-error"), text(doc, "#fb-question"))
	}
}

// TestSummaryPublishedAfterTheDraftNamesIt: a draft may name its summary
// before the summary is published; its cached page shows the link once the
// summary's publication is announced.
func TestSummaryPublishedAfterTheDraftNamesIt(t *testing.T) {
	e := consultationEnv(t, newFakeHub())
	e.put(t, "so-du-lich", legalItem("du-thao-cho", "Dự thảo quy định giá vé", &pb.LegalDocument{DocumentType: "Quyết định",
		Issuer: "UBND tỉnh", Consultation: &pb.Consultation{OpensOn: "2026-06-01", ClosesOn: "2026-06-10", ReportContentId: "bao-cao-gia-ve"}}))
	link := `section.consultation a[href="/vi/so-du-lich/bao-cao-gia-ve"]`
	if _, doc := e.get(t, "/vi/so-du-lich/du-thao-cho"); doc.Find(link).Length() != 0 {
		t.Fatal("links a summary that is not published")
	}
	report := article("bao-cao-gia-ve", 1, time.Date(2026, 6, 14, 0, 0, 0, 0, time.UTC),
		tr("vi", "bao-cao-gia-ve", "Báo cáo tổng hợp ý kiến về giá vé", "", "<p>5 ý kiến.</p>"))
	e.put(t, "so-du-lich", report)
	e.publish(t, "so-du-lich", report, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	testenv.WaitFor(t, 10*time.Second, func() error {
		if _, doc := e.get(t, "/vi/so-du-lich/du-thao-cho"); doc.Find(link).Length() != 1 {
			return fmt.Errorf("the draft's page does not link its summary yet")
		}
		return nil
	})
}
