package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
)

// fakeFeedbackHub is the hub's FeedbackService as the back office sees it.
type fakeFeedbackHub struct {
	mu       sync.Mutex
	down     bool
	answers  []*pb.AnswerFeedbackRequest
	forwards []*pb.ForwardFeedbackRequest
	calls    []string
	// contacts are the contact details by submission id; any other has
	// Nguyễn Thị Hoa's.
	contacts map[string]*pb.GetFeedbackContactResponse
}

func (h *fakeFeedbackHub) AnswerFeedback(_ context.Context, in *pb.AnswerFeedbackRequest, _ ...grpc.CallOption) (*pb.AnswerFeedbackResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		return nil, status.Error(codes.Unavailable, "hub down")
	}
	h.answers = append(h.answers, in)
	return &pb.AnswerFeedbackResponse{Changed: true}, nil
}

func (h *fakeFeedbackHub) ForwardFeedback(_ context.Context, in *pb.ForwardFeedbackRequest, _ ...grpc.CallOption) (*pb.ForwardFeedbackResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if in.GetToTenant() != "so-khcn" || in.GetReason() == "" {
		return nil, status.Error(codes.InvalidArgument, "bad tenant or no reason")
	}
	h.forwards = append(h.forwards, in)
	return &pb.ForwardFeedbackResponse{}, nil
}

func (h *fakeFeedbackHub) GetFeedbackContact(_ context.Context, in *pb.GetFeedbackContactRequest, _ ...grpc.CallOption) (*pb.GetFeedbackContactResponse, error) {
	if in.GetId() == "q-shredded" {
		return nil, status.Error(codes.NotFound, "deleted")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if c, ok := h.contacts[in.GetId()]; ok {
		return c, nil
	}
	return &pb.GetFeedbackContactResponse{Name: "Nguyễn Thị Hoa", Email: "hoa@example.vn"}, nil
}

func TestInbox(t *testing.T) {
	hub := &fakeFeedbackHub{}
	f := newFixture(t, func(c *Config) { c.Feedback = hub })
	ctx := context.Background()
	day := func(offset int) string { return time.Now().AddDate(0, 0, offset).Format(time.DateOnly) }
	for _, q := range []struct{ id, due string }{{"q-new", day(10)}, {"q-late", day(-3)}, {"q-shredded", day(5)}} {
		if _, err := inbox.Store(ctx, f.store.Pool(), &pb.FeedbackEvent{Id: q.id, Tenant: "so-du-lich", Topic: "procedure",
			Question: "Xin hỏi thủ tục " + q.id, Lang: "vi", SubmittedAt: timestamppb.Now(), HasEmail: true, DueOn: q.due}); err != nil {
			t.Fatal(err)
		}
	}
	author := f.login("tacgia")
	res, doc := author.get("/hop-thu")
	if res.StatusCode != http.StatusOK || doc.Find("tbody tr").Length() != 3 {
		t.Fatalf("inbox: %d, %d rows, want the 3 questions", res.StatusCode, doc.Find("tbody tr").Length())
	}
	if got := text(doc, `a[href="/hop-thu?loc=overdue"]`); got != "Quá hạn (1)" {
		t.Errorf("overdue filter %q, want one question", got)
	}
	_, doc = author.get("/hop-thu?loc=overdue")
	if doc.Find("tbody tr").Length() != 1 || !strings.Contains(text(doc, "tbody tr"), "q-late") {
		t.Errorf("overdue list: %q", text(doc, "tbody"))
	}
	if res, _ := author.get("/hop-thu?loc=bad"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown filter: %d, want 400", res.StatusCode)
	}

	// Contact details on demand, never on the page by default.
	_, doc = author.get("/hop-thu/q-late")
	if strings.Contains(doc.Text(), "hoa@example.vn") {
		t.Error("contact details shown without being asked for")
	}
	_, doc = author.get("/hop-thu/q-late?lien-he=1")
	if !strings.Contains(text(doc, "section"), "hoa@example.vn") {
		t.Errorf("contact details not shown: %q", text(doc, "section"))
	}
	_, doc = author.get("/hop-thu/q-shredded?lien-he=1")
	if !strings.Contains(doc.Text(), "đã bị xóa") {
		t.Error("deleted contact details not said")
	}

	// Take, draft; an author may not approve; the approver approves and
	// the answer goes to the hub.
	if res, _ := author.postForm("/hop-thu/q-late/nhan", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("take: %d", res.StatusCode)
	}
	const answer = "Hồ sơ gồm đơn đề nghị và bản sao giấy phép."
	if res, _ := author.postForm("/hop-thu/q-late/du-thao", url.Values{"draft": {answer}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d", res.StatusCode)
	}
	if res, _ := author.postForm("/hop-thu/q-late/duyet", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an author approves: %d, want 403", res.StatusCode)
	}
	approver := f.login("duyet")
	hub.down = true
	if res, _ := approver.postForm("/hop-thu/q-late/duyet", url.Values{}); res.StatusCode != http.StatusBadGateway {
		t.Errorf("approve while the hub is down: %d, want 502", res.StatusCode)
	}
	q, _ := inbox.Inbox{Pool: f.store.Pool()}.Get(ctx, "q-late")
	if q.Status != "drafted" || q.SendError == "" {
		t.Errorf("after the hub refused: %s, error %q; want still drafted with the error", q.Status, q.SendError)
	}
	hub.down = false
	if res, _ := approver.postForm("/hop-thu/q-late/duyet", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	if len(hub.answers) != 1 || hub.answers[0].GetAnswer() != answer || hub.answers[0].GetApprovedBy() != "duyet" || hub.answers[0].GetId() != "q-late" {
		t.Errorf("hub received %v, want the draft approved by duyet", hub.answers)
	}
	_, doc = approver.get("/hop-thu?loc=answered")
	if doc.Find("tbody tr").Length() != 1 {
		t.Error("the answered question is not under answered")
	}
	if got := text(doc, `a[href="/hop-thu?loc=overdue"]`); got != "Quá hạn (0)" {
		t.Errorf("overdue after the answer: %q", got)
	}
	if res, _ := approver.postForm("/hop-thu/q-late/du-thao", url.Values{"draft": {"khác"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("drafting an answered question: %d, want 409", res.StatusCode)
	}

	// Forwarding: approvers only, through the hub, which may refuse.
	if res, _ := author.postForm("/hop-thu/q-new/chuyen", url.Values{"to_tenant": {"so-khcn"}, "reason": {"Thuộc lĩnh vực khoa học"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("an author forwards: %d, want 403", res.StatusCode)
	}
	if res, _ := approver.postForm("/hop-thu/q-new/chuyen", url.Values{"to_tenant": {"nowhere"}, "reason": {"x"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("forward refused by the hub: %d, want 422", res.StatusCode)
	}
	if res, _ := approver.postForm("/hop-thu/q-new/chuyen", url.Values{"to_tenant": {"so-khcn"}, "reason": {"Thuộc lĩnh vực khoa học"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("forward: %d", res.StatusCode)
	}
	q, _ = inbox.Inbox{Pool: f.store.Pool()}.Get(ctx, "q-new")
	if q.Status != "forwarded" || q.ForwardedTo != "so-khcn" || len(hub.forwards) != 1 {
		t.Errorf("after forwarding: %s to %q, hub saw %d", q.Status, q.ForwardedTo, len(hub.forwards))
	}
	_, doc = approver.get("/hop-thu/q-new")
	if !strings.Contains(text(doc, ".notice"), "so-khcn") || doc.Find(`form[action$="/du-thao"]`).Length() != 0 {
		t.Error("a forwarded question still offers drafting, or does not say where it went")
	}
}

// TestInboxErasedQuestion: once the visitor deleted their personal data
// (issue 9 point 6), the question's page and the list say so and show no
// text, and the question can no longer be published.
func TestInboxErasedQuestion(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Feedback = &fakeFeedbackHub{} })
	ctx := context.Background()
	if _, err := inbox.Store(ctx, f.store.Pool(), &pb.FeedbackEvent{Id: "q-gone", Tenant: "so-du-lich", Topic: "procedure",
		Question: "Tôi là Nguyễn Văn An, xin hỏi thủ tục", Lang: "vi", SubmittedAt: timestamppb.Now(), HasEmail: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Pool().Exec(ctx, `UPDATE feedback_inbox SET status = 'answered', draft = 'Trả lời', answered_at = now() WHERE id = 'q-gone'`); err != nil {
		t.Fatal(err)
	}
	if _, err := inbox.StoreErasure(ctx, f.store.Pool(), &pb.FeedbackErasure{Id: "q-gone", Tenant: "so-du-lich", ErasedAt: timestamppb.Now()}); err != nil {
		t.Fatal(err)
	}
	author := f.login("tacgia")
	_, doc := author.get("/hop-thu/q-gone")
	if doc.Find("#erased").Length() != 1 || strings.Contains(doc.Text(), "Nguyễn Văn An") || doc.Find("textarea#qa-question").Length() != 0 {
		t.Errorf("an erased question's page: notice %d, publish form %d", doc.Find("#erased").Length(), doc.Find("textarea#qa-question").Length())
	}
	if res, _ := author.postForm("/hop-thu/q-gone/cong-khai", url.Values{"question": {"Xin hỏi thủ tục"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("publishing an erased question: %d, want 409", res.StatusCode)
	}
	_, doc = author.get("/hop-thu")
	if !strings.Contains(text(doc, "tbody"), "đã bị xóa") {
		t.Errorf("the list shows %q for an erased question", text(doc, "tbody"))
	}
}
