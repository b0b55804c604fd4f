package feedback_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/auth"
	"github.com/portalhub/portalhub/services/internal/feedback"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/ingest"
	"github.com/portalhub/portalhub/services/personaldata"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const province, tourism, commune = "vp-ubnd", "so-du-lich", "xa-ninh-hai"

type fixture struct {
	hub   *hubstore.Store
	keys  *personaldata.Store
	store *feedback.Store
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	hub, err := hubstore.Open(ctx, testenv.Postgres(t, "feedback", hubschema.Migrate))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	for _, id := range []string{province, tourism, commune} {
		if err := hub.AddTenant(ctx, "test", hubstore.Tenant{ID: id, Kind: "department", NameVI: id}); err != nil {
			t.Fatal(err)
		}
	}
	kek := make([]byte, 32)
	rand.Read(kek)
	ring, err := personaldata.NewKeyring(map[string][]byte{"k1": kek}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{hub: hub, keys: personaldata.NewStore(hub.Pool(), ring), now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	f.store = feedback.NewStore(feedback.Config{Pool: hub.Pool(), Keys: f.keys, ProvinceTenant: province,
		SiteURL: "https://khanhhoa.gov.vn", Now: func() time.Time { return f.now }, WorkingDay: weekdays})
	return f
}

func form(requestID string) feedbackrules.Form {
	return feedbackrules.Form{RequestID: requestID, Tenant: tourism, Topic: "procedure",
		Question: "Thủ tục cấp giấy phép kinh doanh lữ hành quốc tế gồm những gì?", Name: "Nguyễn Thị Hoa",
		Email: "hoa@example.vn", Phone: "0905 123 456", Lang: "vi", Consent: true}
}

func TestSubmit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Tenant != tourism || len(r.Code) != feedbackrules.CodeLength || len(r.ID) != 32 {
		t.Fatalf("receipt %+v", r)
	}
	// The same form again is the same submission.
	again, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil || again != r {
		t.Errorf("resubmitted: %+v %v, want %+v", again, err, r)
	}
	pool := f.hub.Pool()
	var n int
	var sealed []byte
	if err := pool.QueryRow(ctx, `SELECT count(*) OVER (), contact FROM feedback`).Scan(&n, &sealed); err != nil || n != 1 {
		t.Fatalf("%d submissions stored (%v), want 1", n, err)
	}
	for _, secret := range []string{"hoa@example.vn", "Nguyễn Thị Hoa", "0905"} {
		if bytes.Contains(sealed, []byte(secret)) {
			t.Errorf("stored contact holds %q in clear", secret)
		}
	}
	// The routing event: on the tenant's inbox subject, without contact details.
	var subject, msgID string
	var payload []byte
	if err := pool.QueryRow(ctx, `SELECT subject, msg_id, payload FROM outbox WHERE subject NOT LIKE 'hub.registry.%'`).Scan(&subject, &msgID, &payload); err != nil {
		t.Fatal(err)
	}
	if want := events.InboxSubject(tourism, "feedback", r.ID); subject != want {
		t.Errorf("event on %s, want %s", subject, want)
	}
	var ev pb.FeedbackEvent
	if err := proto.Unmarshal(payload, &ev); err != nil || ev.GetId() != r.ID || !ev.GetHasEmail() || ev.GetQuestion() == "" {
		t.Errorf("event %v (%v)", &ev, err)
	}
	for _, secret := range []string{"hoa@example.vn", "Hoa", "0905"} {
		if bytes.Contains(payload, []byte(secret)) {
			t.Errorf("event carries %q", secret)
		}
	}
	// The confirmation e-mail, queued with it.
	var to, text string
	if err := pool.QueryRow(ctx, `SELECT recipient, text_body FROM mail_outbox`).Scan(&to, &text); err != nil {
		t.Fatal(err)
	}
	if to != "hoa@example.vn" || !bytes.Contains([]byte(text), []byte(feedbackrules.FormatCode(r.Code))) ||
		!bytes.Contains([]byte(text), []byte("https://khanhhoa.gov.vn/vi/feedback/status?code=")) {
		t.Errorf("confirmation to %q: %q", to, text)
	}

	// The status, by the code as a visitor may type it.
	st, err := f.store.StatusOf(ctx, " "+feedbackrules.FormatCode(r.Code)+" ")
	if err != nil || st.Status != "received" || st.Tenant != tourism {
		t.Errorf("status %+v %v", st, err)
	}
	if _, err := f.store.StatusOf(ctx, feedbackrules.NewCode()); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("status of an unknown code: %v", err)
	}

	// "I don't know" goes to the provincial office.
	dk := form("request-0000000002")
	dk.Tenant = ""
	if r2, err := f.store.Submit(ctx, dk); err != nil || r2.Tenant != province {
		t.Errorf("don't know: %+v %v, want routed to %s", r2, err, province)
	}
	// Invalid forms are refused with their problems, and nothing is stored.
	bad := form("request-0000000003")
	bad.Consent, bad.Email, bad.Phone = false, "", ""
	var inv *feedback.InvalidError
	if _, err := f.store.Submit(ctx, bad); !errors.As(err, &inv) || len(inv.Problems) != 2 {
		t.Errorf("invalid form: %v, want consent and contact problems", err)
	}
	unknown := form("request-0000000004")
	unknown.Tenant = "nobody"
	if _, err := f.store.Submit(ctx, unknown); !errors.As(err, &inv) || inv.Problems[0].Field != "tenant" {
		t.Errorf("unknown tenant: %v", err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM feedback`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d submissions, want 2", n)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_keys`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d data keys, want one per stored submission (2)", n)
	}
}

func TestContactOnlyForItsTenant(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil {
		t.Fatal(err)
	}
	name, email, phone, err := f.store.Contact(ctx, tourism, r.ID)
	if err != nil || name != "Nguyễn Thị Hoa" || email != "hoa@example.vn" || phone != "0905 123 456" {
		t.Errorf("contact for its tenant: %q %q %q %v", name, email, phone, err)
	}
	if _, _, _, err := f.store.Contact(ctx, commune, r.ID); !errors.Is(err, feedback.ErrPermission) {
		t.Errorf("contact for another tenant: %v, want ErrPermission", err)
	}
	// Retention ends: the data key is destroyed, the details are gone.
	if n, err := f.keys.Shred(ctx, f.now.Add(feedback.DefaultRetention+time.Hour)); err != nil || n != 1 {
		t.Fatalf("shred: %d %v", n, err)
	}
	if _, _, _, err := f.store.Contact(ctx, tourism, r.ID); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("contact after retention: %v, want ErrNotFound", err)
	}
}

// TestGRPC runs the FeedbackService in the aggregator's gRPC server, behind
// its authentication: the gateway's credential submits and reads statuses
// and nothing else; a tenant's reads the contact details of its own
// submissions only.
func TestGRPC(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tokens := map[string]string{}
	for _, id := range []string{tourism, commune} {
		_, tok, err := f.hub.IssueCredential(ctx, "test", id, "test")
		if err != nil {
			t.Fatal(err)
		}
		tokens[id] = tok
	}
	const gatewayToken = "gateway-token-for-the-test"
	log := zerolog.New(zerolog.NewTestWriter(t))
	authn := auth.New(f.hub, log, 0).WithService(feedback.Gateway, [][32]byte{sha(gatewayToken)}, feedback.GatewayMethods)
	srv, _ := ingest.NewGRPCServer(ingest.GRPCConfig{Auth: authn, Log: log,
		Ingest:   ingest.NewServer(ingest.Config{Store: f.hub, Log: log, Registerer: prometheus.NewRegistry()}),
		Feedback: feedback.NewServer(f.store, log)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fb, ingestClient := pb.NewFeedbackServiceClient(conn), pb.NewIngestServiceClient(conn)
	as := func(token string) context.Context {
		return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}
	req := &pb.SubmitFeedbackRequest{RequestId: "request-0000000001", Tenant: tourism, Topic: "policy",
		Question: "Chính sách hỗ trợ du lịch cộng đồng năm 2026 ra sao?", Name: "Trần Văn Bình", Email: "binh@example.vn",
		Lang: "vi", Consent: true, ConsentVersion: feedbackrules.ConsentVersion}

	if _, err := fb.SubmitFeedback(as(tokens[tourism]), req); status.Code(err) != codes.PermissionDenied {
		t.Errorf("a tenant submits: %v, want PERMISSION_DENIED", err)
	}
	if _, err := ingestClient.ListCategories(as(gatewayToken), &pb.ListCategoriesRequest{}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("the gateway calls IngestService: %v, want PERMISSION_DENIED", err)
	}
	old := proto.Clone(req).(*pb.SubmitFeedbackRequest)
	old.ConsentVersion = "2020-01"
	if _, err := fb.SubmitFeedback(as(gatewayToken), old); status.Code(err) != codes.InvalidArgument {
		t.Errorf("consent to an old text: %v, want INVALID_ARGUMENT", err)
	}
	resp, err := fb.SubmitFeedback(as(gatewayToken), req)
	if err != nil {
		t.Fatal(err)
	}
	st, err := fb.GetFeedbackStatus(as(gatewayToken), &pb.GetFeedbackStatusRequest{TrackingCode: resp.GetTrackingCode()})
	if err != nil || st.GetStatus() != pb.FeedbackStatus_FEEDBACK_STATUS_RECEIVED {
		t.Errorf("status: %v %v", st, err)
	}
	if _, err := fb.GetFeedbackContact(as(gatewayToken), &pb.GetFeedbackContactRequest{Id: resp.GetId()}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("the gateway reads contact details: %v, want PERMISSION_DENIED", err)
	}
	if _, err := fb.GetFeedbackContact(as(tokens[commune]), &pb.GetFeedbackContactRequest{Id: resp.GetId()}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("another tenant reads contact details: %v, want PERMISSION_DENIED", err)
	}
	c, err := fb.GetFeedbackContact(as(tokens[tourism]), &pb.GetFeedbackContactRequest{Id: resp.GetId()})
	if err != nil || c.GetEmail() != "binh@example.vn" || c.GetName() != "Trần Văn Bình" {
		t.Errorf("its tenant reads contact details: %v %v", c, err)
	}

	// Asking for more information, the visitor's reply, deleting at the
	// agency's request: each by its own caller only.
	ask := &pb.RequestFeedbackInfoRequest{Id: resp.GetId(), Message: "Xin cho biết địa chỉ homestay."}
	if _, err := fb.RequestFeedbackInfo(as(gatewayToken), ask); status.Code(err) != codes.PermissionDenied {
		t.Errorf("the gateway asks for information: %v, want PERMISSION_DENIED", err)
	}
	if _, err := fb.RequestFeedbackInfo(as(tokens[tourism]), ask); err != nil {
		t.Fatal(err)
	}
	reply := &pb.ReplyFeedbackRequest{TrackingCode: resp.GetTrackingCode(), Reply: "Homestay ở Ninh Hải."}
	if _, err := fb.ReplyFeedback(as(tokens[tourism]), reply); status.Code(err) != codes.PermissionDenied {
		t.Errorf("a tenant replies for the visitor: %v, want PERMISSION_DENIED", err)
	}
	if _, err := fb.ReplyFeedback(as(gatewayToken), reply); err != nil {
		t.Fatal(err)
	}
	if _, err := fb.ReplyFeedback(as(gatewayToken), reply); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("a reply nobody asked for: %v, want FAILED_PRECONDITION", err)
	}
	if _, err := fb.EraseFeedback(as(tokens[commune]), &pb.EraseFeedbackRequest{Id: resp.GetId()}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("another tenant deletes: %v, want PERMISSION_DENIED", err)
	}
	if _, err := fb.EraseFeedback(as(tokens[tourism]), &pb.EraseFeedbackRequest{Id: resp.GetId()}); err != nil {
		t.Fatal(err)
	}
	if st, err := fb.GetFeedbackStatus(as(gatewayToken), &pb.GetFeedbackStatusRequest{TrackingCode: resp.GetTrackingCode()}); err != nil ||
		st.GetErasedAt() == nil {
		t.Errorf("status after the agency deleted: %v %v", st, err)
	}
}

func sha(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// weekdays is a calendar of Mondays to Fridays.
func weekdays(d time.Time) (bool, error) {
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday, nil
}

func TestAnswer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil {
		t.Fatal(err)
	}
	pool := f.hub.Pool()
	// Received on Monday 30 November: 15 working days later is 21 December.
	var due time.Time
	var payload []byte
	if err := pool.QueryRow(ctx, `SELECT f.due_on, o.payload FROM feedback f JOIN outbox o ON o.msg_id = 'feedback/' || f.id || '/submitted'`).Scan(&due, &payload); err != nil {
		t.Fatal(err)
	}
	var ev pb.FeedbackEvent
	if err := proto.Unmarshal(payload, &ev); err != nil {
		t.Fatal(err)
	}
	if got := due.Format(time.DateOnly); got != "2026-12-21" || ev.GetDueOn() != got {
		t.Errorf("due %s, event's %q; want 2026-12-21 in both", got, ev.GetDueOn())
	}

	const answer = "Hồ sơ gồm đơn đề nghị và giấy tờ chứng minh.\n\nNộp tại Sở Du lịch."
	if _, err := f.store.Answer(ctx, commune, r.ID, feedback.Reply{Text: answer, ApprovedBy: "duyet"}); !errors.Is(err, feedback.ErrPermission) {
		t.Errorf("another tenant answers: %v, want ErrPermission", err)
	}
	var inv *feedback.InvalidError
	if _, err := f.store.Answer(ctx, tourism, r.ID, feedback.Reply{Text: "  ", ApprovedBy: "duyet"}); !errors.As(err, &inv) {
		t.Errorf("an empty answer: %v, want refused", err)
	}
	if changed, err := f.store.Answer(ctx, tourism, r.ID, feedback.Reply{Text: answer, ApprovedBy: "duyet"}); err != nil || !changed {
		t.Fatalf("answer: %v %v", changed, err)
	}
	if changed, err := f.store.Answer(ctx, tourism, r.ID, feedback.Reply{Text: answer, ApprovedBy: "duyet"}); err != nil || changed {
		t.Errorf("the same answer again: changed %v, %v; want nothing", changed, err)
	}
	st, err := f.store.StatusOf(ctx, r.Code)
	if err != nil || st.Status != "answered" || st.Answer != answer {
		t.Errorf("status after the answer: %+v %v", st, err)
	}
	var mails int
	var to string
	if err := pool.QueryRow(ctx, `SELECT count(*), min(recipient) FROM mail_outbox WHERE purpose = 'feedback.answered'`).Scan(&mails, &to); err != nil ||
		mails != 1 || to != "hoa@example.vn" {
		t.Errorf("%d answered e-mails to %q (%v), want one to the visitor", mails, to, err)
	}
}

func TestForward(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dk := form("request-0000000001")
	dk.Tenant = "" // "I don't know": the provincial office forwards it
	r, err := f.store.Submit(ctx, dk)
	if err != nil || r.Tenant != province {
		t.Fatalf("%+v %v", r, err)
	}
	var inv *feedback.InvalidError
	if err := f.store.Forward(ctx, province, r.ID, tourism, " "); !errors.As(err, &inv) {
		t.Errorf("forward without a reason: %v", err)
	}
	if err := f.store.Forward(ctx, province, r.ID, "nobody", "Thuộc thẩm quyền của Sở Du lịch"); !errors.As(err, &inv) {
		t.Errorf("forward to an unknown tenant: %v", err)
	}
	if err := f.store.Forward(ctx, tourism, r.ID, commune, "x"); !errors.Is(err, feedback.ErrPermission) {
		t.Errorf("forward by a tenant it is not routed to: %v", err)
	}
	const reason = "Thuộc thẩm quyền của Sở Du lịch"
	if err := f.store.Forward(ctx, province, r.ID, tourism, reason); err != nil {
		t.Fatal(err)
	}
	st, err := f.store.StatusOf(ctx, r.Code)
	if err != nil || st.Status != "forwarded" || st.Tenant != tourism || st.ForwardReason != reason {
		t.Errorf("status after forwarding: %+v %v", st, err)
	}
	// The new tenant has it: its event, its contact details; the first no longer.
	var payload []byte
	if err := f.hub.Pool().QueryRow(ctx, `SELECT payload FROM outbox WHERE subject = $1 AND msg_id = $2`,
		events.InboxSubject(tourism, "feedback", r.ID), "feedback/"+r.ID+"/forward/1").Scan(&payload); err != nil {
		t.Fatalf("no routing event to the new tenant: %v", err)
	}
	var ev pb.FeedbackEvent
	if err := proto.Unmarshal(payload, &ev); err != nil || ev.GetTenant() != tourism || ev.GetQuestion() == "" || ev.GetDueOn() == "" {
		t.Errorf("forwarded event %v %v", &ev, err)
	}
	if _, _, _, err := f.store.Contact(ctx, tourism, r.ID); err != nil {
		t.Errorf("the new tenant reads the contact details: %v", err)
	}
	if _, _, _, err := f.store.Contact(ctx, province, r.ID); !errors.Is(err, feedback.ErrPermission) {
		t.Errorf("the first tenant reads them still: %v", err)
	}
	if _, err := f.store.Answer(ctx, tourism, r.ID, feedback.Reply{Text: "Trả lời.", ApprovedBy: "duyet"}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Forward(ctx, tourism, r.ID, commune, "x"); !errors.Is(err, feedback.ErrAnswered) {
		t.Errorf("forwarding an answered question: %v", err)
	}
}
