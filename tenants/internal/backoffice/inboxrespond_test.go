package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
)

func (h *fakeFeedbackHub) RequestFeedbackInfo(_ context.Context, in *pb.RequestFeedbackInfoRequest, _ ...grpc.CallOption) (*pb.RequestFeedbackInfoResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, "info:"+in.GetId()+":"+in.GetMessage())
	return &pb.RequestFeedbackInfoResponse{}, nil
}

func (h *fakeFeedbackHub) CloseFeedback(_ context.Context, in *pb.CloseFeedbackRequest, _ ...grpc.CallOption) (*pb.CloseFeedbackResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, "close:"+in.GetId()+":"+in.GetReason())
	return &pb.CloseFeedbackResponse{}, nil
}

func (h *fakeFeedbackHub) EraseFeedback(_ context.Context, in *pb.EraseFeedbackRequest, _ ...grpc.CallOption) (*pb.EraseFeedbackResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, "erase:"+in.GetId())
	return &pb.EraseFeedbackResponse{ErasedAt: timestamppb.Now()}, nil
}

func (h *fakeFeedbackHub) LinkFeedbackQA(_ context.Context, in *pb.LinkFeedbackQARequest, _ ...grpc.CallOption) (*pb.LinkFeedbackQAResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, "qa:"+in.GetId()+":"+in.GetContentId())
	return &pb.LinkFeedbackQAResponse{}, nil
}

func (h *fakeFeedbackHub) called(prefix string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.calls {
		if strings.HasPrefix(c, prefix) {
			return true
		}
	}
	return false
}

// TestInboxAnswering (issue 9 point 3): asking the visitor for more
// information (approvers; the question waits; the visitor's reply from the
// hub brings it back with the reply shown), an answer written in Markdown
// with a file, sent to the hub as sanitised HTML with the file, closing with
// a reason, and deleting a phone-only visitor's personal data.
func TestInboxAnswering(t *testing.T) {
	hub := &fakeFeedbackHub{}
	f := newFixture(t, func(c *Config) { c.Feedback = hub })
	ctx := context.Background()
	pool := f.store.Pool()
	for _, id := range []string{"q-ask", "q-close", "q-phone"} {
		if _, err := inbox.Store(ctx, pool, &pb.FeedbackEvent{Id: id, Tenant: "so-du-lich", Topic: "procedure",
			Question: "Xin hỏi thủ tục " + id, Lang: "vi", SubmittedAt: timestamppb.Now(), HasEmail: id != "q-phone", HasPhone: true,
			DueOn: time.Now().AddDate(0, 0, 5).Format(time.DateOnly)}); err != nil {
			t.Fatal(err)
		}
	}
	author, approver := f.login("tacgia"), f.login("duyet")
	const ask = "Xin cho biết loại hình doanh nghiệp."
	if res, _ := author.postForm("/hop-thu/q-ask/hoi-them", url.Values{"message": {ask}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an author asks the visitor: %d, want 403", res.StatusCode)
	}
	if res, _ := approver.postForm("/hop-thu/q-ask/hoi-them", url.Values{"message": {ask}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask: %d", res.StatusCode)
	}
	q, _ := inbox.Inbox{Pool: pool}.Get(ctx, "q-ask")
	if q.Status != "waiting" || q.InfoRequest != ask || !hub.called("info:q-ask:"+ask) {
		t.Errorf("after asking: %s %q, hub %v", q.Status, q.InfoRequest, hub.calls)
	}
	_, doc := author.get("/hop-thu/q-ask")
	if !strings.Contains(text(doc, "#info-request"), ask) {
		t.Errorf("the request is not shown: %q", text(doc, "#info-request"))
	}
	const reply = "Công ty TNHH một thành viên."
	ev := &pb.FeedbackReply{Id: "q-ask", Tenant: "so-du-lich", Reply: reply, N: 1, RepliedAt: timestamppb.Now()}
	for range 2 { // delivered twice: added once
		if _, err := inbox.StoreReply(ctx, pool, ev); err != nil {
			t.Fatal(err)
		}
	}
	q, _ = inbox.Inbox{Pool: pool}.Get(ctx, "q-ask")
	if q.Status != "new" || len(q.Replies) != 1 || q.Replies[0].Text != reply || q.InfoRequest != "" {
		t.Errorf("after the reply: %s, replies %+v, request %q", q.Status, q.Replies, q.InfoRequest)
	}
	_, doc = author.get("/hop-thu/q-ask")
	if !strings.Contains(text(doc, "#replies"), reply) {
		t.Errorf("the reply is not shown: %q", text(doc, "#replies"))
	}

	// A Markdown answer with a file: the hub receives the rendered HTML.
	const md = "Hồ sơ gồm **đơn đề nghị**.\n\n<script>alert(1)</script>"
	pdf := []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	if res, _ := author.postMultipart("/hop-thu/q-ask/du-thao", url.Values{"draft": {md}},
		file{"files", "mau-don.pdf", pdf}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft with a file: %d", res.StatusCode)
	}
	if res, _ := author.postMultipart("/hop-thu/q-ask/du-thao", url.Values{"draft": {md}},
		file{"files", "virus.exe", []byte("MZ\x90\x00")}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a draft with an executable: %d, want 422", res.StatusCode)
	}
	_, doc = author.get("/hop-thu/q-ask")
	if doc.Find("#answer-files li").Length() != 1 {
		t.Errorf("answer files listed: %d, want 1", doc.Find("#answer-files li").Length())
	}
	if res, _ := approver.postForm("/hop-thu/q-ask/duyet", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	if len(hub.answers) != 1 {
		t.Fatalf("hub answers %d", len(hub.answers))
	}
	a := hub.answers[0]
	if a.GetAnswer() != md || !strings.Contains(a.GetAnswerHtml(), "<strong>đơn đề nghị</strong>") || strings.Contains(a.GetAnswerHtml(), "<script") ||
		len(a.GetAttachments()) != 1 || a.GetAttachments()[0].GetFilename() != "mau-don.pdf" || string(a.GetAttachments()[0].GetData()) != string(pdf) {
		t.Errorf("hub received answer %q, HTML %q, %d files", a.GetAnswer(), a.GetAnswerHtml(), len(a.GetAttachments()))
	}

	// Closing with a reason: approvers only, then nothing more to do.
	const reason = "Trùng với câu hỏi đã trả lời."
	if res, _ := author.postForm("/hop-thu/q-close/dong", url.Values{"reason": {reason}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an author closes: %d, want 403", res.StatusCode)
	}
	if res, _ := approver.postForm("/hop-thu/q-close/dong", url.Values{"reason": {reason}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", res.StatusCode)
	}
	_, doc = approver.get("/hop-thu/q-close")
	if !strings.Contains(text(doc, "#closed"), reason) || doc.Find(`form[action$="/du-thao"]`).Length() != 0 || !hub.called("close:q-close:") {
		t.Errorf("a closed question: %q, drafting offered %d", text(doc, "#closed"), doc.Find(`form[action$="/du-thao"]`).Length())
	}

	// A visitor with a phone number only asks the agency to delete their data.
	_, doc = approver.get("/hop-thu/q-phone")
	if doc.Find(`form[action="/hop-thu/q-phone/xoa-du-lieu"]`).Length() != 1 {
		t.Error("no deletion form for a phone-only question")
	}
	if res, _ := approver.postForm("/hop-thu/q-phone/xoa-du-lieu", url.Values{}); res.StatusCode != http.StatusUnprocessableEntity || hub.called("erase:") {
		t.Errorf("deleting without the confirmation: %d", res.StatusCode)
	}
	if res, _ := author.postForm("/hop-thu/q-phone/xoa-du-lieu", url.Values{"confirm": {"1"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an author deletes: %d, want 403", res.StatusCode)
	}
	if res, _ := approver.postForm("/hop-thu/q-phone/xoa-du-lieu", url.Values{"confirm": {"1"}}); res.StatusCode != http.StatusSeeOther || !hub.called("erase:q-phone") {
		t.Errorf("delete: %d, hub %v", res.StatusCode, hub.calls)
	}
	var audited int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'feedback_personal_data_deleted' AND actor = 'duyet'`).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("audit entries %d (%v), want 1", audited, err)
	}
}
