package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/feedbackrules"
)

func (h *fakeHub) ReplyFeedback(_ context.Context, in *pb.ReplyFeedbackRequest, _ ...grpc.CallOption) (*pb.ReplyFeedbackResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.status[in.GetTrackingCode()]; !ok {
		return nil, status.Error(codes.FailedPrecondition, "no request waits")
	}
	h.replies = append(h.replies, in)
	delete(h.status, in.GetTrackingCode())
	return &pb.ReplyFeedbackResponse{}, nil
}

func (h *fakeHub) GetFeedbackAnswerFile(_ context.Context, in *pb.GetFeedbackAnswerFileRequest, _ ...grpc.CallOption) (*pb.GetFeedbackAnswerFileResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fs := h.files[in.GetTrackingCode()]
	if int(in.GetIndex()) >= len(fs) {
		return nil, status.Error(codes.NotFound, "no such file")
	}
	return &pb.GetFeedbackAnswerFileResponse{File: fs[in.GetIndex()]}, nil
}

// submitted posts the question form and returns the tracking code.
func submitted(t *testing.T, v *visitor) string {
	t.Helper()
	_, form := v.get("/vi/feedback")
	_, done := v.post("/vi/feedback", fillForm(form, goodAnswers()))
	code, ok := feedbackrules.NormalizeCode(text(done, ".tracking-code"))
	if !ok {
		t.Fatalf("tracking code %q", text(done, ".tracking-code"))
	}
	return code
}

// TestFeedbackStatusAnswering (issue 9 points 3 and 4): the status page
// shows the agency's request for more information and takes the visitor's
// reply with the code (CSRF; an empty reply is shown again as refused), the
// answer as the hub's sanitised HTML with its files (downloads), the reason
// of a closing, and the published Q&A item's link.
func TestFeedbackStatusAnswering(t *testing.T) {
	hub := newFakeHub()
	e := feedbackEnv(t, hub, nil)
	v := newVisitor(t, e)
	code := submitted(t, v)
	shown := feedbackrules.FormatCode(code)
	const ask = "Xin cho biết loại hình doanh nghiệp."
	hub.status[code] = func(r *pb.GetFeedbackStatusResponse) {
		r.Status, r.Answer, r.InfoRequest = pb.FeedbackStatus_FEEDBACK_STATUS_IN_PROGRESS, "", ask
	}
	res, doc := v.get("/en/feedback/status?code=" + shown)
	wantStatus(t, res, http.StatusOK)
	if text(doc, "#info-request") != ask || doc.Find(`form[action="/en/feedback/status/reply"] textarea#fb-reply`).Length() != 1 ||
		doc.Find(`label[for="fb-reply"]`).Length() != 1 {
		t.Fatalf("request %q, reply form %d", text(doc, "#info-request"), doc.Find("textarea#fb-reply").Length())
	}
	form := url.Values{}
	doc.Find(`form[action="/en/feedback/status/reply"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	if res, _ := v.post("/en/feedback/status/reply", url.Values{"code": {shown}, "reply": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("a reply without the CSRF token: %d, want 403", res.StatusCode)
	}
	form.Set("reply", "   ")
	res, doc = v.post("/en/feedback/status/reply", form)
	if res.StatusCode != http.StatusUnprocessableEntity || attr(doc, "#fb-reply", "aria-invalid") != "true" {
		t.Errorf("an empty reply: %d", res.StatusCode)
	}
	const reply = "Công ty TNHH một thành viên."
	form.Set("reply", reply)
	res, _ = v.post("/en/feedback/status/reply", form)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "replied=1") {
		t.Fatalf("reply: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if len(hub.replies) != 1 || hub.replies[0].GetReply() != reply || hub.replies[0].GetTrackingCode() != code {
		t.Errorf("the hub received %v", hub.replies)
	}
	_, doc = v.get(res.Header.Get("Location"))
	if doc.Find("#replied").Length() != 1 || doc.Find("textarea#fb-reply").Length() != 0 {
		t.Error("after the reply: no confirmation, or the form still offered")
	}
	res, _ = v.post("/en/feedback/status/reply", form)
	if res.StatusCode != http.StatusConflict {
		t.Errorf("a reply nobody waits for: %d, want 409", res.StatusCode)
	}

	// Answered in Markdown with a file, then published as a Q&A item.
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	hub.files[code] = []*pb.FeedbackFile{{Filename: "mẫu đơn.pdf", MediaType: contentrules.MediaPDF, Data: pdf}}
	e.put(t, "so-du-lich", &pb.ContentItem{ContentId: "hoi-dap-1", Version: 1, Kind: pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER,
		Category: "feedback", State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED, PublishedAt: timestamppb.New(time.Now().Add(-time.Hour)),
		Translations: []*pb.Translation{{Locale: "vi", Title: "Hỏi đáp về giấy phép lữ hành", Slug: "hoi-dap-giay-phep", BodyHtml: "<p>Trả lời</p>"}},
		Details:      &pb.ContentItem_QuestionAnswer{QuestionAnswer: &pb.QuestionAnswer{Question: "Thủ tục?"}}})
	hub.status[code] = func(r *pb.GetFeedbackStatusResponse) {
		r.Status, r.AnswerHtml = pb.FeedbackStatus_FEEDBACK_STATUS_PUBLISHED, "<p>Hồ sơ gồm <strong>đơn đề nghị</strong>.</p>"
		r.AnswerFiles = []*pb.FeedbackFileInfo{{Index: 0, MediaType: contentrules.MediaPDF, Size: int64(len(pdf))}}
		r.Qa = &pb.ContentRef{Tenant: "so-du-lich", ContentId: "hoi-dap-1"}
	}
	_, doc = v.get("/vi/feedback/status?code=" + shown)
	if got := text(doc, ".state"); got != "Đã trả lời và công khai" {
		t.Errorf("state %q", got)
	}
	if text(doc, ".answer-body strong") != "đơn đề nghị" {
		t.Errorf("answer HTML not shown: %q", text(doc, ".answer"))
	}
	if href := attr(doc, "#qa-link a", "href"); !strings.Contains(href, "hoi-dap-giay-phep") {
		t.Errorf("Q&A link %q", href)
	}
	fileURL := attr(doc, "#answer-files a", "href")
	raw, body := e.raw(t, http.MethodGet, fileURL)
	if raw.StatusCode != http.StatusOK || string(body) != string(pdf) || !strings.HasPrefix(raw.Header.Get("Content-Disposition"), "attachment") ||
		raw.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("answer file %s: %d %v", fileURL, raw.StatusCode, raw.Header)
	}
	if raw, _ := e.raw(t, http.MethodGet, strings.Replace(fileURL, "n=0", "n=1", 1)); raw.StatusCode != http.StatusNotFound {
		t.Errorf("a file that is not there: %d", raw.StatusCode)
	}

	// Closed with a reason.
	hub.status[code] = func(r *pb.GetFeedbackStatusResponse) {
		r.Status, r.Answer, r.CloseReason = pb.FeedbackStatus_FEEDBACK_STATUS_CLOSED, "", "Trùng với câu hỏi đã trả lời."
	}
	_, doc = v.get("/vi/feedback/status?code=" + shown)
	if text(doc, "#close-reason") != "Trùng với câu hỏi đã trả lời." || text(doc, ".state") != "Đã đóng" {
		t.Errorf("closed: %q %q", text(doc, ".state"), text(doc, "#close-reason"))
	}
}
