package feedback_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/internal/feedback"
)

// TestAskForInformationAndReply: the agency asks the visitor for more
// information (status in progress, the request on the status page, an
// e-mail); the visitor's reply with the tracking code goes to the agency's
// inbox once; a reply nobody asked for is refused; another tenant cannot ask.
func TestAskForInformationAndReply(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pool := f.hub.Pool()
	r, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.ReplyTo(ctx, r.Code, "Tôi bổ sung thông tin."); !errors.Is(err, feedback.ErrNoRequest) {
		t.Errorf("a reply nobody asked for: %v, want ErrNoRequest", err)
	}
	const ask = "Xin cho biết loại hình doanh nghiệp của bạn."
	if err := f.store.RequestInfo(ctx, commune, r.ID, ask); !errors.Is(err, feedback.ErrPermission) {
		t.Errorf("another tenant asks: %v", err)
	}
	if err := f.store.RequestInfo(ctx, tourism, r.ID, ask); err != nil {
		t.Fatal(err)
	}
	st, err := f.store.StatusOf(ctx, r.Code)
	if err != nil || st.Status != "in_progress" || st.InfoRequest != ask {
		t.Errorf("status after the request: %+v %v", st, err)
	}
	var mails int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE purpose = 'feedback.info_requested' AND recipient = 'hoa@example.vn'
		AND strpos(text_body, $1) > 0`, feedbackrules.FormatCode(r.Code)).Scan(&mails); err != nil || mails != 1 {
		t.Errorf("%d request e-mails (%v), want 1 naming the code", mails, err)
	}
	const reply = "Công ty TNHH một thành viên, vốn 2 tỷ đồng."
	if err := f.store.ReplyTo(ctx, strings.ToLower(feedbackrules.FormatCode(r.Code)), reply); err != nil {
		t.Fatal(err)
	}
	if err := f.store.ReplyTo(ctx, r.Code, reply); !errors.Is(err, feedback.ErrNoRequest) {
		t.Errorf("a second reply to one request: %v, want ErrNoRequest", err)
	}
	var payload []byte
	if err := pool.QueryRow(ctx, `SELECT payload FROM outbox WHERE subject = $1 AND msg_id = $2`,
		events.InboxSubject(tourism, "reply", r.ID), "feedback/"+r.ID+"/reply/1").Scan(&payload); err != nil {
		t.Fatalf("no reply event on the tenant's inbox: %v", err)
	}
	var ev pb.FeedbackReply
	if err := proto.Unmarshal(payload, &ev); err != nil || ev.GetReply() != reply || ev.GetTenant() != tourism || ev.GetN() != 1 {
		t.Errorf("reply event %v %v", &ev, err)
	}
	if st, _ := f.store.StatusOf(ctx, r.Code); st.InfoRequest != "" {
		t.Errorf("the request still waits after the reply: %+v", st)
	}
	// Deleting the personal data deletes the replies too.
	if _, err := f.store.Erase(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM feedback_replies`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d replies left after the erasure (%v)", left, err)
	}
	// Nobody is left to ask: a request would wait for ever.
	if err := f.store.RequestInfo(ctx, tourism, r.ID, "Thêm?"); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("a request after the erasure: %v, want ErrNotFound", err)
	}
}

// TestCloseWithReason: a closed question shows its reason and takes no
// answer, forward or request afterwards.
func TestCloseWithReason(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil {
		t.Fatal(err)
	}
	var inv *feedback.InvalidError
	if err := f.store.Close(ctx, tourism, r.ID, " "); !errors.As(err, &inv) {
		t.Errorf("closing without a reason: %v", err)
	}
	if err := f.store.Close(ctx, commune, r.ID, "Trùng lặp"); !errors.Is(err, feedback.ErrPermission) {
		t.Errorf("another tenant closes: %v", err)
	}
	const reason = "Trùng với câu hỏi đã trả lời ngày 20/11."
	if err := f.store.Close(ctx, tourism, r.ID, reason); err != nil {
		t.Fatal(err)
	}
	st, err := f.store.StatusOf(ctx, r.Code)
	if err != nil || st.Status != "closed" || st.CloseReason != reason {
		t.Errorf("status after closing: %+v %v", st, err)
	}
	if _, err := f.store.Answer(ctx, tourism, r.ID, feedback.Reply{Text: "Trả lời.", ApprovedBy: "duyet"}); !errors.Is(err, feedback.ErrAnswered) {
		t.Errorf("answering a closed question: %v, want ErrAnswered", err)
	}
	if err := f.store.RequestInfo(ctx, tourism, r.ID, "Thêm?"); !errors.Is(err, feedback.ErrAnswered) {
		t.Errorf("asking on a closed question: %v", err)
	}
}

// TestMarkdownAnswerWithFiles: the answer's HTML is sanitised again at the
// hub, its files are listed on the status and read with the tracking code
// only; a file that is no image or PDF is refused.
func TestMarkdownAnswerWithFiles(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil {
		t.Fatal(err)
	}
	pdf := pdfFile
	var inv *feedback.InvalidError
	if _, err := f.store.Answer(ctx, tourism, r.ID, feedback.Reply{Text: "x", ApprovedBy: "duyet",
		Files: []feedbackrules.File{{Name: "a.exe", Data: []byte("MZ\x90\x00")}}}); !errors.As(err, &inv) {
		t.Errorf("an answer with an executable: %v, want refused", err)
	}
	if _, err := f.store.Answer(ctx, tourism, r.ID, feedback.Reply{Text: "x", HTML: strings.Repeat("<p>x</p>", 30000), ApprovedBy: "duyet"}); !errors.As(err, &inv) {
		t.Errorf("an answer of 240,000 bytes of HTML: %v, want refused", err)
	}
	a := feedback.Reply{Text: "**Hồ sơ** gồm đơn.", HTML: `<p><strong>Hồ sơ</strong> gồm đơn.</p><script>alert(1)</script><a href="javascript:x()">x</a>`,
		ApprovedBy: "duyet", Files: []feedbackrules.File{{Name: `C:\tài liệu\mẫu đơn.pdf`, Data: pdf}}}
	if _, err := f.store.Answer(ctx, tourism, r.ID, a); err != nil {
		t.Fatal(err)
	}
	st, err := f.store.StatusOf(ctx, r.Code)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.AnswerHTML, "<strong>Hồ sơ</strong>") || strings.Contains(st.AnswerHTML, "script") ||
		strings.Contains(st.AnswerHTML, "javascript") || st.Answer != a.Text {
		t.Errorf("answer %q, HTML %q", st.Answer, st.AnswerHTML)
	}
	if len(st.AnswerFiles) != 1 || st.AnswerFiles[0].MediaType != contentrules.MediaPDF || st.AnswerFiles[0].Size != int64(len(pdf)) {
		t.Fatalf("answer files %+v", st.AnswerFiles)
	}
	got, mt, err := f.store.AnswerFile(ctx, r.Code, 0)
	if err != nil || mt != contentrules.MediaPDF || string(got.Data) != string(pdf) || got.Name != "mẫu đơn.pdf" {
		t.Errorf("answer file %q %s %d bytes %v", got.Name, mt, len(got.Data), err)
	}
	if _, _, err := f.store.AnswerFile(ctx, "AAAA-AAAA-AAAA", 0); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("a file by a wrong code: %v", err)
	}

	// The same text again with the files changed is a new answer: the
	// visitor sees the files of the last approved one.
	a.Files = nil
	if changed, err := f.store.Answer(ctx, tourism, r.ID, a); err != nil || !changed {
		t.Errorf("the same text without its file: changed %v, %v; want a change", changed, err)
	}
	if st, err := f.store.StatusOf(ctx, r.Code); err != nil || len(st.AnswerFiles) != 0 {
		t.Errorf("answer files after the file was dropped: %+v, %v", st.AnswerFiles, err)
	}
	a.HTML = `<p><em>Hồ sơ</em> gồm đơn.</p>`
	if changed, err := f.store.Answer(ctx, tourism, r.ID, a); err != nil || !changed {
		t.Errorf("the same text with new HTML: changed %v, %v; want a change", changed, err)
	}
	if st, err := f.store.StatusOf(ctx, r.Code); err != nil || !strings.Contains(st.AnswerHTML, "<em>") {
		t.Errorf("answer HTML after a new rendering: %q, %v", st.AnswerHTML, err)
	}
	if changed, err := f.store.Answer(ctx, tourism, r.ID, a); err != nil || changed {
		t.Errorf("the very same answer again: changed %v, %v; want none", changed, err)
	}
}

// TestPublishedStatus: the status becomes published while the Q&A item
// made from the answer is published at the hub, and answered again once it
// is taken down; only the tenant's own answered question is linked.
func TestPublishedStatus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil {
		t.Fatal(err)
	}
	var inv *feedback.InvalidError
	if err := f.store.LinkQA(ctx, tourism, r.ID, "hoi-dap-1"); !errors.As(err, &inv) {
		t.Errorf("linking an unanswered question: %v", err)
	}
	if _, err := f.store.Answer(ctx, tourism, r.ID, feedback.Reply{Text: "Trả lời.", ApprovedBy: "duyet"}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.LinkQA(ctx, commune, r.ID, "hoi-dap-1"); !errors.Is(err, feedback.ErrPermission) {
		t.Errorf("another tenant links: %v", err)
	}
	if err := f.store.LinkQA(ctx, tourism, r.ID, "hoi-dap-1"); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.store.StatusOf(ctx, r.Code); st.Status != "answered" || st.QA != "" {
		t.Errorf("before the item is at the hub: %+v", st)
	}
	p, err := contentrules.Prepare(&pb.ContentItem{ContentId: "hoi-dap-1", Version: 1, Kind: pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER,
		Category: "feedback", State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED, PublishedAt: timestamppb.New(f.now),
		Authors: []*pb.Person{{Name: "Lê Thị Hoa"}}, Approver: &pb.Person{Name: "Nguyễn Văn An"},
		Translations: []*pb.Translation{{Locale: "vi", Title: "Hỏi đáp về giấy phép lữ hành", Slug: "hoi-dap-1", BodyHtml: "<p>Trả lời.</p>"}},
		Details: &pb.ContentItem_QuestionAnswer{QuestionAnswer: &pb.QuestionAnswer{Question: "Thủ tục cấp giấy phép lữ hành?",
			AskedOn: "2026-11-30", AnsweredOn: "2026-11-30"}},
	}, f.hub.Categories())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.hub.Apply(ctx, tourism, p); err != nil {
		t.Fatal(err)
	}
	st, err := f.store.StatusOf(ctx, r.Code)
	if err != nil || st.Status != "published" || st.QA != "hoi-dap-1" {
		t.Errorf("with the item published: %+v %v", st, err)
	}
	if _, err := f.hub.Pool().Exec(ctx, `UPDATE items SET taken_down_at = $1, takedown_reason = 'x' WHERE content_id = 'hoi-dap-1'`,
		f.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.store.StatusOf(ctx, r.Code); st.Status != "answered" || st.QA != "" {
		t.Errorf("after a takedown: %+v", st)
	}
}

// TestForwardedCommentKeepsItsDraft: a comment forwarded to another
// tenant carries its draft (id and tenant) on the new tenant's event.
func TestForwardedCommentKeepsItsDraft(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.publishDraft(t, tourism, "du-thao-quy-che", "2026-11-01", "2026-12-31")
	r, err := f.store.Submit(ctx, comment("request-0000000001", tourism, "du-thao-quy-che"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.Forward(ctx, tourism, r.ID, commune, "Thuộc phạm vi của xã"); err != nil {
		t.Fatal(err)
	}
	var payload []byte
	if err := f.hub.Pool().QueryRow(ctx, `SELECT payload FROM outbox WHERE msg_id = $1`, "feedback/"+r.ID+"/forward/1").Scan(&payload); err != nil {
		t.Fatal(err)
	}
	var ev pb.FeedbackEvent
	if err := proto.Unmarshal(payload, &ev); err != nil || ev.GetConsultationId() != "du-thao-quy-che" || ev.GetConsultationTenant() != tourism {
		t.Errorf("forwarded comment's event %v %v, want its draft %s/du-thao-quy-che", &ev, err, tourism)
	}
}

// TestOverdueForOps: the ops list holds the unanswered questions past
// their due day, and not the answered or not yet due.
func TestOverdueForOps(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	late, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil {
		t.Fatal(err)
	}
	done, err := f.store.Submit(ctx, form("request-0000000002"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Answer(ctx, tourism, done.ID, feedback.Reply{Text: "Trả lời.", ApprovedBy: "duyet"}); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.AddDate(0, 0, 7)
	if _, err := f.store.Submit(ctx, form("request-0000000003")); err != nil {
		t.Fatal(err)
	}
	// Due 21 December: not overdue that day, overdue the next.
	for day, want := range map[string]int{"2026-12-21": 0, "2026-12-22": 1} {
		d, _ := time.Parse(time.DateOnly, day)
		list, err := feedback.OverdueAt(ctx, f.hub.Pool(), d.Add(3*time.Hour), 100)
		if err != nil || len(list) != want || want == 1 && (list[0].ID != late.ID || list[0].Tenant != tourism) {
			t.Errorf("overdue on %s: %+v %v, want %d", day, list, err, want)
		}
	}
}

// TestForwardDropsTheInfoRequest: a question forwarded while the first
// agency waits for the visitor no longer shows that agency's request, and a
// reply to it is refused rather than sent to an agency that never asked.
func TestForwardDropsTheInfoRequest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.RequestInfo(ctx, tourism, r.ID, "Xin cho biết địa chỉ."); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Forward(ctx, tourism, r.ID, commune, "Thuộc phạm vi của xã"); err != nil {
		t.Fatal(err)
	}
	if st, err := f.store.StatusOf(ctx, r.Code); err != nil || st.InfoRequest != "" {
		t.Errorf("after the forward the status shows the request %q (%v)", st.InfoRequest, err)
	}
	if err := f.store.ReplyTo(ctx, r.Code, "Số 1 Trần Phú."); !errors.Is(err, feedback.ErrNoRequest) {
		t.Errorf("a reply after the forward: %v, want ErrNoRequest", err)
	}
}
